/* int_fork_blocking: 2,000 children forked while two other threads loop blocking ut_issue and
 * ut_renew on the client that the children then use, and a third makes, uses and frees
 * clients of its own: no child hangs or fails in its blocking call or its session call, and
 * the parent's calls still work afterwards. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"
#include "forks.h"

static ut_client *client;

/* A client's whole life: made, used, freed. */
static const emulator *shared_emu;

static int client_life(void *unused) {
    (void)unused;
    char *config = config_for(shared_emu, NULL);
    ut_client *own = NULL;
    char *out = NULL;
    ut_result result = ut_client_new(config, &own, &out);
    free(config);
    if (result != UT_OK) {
        activity_failed("ut_client_new: %s %s", ut_result_name(result), out);
        ut_free_string(out);
        return 0;
    }
    result = ut_issue(own, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &out);
    if (result != UT_OK) {
        activity_failed("ut_issue on a new client: %s %s", ut_result_name(result), out);
    }
    ut_free_string(out);
    ut_client_free(own);
    return result == UT_OK;
}

int main(void) {
    /* Private: the parent's threads send tens of thousands of requests. */
    emulator emu;
    emulator_private(&emu);
    client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    ut_session *session = session_made_elsewhere(client);

    shared_emu = &emu;
    activity_start(activity_issue_and_renew, client);
    activity_start(activity_issue_and_renew, client);
    activity_start(client_life, NULL);
    fork_stress stress = {.client = client, .session = session, .forks = fork_count(2000)};
    fork_stress_run(&stress);
    activity_stop("blocking ut_issue + ut_renew, and clients made, used and freed");

    parent_still_works(client, session);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
