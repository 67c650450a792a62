/* leak_client: clients created and freed over and over, and every configuration error's
 * document, leave nothing behind (run under valgrind). */
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    char *error = NULL;
    for (int i = 0; i < 20; i++) {
        ut_client *client = client_for(&emu, i % 2 ? "\"worker_threads\":1" : "\"worker_threads\":4");
        ut_client_free(client);
    }
    const char *bad[] = {"", "{", "{\"timeout_ms\":0,\"api_key\":\"k\"}", "{\"bogus\":1,\"api_key\":\"k\"}",
                         "{\"ca_file\":\"/nonexistent.pem\",\"api_key\":\"k\"}", "{}"};
    for (int round = 0; round < 5; round++) {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            ut_client *client = NULL;
            CHECK_RESULT(ut_client_new(bad[i], &client, &error), UT_INVALID_CONFIG);
            ut_free_string(error);
        }
        CHECK_RESULT(ut_client_new("{\"api_key\":\"k\"}", NULL, &error), UT_NULL_ARGUMENT);
        ut_free_string(error);
    }
    /* A client used once, then freed, a few times. */
    for (int i = 0; i < 5; i++) {
        ut_client *client = client_for(&emu, NULL);
        char *token = issue_token(client);
        free(token);
        ut_client_free(client);
    }
    return 0;
}
