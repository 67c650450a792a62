/* int_session_failed_refresh: a refresh that fails while the token has not yet expired
 * returns that token with UT_OK; once it has expired, the failure is returned with an error
 * document, and the session recovers when the server does. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static const char *const every_call_fails =
    "{\"faults\":[{\"kind\":\"status\",\"call\":\"renew\",\"status\":503,\"count\":50},"
    "{\"kind\":\"status\",\"call\":\"issue\",\"status\":503,\"count\":50}]}";

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":0");
    ut_session *session = NULL;
    char *error = NULL;

    /* Due (400 s left, inside the 3600 s margin) but valid. */
    emu_advance_clock(&emu, -86000);
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    emu_fault(&emu, every_call_fails);
    char *token = NULL;
    CHECK_RESULT(ut_session_token(session, &token), UT_OK);
    CHECK_MSG(emu_stat(&emu, "renew") >= 1, "no refresh was tried");
    long long renewals = 0;
    int revoked = 0;
    CHECK_MSG(emu_token_state(&emu, token, &renewals, &revoked) && renewals == 0, "not the issued token: %s", token);
    ut_free_string(token);
    ut_session_free(session);
    emu_clear_faults(&emu);

    /* Expired 100 s ago by the real clock (the emulator's, set back, still accepts it). */
    emu_advance_clock(&emu, -500);
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    emu_fault(&emu, every_call_fails);
    token = NULL;
    CHECK_RESULT(ut_session_token(session, &token), UT_SERVER_ERROR);
    json *doc = CHECK_ERROR_DOC(token, UT_SERVER_ERROR);
    CHECK(doc_http_status(doc) == 503);
    json_free(doc);
    ut_free_string(token);

    /* The server is back: the next call refreshes. */
    emu_clear_faults(&emu);
    CHECK_RESULT(ut_session_token(session, &token), UT_OK);
    CHECK(token[0] != '{');
    ut_free_string(token);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
