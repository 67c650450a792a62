/* int_decode: a 2xx answer that is not the expected JSON is UT_DECODE, not retried. issue
 * returns its body exactly as received, and needs an object with a string AccessToken; renew
 * and revoke return any JSON body as received, and {} for an empty one or a 204. */
#include "check.h"
#include "clients.h"
#include "emulator.h"

typedef ut_result (*token_call)(const ut_client *, const char *, const char *, const char *, char **);

static void token_call_gives(const emulator *emu, const ut_client *client, const char *call, int status,
                             const char *body, ut_result expected, const char *expected_out) {
    token_call fn = call[2] == 'n' ? ut_renew : ut_revoke;
    char *out = NULL;
    emu_fault_body(emu, call, status, body);
    ut_result result = fn(client, "6", EMU_SITE, "tok", &out);
    CHECK_MSG(result == expected, "%s answered %d \"%s\": %s, expected %s", call, status, body, ut_result_name(result),
              ut_result_name(expected));
    if (expected == UT_OK) {
        CHECK_STR(out, expected_out);
    } else {
        json *doc = CHECK_ERROR_DOC(out, expected);
        CHECK(doc_attempts(doc) == 1);
        json_free(doc);
    }
    ut_free_string(out);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":10");

    const char *not_issue_responses[] = {
        "not json", "", "[]", "null", "\"AccessToken\"", "{\"TokenType\":\"Bearer\"}", "{\"AccessToken\":5}",
        "{\"AccessToken\":null}", "{\"AccessToken\":\"abc\"", "{\"AccessToken\":\"abc\"} trailing", "<html></html>",
    };
    for (size_t i = 0; i < sizeof not_issue_responses / sizeof not_issue_responses[0]; i++) {
        emu_fault_body(&emu, "issue", 200, not_issue_responses[i]);
        json_free(issue_failing(&emu, client, UT_DECODE, 1));
    }

    /* Exactly as received: spacing, key order, extra members and escapes kept. */
    const char *body = " {\"Extra\" : [1, 2.50, \"\\u00e9\"],\n \"AccessToken\":\"tok-\\\"1\\\"\", \"Expires\":null} ";
    emu_fault_body(&emu, "issue", 200, body);
    char *out = NULL;
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    CHECK_STR(out, body);
    ut_free_string(out);
    /* Any 2xx status is a success. */
    emu_fault_body(&emu, "issue", 201, "{\"AccessToken\":\"t201\"}");
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    CHECK_STR(out, "{\"AccessToken\":\"t201\"}");
    ut_free_string(out);

    const char *calls[] = {"renew", "revoke"};
    for (int c = 0; c < 2; c++) {
        token_call_gives(&emu, client, calls[c], 200, "", UT_OK, "{}");
        token_call_gives(&emu, client, calls[c], 204, "", UT_OK, "{}");
        token_call_gives(&emu, client, calls[c], 200, "{\"x\": [1, 2]}", UT_OK, "{\"x\": [1, 2]}");
        token_call_gives(&emu, client, calls[c], 200, "[1,2]", UT_OK, "[1,2]");
        token_call_gives(&emu, client, calls[c], 200, "not json", UT_DECODE, NULL);
        token_call_gives(&emu, client, calls[c], 200, "{\"a\":", UT_DECODE, NULL);
    }
    ut_client_free(client);
    return 0;
}
