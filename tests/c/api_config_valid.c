/* api_config_valid: the edge values of each configuration key are accepted, every key at
 * once too, and plain http:// to each loopback spelling (or anywhere with allow_http). */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

static const char *const good_members[] = {
    "\"base_url\":\"https://api.mindbodyonline.com\"",
    "\"base_url\":\"http://127.0.0.1:1\"",
    "\"base_url\":\"http://127.3.4.5:1\"", /* all of 127.0.0.0/8 is loopback */
    "\"base_url\":\"http://localhost:1\"",
    "\"base_url\":\"http://[::1]:1\"",
    "\"base_url\":\"http://example.com\",\"allow_http\":true",
    "\"timeout_ms\":1",
    "\"timeout_ms\":600000",
    "\"connect_timeout_ms\":1",
    "\"max_retries\":0",
    "\"max_retries\":10",
    "\"retry_base_ms\":0",
    "\"retry_max_ms\":0",
    "\"user_agent\":\"my-app/2.1 (+https://example.com)\"",
    "\"proxy\":null",
    "\"proxy\":\"http://127.0.0.1:3128\"",
    "\"ca_file\":null",
    "\"allow_http\":false",
    "\"max_response_bytes\":1",
    "\"worker_threads\":1",
    "\"worker_threads\":64",
    "\"session_renew_margin_s\":0",
    "\"session_renew_margin_s\":86400",
};

static void expect_valid(const char *config) {
    ut_client *client = NULL;
    char *error = (char *)(void *)0xa5a5;
    ut_result result = ut_client_new(config, &client, &error);
    CHECK_MSG(result == UT_OK, "config %s gave %s: %s", config, ut_result_name(result), result ? error : "");
    CHECK(client != NULL);
    CHECK(error == NULL);
    ut_client_free(client);
}

int main(void) {
    char config[512];
    unsetenv("MINDBODY_API_KEY");
    unsetenv("MINDBODY_BASE_URL");
    for (size_t i = 0; i < sizeof good_members / sizeof good_members[0]; i++) {
        snprintf(config, sizeof config, "{\"api_key\":\"k\",%s}", good_members[i]);
        expect_valid(config);
    }
    /* Whitespace around the document and between tokens is JSON too. */
    expect_valid(" \n{ \"api_key\" : \"k\" }\t");
    expect_valid("{\"base_url\":\"http://127.0.0.1:1\",\"api_key\":\"k\",\"timeout_ms\":1000,"
                 "\"connect_timeout_ms\":500,\"max_retries\":3,\"retry_base_ms\":10,\"retry_max_ms\":100,"
                 "\"user_agent\":\"ua\",\"proxy\":null,\"ca_file\":null,\"allow_http\":false,"
                 "\"max_response_bytes\":4096,\"worker_threads\":3,\"session_renew_margin_s\":60}");
    /* The environment supplies base_url too. */
    setenv("MINDBODY_API_KEY", "k", 1);
    setenv("MINDBODY_BASE_URL", "http://127.0.0.1:1", 1);
    expect_valid(NULL);
    return 0;
}
