/*
 * exit_calls.h: calls into the library made after main returns, from atexit handlers and
 * C++ static destructors, judged from outside.
 *
 * A test program is two programs in one. Run by ctest without arguments it is the judge: it
 * runs itself again with `--exit-calls FD`, stdout and stderr captured, and checks that
 * the second run exited with status 0, that every exit-time caller reported every call
 * UT_OK on FD, and that nothing at all was written to stdout or stderr (the program prints
 * nothing unless a check fails, and the library never writes there). Run with
 * `--exit-calls FD` it is the program: it prepares one set of objects per exit-time caller
 * while main runs, and each caller makes its calls at exit and reports them on FD.
 */
#ifndef UT_TEST_EXIT_CALLS_H
#define UT_TEST_EXIT_CALLS_H

#include <stddef.h>

#include "usertoken.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one exit-time caller uses: made while main runs, used and freed at exit. */
typedef struct {
    const char *who; /* NULL until prepared; then the caller's name in the report */
    ut_client *client;
    ut_session *session;
    char *token; /* issued while main ran; revoked at exit */
} exit_calls;

/* 1 when this process is the program (`--exit-calls FD`), 0 when it is the judge. Makes no
 * call into the library. The program also arms an alarm, so that a call that hangs at exit
 * kills it (the judge reports that). */
int exit_calls_is_program(int argc, char **argv);

/* In the program, while main runs: a client for the shared emulator whose session refreshes
 * on every ut_session_token, its session, and a token to revoke later. */
void exit_calls_prepare(exit_calls *calls, const char *who);

/* In the program, at exit: ut_issue, ut_session_token, ut_session_revoke, ut_revoke, an
 * async ut_issue (waited for), then ut_session_free and ut_client_free; each reported on
 * the report descriptor. Does nothing when `calls` was never prepared. */
void exit_calls_run(exit_calls *calls);

/* The judge: runs this program again with `--exit-calls FD` and fails the test unless that
 * run passed as described above, each of `callers` having reported every call. */
void exit_calls_judge(const char *const *callers, size_t count);

#ifdef __cplusplus
}
#endif

#endif
