/* int_fork_session: 2,000 children forked while other threads refresh and revoke the session
 * that the children then use (one loops ut_session_token on a session whose every call
 * refreshes, one loops ut_session_revoke + ut_session_token): a refresh in progress at the
 * fork never leaves the child's session stuck; no child hangs or fails, and the parent's
 * calls still work afterwards. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"
#include "forks.h"

static ut_session *session;

static int token_round(void *unused) {
    (void)unused;
    char *token = NULL;
    ut_result result = ut_session_token(session, &token);
    int ok = result == UT_OK && token_is_valid(token);
    if (!ok) {
        activity_failed("ut_session_token: %s %s", ut_result_name(result), token);
    }
    ut_free_string(token);
    return ok;
}

static int revoke_round(void *unused) {
    (void)unused;
    char *out = NULL;
    ut_result result = ut_session_revoke(session, &out);
    int ok = result == UT_OK;
    if (!ok) {
        activity_failed("ut_session_revoke: %s %s", ut_result_name(result), out);
    }
    ut_free_string(out);
    return ok && token_round(NULL);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    /* Every ut_session_token refreshes: the margin is longer than a token's life. */
    ut_client *client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    session = session_made_elsewhere(client);

    activity_start(token_round, NULL);
    activity_start(revoke_round, NULL);
    fork_stress stress = {.client = client, .session = session, .forks = fork_count(2000)};
    fork_stress_run(&stress);
    activity_stop("ut_session_token / ut_session_revoke + ut_session_token");

    parent_still_works(client, session);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
