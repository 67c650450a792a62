/* exit_calls.c: exit-time callers and the judge of the program that runs them. */
#include "exit_calls.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define PROGRAM_FLAG "--exit-calls"
/* How long the program may take, exit included, before its alarm ends it. */
#define PROGRAM_ALARM_S 30
#define ASYNC_WAIT_MS 10000
/* How much of the program's output a failure shows. */
#define SHOWN_OUTPUT 3000

static int report_fd = -1;

int exit_calls_is_program(int argc, char **argv) {
    if (argc != 3 || strcmp(argv[1], PROGRAM_FLAG) != 0) {
        return 0;
    }
    report_fd = atoi(argv[2]);
    alarm((unsigned)(PROGRAM_ALARM_S * time_scale()));
    return 1;
}

void exit_calls_prepare(exit_calls *calls, const char *who) {
    emulator emu;
    emulator_shared(&emu);
    /* A margin longer than a token's life: every ut_session_token at exit sends a renew. */
    calls->client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    char *error = NULL;
    ut_result result = ut_session_new(calls->client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &calls->session,
                                      &error);
    CHECK_MSG(result == UT_OK, "ut_session_new: %s %s", ut_result_name(result), error ? error : "");
    calls->token = issue_token(calls->client);
    calls->who = who;
}

static void report(const exit_calls *calls, const char *call, const char *outcome) {
    char line[256];
    int n = snprintf(line, sizeof line, "%s %s %s\n", calls->who, call, outcome);
    if (report_fd < 0 || n <= 0 || write(report_fd, line, (size_t)n) != n) {
        /* The judge will find the line missing. */
    }
}

static volatile int async_done;
static volatile ut_result async_result;

static void on_async(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    async_result = result;
    __atomic_store_n(&async_done, 1, __ATOMIC_RELEASE);
}

void exit_calls_run(exit_calls *calls) {
    if (calls->who == NULL) {
        return;
    }
    char *out = NULL;
    ut_result result = ut_issue(calls->client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    report(calls, "ut_issue", ut_result_name(result));
    ut_free_string(out);

    out = NULL;
    result = ut_session_token(calls->session, &out);
    report(calls, "ut_session_token",
           result == UT_OK && !token_is_valid(out) ? "UT_OK-with-an-invalid-token" : ut_result_name(result));
    ut_free_string(out);

    out = NULL;
    result = ut_session_revoke(calls->session, &out);
    report(calls, "ut_session_revoke", ut_result_name(result));
    ut_free_string(out);

    out = NULL;
    result = ut_revoke(calls->client, "6", EMU_SITE, calls->token, &out);
    report(calls, "ut_revoke", ut_result_name(result));
    ut_free_string(out);

    async_done = 0;
    result = ut_issue_async(calls->client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_async, NULL, NULL);
    if (result == UT_OK) {
        double deadline = now_ms() + ASYNC_WAIT_MS * time_scale();
        while (!__atomic_load_n(&async_done, __ATOMIC_ACQUIRE) && now_ms() < deadline) {
            sleep_ms(1);
        }
        result = __atomic_load_n(&async_done, __ATOMIC_ACQUIRE) ? async_result : UT_TIMEOUT;
        report(calls, "ut_issue_async", async_done ? ut_result_name(result) : "no-callback");
    } else {
        report(calls, "ut_issue_async", ut_result_name(result));
    }

    ut_session_free(calls->session);
    ut_client_free(calls->client);
    report(calls, "ut_session_free+ut_client_free", "returned");
    free(calls->token);
    calls->who = NULL;
}

/* The judge. */

static const char *const expected_calls[][2] = {
    {"ut_issue", "UT_OK"},
    {"ut_session_token", "UT_OK"},
    {"ut_session_revoke", "UT_OK"},
    {"ut_revoke", "UT_OK"},
    {"ut_issue_async", "UT_OK"},
    {"ut_session_free+ut_client_free", "returned"},
};

static FILE *scratch(void) {
    FILE *f = tmpfile();
    CHECK_MSG(f != NULL, "tmpfile: %s", strerror(errno));
    return f;
}

/* The whole content of `f`, malloc'd. */
static char *slurp(FILE *f) {
    fflush(f);
    CHECK(fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    CHECK(size >= 0 && fseek(f, 0, SEEK_SET) == 0);
    char *text = malloc((size_t)size + 1);
    size_t got = fread(text, 1, (size_t)size, f);
    text[got] = '\0';
    return text;
}

void exit_calls_judge(const char *const *callers, size_t count) {
    FILE *out = scratch();
    FILE *err = scratch();
    FILE *rep = scratch();
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The report on descriptor 3, whatever tmpfile() gave (dup2 also clears close-on-exec). */
        if (dup2(fileno(rep), 3) < 0 || dup2(fileno(out), STDOUT_FILENO) < 0 || dup2(fileno(err), STDERR_FILENO) < 0) {
            _exit(126);
        }
        execl("/proc/self/exe", "/proc/self/exe", PROGRAM_FLAG, "3", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    CHECK(waited == pid);
    char *stdout_text = slurp(out);
    char *stderr_text = slurp(err);
    char *report_text = slurp(rep);
    fclose(out);
    fclose(err);
    fclose(rep);

    char verdict[8192] = "";
    size_t used = 0;
#define VERDICT(...)                                                                                                   \
    do {                                                                                                               \
        if (used < sizeof verdict) {                                                                                   \
            used += (size_t)snprintf(verdict + used, sizeof verdict - used, __VA_ARGS__);                              \
        }                                                                                                              \
    } while (0)
    if (WIFSIGNALED(status)) {
        VERDICT("\n  the program was killed by signal %d (%s)%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
                WTERMSIG(status) == SIGALRM ? ": a call at exit hung (the last one reported is above it)" : "");
    } else if (WEXITSTATUS(status) != 0) {
        VERDICT("\n  the program exited with status %d", WEXITSTATUS(status));
    }
    for (size_t c = 0; c < count; c++) {
        for (size_t i = 0; i < sizeof expected_calls / sizeof expected_calls[0]; i++) {
            char line[256];
            char prefix[256];
            snprintf(line, sizeof line, "%s %s %s\n", callers[c], expected_calls[i][0], expected_calls[i][1]);
            snprintf(prefix, sizeof prefix, "%s %s ", callers[c], expected_calls[i][0]);
            if (strstr(report_text, line) == NULL) {
                const char *found = strstr(report_text, prefix);
                if (found != NULL) {
                    VERDICT("\n  %s: %s gave %.*s", callers[c], expected_calls[i][0],
                            (int)strcspn(found + strlen(prefix), "\n"), found + strlen(prefix));
                } else {
                    VERDICT("\n  %s: %s did not report", callers[c], expected_calls[i][0]);
                }
            }
        }
    }
    if (stdout_text[0] != '\0') {
        VERDICT("\n  the program wrote %zu bytes to stdout", strlen(stdout_text));
    }
    if (stderr_text[0] != '\0') {
        VERDICT("\n  the program wrote %zu bytes to stderr", strlen(stderr_text));
    }
#undef VERDICT
    printf("%s: exit-time callers reported:\n%s", test_tag(), report_text);
    if (verdict[0] != '\0') {
        printf("--- the program's stdout ---\n%.*s\n--- the program's stderr ---\n%.*s%s\n--- end ---\n",
               SHOWN_OUTPUT, stdout_text, SHOWN_OUTPUT, stderr_text,
               strlen(stderr_text) > SHOWN_OUTPUT ? "\n[... the rest left out]" : "");
    }
    fflush(stdout);
    CHECK_MSG(verdict[0] == '\0', "calls after main returned:%s", verdict);
    free(stdout_text);
    free(stderr_text);
    free(report_text);
}
