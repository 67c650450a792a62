/* The libusertoken side: ut_issue from N threads sharing one client (as the header
 * recommends), and ut_issue_async with a fixed number of requests kept in flight. */
#include "modes.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usertoken.h"

static const ut_client *s_client;
static const bench_opts *s_opts;

/* The strings go into the JSON as given: none of the bench's needs escaping. */
static ut_client *make_client(const bench_opts *o) {
    char config[4096], ca_file[1100] = "";
    if (o->ca_file) snprintf(ca_file, sizeof ca_file, ",\"ca_file\":\"%s\"", o->ca_file);
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"api_key\":\"%s\",\"user_agent\":\"%s\"%s%s%s}", o->base_url,
             o->api_key, o->user_agent, ca_file, o->ut_extra[0] ? "," : "", o->ut_extra);
    ut_client *client = NULL;
    char *error = NULL;
    if (ut_client_new(config, &client, &error) != UT_OK) {
        fprintf(stderr, "bench: ut_client_new: %s\n", error ? error : "?");
        ut_free_string(error);
        return NULL;
    }
    return client;
}

static void *sync_worker(void *arg) {
    int id = (int)(intptr_t)arg;
    const bench_opts *o = s_opts;
    while (!atomic_load_explicit(&g_bench.stopping, memory_order_relaxed)) {
        char *json = NULL;
        uint64_t t0 = now_ns();
        ut_result r = ut_issue(s_client, o->version, o->site_id, o->username, o->password, &json);
        uint64_t t1 = now_ns();
        /* UT_OK already means HTTP 2xx and a JSON object with a string AccessToken. */
        if (r != UT_OK) fprintf(stderr, "bench: ut_issue: %s\n", json ? json : "?");
        ut_free_string(json);
        bench_complete(id, r == UT_OK, t1 - t0);
    }
    return NULL;
}

int mode_ut_sync(const bench_opts *o) {
    ut_client *client = make_client(o);
    if (!client || bench_init(o->threads)) return 2;
    s_client = client;
    s_opts = o;
    pthread_t *tids = calloc((size_t)o->threads, sizeof *tids);
    for (int i = 0; i < o->threads; i++)
        pthread_create(&tids[i], NULL, sync_worker, (void *)(intptr_t)i);
    bench_run_window(o);
    for (int i = 0; i < o->threads; i++) pthread_join(tids[i], NULL);
    int rc = bench_report(o);
    ut_client_free(client);
    free(tids);
    return rc;
}

/* Async: each completion immediately submits the next request from inside the callback,
 * so exactly `inflight` requests are outstanding until the window closes. */
typedef struct {
    uint64_t t0;
} slot;

static atomic_int s_outstanding;
static sem_t s_drained;

static void on_issue(void *user_data, ut_result result, const char *json);

static void submit(slot *s) {
    const bench_opts *o = s_opts;
    s->t0 = now_ns();
    if (ut_issue_async(s_client, o->version, o->site_id, o->username, o->password, on_issue, s,
                       NULL) != UT_OK) {
        bench_complete(0, 0, 0);
        if (atomic_fetch_sub(&s_outstanding, 1) == 1) sem_post(&s_drained);
    }
}

static void on_issue(void *user_data, ut_result result, const char *json) {
    slot *s = user_data;
    if (result != UT_OK) fprintf(stderr, "bench: ut_issue_async: %s\n", json ? json : "?");
    bench_complete(0, result == UT_OK, now_ns() - s->t0);
    if (!atomic_load_explicit(&g_bench.stopping, memory_order_relaxed)) submit(s);
    else if (atomic_fetch_sub(&s_outstanding, 1) == 1) sem_post(&s_drained);
}

int mode_ut_async(const bench_opts *o) {
    ut_client *client = make_client(o);
    if (!client || bench_init(1)) return 2;
    s_client = client;
    s_opts = o;
    sem_init(&s_drained, 0, 0);
    slot *slots = calloc((size_t)o->inflight, sizeof *slots);
    atomic_store(&s_outstanding, o->inflight);
    for (int i = 0; i < o->inflight; i++) submit(&slots[i]);
    bench_run_window(o);
    while (sem_wait(&s_drained) != 0) {}
    int rc = bench_report(o);
    ut_client_free(client);
    free(slots);
    return rc;
}

/* The session's fast path: ut_session_token on a token far from its renewal (the client's
 * default session_renew_margin_s against the emulator's 24 h tokens), from N threads sharing
 * one session, each call freeing its string. Such a call sends nothing, so it lasts about as
 * long as two clock reads and a shared counter would: calls are counted in batches, no
 * latency is recorded, and the figure is the window's calls per second. The client's own
 * counts, taken once the session exists and again after the run, show that nothing was sent
 * meanwhile; a run that sent anything is a failure, since it did not measure the fast path. */
#define SESSION_BATCH 256

static ut_session *s_session;

static void *session_worker(void *arg) {
    (void)arg;
    int reported = 0;
    while (!atomic_load_explicit(&g_bench.stopping, memory_order_relaxed)) {
        uint64_t failed = 0;
        for (int i = 0; i < SESSION_BATCH; i++) {
            char *token = NULL;
            ut_result r = ut_session_token(s_session, &token);
            if (r != UT_OK) {
                if (!reported++) fprintf(stderr, "bench: ut_session_token: %s\n", token ? token : "?");
                failed++;
            }
            ut_free_string(token);
        }
        bench_complete_batch(SESSION_BATCH, failed);
    }
    return NULL;
}

/* issue, renew and revoke requests so far, from ut_client_stats (`"requests":N` is the
 * second member of each call's object). */
static int client_requests(const ut_client *client, long out[3]) {
    static const char *const calls[3] = {"\"issue\":", "\"renew\":", "\"revoke\":"};
    char *json = NULL;
    int rc = ut_client_stats(client, &json) == UT_OK ? 0 : -1;
    for (int i = 0; i < 3 && rc == 0; i++) {
        const char *at = json ? strstr(json, calls[i]) : NULL;
        at = at ? strstr(at, "\"requests\":") : NULL;
        if (!at || sscanf(at, "\"requests\":%ld", &out[i]) != 1) rc = -1;
    }
    if (rc) fprintf(stderr, "bench: ut_client_stats: %s\n", json ? json : "?");
    ut_free_string(json);
    return rc;
}

int mode_ut_session(const bench_opts *o) {
    ut_client *client = make_client(o);
    if (!client || bench_init(1)) return 2;
    char *error = NULL;
    if (ut_session_new(client, o->version, o->site_id, o->username, o->password, &s_session,
                       &error) != UT_OK) {
        fprintf(stderr, "bench: ut_session_new: %s\n", error ? error : "?");
        ut_free_string(error);
        ut_client_free(client);
        return 2;
    }
    long before[3], after[3];
    if (client_requests(client, before)) return 2;
    pthread_t *tids = calloc((size_t)o->threads, sizeof *tids);
    for (int i = 0; i < o->threads; i++) pthread_create(&tids[i], NULL, session_worker, NULL);
    bench_run_window(o);
    for (int i = 0; i < o->threads; i++) pthread_join(tids[i], NULL);
    if (client_requests(client, after)) return 2;
    long sent = (after[0] - before[0]) + (after[1] - before[1]) + (after[2] - before[2]);
    snprintf(g_bench.extra, sizeof g_bench.extra,
             ",\"issue_requests\":%ld,\"renew_requests\":%ld,\"revoke_requests\":%ld,"
             "\"requests_during_run\":%ld",
             after[0], after[1], after[2], sent);
    int rc = bench_report(o);
    if (sent || after[0] != 1 || after[1] != 0) {
        fprintf(stderr, "bench: the session sent requests while it was measured (issue %ld, "
                        "renew %ld, revoke %ld; expected the one issue of ut_session_new): "
                        "not the fast path\n", after[0], after[1], after[2]);
        rc = 1;
    }
    ut_session_free(s_session);
    ut_client_free(client);
    free(tids);
    return rc;
}
