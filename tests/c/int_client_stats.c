/* int_client_stats: ut_client_stats() counts, per call, the calls, the requests they sent
 * (retries included) and the failures by result name, sessions' calls included, and agrees
 * with what the emulator received. */
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static long long number(const json *value) {
    CHECK_MSG(value != NULL && value->type == JSON_NUMBER, "not a number");
    return (long long)value->number;
}

static long long member(const json *stats, const char *call, const char *key) {
    const json *counts = json_get(json_get(stats, call), key);
    CHECK_MSG(counts != NULL, "stats lack %s.%s", call, key);
    return number(counts);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"retry_base_ms\":1");
    char *out = NULL;
    CHECK_RESULT(ut_client_stats(client, NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_client_stats(NULL, &out), UT_NULL_ARGUMENT);
    ut_free_string(out);

    emu_fault(&emu, "{\"kind\":\"status\",\"status\":503,\"call\":\"issue\",\"count\":2}");
    char *token = issue_token(client);                      /* 3 requests */
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, "wrong", &out), UT_DENIED);
    ut_free_string(out);
    CHECK_RESULT(ut_issue(client, "6", "", EMU_OWNER, "wrong", &out), UT_INVALID_ARGUMENT); /* not a call */
    ut_free_string(out);
    ut_session *session = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &out), UT_OK);
    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_OK);
    ut_free_string(out);
    CHECK_RESULT(ut_session_revoke(session, &out), UT_OK);
    ut_free_string(out);

    CHECK_RESULT(ut_client_stats(client, &out), UT_OK);
    json *stats = json_parse(out);
    CHECK_MSG(stats != NULL, "not JSON: %s", out);
    CHECK_MSG(member(stats, "issue", "calls") == 3, "%s", out);
    CHECK_MSG(member(stats, "issue", "requests") == 5, "%s", out);
    CHECK_MSG(number(json_get(json_get(json_get(stats, "issue"), "failures"), "UT_DENIED")) == 1, "%s", out);
    CHECK_MSG(member(stats, "renew", "calls") == 1 && member(stats, "renew", "requests") == 1, "%s", out);
    CHECK_MSG(member(stats, "revoke", "calls") == 1 && member(stats, "revoke", "requests") == 1, "%s", out);
    CHECK_LACKS(out, "UT_OK");
    CHECK_MSG(member(stats, "issue", "requests") + member(stats, "renew", "requests") + member(stats, "revoke", "requests")
                  == emu_stat(&emu, "requests"),
              "the emulator counted %lld requests: %s", emu_stat(&emu, "requests"), out);
    json_free(stats);
    ut_free_string(out);
    ut_free_string(token);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
