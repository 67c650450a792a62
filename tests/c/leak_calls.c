/* leak_calls: blocking calls that succeed, are refused, fail to connect or are rejected
 * for their arguments, each result freed, leave nothing behind (run under valgrind). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    ut_client *client = client_for(&emu, NULL);
    ut_client *refused = client_for(&nowhere, "\"max_retries\":1,\"retry_base_ms\":1");
    char *out = NULL;
    for (int round = 0; round < 10; round++) {
        char *token = issue_token(client);
        CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_OK);
        ut_free_string(out);
        CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, token, &out), UT_OK);
        ut_free_string(out);
        CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_DENIED);
        ut_free_string(out);
        CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, "wrong", &out), UT_DENIED);
        ut_free_string(out);
        CHECK_RESULT(ut_issue(client, "6", "123", EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_HTTP_ERROR);
        ut_free_string(out);
        CHECK_RESULT(ut_issue(refused, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_CONNECT);
        ut_free_string(out);
        CHECK_RESULT(ut_issue(client, "", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_INVALID_ARGUMENT);
        ut_free_string(out);
        CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, NULL, &out), UT_NULL_ARGUMENT);
        ut_free_string(out);
        CHECK_RESULT(ut_renew(NULL, "6", EMU_SITE, "t", &out), UT_NULL_ARGUMENT);
        ut_free_string(out);
        free(token);
    }
    ut_client_free(client);
    ut_client_free(refused);
    return 0;
}
