/* int_exit_atexit: calls from atexit handlers, after main returns, work: one handler
 * registered before the program's first call into the library and one after it (so they
 * run after and before anything the library itself may register), each making blocking
 * calls (ut_issue, ut_session_token with a refresh, ut_session_revoke, ut_revoke), an async
 * issue, and freeing its session and client. Every call gives UT_OK, the program exits
 * with status 0, and nothing appears on its stdout or stderr. See common/exit_calls.h. */
#include <stdlib.h>

#include "check.h"
#include "exit_calls.h"

static exit_calls before, after;

static void at_exit_before(void) {
    exit_calls_run(&before);
}

static void at_exit_after(void) {
    exit_calls_run(&after);
}

int main(int argc, char **argv) {
    if (!exit_calls_is_program(argc, argv)) {
        static const char *const callers[] = {"atexit-registered-before-first-use", "atexit-registered-after-first-use"};
        exit_calls_judge(callers, 2);
        return 0;
    }
    CHECK(atexit(at_exit_before) == 0);
    exit_calls_prepare(&before, "atexit-registered-before-first-use");
    exit_calls_prepare(&after, "atexit-registered-after-first-use");
    CHECK(atexit(at_exit_after) == 0);
    return 0;
}
