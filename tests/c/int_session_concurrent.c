/* int_session_concurrent: 16 threads asking a due session for its token at once share one
 * refresh: the emulator sees exactly one renew, and every thread gets the same token. The
 * renew is slowed down so that all of them ask while it is in flight. */
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_private(&emu);
    emu_advance_clock(&emu, -86000); /* tokens come out 400 s from expiry: due */
    ut_client *client = client_for(&emu, NULL);
    ut_session *session = NULL;
    char *error = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"renew\",\"delay_ms\":300}");

    char *token = session_tokens_at_once(session, 16);
    CHECK_MSG(emu_stat(&emu, "renew") == 1, "%lld renews for one due token", emu_stat(&emu, "renew"));
    CHECK(emu_stat(&emu, "issue") == 1);
    free(token);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
