/* int_rate_limited: 429 is retried; after max_retries it is UT_RATE_LIMITED with attempts =
 * max_retries + 1. Retry-After (seconds or HTTP date) sets the wait; one longer than
 * retry_max_ms is not waited for: the call returns at once. */
#include <stdio.h>
#include <time.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void http_date(char *out, size_t size, long long offset_s) {
    time_t when = time(NULL) + (time_t)offset_s;
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":3000");
    ut_client *no_retry = client_for(&emu, "\"max_retries\":0");
    char fault[256];
    char date[64];

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429,\"count\":3}");
    json *doc = issue_failing(&emu, client, UT_RATE_LIMITED, 3);
    CHECK(doc_http_status(doc) == 429);
    CHECK_STR(doc_code(doc), "InjectedFault");
    json_free(doc);

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429}");
    json_free(issue_failing(&emu, no_retry, UT_RATE_LIMITED, 1));

    /* Two 429s, then an answer. */
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429,\"count\":2}");
    issue_succeeds(&emu, client, 3);

    /* Retry-After: 1 second is waited for (the contract's wait, not the 1 ms backoff). */
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429,\"retry_after\":\"1\"}");
    double start = now_ms();
    issue_succeeds(&emu, client, 2);
    double elapsed = now_ms() - start;
    CHECK_MSG(elapsed >= 900, "Retry-After: 1 was waited for only %.0f ms", elapsed);

    /* Longer than retry_max_ms (3 s): not waited for, the 429 is returned at once. */
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429,\"retry_after\":\"3600\"}");
    start = now_ms();
    json_free(issue_failing(&emu, client, UT_RATE_LIMITED, 1));
    elapsed = now_ms() - start;
    CHECK_MSG(elapsed < 2500 * time_scale(), "a Retry-After beyond retry_max_ms held the call %.0f ms", elapsed);

    /* An HTTP date an hour ahead: the same. */
    http_date(date, sizeof date, 3600);
    snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429,\"retry_after\":\"%s\"}", date);
    emu_fault(&emu, fault);
    json_free(issue_failing(&emu, client, UT_RATE_LIMITED, 1));

    /* An HTTP date in the past: no wait, retried. */
    http_date(date, sizeof date, -3600);
    snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":429,\"retry_after\":\"%s\"}", date);
    emu_fault(&emu, fault);
    issue_succeeds(&emu, client, 2);

    ut_client_free(client);
    ut_client_free(no_retry);
    return 0;
}
