/* int_session_invalidate: ut_session_invalidate() sends nothing; then 16 threads asking for
 * the token at once cause exactly one issue, and all get the same new token, never the
 * refused one. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, NULL);
    ut_session *session = NULL;
    char *error = NULL, *first = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    CHECK_RESULT(ut_session_token(session, &first), UT_OK);
    CHECK_RESULT(ut_session_invalidate(NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_session_invalidate(session), UT_OK);
    CHECK_MSG(emu_stat(&emu, "requests") == 1, "invalidate sent a request");
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":300}");

    char *token = session_tokens_at_once(session, 16);
    CHECK_MSG(strcmp(token, first) != 0, "the refused token came back");
    CHECK_MSG(emu_stat(&emu, "issue") == 2, "%lld issues: one at creation, one after the invalidate",
              emu_stat(&emu, "issue"));
    CHECK(emu_stat(&emu, "renew") == 0);
    free(token);
    ut_free_string(first);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
