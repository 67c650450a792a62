/* int_renew_revoke: renew answers a new token that expires 24 h after the current expiry, with
 * a bare token and with "Bearer <token>" (the emulator takes both; whether the API does is
 * unknown); the eighth renewal is refused (403); revoke answers {} and the token is dead
 * afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static long long expires_of(const char *json_text) {
    json *doc = json_parse(json_text);
    CHECK_MSG(doc != NULL, "not JSON: %s", json_text);
    long long expires = rfc3339_seconds(json_get_string(doc, "Expires"));
    CHECK_MSG(expires > 0, "no Expires in %s", json_text);
    json_free(doc);
    return expires;
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    char *out = NULL;

    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    long long expires = expires_of(out);
    json *issued = json_parse(out);
    char *token = strdup(json_get_string(issued, "AccessToken"));
    json_free(issued);
    ut_free_string(out);

    char bearer[8300];
    for (int renewal = 1; renewal <= 7; renewal++) {
        /* Alternate the two spellings of the Authorization value. */
        snprintf(bearer, sizeof bearer, "Bearer %s", token);
        const char *authorization = renewal % 2 ? token : bearer;
        CHECK_RESULT(ut_renew(client, "6", EMU_SITE, authorization, &out), UT_OK);
        json *doc = json_parse(out);
        CHECK_MSG(doc != NULL, "renew answered non-JSON: %s", out);
        const char *renewed_token = json_get_string(doc, "AccessToken");
        CHECK_MSG(renewed_token != NULL && strcmp(renewed_token, token) != 0, "renewal %d kept the token", renewal);
        long long renewed = rfc3339_seconds(json_get_string(doc, "Expires"));
        CHECK_MSG(renewed == expires + 86400, "renewal %d: Expires moved by %lld s, expected 86400", renewal,
                  renewed - expires);
        expires = renewed;
        /* The new token is the token from now on. */
        free(token);
        token = strdup(renewed_token);
        json_free(doc);
        ut_free_string(out);
    }
    snprintf(bearer, sizeof bearer, "Bearer %s", token);

    /* The eighth renewal: 403 DeniedAccess, not retried. */
    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_DENIED);
    json *doc = CHECK_ERROR_DOC(out, UT_DENIED);
    CHECK(doc_http_status(doc) == 403);
    CHECK_STR(doc_code(doc), "DeniedAccess");
    CHECK(doc_attempts(doc) == 1);
    CHECK_LACKS(out, token);
    json_free(doc);
    ut_free_string(out);

    /* Revoke: {} as the emulator answers it; then the token is refused. */
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, bearer, &out), UT_OK);
    CHECK_STR(out, "{}");
    ut_free_string(out);
    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_DENIED);
    doc = CHECK_ERROR_DOC(out, UT_DENIED);
    CHECK(doc_http_status(doc) == 401);
    json_free(doc);
    ut_free_string(out);
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, token, &out), UT_DENIED);
    ut_free_string(out);

    free(token);
    ut_client_free(client);
    return 0;
}
