/* int_fork_logging: 2,000 children forked while a log callback is installed and busy: two
 * threads loop blocking ut_issue + ut_renew and one keeps async issues in flight, so lines
 * are being built and delivered, on callers' and library threads, at the forks, while one
 * more thread keeps installing the callback again. No child hangs or fails; each child's own
 * calls log through the callback it inherited, and through one it installs itself; the
 * parent's calls and its logging still work afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"
#include "forks.h"

#define IN_FLIGHT 8

static ut_client *client;

/* Fork-safe: counters only, no lock a child could inherit held. */
static long lines, line_bytes, bad_lines;

static void on_log(void *user_data, uint32_t level, const char *message) {
    if (user_data != &lines || level < UT_LOG_ERROR || level > UT_LOG_TRACE || message == NULL ||
        message[0] == '\0') {
        __atomic_fetch_add(&bad_lines, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&line_bytes, (long)(message ? strlen(message) : 0), __ATOMIC_RELAXED);
    __atomic_fetch_add(&lines, 1, __ATOMIC_RELAXED);
}

static int in_flight, async_failures;

static void on_async(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    if (result != UT_OK) {
        __atomic_fetch_add(&async_failures, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_sub(&in_flight, 1, __ATOMIC_RELEASE);
}

static int keep_async_in_flight(void *unused) {
    (void)unused;
    if (__atomic_load_n(&in_flight, __ATOMIC_ACQUIRE) >= IN_FLIGHT) {
        sleep_ms(1);
        return 1;
    }
    __atomic_fetch_add(&in_flight, 1, __ATOMIC_RELEASE);
    ut_result result = ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_async, NULL, NULL);
    if (result != UT_OK) {
        __atomic_fetch_sub(&in_flight, 1, __ATOMIC_RELEASE);
        activity_failed("ut_issue_async: %s", ut_result_name(result));
        return 0;
    }
    return 1;
}

static long lines_at_fork;

/* A child step: the calls it made logged through the inherited callback. */
static int child_logged(void *unused) {
    (void)unused;
    long now = __atomic_load_n(&lines, __ATOMIC_RELAXED);
    if (now <= lines_at_fork || bad_lines != 0) {
        fork_child_says("%ld log lines from the child's own calls, %ld malformed", now - lines_at_fork, bad_lines);
        return 0;
    }
    return 1;
}

/* Another thread keeps installing the callback again, so that swaps are in progress too. */
static int reinstall(void *unused) {
    (void)unused;
    ut_result result = ut_set_log_callback(on_log, &lines, UT_LOG_TRACE);
    if (result != UT_OK) {
        activity_failed("ut_set_log_callback: %s", ut_result_name(result));
        return 0;
    }
    sleep_ms(1);
    return 1;
}

/* A child step: it can install a callback of its own, and its calls log there. */
static long child_lines;

static void on_child_log(void *user_data, uint32_t level, const char *message) {
    (void)level;
    (void)message;
    if (user_data == &child_lines) {
        __atomic_fetch_add(&child_lines, 1, __ATOMIC_RELAXED);
    }
}

static int child_installs_its_own(void *unused) {
    (void)unused;
    ut_result result = ut_set_log_callback(on_child_log, &child_lines, UT_LOG_TRACE);
    if (result != UT_OK) {
        fork_child_says("ut_set_log_callback gave %s", ut_result_name(result));
        return 0;
    }
    char *out = NULL;
    result = ut_issue(client, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &out);
    ut_free_string(out);
    long logged = __atomic_load_n(&child_lines, __ATOMIC_RELAXED);
    if (result != UT_OK || logged == 0) {
        fork_child_says("ut_issue gave %s and logged %ld lines through the child's own callback",
                        ut_result_name(result), logged);
        return 0;
    }
    return 1;
}

/* Taken in the child, first: the parent's threads may add lines up to the fork itself. */
static void child_start(void *unused) {
    (void)unused;
    lines_at_fork = __atomic_load_n(&lines, __ATOMIC_RELAXED);
}

static int no_in_flight(void *unused) {
    (void)unused;
    return __atomic_load_n(&in_flight, __ATOMIC_ACQUIRE) == 0;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    ut_session *session = session_made_elsewhere(client);
    CHECK_RESULT(ut_set_log_callback(on_log, &lines, UT_LOG_TRACE), UT_OK);

    activity_start(activity_issue_and_renew, client);
    activity_start(activity_issue_and_renew, client);
    activity_start(keep_async_in_flight, NULL);
    activity_start(reinstall, NULL);
    static const fork_step steps[] = {
        {"the child's calls logged through the inherited callback", child_logged},
        {"a callback installed in the child", child_installs_its_own},
    };
    fork_stress stress = {.client = client, .session = session, .steps = steps, .step_count = 2,
                          .child_start = child_start, .forks = fork_count(2000)};
    fork_stress_run(&stress);
    activity_stop("blocking ut_issue + ut_renew, async issues kept in flight, and the callback installed again");
    CHECK_MSG(wait_until(no_in_flight, NULL, 10000), "%d async issues never completed", in_flight);
    CHECK_MSG(async_failures == 0, "%d async issues failed in the parent", async_failures);

    long before = lines;
    parent_still_works(client, session);
    CHECK_MSG(lines > before, "the parent's calls afterwards logged nothing");
    CHECK_MSG(bad_lines == 0, "%ld malformed log lines", bad_lines);
    printf("%s: %ld log lines, %ld bytes\n", test_tag(), lines, line_bytes);
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 0), UT_OK);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
