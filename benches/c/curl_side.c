/* The libcurl baseline, doing the work ut_issue does: the same headers and JSON body (built
 * per call), keep-alive, the HTTP status checked, the whole body read (capped like
 * max_response_bytes) and searched for a non-empty AccessToken string. It parses less than
 * ut_issue, which validates the whole JSON document, so the comparison leans towards curl. */
#include "modes.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY (1 << 20)

typedef struct {
    CURL *easy;
    char *buf;
    size_t len, cap;
    char body[256];
    char url[512];
    uint64_t t0;
    int hist;
} transfer;

static struct curl_slist *s_headers;

static size_t on_data(char *data, size_t size, size_t n, void *user) {
    transfer *t = user;
    size_t add = size * n;
    if (t->len + add + 1 > MAX_BODY) return 0;   /* aborts the transfer */
    if (t->len + add + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + add + 1) cap *= 2;
        char *grown = realloc(t->buf, cap);
        if (!grown) return 0;
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, data, add);
    t->len += add;
    t->buf[t->len] = '\0';
    return add;
}

static int make_headers(const bench_opts *o) {
    char line[512];
    snprintf(line, sizeof line, "API-Key: %s", o->api_key);
    s_headers = curl_slist_append(s_headers, line);
    snprintf(line, sizeof line, "SiteId: %s", o->site_id);
    s_headers = curl_slist_append(s_headers, line);
    s_headers = curl_slist_append(s_headers, "Content-Type: application/json");
    s_headers = curl_slist_append(s_headers, "Accept: application/json");
    return s_headers ? 0 : -1;
}

static int setup(transfer *t, const bench_opts *o, int hist) {
    t->easy = curl_easy_init();
    if (!t->easy) return -1;
    t->hist = hist;
    snprintf(t->url, sizeof t->url, "%s/public/v%s/usertoken/issue", o->base_url, o->version);
    curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, s_headers);
    curl_easy_setopt(t->easy, CURLOPT_USERAGENT, o->user_agent);
    curl_easy_setopt(t->easy, CURLOPT_POST, 1L);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);   /* threads: no SIGALRM timeouts */
    /* The library's defaults, so both sides arm the same timers. */
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    if (o->ca_file) curl_easy_setopt(t->easy, CURLOPT_CAINFO, o->ca_file);
    return 0;
}

/* Per call: a fresh JSON body and an empty response buffer. */
static void prepare(transfer *t, const bench_opts *o) {
    size_t n = bench_issue_body(t->body, sizeof t->body, o->username, o->password);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE, (long)n);
    t->len = 0;
    if (t->buf) t->buf[0] = '\0';
}

static int check(transfer *t, CURLcode code) {
    long status = 0;
    if (code != CURLE_OK) {
        fprintf(stderr, "bench: curl: %s\n", curl_easy_strerror(code));
        return 0;
    }
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299 || !t->buf) return 0;
    const char *p = strstr(t->buf, "\"AccessToken\":\"");
    if (!p) return 0;
    p += strlen("\"AccessToken\":\"");
    const char *end = strchr(p, '"');
    return end && end > p;
}

static const bench_opts *s_opts;

static void *sync_worker(void *arg) {
    transfer *t = arg;
    while (!atomic_load_explicit(&g_bench.stopping, memory_order_relaxed)) {
        uint64_t t0 = now_ns();
        prepare(t, s_opts);
        int ok = check(t, curl_easy_perform(t->easy));
        bench_complete(t->hist, ok, now_ns() - t0);
    }
    return NULL;
}

int mode_curl_sync(const bench_opts *o) {
    s_opts = o;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) || make_headers(o) || bench_init(o->threads))
        return 2;
    transfer *ts = calloc((size_t)o->threads, sizeof *ts);
    pthread_t *tids = calloc((size_t)o->threads, sizeof *tids);
    for (int i = 0; i < o->threads; i++) {
        if (setup(&ts[i], o, i)) return 2;
        pthread_create(&tids[i], NULL, sync_worker, &ts[i]);
    }
    bench_run_window(o);
    for (int i = 0; i < o->threads; i++) pthread_join(tids[i], NULL);
    int rc = bench_report(o);
    for (int i = 0; i < o->threads; i++) {
        curl_easy_cleanup(ts[i].easy);
        free(ts[i].buf);
    }
    free(ts);
    free(tids);
    curl_slist_free_all(s_headers);
    curl_global_cleanup();
    return rc;
}

/* Multi: one thread drives `inflight` easy handles; a finished one is checked and re-added
 * at once, so the multi handle's connection cache keeps every connection alive. */
static transfer *s_transfers;
static CURLM *s_multi;

static void start(transfer *t) {
    t->t0 = now_ns();
    prepare(t, s_opts);
    curl_multi_add_handle(s_multi, t->easy);
}

static void *multi_loop(void *arg) {
    (void)arg;
    int running = 1;
    while (running) {
        curl_multi_perform(s_multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(s_multi, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            transfer *t = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
            CURLcode code = msg->data.result;
            curl_multi_remove_handle(s_multi, t->easy);
            bench_complete(0, check(t, code), now_ns() - t->t0);
            if (!atomic_load_explicit(&g_bench.stopping, memory_order_relaxed)) {
                start(t);
                running = 1;
            }
        }
        if (running) curl_multi_poll(s_multi, NULL, 0, 100, NULL);
    }
    return NULL;
}

int mode_curl_multi(const bench_opts *o) {
    s_opts = o;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) || make_headers(o) || bench_init(1)) return 2;
    s_multi = curl_multi_init();
    /* Room for one connection per transfer, so none is closed and reopened. */
    curl_multi_setopt(s_multi, CURLMOPT_MAXCONNECTS, (long)o->inflight);
    s_transfers = calloc((size_t)o->inflight, sizeof *s_transfers);
    for (int i = 0; i < o->inflight; i++) {
        if (setup(&s_transfers[i], o, 0)) return 2;
        curl_easy_setopt(s_transfers[i].easy, CURLOPT_PRIVATE, &s_transfers[i]);
        start(&s_transfers[i]);
    }
    pthread_t tid;
    pthread_create(&tid, NULL, multi_loop, NULL);
    bench_run_window(o);
    pthread_join(tid, NULL);
    int rc = bench_report(o);
    for (int i = 0; i < o->inflight; i++) {
        curl_easy_cleanup(s_transfers[i].easy);
        free(s_transfers[i].buf);
    }
    curl_multi_cleanup(s_multi);
    free(s_transfers);
    curl_slist_free_all(s_headers);
    curl_global_cleanup();
    return rc;
}
