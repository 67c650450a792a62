/* int_session_invalidate: ut_session_invalidate() sends nothing; then 16 threads asking for
 * the token at once cause exactly one issue, and all get the same new token, never the
 * refused one. */
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
    ut_client *client = client_for(&emu, NULL);
    char *error = NULL, *first = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    CHECK_RESULT(ut_session_token(session, &first), UT_OK);
    CHECK_RESULT(ut_session_invalidate(NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_session_invalidate(session), UT_OK);
    CHECK_MSG(emu_stat(&emu, "requests") == 1, "invalidate sent a request");
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":300}");

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
    CHECK_MSG(strcmp(answers[0].token, first) != 0, "the refused token came back");
    CHECK_MSG(emu_stat(&emu, "issue") == 2, "%lld issues: one at creation, one after the invalidate",
              emu_stat(&emu, "issue"));
    CHECK(emu_stat(&emu, "renew") == 0);
    for (int i = 0; i < THREADS; i++) {
        ut_free_string(answers[i].token);
    }
    ut_free_string(first);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
