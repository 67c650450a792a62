/* int_oversized: an answer of exactly max_response_bytes is accepted, one byte more is
 * UT_DECODE (not retried), at a small limit and at the default of 1 MiB. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void oversized(const emulator *emu, const char *call, long long bytes) {
    char fault[128];
    snprintf(fault, sizeof fault, "{\"kind\":\"oversized\",\"call\":\"%s\",\"body_bytes\":%lld}", call, bytes);
    emu_fault(emu, fault);
}

static void accepted(const emulator *emu, const ut_client *client, long long bytes) {
    char *out = NULL;
    oversized(emu, "issue", bytes);
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    CHECK_MSG((long long)strlen(out) == bytes, "a %lld-byte answer came back as %zu bytes", bytes, strlen(out));
    json *doc = json_parse(out);
    CHECK(json_get_string(doc, "AccessToken") != NULL);
    json_free(doc);
    ut_free_string(out);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *small = client_for(&emu, "\"max_response_bytes\":1000,\"max_retries\":2,\"retry_base_ms\":1");
    ut_client *standard = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1");

    accepted(&emu, small, 1000);
    accepted(&emu, small, 999);
    oversized(&emu, "issue", 1001);
    json_free(issue_failing(&emu, small, UT_DECODE, 1));

    accepted(&emu, standard, 1048576);
    oversized(&emu, "issue", 1048577);
    json_free(issue_failing(&emu, standard, UT_DECODE, 1));

    /* renew is held to the same limit. */
    char *out = NULL;
    oversized(&emu, "renew", 1001);
    CHECK_RESULT(ut_renew(small, "6", EMU_SITE, "tok", &out), UT_DECODE);
    json_free(CHECK_ERROR_DOC(out, UT_DECODE));
    ut_free_string(out);
    oversized(&emu, "renew", 1000);
    CHECK_RESULT(ut_renew(small, "6", EMU_SITE, "tok", &out), UT_OK);
    CHECK(strlen(out) == 1000);
    ut_free_string(out);

    ut_client_free(small);
    ut_client_free(standard);
    return 0;
}
