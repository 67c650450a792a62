/* int_fork_async: 2,000 children forked while async requests are in flight on the shared
 * client (two threads each keep 8 issues going) and one more is held pending by the
 * emulator for the whole run. No child hangs or fails in its blocking call, its session
 * call, or an async issue of its own; no request of the parent ever completes in a child;
 * every request of the parent completes exactly once, in the parent, and its calls still
 * work afterwards. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"
#include "forks.h"

#define IN_FLIGHT 8

static ut_client *client;

/* Fork-safe: counters only, no lock a child could inherit held. */
typedef struct {
    int in_flight;
    long submitted, completed, failed;
} async_load;

static async_load loads[2];

static void on_parent_done(void *user_data, ut_result result, const char *json_text) {
    async_load *load = user_data;
    (void)json_text;
    if (result != UT_OK) {
        __atomic_fetch_add(&load->failed, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&load->completed, 1, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&load->in_flight, 1, __ATOMIC_RELEASE);
}

static int keep_in_flight(void *arg) {
    async_load *load = arg;
    if (__atomic_load_n(&load->in_flight, __ATOMIC_ACQUIRE) >= IN_FLIGHT) {
        sleep_ms(1);
        return 1;
    }
    __atomic_fetch_add(&load->in_flight, 1, __ATOMIC_RELEASE);
    __atomic_fetch_add(&load->submitted, 1, __ATOMIC_RELAXED);
    ut_result result = ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_parent_done, load, NULL);
    if (result != UT_OK) {
        __atomic_fetch_sub(&load->in_flight, 1, __ATOMIC_RELEASE);
        __atomic_fetch_sub(&load->submitted, 1, __ATOMIC_RELAXED);
        activity_failed("ut_issue_async: %s", ut_result_name(result));
        return 0;
    }
    return 1;
}

/* The request held pending by the emulator. */
static int held_calls;
static ut_result held_result;

static void on_held(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    held_result = result;
    __atomic_fetch_add(&held_calls, 1, __ATOMIC_RELEASE);
}

/* In a child. */
static long completed_at_fork;
static int child_done;
static ut_result child_result;

static long parent_completions(void) {
    return __atomic_load_n(&loads[0].completed, __ATOMIC_ACQUIRE) +
           __atomic_load_n(&loads[1].completed, __ATOMIC_ACQUIRE) + __atomic_load_n(&held_calls, __ATOMIC_ACQUIRE);
}

static void child_start(void *unused) {
    (void)unused;
    completed_at_fork = parent_completions();
}

static void on_child_done(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    child_result = result;
    __atomic_store_n(&child_done, 1, __ATOMIC_RELEASE);
}

static int child_async_issue(void *unused) {
    (void)unused;
    ut_result submitted =
        ut_issue_async(client, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, on_child_done, NULL, NULL);
    if (submitted != UT_OK) {
        fork_child_says("ut_issue_async gave %s", ut_result_name(submitted));
        return 0;
    }
    /* The alarm bounds this wait. */
    while (!__atomic_load_n(&child_done, __ATOMIC_ACQUIRE)) {
        sleep_ms(1);
    }
    if (child_result != UT_OK) {
        fork_child_says("the async issue completed with %s", ut_result_name(child_result));
        return 0;
    }
    return 1;
}

static int no_parent_request_completed(void *unused) {
    (void)unused;
    long completed = parent_completions() - completed_at_fork;
    if (completed != 0) {
        fork_child_says("%ld of the parent's async requests completed in the child", completed);
        return 0;
    }
    return 1;
}

static int all_completed(void *unused) {
    (void)unused;
    return __atomic_load_n(&loads[0].in_flight, __ATOMIC_ACQUIRE) == 0 &&
           __atomic_load_n(&loads[1].in_flight, __ATOMIC_ACQUIRE) == 0;
}

static int held_completed(void *unused) {
    (void)unused;
    return __atomic_load_n(&held_calls, __ATOMIC_ACQUIRE) > 0;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    /* A long timeout_ms: the held request must stay held however long the forks take. */
    client = client_for(&emu, "\"session_renew_margin_s\":100000000,\"timeout_ms\":3600000");
    ut_session *session = session_made_elsewhere(client);

    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"revoke\"}");
    uint64_t held_id = 0;
    CHECK_RESULT(ut_revoke_async(client, "6", EMU_SITE, "held-token", on_held, NULL, &held_id), UT_OK);

    activity_start(keep_in_flight, &loads[0]);
    activity_start(keep_in_flight, &loads[1]);
    static const fork_step steps[] = {
        {"an async ut_issue of the child's own", child_async_issue},
        {"none of the parent's requests completed in the child", no_parent_request_completed},
    };
    fork_stress stress = {.client = client, .session = session, .steps = steps, .step_count = 2,
                          .child_start = child_start, .forks = fork_count(2000)};
    fork_stress_run(&stress);
    activity_stop("async issues kept in flight");

    CHECK_MSG(wait_until(all_completed, NULL, 10000), "%d + %d async issues of the parent never completed",
              loads[0].in_flight, loads[1].in_flight);
    for (int i = 0; i < 2; i++) {
        CHECK_MSG(loads[i].completed == loads[i].submitted, "%ld async issues submitted, %ld completions",
                  loads[i].submitted, loads[i].completed);
        CHECK_MSG(loads[i].failed == 0, "%ld async issues of the parent failed", loads[i].failed);
    }
    printf("%s: %ld async issues completed in the parent meanwhile\n", test_tag(),
           loads[0].completed + loads[1].completed);
    CHECK_MSG(held_calls == 0, "the held request completed with %s", ut_result_name(held_result));
    CHECK_RESULT(ut_cancel(held_id), UT_OK);
    CHECK(wait_until(held_completed, NULL, 5000));
    sleep_ms(50);
    CHECK_MSG(held_calls == 1, "the held request completed %d times", held_calls);
    CHECK_RESULT(held_result, UT_CANCELLED);

    parent_still_works(client, session);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
