/*
 * forks.h: fork() again and again while other threads of this process are busy inside the
 * library, and check every child: a client and a session made in the parent must work there,
 * whatever the parent's other threads were doing at the moment of the fork.
 *
 * A child runs its steps under an alarm: the built-in ones (a blocking ut_issue on the
 * client, then ut_session_token on the session, whose token must be valid) and then the
 * test's own. It reports through its exit status which step failed or hung; it never
 * returns into the test. The parent waits for each child before forking the next, so at
 * most one child talks to the emulator at a time.
 */
#ifndef UT_TEST_FORKS_H
#define UT_TEST_FORKS_H

#include <stddef.h>

#include "usertoken.h"

/* One check a child makes; returns 1 when it passed. It may explain a failure with
 * fork_child_says(), which writes only for the first few failing children. */
typedef struct {
    const char *name;
    int (*run)(void *arg);
} fork_step;

typedef struct {
    const ut_client *client; /* the child's blocking call: ut_issue for the default owner */
    ut_session *session;     /* the child's session call: ut_session_token */
    const fork_step *steps;  /* more steps after those two, or NULL */
    size_t step_count;
    void *arg;               /* passed to each of `steps` and to `child_start` */
    void (*child_start)(void *arg); /* in each child before its first step, or NULL */
    int forks;               /* how many children, normally fork_count(default) */
} fork_stress;

/* Env UT_TEST_FORKS when set (the valgrind runs make few), else `default_count`. */
int fork_count(int default_count);

/*
 * Forks `forks` children one after another and waits for each, then prints the tally on
 * stdout (forks, hung children by step, failed children by step, crashed children, time)
 * and fails the test unless every child passed every step. A child that does not finish
 * within a few seconds (scaled) is counted as hung, in the step it was in. Forking stops
 * early once 5 children hung (1 in a run of fewer than 100 forks) or 20 failed (the verdict
 * is clear by then), and after 90 s (scaled) on a machine too slow for the count (said in
 * the tally).
 */
void fork_stress_run(const fork_stress *stress);

/* In a child: a line on stderr (written directly, not through stdio, whose locks another
 * parent thread may have held at the fork), for the first few failing children only. */
void fork_child_says(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/*
 * Threads that keep the library busy until activity_stop(). Each activity_start() adds one
 * that calls `round(arg)` again and again, and returns once its first round is done. A round
 * returns 1, or 0 when one of its calls failed (the first failure can be explained with
 * activity_failed(), from a round).
 */
void activity_start(int (*round)(void *arg), void *arg);
/* True until activity_stop() is called. */
int activity_running(void);
/* Stops and joins the threads; fails the test unless they completed some rounds and none
 * failed. Returns the number of rounds. */
long activity_stop(const char *what);
/* A round of an activity: ut_issue then ut_renew of its token on `client` (a ut_client *). */
int activity_issue_and_renew(void *client);

void activity_failed(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A session for the default owner made on a short-lived thread of its own, so that the
 * calling thread has made no blocking call on `client`: a child's first call from it then
 * registers its thread with the client, as a fresh thread's would. */
ut_session *session_made_elsewhere(const ut_client *client);

/* After the forks, the parent's own calls still work: blocking issue, renew and revoke on
 * `client`, the session's token and revoke, and an async issue. */
void parent_still_works(const ut_client *client, ut_session *session);

#endif
