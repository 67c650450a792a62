/* api_issue_args: ut_issue() checks each argument before sending anything: a NULL one is
 * UT_NULL_ARGUMENT, a malformed one UT_INVALID_ARGUMENT, with an error document naming the
 * parameter and attempts 0. The edge values that are valid pass the checks, which shows as
 * UT_CONNECT here: the client points at a port where nothing listens. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static ut_client *client;

/* Calls ut_issue() and checks the result; on an argument error, that `parameter` is named. */
static void issue(const char *version, const char *site_id, const char *username, const char *password,
                  ut_result expected, const char *parameter) {
    char *out = (char *)(void *)0xa5a5; /* must be overwritten */
    ut_result result = ut_issue(client, version, site_id, username, password, &out);
    CHECK_MSG(result == expected, "ut_issue(%.20s, %.20s, %.20s, %.20s) gave %s, expected %s", version ? version : "NULL",
              site_id ? site_id : "NULL", username ? username : "NULL", password ? password : "NULL",
              ut_result_name(result), ut_result_name(expected));
    json *doc = CHECK_ERROR_DOC(out, expected);
    if (parameter != NULL) {
        const char *message = json_get_string(doc, "message");
        CHECK_MSG(strstr(message, parameter) != NULL, "message \"%s\" does not name %s", message, parameter);
        CHECK_MSG(strlen(message) > strlen(parameter), "message \"%s\" does not say why", message);
        CHECK(doc_attempts(doc) == 0);
        CHECK(doc_http_status(doc) == -1);
    } else {
        CHECK(doc_attempts(doc) == 1); /* the request was tried: the arguments were accepted */
    }
    json_free(doc);
    ut_free_string(out);
}

static char *repeat(const char *unit, size_t times) {
    size_t n = strlen(unit);
    char *text = malloc(n * times + 1);
    for (size_t i = 0; i < times; i++) {
        memcpy(text + i * n, unit, n);
    }
    text[n * times] = '\0';
    return text;
}

int main(void) {
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    client = client_for(&nowhere, "\"max_retries\":0");
    const char *v = "6", *s = "-99", *u = "user", *p = "pass";

    /* NULLs, each named. */
    char *out = NULL;
    CHECK_RESULT(ut_issue(NULL, v, s, u, p, &out), UT_NULL_ARGUMENT);
    json *doc = CHECK_ERROR_DOC(out, UT_NULL_ARGUMENT);
    CHECK_CONTAINS(json_get_string(doc, "message"), "client");
    json_free(doc);
    ut_free_string(out);
    issue(NULL, s, u, p, UT_NULL_ARGUMENT, "version");
    issue(v, NULL, u, p, UT_NULL_ARGUMENT, "site_id");
    issue(v, s, NULL, p, UT_NULL_ARGUMENT, "username");
    issue(v, s, u, NULL, UT_NULL_ARGUMENT, "password");
    /* A NULL json_out: UT_NULL_ARGUMENT and nothing else, even with another argument bad. */
    CHECK_RESULT(ut_issue(client, v, s, u, p, NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_issue(NULL, NULL, NULL, NULL, NULL, NULL), UT_NULL_ARGUMENT);

    /* version: 1-16 bytes of [A-Za-z0-9._-]. */
    char *v17 = repeat("1", 17);
    const char *bad_versions[] = {"", "6/", "6 ", " 6", "v6?", "6\n", "\xc3\xa9", "6%2F", "..\\", v17};
    for (size_t i = 0; i < sizeof bad_versions / sizeof bad_versions[0]; i++) {
        issue(bad_versions[i], s, u, p, UT_INVALID_ARGUMENT, "version");
    }
    issue("aZ09._-aZ09._-Zz", s, u, p, UT_CONNECT, NULL); /* 16 bytes, every allowed kind */
    issue("6", s, u, p, UT_CONNECT, NULL);

    /* site_id: an integer, optional leading '-', 1-18 digits. */
    char *digits19 = repeat("9", 19);
    char *digits18 = repeat("9", 18);
    char minus19[32] = "-";
    char minus18[32] = "-";
    strcat(minus19, digits19);
    strcat(minus18, digits18);
    const char *bad_sites[] = {"", "-", "abc", "--99", "+99", " 99", "99 ", "1.5", "0x1F", "9-9", "99\n", digits19, minus19};
    for (size_t i = 0; i < sizeof bad_sites / sizeof bad_sites[0]; i++) {
        issue(v, bad_sites[i], u, p, UT_INVALID_ARGUMENT, "site_id");
    }
    const char *good_sites[] = {"-99", "0", "7", digits18, minus18};
    for (size_t i = 0; i < sizeof good_sites / sizeof good_sites[0]; i++) {
        issue(v, good_sites[i], u, p, UT_CONNECT, NULL);
    }

    /* username and password: valid UTF-8, 1-4096 bytes, any characters. */
    char *long_ascii = repeat("a", 4097);
    char *max_ascii = repeat("a", 4096);
    char *max_utf8 = repeat("\xc3\xa9", 2048);          /* 4096 bytes of two-byte characters */
    char *long_utf8 = repeat("\xe6\xbc\xa2", 1366);     /* 4098 bytes */
    const char *bad_texts[] = {"", long_ascii, long_utf8, "\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"};
    for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) {
        issue(v, s, bad_texts[i], p, UT_INVALID_ARGUMENT, "username");
        issue(v, s, u, bad_texts[i], UT_INVALID_ARGUMENT, "password");
    }
    const char *good_texts[] = {"x", max_ascii, max_utf8, "\"quote\\back\x01\x7f\xf0\x9f\x8e\x89"};
    for (size_t i = 0; i < sizeof good_texts / sizeof good_texts[0]; i++) {
        issue(v, s, good_texts[i], p, UT_CONNECT, NULL);
        issue(v, s, u, good_texts[i], UT_CONNECT, NULL);
    }

    free(v17);
    free(digits19);
    free(digits18);
    free(long_ascii);
    free(max_ascii);
    free(max_utf8);
    free(long_utf8);
    ut_client_free(client);
    return 0;
}
