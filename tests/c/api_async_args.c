/* api_async_args: the async calls validate at once: a NULL or invalid argument (callback and
 * client included) is returned and the callback never runs; request_id_out may be NULL; an
 * accepted request calls back exactly once, with the document the blocking call would give. */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int calls;
static ut_result last_result;

static void on_done(void *user_data, ut_result result, const char *json_text) {
    pthread_mutex_lock(&lock);
    calls++;
    last_result = result;
    pthread_mutex_unlock(&lock);
    CHECK(user_data == &lock);
    json_free(CHECK_ERROR_DOC(json_text, result));
}

static int call_count(void) {
    pthread_mutex_lock(&lock);
    int n = calls;
    pthread_mutex_unlock(&lock);
    return n;
}

static int one_call(void *arg) {
    (void)arg;
    return call_count() >= 1;
}

int main(void) {
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    ut_client *client = client_for(&nowhere, "\"max_retries\":0");
    void *ud = &lock;
    uint64_t id = 0;

    /* ut_issue_async: each required argument NULL, then each string malformed. */
    CHECK_RESULT(ut_issue_async(NULL, "6", "-99", "u", "p", on_done, ud, &id), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, NULL, "-99", "u", "p", on_done, ud, &id), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", NULL, "u", "p", on_done, ud, &id), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", "-99", NULL, "p", on_done, ud, &id), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", "-99", "u", NULL, on_done, ud, &id), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", "-99", "u", "p", NULL, ud, &id), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "", "-99", "u", "p", on_done, ud, &id), UT_INVALID_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", "x", "u", "p", on_done, ud, &id), UT_INVALID_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", "-99", "", "p", on_done, ud, &id), UT_INVALID_ARGUMENT);
    CHECK_RESULT(ut_issue_async(client, "6", "-99", "u", "\xff", on_done, ud, &id), UT_INVALID_ARGUMENT);

    /* ut_renew_async and ut_revoke_async alike. */
    ut_result (*token_calls[2])(const ut_client *, const char *, const char *, const char *, ut_callback, void *,
                                uint64_t *) = {ut_renew_async, ut_revoke_async};
    for (int c = 0; c < 2; c++) {
        CHECK_RESULT(token_calls[c](NULL, "6", "-99", "t", on_done, ud, &id), UT_NULL_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, NULL, "-99", "t", on_done, ud, &id), UT_NULL_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, "6", NULL, "t", on_done, ud, &id), UT_NULL_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, "6", "-99", NULL, on_done, ud, &id), UT_NULL_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, "6", "-99", "t", NULL, ud, &id), UT_NULL_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, "6", "-99", "", on_done, ud, &id), UT_INVALID_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, "6", "-99", "a\nb", on_done, ud, &id), UT_INVALID_ARGUMENT);
        CHECK_RESULT(token_calls[c](client, "6/", "-99", "t", on_done, ud, &id), UT_INVALID_ARGUMENT);
    }

    /* None of those may ever call back; give a wrongly queued one the time to show. */
    sleep_ms(200);
    CHECK(call_count() == 0);

    /* request_id_out may be NULL: the request runs and calls back once. */
    CHECK_RESULT(ut_issue_async(client, "6", "-99", "u", "p", on_done, ud, NULL), UT_OK);
    CHECK_MSG(wait_until(one_call, NULL, 10000), "the callback never ran");
    CHECK(last_result == UT_CONNECT);

    /* Ids of distinct requests differ. */
    uint64_t first = 0, second = 0;
    CHECK_RESULT(ut_renew_async(client, "6", "-99", "t", on_done, ud, &first), UT_OK);
    CHECK_RESULT(ut_revoke_async(client, "6", "-99", "t", on_done, ud, &second), UT_OK);
    CHECK(first != second);
    ut_client_free(client); /* completes whatever is still pending */
    sleep_ms(100);
    CHECK_MSG(call_count() == 3, "%d callbacks for 3 accepted requests", call_count());
    return 0;
}
