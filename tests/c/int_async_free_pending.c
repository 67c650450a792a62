/* int_async_free_pending: freeing a client with 100 requests pending (the emulator never
 * answers them) returns within 1 s, and every callback has run once, with UT_CANCELLED,
 * before it returns. */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define PENDING 100

static int calls[PENDING];
static ut_result results[PENDING];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_done(void *user_data, ut_result result, const char *json_text) {
    int i = (int)((int *)user_data - calls);
    json *doc = CHECK_ERROR_DOC(json_text, result);
    json_free(doc);
    pthread_mutex_lock(&lock);
    calls[i]++;
    results[i] = result;
    pthread_mutex_unlock(&lock);
}

static const emulator *emu_for_wait;

static int all_arrived(void *arg) {
    (void)arg;
    return emu_stat(emu_for_wait, "issue") >= PENDING;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    emu_for_wait = &emu;
    ut_client *client = client_for(&emu, "\"max_retries\":0");
    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"issue\",\"count\":100}");
    for (int i = 0; i < PENDING; i++) {
        CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, &calls[i], NULL), UT_OK);
    }
    /* Best effort: let them reach the server, so they are truly in flight. */
    wait_until(all_arrived, NULL, 10000);

    double start = now_ms();
    ut_client_free(client);
    double elapsed = now_ms() - start;
    CHECK_MSG(elapsed < 1000 * time_scale(), "ut_client_free took %.0f ms with %d requests pending", elapsed, PENDING);

    /* Before returning, not later. */
    pthread_mutex_lock(&lock);
    for (int i = 0; i < PENDING; i++) {
        CHECK_MSG(calls[i] == 1, "request %d called back %d times by the time ut_client_free returned", i, calls[i]);
        CHECK_RESULT(results[i], UT_CANCELLED);
    }
    pthread_mutex_unlock(&lock);
    sleep_ms(200);
    pthread_mutex_lock(&lock);
    for (int i = 0; i < PENDING; i++) {
        CHECK_MSG(calls[i] == 1, "request %d called back again after the free", i);
    }
    pthread_mutex_unlock(&lock);
    return 0;
}
