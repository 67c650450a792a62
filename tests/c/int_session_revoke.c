/* int_session_revoke: ut_session_revoke() revokes the current token ({}), a second revoke
 * sends nothing, and the next ut_session_token() issues a new token. A denied revoke drops
 * the token too. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void check_calls(const emulator *emu, const char *expected) {
    char *calls = emu_call_sequence(emu);
    CHECK_STR(calls, expected);
    free(calls);
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    ut_session *session = NULL;
    char *error = NULL;
    char *out = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    char *first = NULL;
    CHECK_RESULT(ut_session_token(session, &first), UT_OK);

    CHECK_RESULT(ut_session_revoke(session, &out), UT_OK);
    CHECK_STR(out, "{}");
    ut_free_string(out);
    long long renewals = 0;
    int revoked = 0;
    CHECK(emu_token_state(&emu, first, &renewals, &revoked) && revoked);
    check_calls(&emu, "issue revoke");

    CHECK_RESULT(ut_session_revoke(session, &out), UT_OK);
    CHECK_STR(out, "{}");
    ut_free_string(out);
    check_calls(&emu, "issue revoke");

    char *second = NULL;
    CHECK_RESULT(ut_session_token(session, &second), UT_OK);
    CHECK(strcmp(first, second) != 0);
    check_calls(&emu, "issue revoke issue");

    /* Revoked behind the session's back: its revoke is denied, and drops the token. */
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, second, &out), UT_OK);
    ut_free_string(out);
    CHECK_RESULT(ut_session_revoke(session, &out), UT_DENIED);
    json_free(CHECK_ERROR_DOC(out, UT_DENIED));
    CHECK_LACKS(out, second);
    ut_free_string(out);
    char *third = NULL;
    CHECK_RESULT(ut_session_token(session, &third), UT_OK);
    CHECK(strcmp(third, second) != 0 && strcmp(third, first) != 0);
    check_calls(&emu, "issue revoke issue revoke revoke issue");

    ut_free_string(first);
    ut_free_string(second);
    ut_free_string(third);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
