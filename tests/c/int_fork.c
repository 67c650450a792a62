/* int_fork: a client created before fork() works in the child, blocking and async, with its
 * own runtime; a request pending in the parent at fork() never completes in the child; the
 * parent goes on unaffected. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int pending_calls, async_calls;
static ut_result pending_result, async_result;

static void on_pending(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    pthread_mutex_lock(&lock);
    pending_calls++;
    pending_result = result;
    pthread_mutex_unlock(&lock);
}

static void on_async(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    pthread_mutex_lock(&lock);
    async_calls++;
    async_result = result;
    pthread_mutex_unlock(&lock);
}

static int async_done(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    int done = async_calls > 0;
    pthread_mutex_unlock(&lock);
    return done;
}

static int pending_done(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    int done = pending_calls > 0;
    pthread_mutex_unlock(&lock);
    return done;
}

/* The child's checks; its exit status tells the parent which one failed (0: none). */
static int child(ut_client *used, ut_client *unused) {
    char *out = NULL;
    if (ut_issue(used, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out) != UT_OK) {
        fprintf(stderr, "child: blocking issue on the used client: %s\n", out);
        return 2;
    }
    ut_free_string(out);
    if (ut_issue(unused, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &out) != UT_OK) {
        fprintf(stderr, "child: blocking issue on the unused client: %s\n", out);
        return 3;
    }
    ut_free_string(out);
    ut_result submitted = ut_issue_async(used, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_async, NULL, NULL);
    if (submitted != UT_OK || !wait_until(async_done, NULL, 20000) || async_result != UT_OK) {
        fprintf(stderr, "child: async issue: submitted %s, %d callbacks, result %s\n", ut_result_name(submitted),
                async_calls, ut_result_name(async_result));
        return 4;
    }
    sleep_ms(200);
    if (pending_calls != 0) {
        fprintf(stderr, "child: the parent's pending request completed in the child\n");
        return 5;
    }
    ut_client_free(used);
    ut_client_free(unused);
    return 0;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *used = client_for(&emu, NULL);
    ut_client *unused = client_for(&emu, NULL);
    char *out = NULL;
    CHECK_RESULT(ut_issue(used, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    ut_free_string(out);

    /* A request pending across the fork: the emulator holds it until it is cancelled. */
    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"renew\"}");
    uint64_t pending_id = 0;
    CHECK_RESULT(ut_renew_async(used, "6", EMU_SITE, "tok", on_pending, NULL, &pending_id), UT_OK);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        _exit(child(used, unused));
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFEXITED(status), "the child died of signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    /* 99 is valgrind's error exit code (see the valgrind_* registration): then the child's own
     * memory report above says what it found. */
    CHECK_MSG(WEXITSTATUS(status) == 0, "the child exited with %d: %s", WEXITSTATUS(status),
              WEXITSTATUS(status) == 99 ? "valgrind found errors or leaks in the child" : "one of its checks failed");

    /* The parent: its pending request is still pending, and its clients still work. */
    CHECK(pending_calls == 0);
    CHECK_RESULT(ut_cancel(pending_id), UT_OK);
    CHECK(wait_until(pending_done, NULL, 5000));
    CHECK_RESULT(pending_result, UT_CANCELLED);
    CHECK_RESULT(ut_issue(used, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    ut_free_string(out);
    CHECK_RESULT(ut_issue(unused, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    ut_free_string(out);
    async_calls = 0;
    CHECK_RESULT(ut_issue_async(used, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_async, NULL, NULL), UT_OK);
    CHECK(wait_until(async_done, NULL, 20000));
    CHECK_RESULT(async_result, UT_OK);
    /* Parent: 1 + 2 + 1 issues, child: 3. */
    CHECK_MSG(emu_stat(&emu, "issue") == 7, "the emulator saw %lld issues", emu_stat(&emu, "issue"));
    ut_client_free(used);
    ut_client_free(unused);
    return 0;
}
