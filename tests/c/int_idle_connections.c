/* int_idle_connections: servers close keep-alive connections that sit idle. Against an
 * emulator that closes them after 200 ms (a FIN), and one connection reset (an RST) once idle,
 * every call made after the close succeeds at its first attempt: a connection the server has
 * closed is never used for a request (no retries are allowed here). The waits leave the
 * server ample time to close (a close that crosses a request in flight is a race no client
 * can win, and a loaded machine can delay the server's timer). */
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void issue_once(const emulator *emu, ut_client *client, long long expected_issues) {
    char *out = NULL;
    ut_result r = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    CHECK_MSG(r == UT_OK, "issue after an idle close: %s %s", ut_result_name(r), out);
    ut_free_string(out);
    CHECK_MSG(emu_stat(emu, "issue") == expected_issues, "%lld issues, expected %lld", emu_stat(emu, "issue"),
              expected_issues);
}

int main(void) {
    emulator emu;
    const char *const args[] = {"--idle-timeout-ms", "200", NULL};
    emulator_private_args(&emu, args);
    ut_client *client = client_for(&emu, "\"max_retries\":0");

    long long issues = 0;
    for (int i = 0; i < 3; i++) {
        issue_once(&emu, client, ++issues);
        usleep(700 * 1000); /* well past the idle timeout: the connection is gone (FIN) */
    }

    /* The next connection is reset 100 ms after its answer, instead of closed. */
    emu_fault(&emu, "{\"kind\":\"reset_when_idle\",\"idle_ms\":100,\"call\":\"issue\"}");
    issue_once(&emu, client, ++issues);
    usleep(600 * 1000);
    issue_once(&emu, client, ++issues);

    ut_client_free(client);
    return 0;
}
