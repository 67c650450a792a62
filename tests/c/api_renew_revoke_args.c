/* api_renew_revoke_args: ut_renew() and ut_revoke() check their arguments before sending:
 * NULLs are named, `authorization` must be 1-8192 bytes of printable ASCII; valid edge values
 * reach the network (UT_CONNECT, nothing listens at the client's URL). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

typedef ut_result (*token_call)(const ut_client *, const char *, const char *, const char *, char **);

static const struct {
    token_call call;
    const char *name;
} calls[] = {{ut_renew, "ut_renew"}, {ut_revoke, "ut_revoke"}};

static void expect(size_t c, const ut_client *client, const char *version, const char *site_id,
                   const char *authorization, ut_result expected, const char *parameter) {
    char *out = (char *)(void *)0xa5a5;
    ut_result result = calls[c].call(client, version, site_id, authorization, &out);
    CHECK_MSG(result == expected, "%s(authorization \"%.40s\") gave %s, expected %s", calls[c].name,
              authorization ? authorization : "NULL", ut_result_name(result), ut_result_name(expected));
    json *doc = CHECK_ERROR_DOC(out, expected);
    if (parameter != NULL) {
        CHECK_CONTAINS(json_get_string(doc, "message"), parameter);
        CHECK(doc_attempts(doc) == 0);
    } else {
        CHECK(doc_attempts(doc) == 1);
    }
    json_free(doc);
    ut_free_string(out);
}

static char *filled(char c, size_t n) {
    char *text = malloc(n + 1);
    memset(text, c, n);
    text[n] = '\0';
    return text;
}

int main(void) {
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    ut_client *client = client_for(&nowhere, "\"max_retries\":0");
    char *too_long = filled('t', 8193);
    char *longest = filled('t', 8192);
    /* Every printable ASCII byte, 0x20 to 0x7E. */
    char printable[96];
    for (int i = 0; i < 95; i++) {
        printable[i] = (char)(0x20 + i);
    }
    printable[95] = '\0';
    const char *bad[] = {"", too_long, "tok\ren", "tok\nen", "tok\r\nX-Injected: 1", "tok\ten", "\x7f",
                         "\x1b[0m", "tok\xc3\xa9", "\xff", "\x01"};
    const char *good[] = {"t", "Bearer abc", longest, printable};

    for (size_t c = 0; c < 2; c++) {
        expect(c, NULL, "6", "-99", "t", UT_NULL_ARGUMENT, "client");
        expect(c, client, NULL, "-99", "t", UT_NULL_ARGUMENT, "version");
        expect(c, client, "6", NULL, "t", UT_NULL_ARGUMENT, "site_id");
        expect(c, client, "6", "-99", NULL, UT_NULL_ARGUMENT, "authorization");
        expect(c, client, "", "-99", "t", UT_INVALID_ARGUMENT, "version");
        expect(c, client, "6", "x", "t", UT_INVALID_ARGUMENT, "site_id");
        CHECK_RESULT(calls[c].call(client, "6", "-99", "t", NULL), UT_NULL_ARGUMENT);
        CHECK_RESULT(calls[c].call(NULL, NULL, NULL, NULL, NULL), UT_NULL_ARGUMENT);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            expect(c, client, "6", "-99", bad[i], UT_INVALID_ARGUMENT, "authorization");
        }
        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
            expect(c, client, "6", "-99", good[i], UT_CONNECT, NULL);
        }
    }
    free(too_long);
    free(longest);
    ut_client_free(client);
    return 0;
}
