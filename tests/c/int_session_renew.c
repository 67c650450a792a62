/* int_session_renew: inside session_renew_margin_s of its expiry the token is renewed, once;
 * the renew answer's AccessToken and Expires are taken, and without them the expiry moves by
 * 24 h. The emulator's clock, set back before the issue, makes tokens come out near expiry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static char *token_of(ut_session *session) {
    char *token = NULL;
    ut_result r = ut_session_token(session, &token);
    CHECK_MSG(r == UT_OK, "ut_session_token: %s %s", ut_result_name(r), token);
    char *copy = strdup(token);
    ut_free_string(token);
    return copy;
}

static ut_session *open_session(const ut_client *client) {
    ut_session *session = NULL;
    char *error = NULL;
    ut_result r = ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error);
    CHECK_MSG(r == UT_OK, "ut_session_new: %s %s", ut_result_name(r), error);
    return session;
}

static void check_calls(const emulator *emu, const char *expected) {
    char *calls = emu_call_sequence(emu);
    CHECK_STR(calls, expected);
    free(calls);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    /* Issued tokens now expire 400 s from the real now: inside the default margin of 3600 s. */
    emu_advance_clock(&emu, -86000);
    ut_client *client = client_for(&emu, NULL);

    ut_session *session = open_session(client);
    check_calls(&emu, "issue");
    char *token = token_of(session);
    check_calls(&emu, "issue renew");
    long long renewals = 0;
    int revoked = 0;
    CHECK(emu_token_state(&emu, token, &renewals, &revoked) && renewals == 1);
    /* Renewed by 24 h: fresh again, nothing more is sent. */
    char *again = token_of(session);
    CHECK_STR(again, token);
    check_calls(&emu, "issue renew");
    free(again);
    free(token);
    ut_session_free(session);

    /* A renew answer with a new AccessToken and Expires: both taken. */
    session = open_session(client);
    time_t later = time(NULL) + 30 * 86400;
    char body[256];
    strftime(body, sizeof body, "{\"TokenType\":\"Bearer\",\"AccessToken\":\"renewed-token-42\",\"Expires\":\"%Y-%m-%dT%H:%M:%SZ\"}",
             gmtime(&later));
    emu_fault_body(&emu, "renew", 200, body);
    token = token_of(session);
    CHECK_STR(token, "renewed-token-42");
    free(token);
    token = token_of(session); /* 30 days left: no refresh */
    CHECK_STR(token, "renewed-token-42");
    free(token);
    check_calls(&emu, "issue renew issue renew");
    ut_session_free(session);

    /* An empty renew answer: the same token, 24 h more, so no second renew. */
    session = open_session(client);
    char *issued = token_of(session); /* renews: the fault below is not queued yet */
    ut_session_free(session);
    session = open_session(client);
    emu_fault_body(&emu, "renew", 200, "{}");
    char *kept = token_of(session);
    char *still = token_of(session);
    CHECK_STR(still, kept);
    check_calls(&emu, "issue renew issue renew issue renew issue renew");
    free(issued);
    free(kept);
    free(still);
    ut_session_free(session);

    /* A margin of 0: a token 400 s from expiry is fresh. */
    ut_client *no_margin = client_for(&emu, "\"session_renew_margin_s\":0");
    session = open_session(no_margin);
    token = token_of(session);
    free(token);
    check_calls(&emu, "issue renew issue renew issue renew issue renew issue");
    ut_session_free(session);

    ut_client_free(no_margin);
    ut_client_free(client);
    return 0;
}
