/* int_fork_new_threads: 2,000 children forked while threads come and go in the parent, each
 * making one blocking call on the shared client and exiting, as the workers of pre-fork
 * servers do; 200 more threads that have used the client stay alive meanwhile (a server's
 * pool). A thread's first call registers it with the client, so such a registration is in
 * progress at many of the forks. No child hangs or fails in its own first blocking call or
 * its session call, and the parent's calls still work afterwards. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"
#include "forks.h"

#define POOL 200
#define COMING_AND_GOING 3

static ut_client *client;

typedef struct {
    ut_result result;
    char *out;
} one_call;

static void *call_once(void *arg) {
    one_call *call = arg;
    call->result = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &call->out);
    return NULL;
}

/* A thread that comes, makes its one call, and goes. */
static int thread_round(void *unused) {
    (void)unused;
    one_call call = {UT_PANIC, NULL};
    pthread_t thread;
    if (pthread_create(&thread, NULL, call_once, &call) != 0) {
        activity_failed("pthread_create failed");
        return 0;
    }
    pthread_join(thread, NULL);
    int ok = call.result == UT_OK;
    if (!ok) {
        activity_failed("ut_issue on a new thread: %s %s", ut_result_name(call.result), call.out);
    }
    ut_free_string(call.out);
    return ok;
}

/* The pool: each of its threads has made its call and waits for the end. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_changed = PTHREAD_COND_INITIALIZER;
static int pool_ready, pool_failed, pool_closing;

static void *pool_thread(void *unused) {
    one_call call = {UT_PANIC, NULL};
    call_once(&call);
    ut_free_string(call.out);
    pthread_mutex_lock(&pool_lock);
    pool_ready++;
    pool_failed += call.result != UT_OK;
    pthread_cond_broadcast(&pool_changed);
    while (!pool_closing) {
        pthread_cond_wait(&pool_changed, &pool_lock);
    }
    pthread_mutex_unlock(&pool_lock);
    return unused;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    /* Made on a thread of its own, so this thread (the children's) has made no call yet. */
    ut_session *session = session_made_elsewhere(client);

    pthread_t pool[POOL];
    for (int i = 0; i < POOL; i++) {
        CHECK(pthread_create(&pool[i], NULL, pool_thread, NULL) == 0);
    }
    pthread_mutex_lock(&pool_lock);
    while (pool_ready < POOL) {
        pthread_cond_wait(&pool_changed, &pool_lock);
    }
    CHECK_MSG(pool_failed == 0, "%d of the pool's calls failed", pool_failed);
    pthread_mutex_unlock(&pool_lock);

    for (int i = 0; i < COMING_AND_GOING; i++) {
        activity_start(thread_round, NULL);
    }
    fork_stress stress = {.client = client, .session = session, .forks = fork_count(2000)};
    fork_stress_run(&stress);
    activity_stop("a new thread making one blocking ut_issue");

    pthread_mutex_lock(&pool_lock);
    pool_closing = 1;
    pthread_cond_broadcast(&pool_changed);
    pthread_mutex_unlock(&pool_lock);
    for (int i = 0; i < POOL; i++) {
        pthread_join(pool[i], NULL);
    }
    parent_still_works(client, session);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
