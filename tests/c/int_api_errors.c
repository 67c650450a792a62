/* int_api_errors: the API's own refusals map to result codes, carry the HTTP status and the
 * API's Error.Code, and are not retried: a wrong API key, an unknown site, bad credentials,
 * an unknown token. No document holds the key or the password that was sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void check_refusal(ut_result result, char *out, ut_result expected, long long status, const char *code,
                          const char *message_part) {
    CHECK_RESULT(result, expected);
    json *doc = CHECK_ERROR_DOC(out, expected);
    CHECK_MSG(doc_http_status(doc) == status, "http_status %lld, expected %lld: %s", doc_http_status(doc), status, out);
    CHECK_STR(doc_code(doc), code);
    CHECK_CONTAINS(json_get_string(doc, "message"), message_part);
    CHECK_MSG(doc_attempts(doc) == 1, "a %lld was tried %lld times", status, doc_attempts(doc));
    json_free(doc);
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    char *out = NULL;
    char *config = config_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1");
    /* The same configuration with another API key. */
    char *wrong = malloc(strlen(config) + 32);
    char *key = strstr(config, EMU_API_KEY);
    sprintf(wrong, "%.*swrong-api-key-4711%s", (int)(key - config), config, key + strlen(EMU_API_KEY));
    ut_client *client = NULL;
    ut_client *bad_key = NULL;
    CHECK_RESULT(ut_client_new(config, &client, &out), UT_OK);
    CHECK_RESULT(ut_client_new(wrong, &bad_key, &out), UT_OK);

    ut_result r = ut_issue(bad_key, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    check_refusal(r, out, UT_DENIED, 401, "DeniedAccess", "Invalid API key");
    CHECK_LACKS(out, "wrong-api-key-4711");
    CHECK_LACKS(out, EMU_OWNER_PASSWORD);
    ut_free_string(out);

    r = ut_issue(client, "6", "12345", EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    check_refusal(r, out, UT_HTTP_ERROR, 400, "InvalidSiteId", "SiteId");
    ut_free_string(out);

    r = ut_issue(client, "6", EMU_SITE, EMU_OWNER, "not-the-password-31337", &out);
    /* Bad credentials are 403, as observed live. */
    check_refusal(r, out, UT_DENIED, 403, "DeniedAccess", "authentication failed");
    CHECK_LACKS(out, "not-the-password-31337");
    ut_free_string(out);

    r = ut_renew(client, "6", EMU_SITE, "no-such-token-8080", &out);
    check_refusal(r, out, UT_DENIED, 401, "DeniedAccess", "invalid");
    CHECK_LACKS(out, "no-such-token-8080");
    ut_free_string(out);

    r = ut_revoke(client, "6", EMU_SITE, "Bearer no-such-token-8081", &out);
    check_refusal(r, out, UT_DENIED, 401, "DeniedAccess", "invalid");
    CHECK_LACKS(out, "no-such-token-8081");
    ut_free_string(out);

    /* Each refusal above reached the emulator once (nothing retried): five requests. */
    request_list mine = emu_requests(&emu, test_tag());
    CHECK_MSG(mine.count == 5, "%zu requests recorded, expected 5", mine.count);
    request_list_free(&mine);

    ut_client_free(client);
    ut_client_free(bad_key);
    free(config);
    free(wrong);
    return 0;
}
