/* int_async_free_in_callback: a callback may free its own client. The free returns, the
 * client's other pending request completes with UT_CANCELLED on that same thread, and every
 * callback runs exactly once. */
#include <pthread.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static ut_client *client;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int issue_calls, renew_calls, freed;
static ut_result issue_result, renew_result;
static pthread_t issue_thread, renew_thread;

static void on_renew(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    pthread_mutex_lock(&lock);
    renew_calls++;
    renew_result = result;
    renew_thread = pthread_self();
    pthread_mutex_unlock(&lock);
}

static void on_issue(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    pthread_mutex_lock(&lock);
    issue_calls++;
    issue_result = result;
    issue_thread = pthread_self();
    pthread_mutex_unlock(&lock);
    ut_client_free(client); /* the client that is calling back */
    pthread_mutex_lock(&lock);
    freed = 1;
    pthread_mutex_unlock(&lock);
}

static int both_done(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    int done = freed && renew_calls > 0;
    pthread_mutex_unlock(&lock);
    return done;
}

static const emulator *emu_for_wait;

static int renew_arrived(void *arg) {
    (void)arg;
    return emu_stat(emu_for_wait, "renew") >= 1;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    emu_for_wait = &emu;
    client = client_for(&emu, "\"max_retries\":0");
    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"renew\"}");
    CHECK_RESULT(ut_renew_async(client, "6", EMU_SITE, "tok", on_renew, NULL, NULL), UT_OK);
    CHECK(wait_until(renew_arrived, NULL, 10000));
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_issue, NULL, NULL), UT_OK);

    CHECK_MSG(wait_until(both_done, NULL, 10000), "freed %d, renew callbacks %d", freed, renew_calls);
    sleep_ms(100);
    pthread_mutex_lock(&lock);
    CHECK(issue_calls == 1 && renew_calls == 1);
    CHECK_RESULT(issue_result, UT_OK);
    CHECK_RESULT(renew_result, UT_CANCELLED);
    CHECK_MSG(pthread_equal(issue_thread, renew_thread), "the cancelled callback did not run on the freeing thread");
    pthread_mutex_unlock(&lock);
    return 0;
}
