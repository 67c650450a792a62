/* int_session_concurrent: 16 threads asking a due session for its token at once share one
 * refresh: the emulator sees exactly one renew, and every thread gets the same token. The
 * renew is slowed down so that all of them ask while it is in flight. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define THREADS 16

static ut_session *session;
static pthread_barrier_t start;

typedef struct {
    ut_result result;
    char *token;
} answer;

static void *ask(void *arg) {
    answer *a = arg;
    pthread_barrier_wait(&start);
    a->result = ut_session_token(session, &a->token);
    return NULL;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    emu_advance_clock(&emu, -86000); /* tokens come out 400 s from expiry: due */
    ut_client *client = client_for(&emu, NULL);
    char *error = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":300}");

    pthread_t threads[THREADS];
    answer answers[THREADS];
    memset(answers, 0, sizeof answers);
    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, ask, &answers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
    }
    pthread_barrier_destroy(&start);
    for (int i = 0; i < THREADS; i++) {
        CHECK_MSG(answers[i].result == UT_OK, "thread %d: %s %s", i, ut_result_name(answers[i].result), answers[i].token);
        CHECK_STR(answers[i].token, answers[0].token);
    }
    CHECK_MSG(emu_stat(&emu, "renew") == 1, "%lld renews for one due token", emu_stat(&emu, "renew"));
    CHECK(emu_stat(&emu, "issue") == 1);
    for (int i = 0; i < THREADS; i++) {
        ut_free_string(answers[i].token);
    }
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
