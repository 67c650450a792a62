/* int_async_cancel: ut_cancel() makes a pending request complete once with UT_CANCELLED;
 * cancelling it again, or cancelling a finished request, is UT_NOT_FOUND. */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define HANGING 20

typedef struct {
    int calls;
    ut_result result;
    int doc_ok;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void on_done(void *user_data, ut_result result, const char *json_text) {
    slot *s = user_data;
    json *doc = json_parse(json_text);
    const char *name = json_get_string(doc, "result");
    pthread_mutex_lock(&lock);
    s->calls++;
    s->result = result;
    /* A cancelled request gets an error document saying so; a finished one its answer. */
    s->doc_ok = result == UT_OK ? json_get_string(doc, "AccessToken") != NULL : name && strcmp(name, ut_result_name(result)) == 0;
    pthread_mutex_unlock(&lock);
    json_free(doc);
}

static int called(void *arg) {
    slot *s = arg;
    pthread_mutex_lock(&lock);
    int done = s->calls > 0;
    pthread_mutex_unlock(&lock);
    return done;
}

typedef struct {
    const emulator *emu;
    long long count;
} arrivals;

static int arrived(void *arg) {
    arrivals *a = arg;
    return emu_stat(a->emu, "issue") >= a->count;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":0");
    slot hanging[HANGING];
    uint64_t ids[HANGING];
    memset(hanging, 0, sizeof hanging);

    /* Requests the emulator never answers, cancelled once they have reached it. */
    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"issue\",\"count\":20}");
    for (int i = 0; i < HANGING; i++) {
        CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, &hanging[i], &ids[i]),
                     UT_OK);
    }
    arrivals all = {&emu, HANGING};
    CHECK_MSG(wait_until(arrived, &all, 10000), "the requests did not reach the emulator");
    for (int i = 0; i < HANGING; i++) {
        CHECK_RESULT(ut_cancel(ids[i]), UT_OK);
    }
    for (int i = 0; i < HANGING; i++) {
        CHECK_MSG(wait_until(called, &hanging[i], 5000), "cancelled request %d never called back", i);
    }
    sleep_ms(100); /* room for a wrong second call */
    for (int i = 0; i < HANGING; i++) {
        CHECK_MSG(hanging[i].calls == 1, "request %d called back %d times", i, hanging[i].calls);
        CHECK_RESULT(hanging[i].result, UT_CANCELLED);
        CHECK(hanging[i].doc_ok);
        CHECK_RESULT(ut_cancel(ids[i]), UT_NOT_FOUND); /* no longer pending */
    }

    /* Cancelled straight after submission, before any answer can come. */
    slot early = {0, 0, 0};
    uint64_t early_id;
    emu_fault(&emu, "{\"kind\":\"hang\",\"call\":\"renew\"}");
    CHECK_RESULT(ut_renew_async(client, "6", EMU_SITE, "tok", on_done, &early, &early_id), UT_OK);
    CHECK_RESULT(ut_cancel(early_id), UT_OK);
    CHECK(wait_until(called, &early, 5000));
    CHECK_RESULT(early.result, UT_CANCELLED);
    CHECK_RESULT(ut_cancel(early_id), UT_NOT_FOUND);

    /* A request that finished normally cannot be cancelled. */
    slot done = {0, 0, 0};
    uint64_t done_id;
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_done, &done, &done_id), UT_OK);
    CHECK(wait_until(called, &done, 10000));
    CHECK_RESULT(done.result, UT_OK);
    CHECK(done.doc_ok);
    CHECK_RESULT(ut_cancel(done_id), UT_NOT_FOUND);
    for (int i = 0; i < HANGING; i++) {
        CHECK(done_id != ids[i] && early_id != ids[i]); /* ids are never reused */
    }
    sleep_ms(50);
    CHECK(done.calls == 1 && early.calls == 1);
    ut_client_free(client);
    return 0;
}
