/* int_exit_static_dtor: calls from C++ static destructors, after main returns, work: a
 * namespace-scope object constructed before main (before the program's first call into the
 * library) and a function-local static constructed after the first call, each destructor
 * making blocking calls (ut_issue, ut_session_token with a refresh, ut_session_revoke,
 * ut_revoke), an async issue, and freeing its session and client. Every call gives UT_OK,
 * the program exits with status 0, and nothing appears on its stdout or stderr. See
 * common/exit_calls.h. */
#include "exit_calls.h"

namespace {

struct ExitCaller {
    exit_calls calls{};
    ~ExitCaller() { exit_calls_run(&calls); }
};

ExitCaller constructed_before_main;

}  // namespace

int main(int argc, char **argv) {
    if (!exit_calls_is_program(argc, argv)) {
        static const char *const callers[] = {"static-constructed-before-first-use",
                                              "static-constructed-after-first-use"};
        exit_calls_judge(callers, 2);
        return 0;
    }
    exit_calls_prepare(&constructed_before_main.calls, "static-constructed-before-first-use");
    static ExitCaller constructed_after_first_use;
    exit_calls_prepare(&constructed_after_first_use.calls, "static-constructed-after-first-use");
    return 0;
}
