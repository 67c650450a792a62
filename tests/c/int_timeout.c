/* int_timeout: UT_TIMEOUT when no full answer comes within timeout_ms, for a server that
 * never answers and for one that trickles its body; each attempt is bounded, and retried. */
#include <stdio.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

/* Generous: the bound is timeout_ms per attempt; this only catches a call that hangs. */
#define SLACK_MS 5000

int main(void) {
    emulator emu;
    emulator_private(&emu);
    /* 300 ms, stretched under valgrind, where the request alone could take longer to send
     * (an attempt that times out before the server sees it would leave its fault queued). */
    double timeout = 300 * time_scale();
    char config[256];
    snprintf(config, sizeof config, "\"timeout_ms\":%.0f,\"max_retries\":0", timeout);
    ut_client *once = client_for(&emu, config);
    snprintf(config, sizeof config, "\"timeout_ms\":%.0f,\"max_retries\":1,\"retry_base_ms\":1,\"retry_max_ms\":10", timeout);
    ut_client *twice = client_for(&emu, config);

    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"issue\"}");
    double start = now_ms();
    json *doc = issue_failing(&emu, once, UT_TIMEOUT, 1);
    double elapsed = now_ms() - start;
    CHECK_MSG(elapsed >= timeout * 0.8, "timed out after %.0f ms, before timeout_ms %.0f", elapsed, timeout);
    CHECK_MSG(elapsed < timeout + SLACK_MS * time_scale(), "a %.0f ms timeout took %.0f ms", timeout, elapsed);
    CHECK(doc_http_status(doc) == -1);
    json_free(doc);

    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"issue\",\"count\":2}");
    start = now_ms();
    json_free(issue_failing(&emu, twice, UT_TIMEOUT, 2));
    elapsed = now_ms() - start;
    CHECK_MSG(elapsed < 2 * timeout + SLACK_MS * time_scale(), "two %.0f ms attempts took %.0f ms", timeout, elapsed);

    /* One byte every 50 ms: the headers come at once, the whole body would take seconds. */
    emu_fault(&emu, "{\"kind\":\"trickle\",\"call\":\"issue\",\"interval_ms\":50}");
    start = now_ms();
    json_free(issue_failing(&emu, once, UT_TIMEOUT, 1));
    elapsed = now_ms() - start;
    CHECK_MSG(elapsed < timeout + SLACK_MS * time_scale(), "a trickling answer held the call for %.0f ms", elapsed);

    /* A slow answer within the timeout is fine. */
    snprintf(config, sizeof config, "\"timeout_ms\":%.0f,\"max_retries\":0", 5000 * time_scale());
    ut_client *patient = client_for(&emu, config);
    emu_fault(&emu, "{\"kind\":\"delay\",\"call\":\"issue\",\"delay_ms\":200}");
    issue_succeeds(&emu, patient, 1);

    ut_client_free(once);
    ut_client_free(twice);
    ut_client_free(patient);
    return 0;
}
