/* int_denied: HTTP 401 and 403 are UT_DENIED with the status and the API's Error.Code, never
 * retried, for each of the three calls. */
#include <stdio.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void check_status_code(json *doc, long long status, const char *code) {
    CHECK(doc_http_status(doc) == status);
    CHECK_STR(doc_code(doc), code);
    json_free(doc);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":3,\"retry_base_ms\":1,\"retry_max_ms\":10");

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":401}");
    check_status_code(issue_failing(&emu, client, UT_DENIED, 1), 401, "InjectedFault");
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":403,"
                    "\"body\":\"{\\\"Error\\\":{\\\"Message\\\":\\\"No\\\",\\\"Code\\\":\\\"DeniedAccess\\\"}}\"}");
    check_status_code(issue_failing(&emu, client, UT_DENIED, 1), 403, "DeniedAccess");

    /* A body that is not the API's envelope: still UT_DENIED, with a null code. */
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":401,\"body\":\"go away\",\"content_type\":\"text/plain\"}");
    json *doc = issue_failing(&emu, client, UT_DENIED, 1);
    CHECK(doc_http_status(doc) == 401);
    CHECK(doc_code(doc) == NULL);
    json_free(doc);

    const char *calls[] = {"renew", "revoke"};
    for (int c = 0; c < 2; c++) {
        char fault[128];
        char *out = NULL;
        snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"%s\",\"status\":%d}", calls[c], c ? 401 : 403);
        emu_fault(&emu, fault);
        long long before = emu_stat(&emu, calls[c]);
        ut_result r = c ? ut_revoke(client, "6", EMU_SITE, "tok", &out) : ut_renew(client, "6", EMU_SITE, "tok", &out);
        CHECK_RESULT(r, UT_DENIED);
        doc = CHECK_ERROR_DOC(out, UT_DENIED);
        CHECK(doc_attempts(doc) == 1);
        CHECK(emu_stat(&emu, calls[c]) - before == 1);
        check_status_code(doc, c ? 401 : 403, "InjectedFault");
        ut_free_string(out);
    }
    ut_client_free(client);
    return 0;
}
