/* int_env_defaults: with no base_url or api_key in the configuration, the client takes
 * MINDBODY_BASE_URL and MINDBODY_API_KEY; configuration keys win over the environment. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "emulator.h"

static ut_client *make(const char *config) {
    ut_client *client = NULL;
    char *error = NULL;
    ut_result r = ut_client_new(config, &client, &error);
    CHECK_MSG(r == UT_OK, "%s: %s", config ? config : "NULL", error);
    return client;
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    setenv("MINDBODY_BASE_URL", emu.url, 1);
    setenv("MINDBODY_API_KEY", EMU_API_KEY, 1);
    char config[512];
    char *out = NULL;

    ut_client *from_env = make(NULL);
    CHECK_RESULT(ut_issue(from_env, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    ut_free_string(out);
    ut_client_free(from_env);

    /* Only the User-Agent configured, so that the request can be found. */
    snprintf(config, sizeof config, "{\"user_agent\":\"%s\"}", test_tag());
    ut_client *tagged = make(config);
    CHECK_RESULT(ut_issue(tagged, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    ut_free_string(out);
    request_list mine = emu_requests(&emu, test_tag());
    CHECK(mine.count == 1);
    CHECK_STR(req_header(mine.items[0], "api-key"), EMU_API_KEY);
    request_list_free(&mine);
    ut_client_free(tagged);

    /* api_key in the configuration beats the environment's. */
    ut_client *other_key = make("{\"api_key\":\"configured-key\"}");
    CHECK_RESULT(ut_issue(other_key, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_DENIED);
    CHECK_LACKS(out, "configured-key");
    ut_free_string(out);
    ut_client_free(other_key);

    /* base_url too: nothing listens at the configured one. */
    snprintf(config, sizeof config, "{\"base_url\":\"%s\",\"max_retries\":0}", closed_port_url());
    ut_client *other_url = make(config);
    CHECK_RESULT(ut_issue(other_url, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_CONNECT);
    ut_free_string(out);
    ut_client_free(other_url);

    /* A non-loopback plain-http URL from the environment is refused like a configured one. */
    setenv("MINDBODY_BASE_URL", "http://example.com", 1);
    ut_client *refused = NULL;
    CHECK_RESULT(ut_client_new(NULL, &refused, &out), UT_INVALID_CONFIG);
    CHECK_CONTAINS(out, "base_url");
    ut_free_string(out);
    return 0;
}
