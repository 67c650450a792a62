/* api_config_invalid: every configuration key refuses a wrong type and an out-of-range value
 * with UT_INVALID_CONFIG and a message naming the key; so do unknown keys and malformed JSON.
 * *client_out stays untouched every time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define UNTOUCHED_CLIENT ((ut_client *)(void *)0x5a5a)

/* Each bad member is tried alone beside a valid api_key; `named` must be in the message. */
static const struct {
    const char *member;
    const char *named;
} bad_members[] = {
    {"\"base_url\":42", "base_url"},
    {"\"base_url\":\"\"", "base_url"},
    {"\"base_url\":\"not a url\"", "base_url"},
    {"\"base_url\":\"ftp://127.0.0.1/\"", "base_url"},
    {"\"base_url\":\"http://example.com\"", "base_url"}, /* plain http, not loopback */
    {"\"base_url\":\"http://10.1.2.3:8080\"", "base_url"},
    {"\"base_url\":null", "base_url"},
    {"\"timeout_ms\":0", "timeout_ms"},
    {"\"timeout_ms\":-1", "timeout_ms"},
    {"\"timeout_ms\":\"1000\"", "timeout_ms"},
    {"\"timeout_ms\":1.5", "timeout_ms"},
    {"\"timeout_ms\":1e40", "timeout_ms"},
    {"\"connect_timeout_ms\":0", "connect_timeout_ms"},
    {"\"connect_timeout_ms\":true", "connect_timeout_ms"},
    {"\"max_retries\":-1", "max_retries"},
    {"\"max_retries\":11", "max_retries"},
    {"\"max_retries\":\"2\"", "max_retries"},
    {"\"retry_base_ms\":-1", "retry_base_ms"},
    {"\"retry_base_ms\":[]", "retry_base_ms"},
    {"\"retry_max_ms\":-5", "retry_max_ms"},
    {"\"retry_max_ms\":{}", "retry_max_ms"},
    {"\"user_agent\":7", "user_agent"},
    {"\"user_agent\":\"agent\\r\\nX-Injected: 1\"", "user_agent"},
    {"\"user_agent\":\"agent\\n\"", "user_agent"},
    {"\"proxy\":5", "proxy"},
    {"\"proxy\":\"::not a proxy::\"", "proxy"},
    {"\"ca_file\":\"/nonexistent/usertoken-test-ca.pem\"", "ca_file"},
    {"\"ca_file\":7", "ca_file"},
    {"\"allow_http\":\"yes\"", "allow_http"},
    {"\"allow_http\":1", "allow_http"},
    {"\"max_response_bytes\":0", "max_response_bytes"},
    {"\"max_response_bytes\":-1", "max_response_bytes"},
    {"\"worker_threads\":0", "worker_threads"},
    {"\"worker_threads\":65", "worker_threads"},
    {"\"worker_threads\":\"2\"", "worker_threads"},
    {"\"session_renew_margin_s\":-1", "session_renew_margin_s"},
    {"\"session_renew_margin_s\":\"60\"", "session_renew_margin_s"},
    {"\"bogus\":1", "bogus"},
    {"\"Base_URL\":\"http://127.0.0.1:1\"", "Base_URL"}, /* keys are case-sensitive */
};

/* Whole documents that are not a configuration at all. */
static const char *const malformed[] = {
    "", "{", "}", "[]", "null", "42", "\"api_key\"", "{\"api_key\":\"k\",}", "{\"api_key\":\"k\"} {}",
    "{'api_key':'k'}", "{\"api_key\":\"k\"", "\xff\xfe",
};

static void expect_invalid(const char *config, const char *named) {
    ut_client *client = UNTOUCHED_CLIENT;
    char *error = NULL;
    ut_result result = ut_client_new(config, &client, &error);
    CHECK_MSG(result == UT_INVALID_CONFIG, "config %s gave %s, expected UT_INVALID_CONFIG", config,
              ut_result_name(result));
    CHECK_MSG(client == UNTOUCHED_CLIENT, "config %s wrote client_out on failure", config);
    json *doc = CHECK_ERROR_DOC(error, UT_INVALID_CONFIG);
    if (named != NULL) {
        CHECK_MSG(strstr(json_get_string(doc, "message"), named) != NULL, "config %s: message \"%s\" does not name %s",
                  config, json_get_string(doc, "message"), named);
    }
    CHECK(doc_attempts(doc) == 0);
    json_free(doc);
    ut_free_string(error);
}

int main(void) {
    char config[512];
    unsetenv("MINDBODY_API_KEY");
    unsetenv("MINDBODY_BASE_URL");
    for (size_t i = 0; i < sizeof bad_members / sizeof bad_members[0]; i++) {
        snprintf(config, sizeof config, "{\"api_key\":\"k\",%s}", bad_members[i].member);
        expect_invalid(config, bad_members[i].named);
    }
    /* The API key itself: wrong type, empty, or anything but printable ASCII. */
    const char *bad_keys[] = {"{\"api_key\":5}", "{\"api_key\":\"\"}", "{\"api_key\":null}",
                              "{\"api_key\":\"k\\r\\nX-Injected: 1\"}", "{\"api_key\":\"k\\n\"}",
                              "{\"api_key\":\"k\\u00e9\"}"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        expect_invalid(bad_keys[i], "api_key");
    }
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        expect_invalid(malformed[i], NULL);
    }
    return 0;
}
