/* leak_session: sessions that refresh, revoke, fail to start, outlive their client, and a
 * log callback replaced and removed, leave nothing behind (run under valgrind). */
#include "check.h"
#include "clients.h"
#include "emulator.h"

static void on_log(void *user_data, uint32_t level, const char *message) {
    (void)level;
    (void)message;
    (*(int *)user_data)++;
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    int lines = 0;
    CHECK_RESULT(ut_set_log_callback(on_log, &lines, UT_LOG_TRACE), UT_OK);
    ut_client *client = client_for(&emu, "\"session_renew_margin_s\":100000000");
    char *out = NULL;
    for (int round = 0; round < 3; round++) {
        ut_session *session = NULL;
        CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &out), UT_OK);
        for (int i = 0; i < 9; i++) { /* renewals and a re-issue */
            CHECK_RESULT(ut_session_token(session, &out), UT_OK);
            ut_free_string(out);
        }
        CHECK_RESULT(ut_session_revoke(session, &out), UT_OK);
        ut_free_string(out);
        ut_session_free(session);
        CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, "wrong", &session, &out), UT_DENIED);
        ut_free_string(out);
    }
    CHECK(lines > 0);
    CHECK_RESULT(ut_set_log_callback(on_log, &lines, UT_LOG_ERROR), UT_OK);
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 0), UT_OK);

    /* A session that outlives its client. */
    ut_session *orphan = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &orphan, &out), UT_OK);
    ut_client_free(client);
    CHECK_RESULT(ut_session_token(orphan, &out), UT_CANCELLED);
    ut_free_string(out);
    ut_session_free(orphan);
    return 0;
}
