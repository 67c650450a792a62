/* int_body_bytes: usernames and passwords with quotes, backslashes, control characters and
 * non-ASCII reach the emulator byte-exact: the recorded body (body_hex) is a JSON object of
 * exactly Username and Password whose values decode to the bytes that were passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static char *from_hex(const char *hex, size_t *length) {
    size_t n = strlen(hex) / 2;
    char *bytes = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned value;
        CHECK(sscanf(hex + 2 * i, "%2x", &value) == 1);
        bytes[i] = (char)value;
    }
    bytes[n] = '\0';
    *length = n;
    return bytes;
}

static void check_value(const json *body, const char *key, const char *expected) {
    const json *value = json_get(body, key);
    CHECK_MSG(value != NULL && value->type == JSON_STRING, "no string %s in the body", key);
    CHECK_MSG(value->length == strlen(expected) && memcmp(value->string, expected, value->length) == 0,
              "%s arrived as %zu bytes \"%s\", sent %zu bytes \"%s\"", key, value->length, value->string,
              strlen(expected), expected);
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    static char all_controls[32];
    for (int i = 0; i < 31; i++) {
        all_controls[i] = (char)(i + 1); /* 0x01-0x1F */
    }
    char *longest = malloc(4097);
    for (int i = 0; i < 4096; i += 4) {
        memcpy(longest + i, "\xf0\x9f\x8e\x89", 4); /* 1024 four-byte characters */
    }
    longest[4096] = '\0';
    const struct {
        const char *username;
        const char *password;
    } cases[] = {
        {"quote\"back\\slash/solidus", "pa\"ss\\\\wo\\\"rd"},
        {"tab\tnewline\nreturn\rbell\a\x7f", all_controls},
        {"\xc3\xa9\xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x8e\x89 \xe2\x80\xa8\xe2\x80\xa9", "\xef\xbb\xbf\xc2\xa0\xf4\x8f\xbf\xbf"},
        {"{\"Username\":\"x\"}", "</script>&<>'\\u0000"},
        {longest, longest},
    };
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        char *out = NULL;
        /* Unknown users: the emulator refuses them, after recording what it got. */
        CHECK_RESULT(ut_issue(client, "6", EMU_SITE, cases[i].username, cases[i].password, &out), UT_DENIED);
        CHECK_LACKS(out, cases[i].password);
        ut_free_string(out);
    }
    request_list mine = emu_requests(&emu, test_tag());
    CHECK_MSG(mine.count == n, "%zu requests recorded, expected %zu", mine.count, n);
    for (size_t i = 0; i < n; i++) {
        size_t length;
        char *raw = from_hex(json_get_string(mine.items[i], "body_hex"), &length);
        json *body = json_parse_n(raw, length);
        CHECK_MSG(body != NULL && body->type == JSON_OBJECT, "case %zu: the body is not a JSON object: %s", i, raw);
        CHECK_MSG(body->count == 2, "case %zu: the body has %zu members", i, body->count);
        check_value(body, "Username", cases[i].username);
        check_value(body, "Password", cases[i].password);
        json_free(body);
        free(raw);
    }
    request_list_free(&mine);
    free(longest);
    ut_client_free(client);
    return 0;
}
