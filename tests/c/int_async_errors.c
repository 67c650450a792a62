/* int_async_errors: an async call calls back with the result and the document the blocking
 * call gives, for successes and failures of each of the three calls. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

typedef struct {
    pthread_mutex_t lock;
    int calls;
    ut_result result;
    char *json_text;
} outcome;

static void on_done(void *user_data, ut_result result, const char *json_text) {
    outcome *o = user_data;
    pthread_mutex_lock(&o->lock);
    o->calls++;
    o->result = result;
    o->json_text = strdup(json_text); /* borrowed: copied before the callback returns */
    pthread_mutex_unlock(&o->lock);
}

static int finished(void *arg) {
    outcome *o = arg;
    pthread_mutex_lock(&o->lock);
    int done = o->calls > 0;
    pthread_mutex_unlock(&o->lock);
    return done;
}

/* Waits for the callback and checks it against the blocking call's result and text. */
static void same_as_blocking(outcome *o, ut_result result, char *blocking_text, int compare_text) {
    CHECK_MSG(wait_until(finished, o, 20000), "no callback");
    sleep_ms(20);
    CHECK(o->calls == 1);
    CHECK_MSG(o->result == result, "async gave %s, blocking %s", ut_result_name(o->result), ut_result_name(result));
    if (compare_text) {
        CHECK_MSG(strcmp(o->json_text, blocking_text) == 0, "async gave %s, blocking %s", o->json_text, blocking_text);
    }
    free(o->json_text);
    ut_free_string(blocking_text);
    o->calls = 0;
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    outcome o = {PTHREAD_MUTEX_INITIALIZER, 0, 0, NULL};
    char *out = NULL;
    ut_result r;

    /* A refused issue: same result and document. */
    r = ut_issue(client, "6", EMU_SITE, EMU_OWNER, "wrong", &out);
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, "wrong", on_done, &o, NULL), UT_OK);
    same_as_blocking(&o, r, out, 1);

    /* A successful issue: both carry a token (different ones). */
    r = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, &o, NULL), UT_OK);
    CHECK_MSG(wait_until(finished, &o, 20000), "no callback");
    json *doc = json_parse(o.json_text);
    CHECK(json_get_string(doc, "AccessToken") != NULL);
    char *token = strdup(json_get_string(doc, "AccessToken"));
    json_free(doc);
    same_as_blocking(&o, r, out, 0);

    /* renew: a new token comes back, the one to use from then on; an unknown token is refused
     * alike. */
    CHECK_RESULT(ut_renew_async(client, "6", EMU_SITE, token, on_done, &o, NULL), UT_OK);
    CHECK_MSG(wait_until(finished, &o, 20000), "no callback");
    CHECK_RESULT(o.result, UT_OK);
    doc = json_parse(o.json_text);
    const char *renewed = json_get_string(doc, "AccessToken");
    CHECK_MSG(renewed != NULL && strcmp(renewed, token) != 0, "renew kept the token: %s", o.json_text);
    free(token);
    token = strdup(renewed);
    json_free(doc);
    free(o.json_text);
    o.calls = 0;
    r = ut_renew(client, "6", EMU_SITE, "unknown-token", &out);
    CHECK_RESULT(ut_renew_async(client, "6", EMU_SITE, "unknown-token", on_done, &o, NULL), UT_OK);
    same_as_blocking(&o, r, out, 1);

    /* revoke: {} the first time, refused the second, both ways. */
    CHECK_RESULT(ut_revoke_async(client, "6", EMU_SITE, token, on_done, &o, NULL), UT_OK);
    CHECK_MSG(wait_until(finished, &o, 20000), "no callback");
    CHECK_RESULT(o.result, UT_OK);
    CHECK_STR(o.json_text, "{}");
    free(o.json_text);
    o.calls = 0;
    r = ut_revoke(client, "6", EMU_SITE, token, &out);
    CHECK_RESULT(r, UT_DENIED);
    CHECK_RESULT(ut_revoke_async(client, "6", EMU_SITE, token, on_done, &o, NULL), UT_OK);
    same_as_blocking(&o, r, out, 1);

    /* A connection failure. */
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    ut_client *refused = client_for(&nowhere, "\"max_retries\":1,\"retry_base_ms\":1");
    r = ut_issue(refused, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    CHECK_RESULT(ut_issue_async(refused, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, &o, NULL), UT_OK);
    same_as_blocking(&o, r, out, 1);

    free(token);
    ut_client_free(refused);
    ut_client_free(client);
    return 0;
}
