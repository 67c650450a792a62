/* int_threads: 32 threads share one client, each issuing, renewing and revoking its own
 * tokens at the same time; every call succeeds and the emulator sees every request. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define THREADS 32
#define ROUNDS 5

static ut_client *client;
static pthread_barrier_t start;

static void *worker(void *arg) {
    int *failures = arg;
    pthread_barrier_wait(&start);
    for (int round = 0; round < ROUNDS; round++) {
        char *out = NULL;
        ut_result r = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
        json *doc = r == UT_OK ? json_parse(out) : NULL;
        const char *token = json_get_string(doc, "AccessToken");
        if (token == NULL) {
            fprintf(stderr, "issue: %s %s\n", ut_result_name(r), out);
            (*failures)++;
            json_free(doc);
            ut_free_string(out);
            continue;
        }
        char *renewed = NULL;
        char *revoked = NULL;
        if (ut_renew(client, "6", EMU_SITE, token, &renewed) != UT_OK ||
            ut_revoke(client, "6", EMU_SITE, token, &revoked) != UT_OK || strcmp(revoked, "{}") != 0) {
            fprintf(stderr, "renew: %s / revoke: %s\n", renewed, revoked);
            (*failures)++;
        }
        ut_free_string(renewed);
        ut_free_string(revoked);
        json_free(doc);
        ut_free_string(out);
    }
    return NULL;
}

int main(void) {
    /* Private: so many requests would swell the shared emulator's record. */
    emulator emu;
    emulator_private(&emu);
    client = client_for(&emu, NULL);
    pthread_t threads[THREADS];
    int failures[THREADS] = {0};
    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, worker, &failures[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK_MSG(failures[i] == 0, "thread %d: %d failed rounds", i, failures[i]);
    }
    pthread_barrier_destroy(&start);

    const char *calls[] = {"issue", "renew", "revoke"};
    for (int c = 0; c < 3; c++) {
        long long seen = emu_stat(&emu, calls[c]);
        CHECK_MSG(seen == THREADS * ROUNDS, "the emulator saw %lld %s requests, expected %d", seen, calls[c], THREADS * ROUNDS);
    }
    ut_client_free(client);
    return 0;
}
