/* int_session_client_freed: a session may outlive its client; its calls then return
 * UT_CANCELLED with an error document and send nothing, and it can still be freed. */
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    ut_session *session = NULL;
    char *error = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    ut_client_free(client);

    char *out = NULL;
    CHECK_RESULT(ut_session_token(session, &out), UT_CANCELLED);
    json_free(CHECK_ERROR_DOC(out, UT_CANCELLED));
    ut_free_string(out);
    CHECK_RESULT(ut_session_revoke(session, &out), UT_CANCELLED);
    json_free(CHECK_ERROR_DOC(out, UT_CANCELLED));
    ut_free_string(out);
    ut_session_free(session);

    char *calls = emu_call_sequence(&emu);
    CHECK_STR(calls, "issue");
    free(calls);
    return 0;
}
