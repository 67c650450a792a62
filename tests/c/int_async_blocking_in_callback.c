/* int_async_blocking_in_callback: a callback may make blocking calls, on its own client too,
 * even with a single worker thread, and may start another async request: no deadlock, no
 * panic, every result correct. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static ut_client *client;
static ut_client *other;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static ut_result nested_issue = 99, nested_renew = 99, nested_other = 99, nested_session = 99, chained = 99;
static int outer_calls, chained_calls;

static void on_chained(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    pthread_mutex_lock(&lock);
    chained_calls++;
    chained = result;
    pthread_mutex_unlock(&lock);
}

static void on_outer(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    char *out = NULL;
    char *renewed = NULL;
    char *elsewhere = NULL;
    ut_result issue = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    json *doc = json_parse(out);
    const char *token = json_get_string(doc, "AccessToken");
    ut_result renew = token ? ut_renew(client, "6", EMU_SITE, token, &renewed) : UT_DECODE;
    ut_result on_other = ut_issue(other, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &elsewhere);
    ut_session *session = NULL;
    char *error = NULL;
    ut_result session_result = ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error);
    ut_session_free(session);
    ut_free_string(error);
    ut_result submit = ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_chained, NULL, NULL);
    pthread_mutex_lock(&lock);
    outer_calls++;
    nested_issue = issue;
    nested_renew = renew;
    nested_other = on_other;
    nested_session = session_result;
    if (submit != UT_OK) {
        chained = submit;
        chained_calls = -1;
    }
    pthread_mutex_unlock(&lock);
    CHECK_RESULT(result, UT_OK);
    json_free(doc);
    ut_free_string(out);
    ut_free_string(renewed);
    ut_free_string(elsewhere);
}

static int finished(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    int done = outer_calls > 0 && chained_calls != 0;
    pthread_mutex_unlock(&lock);
    return done;
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    /* One worker thread: a blocking call that waited on it from the callback would deadlock. */
    client = client_for(&emu, "\"worker_threads\":1");
    other = client_for(&emu, "\"worker_threads\":1");
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_outer, NULL, NULL), UT_OK);
    CHECK_MSG(wait_until(finished, NULL, 20000), "the callback's blocking calls did not finish");
    sleep_ms(50);
    pthread_mutex_lock(&lock);
    CHECK(outer_calls == 1);
    CHECK(chained_calls == 1);
    CHECK_RESULT(nested_issue, UT_OK);
    CHECK_RESULT(nested_renew, UT_OK);
    CHECK_RESULT(nested_other, UT_OK);
    CHECK_RESULT(nested_session, UT_OK);
    CHECK_RESULT(chained, UT_OK);
    pthread_mutex_unlock(&lock);
    ut_client_free(client);
    ut_client_free(other);
    return 0;
}
