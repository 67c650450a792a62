/* int_headers: what reaches the emulator: method, path with the version, and the headers of
 * each call (API-Key, SiteId, Content-Type, Accept, User-Agent, Authorization exactly as given,
 * Content-Length: 0 on renew), each sent once; the default User-Agent is usertoken/<version>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void check_header(const json *request, const char *name, const char *expected) {
    size_t count = req_header_count(request, name);
    CHECK_MSG(count == 1, "%s %s: header %s sent %zu times", json_get_string(request, "method"),
              json_get_string(request, "path"), name, count);
    CHECK_MSG(strcmp(req_header(request, name), expected) == 0, "%s: header %s is \"%s\", expected \"%s\"",
              json_get_string(request, "path"), name, req_header(request, name), expected);
}

static void check_common(const json *request, const char *method, const char *path, const char *site_id) {
    CHECK_STR(json_get_string(request, "method"), method);
    CHECK_STR(json_get_string(request, "path"), path);
    check_header(request, "api-key", EMU_API_KEY);
    check_header(request, "siteid", site_id);
    check_header(request, "accept", "application/json");
    check_header(request, "user-agent", test_tag());
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    char *out = NULL;
    char *token = issue_token(client);
    char bearer[1024];
    snprintf(bearer, sizeof bearer, "Bearer %s", token);

    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_OK);
    ut_free_string(out);
    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, bearer, &out), UT_OK);
    ut_free_string(out);
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, token, &out), UT_OK);
    ut_free_string(out);
    /* Another version and site reach the path and the SiteId header as given. */
    ut_issue(client, "7.1_b-2", "12345", EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    ut_free_string(out);

    request_list mine = emu_requests(&emu, test_tag());
    CHECK_MSG(mine.count == 5, "%zu requests recorded, expected 5", mine.count);

    const json *issue = mine.items[0];
    check_common(issue, "POST", "/public/v6/usertoken/issue", EMU_SITE);
    check_header(issue, "content-type", "application/json");
    CHECK(req_header_count(issue, "authorization") == 0);
    char length[32];
    snprintf(length, sizeof length, "%zu", strlen(json_get_string(issue, "body")));
    check_header(issue, "content-length", length);

    const json *renew = mine.items[1];
    check_common(renew, "POST", "/public/v6/usertoken/renew", EMU_SITE);
    check_header(renew, "authorization", token);
    check_header(renew, "content-length", "0");
    CHECK_STR(json_get_string(renew, "body"), "");

    const json *renew_bearer = mine.items[2];
    check_common(renew_bearer, "POST", "/public/v6/usertoken/renew", EMU_SITE);
    check_header(renew_bearer, "authorization", bearer);
    check_header(renew_bearer, "content-length", "0");

    const json *revoke = mine.items[3];
    check_common(revoke, "DELETE", "/public/v6/usertoken/revoke", EMU_SITE);
    check_header(revoke, "authorization", token);
    CHECK_STR(json_get_string(revoke, "body"), "");

    check_common(mine.items[4], "POST", "/public/v7.1_b-2/usertoken/issue", "12345");
    request_list_free(&mine);

    /* Without user_agent in the configuration: usertoken/<version>. Found by its token. */
    char *fresh = issue_token(client);
    char config[512];
    snprintf(config, sizeof config, "{\"base_url\":\"%s\",\"api_key\":\"%s\"}", emu.url, EMU_API_KEY);
    ut_client *plain = NULL;
    CHECK_RESULT(ut_client_new(config, &plain, &out), UT_OK);
    CHECK_RESULT(ut_revoke(plain, "6", EMU_SITE, fresh, &out), UT_OK);
    ut_free_string(out);
    request_list all = emu_requests(&emu, NULL);
    const char *agent = NULL;
    for (size_t i = 0; i < all.count; i++) {
        const char *authorization = req_header(all.items[i], "authorization");
        if (authorization != NULL && strcmp(authorization, fresh) == 0) {
            agent = req_header(all.items[i], "user-agent");
        }
    }
    char expected_agent[64];
    snprintf(expected_agent, sizeof expected_agent, "usertoken/%s", ut_version());
    CHECK_STR(agent, expected_agent);
    request_list_free(&all);

    ut_client_free(plain);
    ut_client_free(client);
    free(fresh);
    free(token);
    return 0;
}
