/* int_async_many: 1,000 async requests in flight on one client all complete exactly once,
 * each with its own user_data, on library threads, with distinct request ids. */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define REQUESTS 1000

typedef struct {
    int calls;
    ut_result result;
    int has_token;
    int on_main_thread;
} slot;

static slot slots[REQUESTS];
static int completed;
static pthread_t main_thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_done(void *user_data, ut_result result, const char *json_text) {
    slot *s = user_data;
    json *doc = json_parse(json_text);
    pthread_mutex_lock(&lock);
    s->calls++;
    s->result = result;
    s->has_token = json_get_string(doc, "AccessToken") != NULL;
    s->on_main_thread = pthread_equal(pthread_self(), main_thread);
    completed++;
    pthread_mutex_unlock(&lock);
    json_free(doc);
}

static int all_done(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    int done = completed >= REQUESTS;
    pthread_mutex_unlock(&lock);
    return done;
}

static int by_value(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    /* A private emulator: a thousand requests would swell the shared one's record, which the
     * tests that read it would then have to wade through. */
    emulator emu;
    emulator_private(&emu);
    main_thread = pthread_self();
    ut_client *client = client_for(&emu, NULL);
    static uint64_t ids[REQUESTS];
    for (int i = 0; i < REQUESTS; i++) {
        CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, &slots[i], &ids[i]),
                     UT_OK);
    }
    CHECK_MSG(wait_until(all_done, NULL, 60000), "only %d of %d callbacks ran", completed, REQUESTS);
    /* Freeing the client now must not call anything back again. */
    ut_client_free(client);
    sleep_ms(100);

    pthread_mutex_lock(&lock);
    CHECK_MSG(completed == REQUESTS, "%d callbacks for %d requests", completed, REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
        CHECK_MSG(slots[i].calls == 1, "request %d called back %d times", i, slots[i].calls);
        CHECK_MSG(slots[i].result == UT_OK && slots[i].has_token, "request %d: %s", i, ut_result_name(slots[i].result));
        CHECK_MSG(!slots[i].on_main_thread, "request %d called back on the calling thread", i);
    }
    pthread_mutex_unlock(&lock);
    qsort(ids, REQUESTS, sizeof ids[0], by_value);
    for (int i = 1; i < REQUESTS; i++) {
        CHECK_MSG(ids[i] != ids[i - 1], "request id %llu given twice", (unsigned long long)ids[i]);
    }
    CHECK_MSG(emu_stat(&emu, "issue") == REQUESTS, "the emulator saw %lld requests", emu_stat(&emu, "issue"));
    return 0;
}
