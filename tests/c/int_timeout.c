/* int_timeout: UT_TIMEOUT when no full answer comes within timeout_ms, for a server that
 * never answers and for one that trickles its body; each attempt is bounded, and retried. */
#include "check.h"
#include "emulator.h"

/* Generous: the bound is timeout_ms per attempt; this only catches a call that hangs. */
#define SLACK_MS 5000

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *once = client_for(&emu, "\"timeout_ms\":300,\"max_retries\":0");
    ut_client *twice = client_for(&emu, "\"timeout_ms\":300,\"max_retries\":1,\"retry_base_ms\":1,\"retry_max_ms\":10");

    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"issue\"}");
    double start = now_ms();
    json *doc = issue_failing(&emu, once, UT_TIMEOUT, 1);
    double elapsed = now_ms() - start;
    CHECK_MSG(elapsed >= 250, "timed out after %.0f ms, before timeout_ms 300", elapsed);
    CHECK_MSG(elapsed < (300 + SLACK_MS) * time_scale(), "a 300 ms timeout took %.0f ms", elapsed);
    CHECK(doc_http_status(doc) == -1);
    json_free(doc);

    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"issue\",\"count\":2}");
    start = now_ms();
    json_free(issue_failing(&emu, twice, UT_TIMEOUT, 2));
    elapsed = now_ms() - start;
    CHECK_MSG(elapsed < (600 + SLACK_MS) * time_scale(), "two 300 ms attempts took %.0f ms", elapsed);

    /* One byte every 50 ms: the headers come at once, the whole body would take seconds. */
    emu_fault(&emu, "{\"kind\":\"trickle\",\"call\":\"issue\",\"interval_ms\":50}");
    start = now_ms();
    json_free(issue_failing(&emu, once, UT_TIMEOUT, 1));
    elapsed = now_ms() - start;
    CHECK_MSG(elapsed < (300 + SLACK_MS) * time_scale(), "a trickling answer held the call for %.0f ms", elapsed);

    /* A slow answer within the timeout is fine. */
    ut_client *patient = client_for(&emu, "\"timeout_ms\":5000,\"max_retries\":0");
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":200}");
    issue_succeeds(&emu, patient, 1);

    ut_client_free(once);
    ut_client_free(twice);
    ut_client_free(patient);
    return 0;
}
