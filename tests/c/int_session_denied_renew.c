/* int_session_denied_renew: when the session's token was revoked behind its back, the next
 * renew is denied and the session issues a new token instead of failing. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    ut_session *session = NULL;
    char *error = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    char *before = NULL;
    CHECK_RESULT(ut_session_token(session, &before), UT_OK);

    char *out = NULL;
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, before, &out), UT_OK);
    ut_free_string(out);

    char *after = NULL;
    CHECK_RESULT(ut_session_token(session, &after), UT_OK);
    CHECK_MSG(strcmp(after, before) != 0, "the revoked token was returned");
    long long renewals = 0;
    int revoked = 1;
    CHECK(emu_token_state(&emu, after, &renewals, &revoked) && !revoked);
    char *calls = emu_call_sequence(&emu);
    CHECK_STR(calls, "issue renew revoke renew issue");
    free(calls);

    ut_free_string(before);
    ut_free_string(after);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
