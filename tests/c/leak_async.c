/* leak_async: async requests that complete, fail, are cancelled, or are cut off by freeing
 * their client leave nothing behind (run under valgrind). */
#include <pthread.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int completed;

static void on_done(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)result;
    CHECK(json_text != NULL);
    pthread_mutex_lock(&lock);
    completed++;
    pthread_mutex_unlock(&lock);
}

static int reached(void *arg) {
    pthread_mutex_lock(&lock);
    int done = completed >= *(int *)arg;
    pthread_mutex_unlock(&lock);
    return done;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":0");
    int expected = 0;

    for (int i = 0; i < 30; i++) {
        CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, NULL, NULL), UT_OK);
        CHECK_RESULT(ut_renew_async(client, "6", EMU_SITE, "unknown", on_done, NULL, NULL), UT_OK);
    }
    expected += 60;
    CHECK(wait_until(reached, &expected, 60000));

    /* Cancelled while the emulator holds them. */
    emu_fault(&emu, "{\"kind\":\"hang\",\"count\":10}");
    uint64_t ids[10];
    for (int i = 0; i < 10; i++) {
        CHECK_RESULT(ut_revoke_async(client, "6", EMU_SITE, "tok", on_done, NULL, &ids[i]), UT_OK);
    }
    for (int i = 0; i < 10; i++) {
        CHECK_RESULT(ut_cancel(ids[i]), UT_OK);
    }
    expected += 10;
    CHECK(wait_until(reached, &expected, 20000));

    /* Still pending when the client goes. */
    emu_fault(&emu, "{\"kind\":\"hang\",\"count\":10}");
    for (int i = 0; i < 10; i++) {
        CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, NULL, NULL), UT_OK);
    }
    ut_client_free(client);
    expected += 10;
    CHECK(reached(&expected));
    return 0;
}
