/* int_fork_blocking: 1,500 children forked while two other threads loop blocking ut_issue and
 * ut_renew on the client that the children then use: no child hangs or fails in its blocking
 * call or its session call, and the parent's calls still work afterwards. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"
#include "forks.h"

static ut_client *client;

static int issue_and_renew(void *unused) {
    (void)unused;
    char *out = NULL;
    ut_result result = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    json *doc = result == UT_OK ? json_parse(out) : NULL;
    const char *token = json_get_string(doc, "AccessToken");
    int ok = token != NULL;
    if (!ok) {
        activity_failed("ut_issue: %s %s", ut_result_name(result), out);
    } else {
        char *renewed = NULL;
        result = ut_renew(client, "6", EMU_SITE, token, &renewed);
        ok = result == UT_OK;
        if (!ok) {
            activity_failed("ut_renew: %s %s", ut_result_name(result), renewed);
        }
        ut_free_string(renewed);
    }
    json_free(doc);
    ut_free_string(out);
    return ok;
}

int main(void) {
    /* Private: the parent's threads send tens of thousands of requests. */
    emulator emu;
    emulator_private(&emu);
    client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    ut_session *session = session_made_elsewhere(client);

    activity_start(issue_and_renew, NULL);
    activity_start(issue_and_renew, NULL);
    fork_stress stress = {.client = client, .session = session, .forks = fork_count(1500)};
    fork_stress_run(&stress);
    activity_stop("blocking ut_issue + ut_renew");

    parent_still_works(client, session);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
