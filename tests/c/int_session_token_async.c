/* int_session_token_async: the async token completes once, on a library thread, with the
 * bare token; it joins a refresh a blocking caller already runs (one issue for both); it
 * can be cancelled (UT_CANCELLED once, then UT_NOT_FOUND), and the refresh it started still
 * serves the next caller. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

typedef struct {
    int calls;
    ut_result result;
    char *text;
    pthread_t thread;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_token(void *user_data, ut_result result, const char *text) {
    slot *s = user_data;
    pthread_mutex_lock(&lock);
    s->calls++;
    s->result = result;
    s->text = strdup(text);
    s->thread = pthread_self();
    pthread_mutex_unlock(&lock);
}

static int called(void *arg) {
    slot *s = arg;
    pthread_mutex_lock(&lock);
    int done = s->calls > 0;
    pthread_mutex_unlock(&lock);
    return done;
}

static ut_session *session;
static char *blocking_token;

static void *blocking_refresh(void *arg) {
    (void)arg;
    CHECK_RESULT(ut_session_token(session, &blocking_token), UT_OK);
    return NULL;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, NULL);
    char *error = NULL, *token = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    CHECK_RESULT(ut_session_token(session, &token), UT_OK);

    /* Arguments. */
    slot unused = {0};
    CHECK_RESULT(ut_session_token_async(NULL, on_token, &unused, NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_session_token_async(session, NULL, &unused, NULL), UT_NULL_ARGUMENT);

    /* A fresh token. */
    slot fresh = {0};
    uint64_t id = 0;
    CHECK_RESULT(ut_session_token_async(session, on_token, &fresh, &id), UT_OK);
    CHECK(id != 0);
    CHECK(wait_until(called, &fresh, 10000));
    CHECK_RESULT(fresh.result, UT_OK);
    CHECK_STR(fresh.text, token);
    CHECK_MSG(!pthread_equal(fresh.thread, pthread_self()), "the callback ran on the caller's thread");
    CHECK(emu_stat(&emu, "requests") == 1);

    /* Joining a refresh a blocking caller runs. */
    CHECK_RESULT(ut_session_invalidate(session), UT_OK);
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":400}");
    pthread_t refresher;
    CHECK(pthread_create(&refresher, NULL, blocking_refresh, NULL) == 0);
    sleep_ms(100);
    slot joined = {0};
    CHECK_RESULT(ut_session_token_async(session, on_token, &joined, NULL), UT_OK);
    pthread_join(refresher, NULL);
    CHECK(wait_until(called, &joined, 10000));
    CHECK_RESULT(joined.result, UT_OK);
    CHECK_STR(joined.text, blocking_token);
    CHECK_MSG(emu_stat(&emu, "issue") == 2, "%lld issues: the async request did not join", emu_stat(&emu, "issue"));

    /* Cancelled while its refresh hangs on a slow issue. */
    CHECK_RESULT(ut_session_invalidate(session), UT_OK);
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":1500}");
    slot cancelled = {0};
    CHECK_RESULT(ut_session_token_async(session, on_token, &cancelled, &id), UT_OK);
    sleep_ms(100);
    CHECK_RESULT(ut_cancel(id), UT_OK);
    CHECK(wait_until(called, &cancelled, 10000));
    CHECK_RESULT(cancelled.result, UT_CANCELLED);
    CHECK_CONTAINS(cancelled.text, "UT_CANCELLED");
    CHECK_RESULT(ut_cancel(id), UT_NOT_FOUND);
    char *after = NULL;
    CHECK_RESULT(ut_session_token(session, &after), UT_OK);
    CHECK_MSG(emu_stat(&emu, "issue") == 3, "%lld issues: the cancelled refresh was not shared", emu_stat(&emu, "issue"));
    sleep_ms(50);
    pthread_mutex_lock(&lock);
    CHECK_MSG(cancelled.calls == 1 && joined.calls == 1 && fresh.calls == 1, "a callback ran more than once");
    pthread_mutex_unlock(&lock);

    free(fresh.text);
    free(joined.text);
    free(cancelled.text);
    ut_free_string(after);
    ut_free_string(blocking_token);
    ut_free_string(token);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
