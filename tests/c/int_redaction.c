/* int_redaction: when the server echoes the password, the token or the API key back in its
 * Error.Message or Error.Code, the error document carries none of them. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void check_clean(const char *out, const char *token) {
    CHECK_LACKS(out, EMU_OWNER_PASSWORD);
    CHECK_LACKS(out, EMU_API_KEY);
    CHECK_LACKS(out, token);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":1,\"retry_base_ms\":1");
    char *token = issue_token(client);
    char body[1024];
    char *out = NULL;

    /* issue, refused with everything echoed, in the message and as the code. */
    snprintf(body, sizeof body,
             "{\"Error\":{\"Message\":\"user Siteowner password apitest1234 key test-api-key rejected\","
             "\"Code\":\"apitest1234\"}}");
    emu_fault_body(&emu, "issue", 401, body);
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_DENIED);
    json_free(CHECK_ERROR_DOC(out, UT_DENIED));
    check_clean(out, token);
    ut_free_string(out);

    /* renew and revoke echoing the token, on a final 5xx after a retry and on a 400. */
    snprintf(body, sizeof body, "{\"Error\":{\"Message\":\"token %s (Bearer %s) with test-api-key\",\"Code\":\"X\"}}",
             token, token);
    emu_fault_body(&emu, "renew", 500, body);
    emu_fault_body(&emu, "renew", 500, body);
    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_SERVER_ERROR);
    json_free(CHECK_ERROR_DOC(out, UT_SERVER_ERROR));
    check_clean(out, token);
    ut_free_string(out);
    emu_fault_body(&emu, "revoke", 400, body);
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, token, &out), UT_HTTP_ERROR);
    json_free(CHECK_ERROR_DOC(out, UT_HTTP_ERROR));
    check_clean(out, token);
    ut_free_string(out);

    /* A non-JSON error body quoting the secrets. */
    snprintf(body, sizeof body, "bad token %s, key test-api-key", token);
    emu_fault_body(&emu, "revoke", 403, body);
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, token, &out), UT_DENIED);
    check_clean(out, token);
    ut_free_string(out);

    free(token);
    ut_client_free(client);
    return 0;
}
