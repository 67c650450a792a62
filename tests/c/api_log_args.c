/* api_log_args: ut_set_log_callback() takes levels 1-5 with a callback, refuses others with
 * UT_INVALID_ARGUMENT, and turns logging off with NULL whatever the level. */
#include "check.h"

static void ignore(void *user_data, uint32_t level, const char *message) {
    (void)user_data;
    (void)level;
    (void)message;
}

int main(void) {
    const uint32_t bad_levels[] = {0, 6, 7, 100, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad_levels / sizeof bad_levels[0]; i++) {
        CHECK_RESULT(ut_set_log_callback(ignore, NULL, bad_levels[i]), UT_INVALID_ARGUMENT);
    }
    for (uint32_t level = UT_LOG_ERROR; level <= UT_LOG_TRACE; level++) {
        CHECK_RESULT(ut_set_log_callback(ignore, NULL, level), UT_OK);
    }
    CHECK(UT_LOG_ERROR == 1 && UT_LOG_WARN == 2 && UT_LOG_INFO == 3 && UT_LOG_DEBUG == 4 && UT_LOG_TRACE == 5);
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 0), UT_OK);
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 99), UT_OK);
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 3), UT_OK);
    return 0;
}
