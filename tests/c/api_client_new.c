/* api_client_new: the output rule of ut_client_new(): a NULL error_out does nothing, a NULL
 * client_out is named in a document, *client_out is written on UT_OK only and *error_out is
 * NULL then; the API key falls back to MINDBODY_API_KEY and is required. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "emulator.h"

/* A value no call may leave behind unless it did not touch the pointer. */
#define UNTOUCHED_CLIENT ((ut_client *)(void *)0x5a5a)
#define UNTOUCHED_TEXT ((char *)(void *)0xa5a5)

static void check_names(const char *doc, ut_result expected, const char *parameter) {
    json *parsed = CHECK_ERROR_DOC(doc, expected);
    CHECK_CONTAINS(json_get_string(parsed, "message"), parameter);
    CHECK(doc_attempts(parsed) == 0);
    CHECK(doc_http_status(parsed) == -1);
    CHECK(doc_code(parsed) == NULL);
    json_free(parsed);
}

int main(void) {
    char config[256];
    snprintf(config, sizeof config, "{\"api_key\":\"k\",\"base_url\":\"%s\"}", closed_port_url());
    ut_client *client = UNTOUCHED_CLIENT;
    char *error = UNTOUCHED_TEXT;
    unsetenv("MINDBODY_API_KEY");
    unsetenv("MINDBODY_BASE_URL");

    /* NULL error_out: UT_NULL_ARGUMENT and nothing else, even with a valid config. */
    CHECK_RESULT(ut_client_new(config, &client, NULL), UT_NULL_ARGUMENT);
    CHECK(client == UNTOUCHED_CLIENT);
    CHECK_RESULT(ut_client_new(NULL, NULL, NULL), UT_NULL_ARGUMENT);

    /* NULL client_out: a document naming it. */
    CHECK_RESULT(ut_client_new(config, NULL, &error), UT_NULL_ARGUMENT);
    check_names(error, UT_NULL_ARGUMENT, "client_out");
    ut_free_string(error);

    /* No API key anywhere: UT_INVALID_CONFIG naming api_key; client_out untouched. */
    const char *no_key[] = {NULL, "{}", "{\"max_retries\":0}"};
    for (size_t i = 0; i < 3; i++) {
        error = UNTOUCHED_TEXT;
        CHECK_RESULT(ut_client_new(no_key[i], &client, &error), UT_INVALID_CONFIG);
        CHECK(client == UNTOUCHED_CLIENT);
        check_names(error, UT_INVALID_CONFIG, "api_key");
        ut_free_string(error);
    }

    /* Success: *client_out set, *error_out NULL (not left as it was). */
    error = UNTOUCHED_TEXT;
    CHECK_RESULT(ut_client_new(config, &client, &error), UT_OK);
    CHECK(client != NULL && client != UNTOUCHED_CLIENT);
    CHECK(error == NULL);
    ut_client_free(client);

    /* The key from the environment, with NULL and with "{}". */
    setenv("MINDBODY_API_KEY", "from-environment", 1);
    for (size_t i = 0; i < 2; i++) {
        client = UNTOUCHED_CLIENT;
        error = UNTOUCHED_TEXT;
        CHECK_RESULT(ut_client_new(no_key[i], &client, &error), UT_OK);
        CHECK(client != NULL && client != UNTOUCHED_CLIENT);
        CHECK(error == NULL);
        ut_client_free(client);
    }

    /* Free the first of two clients: the second is independent. */
    ut_client *first = NULL;
    ut_client *second = NULL;
    CHECK_RESULT(ut_client_new(config, &first, &error), UT_OK);
    CHECK_RESULT(ut_client_new(config, &second, &error), UT_OK);
    CHECK(first != second);
    ut_client_free(first);
    char *out = NULL;
    CHECK_RESULT(ut_issue(second, "6", "-99", "u", "p", &out), UT_CONNECT); /* nothing listens there */
    ut_free_string(out);
    ut_client_free(second);
    return 0;
}
