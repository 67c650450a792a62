/* forks.c: fork stress, the threads that keep the library busy meanwhile, and the parent's
 * checks afterwards. */
#include "forks.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

/* A child's exit status: 0 passed; FAILED_AT + step: that step failed; HUNG_AT + step: the
 * alarm went off in that step. Steps count from 1; 1 and 2 are the built-in ones. */
#define FAILED_AT 10
#define HUNG_AT 40
#define MAX_STEPS 16
#define CHILD_ALARM_S 5
#define STOP_AFTER_HUNG 5
#define STOP_AFTER_FAILED 20
#define BUDGET_MS 90000.0
/* The first failing children explain themselves; the rest only count. */
#define VERBOSE_CHILDREN 3

static volatile sig_atomic_t child_step;
static int child_verbose;

int fork_count(int default_count) {
    const char *text = getenv("UT_TEST_FORKS");
    int count = text != NULL ? atoi(text) : 0;
    return count > 0 ? count : default_count;
}

void fork_child_says(const char *format, ...) {
    if (!child_verbose) {
        return;
    }
    char line[1024];
    int n = snprintf(line, sizeof line, "child %ld, step %d: ", (long)getpid(), (int)child_step);
    va_list args;
    va_start(args, format);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, format, args);
    va_end(args);
    size_t length = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (length > sizeof line - 2) {
        length = sizeof line - 2;
    }
    line[length++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, length);
    (void)ignored;
}

static void on_child_alarm(int signal_number) {
    (void)signal_number;
    _exit(HUNG_AT + child_step);
}

static int child_blocking_call(const fork_stress *stress) {
    char *out = NULL;
    ut_result result = ut_issue(stress->client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    int ok = result == UT_OK && out != NULL && strstr(out, "\"AccessToken\"") != NULL;
    if (!ok) {
        fork_child_says("ut_issue gave %s: %s", ut_result_name(result), out ? out : "(NULL)");
    }
    ut_free_string(out);
    return ok;
}

static int child_session_call(const fork_stress *stress) {
    char *token = NULL;
    ut_result result = ut_session_token(stress->session, &token);
    int ok = result == UT_OK && token_is_valid(token);
    if (!ok) {
        fork_child_says("ut_session_token gave %s: %s", ut_result_name(result), token ? token : "(NULL)");
    }
    ut_free_string(token);
    return ok;
}

/* Never returns. */
static void child(const fork_stress *stress) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_child_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    child_step = 0;
    alarm((unsigned)(CHILD_ALARM_S * time_scale()));
    if (stress->child_start != NULL) {
        stress->child_start(stress->arg);
    }
    child_step = 1;
    if (!child_blocking_call(stress)) {
        _exit(FAILED_AT + 1);
    }
    child_step = 2;
    if (!child_session_call(stress)) {
        _exit(FAILED_AT + 2);
    }
    for (size_t i = 0; i < stress->step_count; i++) {
        child_step = (sig_atomic_t)(3 + i);
        if (!stress->steps[i].run(stress->arg)) {
            _exit(FAILED_AT + 3 + (int)i);
        }
    }
    _exit(0);
}

static const char *step_name(const fork_stress *stress, int step) {
    switch (step) {
    case 0:
        return "before the first call";
    case 1:
        return "blocking ut_issue";
    case 2:
        return "ut_session_token";
    default:
        return step - 3 < (int)stress->step_count ? stress->steps[step - 3].name : "an unknown step";
    }
}

/* "3 in ut_session_token, 1 in blocking ut_issue" */
static void describe(char *text, size_t size, const fork_stress *stress, const int by_step[MAX_STEPS]) {
    size_t used = 0;
    text[0] = '\0';
    for (int step = 0; step < MAX_STEPS && used < size; step++) {
        if (by_step[step] > 0) {
            used += (size_t)snprintf(text + used, size - used, "%s%d in %s", used ? ", " : " (", by_step[step],
                                     step_name(stress, step));
        }
    }
    if (used > 0 && used < size) {
        snprintf(text + used, size - used, ")");
    }
}

void fork_stress_run(const fork_stress *stress) {
    CHECK(stress->step_count + 3 <= MAX_STEPS);
    int hung[MAX_STEPS] = {0};
    int failed[MAX_STEPS] = {0};
    int hung_total = 0, failed_total = 0, crashed = 0, odd_exits = 0, forks = 0;
    int first_bad = -1;
    char first_crash[128] = "";
    double start = now_ms();
    int out_of_time = 0;
    /* A hung child costs the whole alarm; a short run (under valgrind) stops at the first. */
    int stop_after_hung = stress->forks >= 100 ? STOP_AFTER_HUNG : 1;
    while (forks < stress->forks && hung_total < stop_after_hung && failed_total + crashed < STOP_AFTER_FAILED) {
        if (now_ms() - start > BUDGET_MS * time_scale()) {
            out_of_time = 1;
            break;
        }
        child_verbose = failed_total + crashed + hung_total < VERBOSE_CHILDREN;
        pid_t pid = fork();
        for (int tries = 0; pid < 0 && errno == EAGAIN && tries < 50; tries++) {
            sleep_ms(20);
            pid = fork();
        }
        CHECK_MSG(pid >= 0, "fork %d failed: %s", forks + 1, strerror(errno));
        if (pid == 0) {
            child(stress);
        }
        forks++;
        int status = 0;
        pid_t waited;
        while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
        }
        CHECK(waited == pid);
        int bad = 1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            bad = 0;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) >= HUNG_AT && WEXITSTATUS(status) < HUNG_AT + MAX_STEPS) {
            hung[WEXITSTATUS(status) - HUNG_AT]++;
            hung_total++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) > FAILED_AT &&
                   WEXITSTATUS(status) < FAILED_AT + MAX_STEPS) {
            failed[WEXITSTATUS(status) - FAILED_AT]++;
            failed_total++;
        } else if (WIFEXITED(status)) {
            /* 99: valgrind's error exit code (the valgrind_* runs); its report is above. */
            odd_exits++;
            failed_total++;
            if (first_crash[0] == '\0') {
                snprintf(first_crash, sizeof first_crash, "a child exited with %d", WEXITSTATUS(status));
            }
        } else {
            crashed++;
            if (first_crash[0] == '\0') {
                snprintf(first_crash, sizeof first_crash, "a child died of signal %d (%s)", WTERMSIG(status),
                         strsignal(WTERMSIG(status)));
            }
        }
        if (bad && first_bad < 0) {
            first_bad = forks;
        }
    }
    double seconds = (now_ms() - start) / 1000.0;

    char hung_text[512], failed_text[512];
    describe(hung_text, sizeof hung_text, stress, hung);
    describe(failed_text, sizeof failed_text, stress, failed);
    printf("%s: %d forks of %d in %.1f s; hung children: %d%s; failed: %d%s; crashed: %d%s%s%s\n", test_tag(),
           forks, stress->forks, seconds, hung_total, hung_text, failed_total, failed_text, crashed,
           first_crash[0] ? "; " : "", first_crash, out_of_time ? "; stopped: out of time" : "");
    if (first_bad > 0) {
        printf("%s: the first bad child was fork %d%s\n", test_tag(), first_bad,
               forks < stress->forks && !out_of_time ? "; forking stopped early, the verdict being clear" : "");
    }
    fflush(stdout);
    CHECK_MSG(hung_total == 0 && failed_total == 0 && crashed == 0,
              "%d of %d children hung, %d failed (%d with an unexpected exit status), %d crashed", hung_total, forks,
              failed_total, odd_exits, crashed);
    CHECK_MSG(forks >= stress->forks / 10, "only %d of %d forks within the time allowed", forks, stress->forks);
}

/* The busy threads. */

#define MAX_ACTIVITY_THREADS 16

typedef struct {
    pthread_t thread;
    int (*round)(void *arg);
    void *arg;
    long rounds;
} activity;

static activity activities[MAX_ACTIVITY_THREADS];
static int activity_count;
static int activity_stopping;
static long activity_failures;
static pthread_mutex_t activity_lock = PTHREAD_MUTEX_INITIALIZER;
static char activity_first_failure[1024];

static void *activity_main(void *arg) {
    activity *self = arg;
    while (!__atomic_load_n(&activity_stopping, __ATOMIC_ACQUIRE)) {
        if (!self->round(self->arg)) {
            __atomic_fetch_add(&activity_failures, 1, __ATOMIC_RELAXED);
        }
        __atomic_fetch_add(&self->rounds, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

void activity_start(int (*round)(void *arg), void *arg) {
    CHECK(activity_count < MAX_ACTIVITY_THREADS);
    activity *a = &activities[activity_count++];
    a->round = round;
    a->arg = arg;
    a->rounds = 0;
    activity_stopping = 0;
    CHECK(pthread_create(&a->thread, NULL, activity_main, a) == 0);
    /* Under way before the first fork. */
    double deadline = now_ms() + 10000 * time_scale();
    while (__atomic_load_n(&a->rounds, __ATOMIC_ACQUIRE) == 0) {
        CHECK_MSG(now_ms() < deadline, "a busy thread's first round took more than 10 s");
        sleep_ms(1);
    }
}

int activity_running(void) {
    return !__atomic_load_n(&activity_stopping, __ATOMIC_ACQUIRE);
}

long activity_stop(const char *what) {
    __atomic_store_n(&activity_stopping, 1, __ATOMIC_RELEASE);
    long rounds = 0;
    for (int i = 0; i < activity_count; i++) {
        pthread_join(activities[i].thread, NULL);
        rounds += activities[i].rounds;
    }
    activity_count = 0;
    printf("%s: %ld rounds of %s in the parent meanwhile, %ld failed\n", test_tag(), rounds, what,
           activity_failures);
    fflush(stdout);
    CHECK_MSG(activity_failures == 0, "%ld rounds of %s failed in the parent; the first: %s", activity_failures, what,
              activity_first_failure);
    return rounds;
}

void activity_failed(const char *format, ...) {
    pthread_mutex_lock(&activity_lock);
    if (activity_first_failure[0] == '\0') {
        va_list args;
        va_start(args, format);
        vsnprintf(activity_first_failure, sizeof activity_first_failure, format, args);
        va_end(args);
    }
    pthread_mutex_unlock(&activity_lock);
}

/* The session made elsewhere. */

typedef struct {
    const ut_client *client;
    ut_session *session;
    ut_result result;
    char *error;
} session_request;

static void *make_session(void *arg) {
    session_request *request = arg;
    request->result = ut_session_new(request->client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD,
                                     &request->session, &request->error);
    return NULL;
}

ut_session *session_made_elsewhere(const ut_client *client) {
    session_request request = {client, NULL, UT_PANIC, NULL};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, make_session, &request) == 0);
    pthread_join(thread, NULL);
    CHECK_MSG(request.result == UT_OK, "ut_session_new: %s %s", ut_result_name(request.result),
              request.error ? request.error : "");
    return request.session;
}

/* The parent afterwards. */

static int parent_async_done;
static ut_result parent_async_result;

static void on_parent_async(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    parent_async_result = result;
    __atomic_store_n(&parent_async_done, 1, __ATOMIC_RELEASE);
}

static int parent_async_finished(void *arg) {
    (void)arg;
    return __atomic_load_n(&parent_async_done, __ATOMIC_ACQUIRE);
}

void parent_still_works(const ut_client *client, ut_session *session) {
    char *token = issue_token(client);
    char *out = NULL;
    ut_result result = ut_renew(client, "6", EMU_SITE, token, &out);
    CHECK_MSG(result == UT_OK, "the parent's ut_renew afterwards: %s %s", ut_result_name(result), out);
    ut_free_string(out);
    result = ut_revoke(client, "6", EMU_SITE, token, &out);
    CHECK_MSG(result == UT_OK, "the parent's ut_revoke afterwards: %s %s", ut_result_name(result), out);
    ut_free_string(out);
    free(token);

    result = ut_session_token(session, &out);
    CHECK_MSG(result == UT_OK && token_is_valid(out), "the parent's ut_session_token afterwards: %s %s",
              ut_result_name(result), out);
    ut_free_string(out);
    result = ut_session_revoke(session, &out);
    CHECK_MSG(result == UT_OK, "the parent's ut_session_revoke afterwards: %s %s", ut_result_name(result), out);
    ut_free_string(out);
    result = ut_session_token(session, &out);
    CHECK_MSG(result == UT_OK && token_is_valid(out), "the parent's ut_session_token after its revoke: %s %s",
              ut_result_name(result), out);
    ut_free_string(out);

    parent_async_done = 0;
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_parent_async, NULL, NULL),
                 UT_OK);
    CHECK_MSG(wait_until(parent_async_finished, NULL, 10000), "the parent's async issue afterwards never completed");
    CHECK_RESULT(parent_async_result, UT_OK);
}

int activity_issue_and_renew(void *arg) {
    const ut_client *client = arg;
    char *out = NULL;
    ut_result result = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    json *doc = result == UT_OK ? json_parse(out) : NULL;
    const char *token = json_get_string(doc, "AccessToken");
    int ok = token != NULL;
    if (!ok) {
        activity_failed("ut_issue: %s %s", ut_result_name(result), out);
    } else {
        char *renewed = NULL;
        result = ut_renew(client, "6", EMU_SITE, token, &renewed);
        ok = result == UT_OK;
        if (!ok) {
            activity_failed("ut_renew: %s %s", ut_result_name(result), renewed);
        }
        ut_free_string(renewed);
    }
    json_free(doc);
    ut_free_string(out);
    return ok;
}
