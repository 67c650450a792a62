/* int_session_reissue: a session renews its token at most 7 times, taking the new token each
 * renew answers, then issues a new one (and renews that one in turn). A margin larger than any
 * token's life keeps it always due. */
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

    char *tokens[9];
    for (int i = 0; i < 9; i++) {
        CHECK_RESULT(ut_session_token(session, &tokens[i]), UT_OK);
    }
    /* Seven renewals of the first token, each answering a new token that the session takes,
     * then a newly issued token, renewed once. */
    for (int i = 1; i < 9; i++) {
        CHECK_MSG(strcmp(tokens[i], tokens[i - 1]) != 0, "token %d is token %d again", i, i - 1);
    }
    char *calls = emu_call_sequence(&emu);
    CHECK_STR(calls, "issue renew renew renew renew renew renew renew issue renew");
    free(calls);
    long long renewals = 0;
    int revoked = 0;
    /* The emulator counts renewals per issue: every token of the first issue shows 7. */
    CHECK(emu_token_state(&emu, tokens[0], &renewals, &revoked) && renewals == 7);
    CHECK(emu_token_state(&emu, tokens[6], &renewals, &revoked) && renewals == 7 && !revoked);
    CHECK(emu_token_state(&emu, tokens[7], &renewals, &revoked) && renewals == 1);
    CHECK(emu_token_state(&emu, tokens[8], &renewals, &revoked) && renewals == 1 && !revoked);

    for (int i = 0; i < 9; i++) {
        ut_free_string(tokens[i]);
    }
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
