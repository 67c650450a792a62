/* int_session_fresh: a session issues its token at once; while the token is fresh,
 * ut_session_token() returns it (bare, not JSON) without any request; ut_session_free() sends
 * nothing; a refused first issue is returned as is. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    ut_session *session = NULL;
    char *error = (char *)(void *)0xa5a5;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    CHECK(session != NULL);
    CHECK(error == NULL);

    char *first = NULL;
    CHECK_RESULT(ut_session_token(session, &first), UT_OK);
    CHECK(first != NULL && first[0] != '\0' && first[0] != '{' && first[0] != '"');
    long long renewals = -1;
    int revoked = -1;
    CHECK_MSG(emu_token_state(&emu, first, &renewals, &revoked), "the emulator never issued %s", first);
    CHECK(renewals == 0 && !revoked);
    for (int i = 0; i < 5; i++) {
        char *again = NULL;
        CHECK_RESULT(ut_session_token(session, &again), UT_OK);
        CHECK_STR(again, first);
        ut_free_string(again);
    }
    ut_session_free(session);

    /* Five tokens and a free: one request, the issue. */
    char *calls = emu_call_sequence(&emu);
    CHECK_STR(calls, "issue");
    free(calls);
    CHECK(emu_token_state(&emu, first, &renewals, &revoked) && !revoked);
    ut_free_string(first);

    /* The staff user works the same; a wrong password fails the creation. */
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &session, &error), UT_OK);
    ut_session_free(session);
    ut_session *untouched = (ut_session *)(void *)0x5a5a;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_STAFF, "wrong-password-99", &untouched, &error), UT_DENIED);
    CHECK(untouched == (ut_session *)(void *)0x5a5a);
    json *doc = CHECK_ERROR_DOC(error, UT_DENIED);
    CHECK(doc_http_status(doc) == 403);
    CHECK_LACKS(error, "wrong-password-99");
    json_free(doc);
    ut_free_string(error);

    ut_client_free(client);
    return 0;
}
