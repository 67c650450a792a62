/* int_logging: the log callback gets one line per attempt (debug), per retry (warn), per
 * success (info) and per final failure (error), honours max_level, stops when turned off,
 * and no line ever holds the password, a token or the API key, even when the server echoes
 * them. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define MAX_LINES 4096

typedef struct {
    pthread_mutex_t lock;
    int count[6]; /* by level; 0 counts out-of-range levels */
    char *lines[MAX_LINES];
    int total;
    int wrong_user_data;
} log_record;

static log_record record = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, 0, 0};

static void on_log(void *user_data, uint32_t level, const char *message) {
    pthread_mutex_lock(&record.lock);
    record.wrong_user_data += user_data != &record;
    record.count[level >= 1 && level <= 5 ? level : 0]++;
    if (record.total < MAX_LINES) {
        record.lines[record.total++] = strdup(message ? message : "");
    }
    pthread_mutex_unlock(&record.lock);
}

/* Counts of the lines since the last call, by level. */
static void take_counts(int counts[6]) {
    pthread_mutex_lock(&record.lock);
    memcpy(counts, record.count, sizeof record.count);
    memset(record.count, 0, sizeof record.count);
    pthread_mutex_unlock(&record.lock);
}

static char *secrets[64];
static int secret_count;

static void remember(const char *secret) {
    CHECK(secret_count < 64);
    secrets[secret_count++] = strdup(secret);
}

static void remember_token_in(const char *json_text) {
    json *doc = json_parse(json_text);
    if (json_get_string(doc, "AccessToken") != NULL) {
        remember(json_get_string(doc, "AccessToken"));
    }
    json_free(doc);
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":10");
    char *out = NULL;
    int counts[6];
    remember(EMU_OWNER_PASSWORD);
    remember(EMU_API_KEY);
    remember("wrong-password-77");
    CHECK_RESULT(ut_set_log_callback(on_log, &record, UT_LOG_TRACE), UT_OK);

    /* Two 503s, then success: three attempts, two retries, one success. */
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":503,\"count\":2}");
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out), UT_OK);
    remember_token_in(out);
    ut_free_string(out);
    take_counts(counts);
    CHECK_MSG(counts[UT_LOG_DEBUG] >= 3, "%d debug lines for 3 attempts", counts[UT_LOG_DEBUG]);
    CHECK_MSG(counts[UT_LOG_WARN] == 2, "%d warn lines for 2 retries", counts[UT_LOG_WARN]);
    CHECK_MSG(counts[UT_LOG_INFO] >= 1, "no info line for the success");
    CHECK_MSG(counts[UT_LOG_ERROR] == 0, "%d error lines for a success", counts[UT_LOG_ERROR]);
    CHECK(counts[0] == 0);

    /* A final failure, with the server echoing every secret back. */
    char body[512];
    emu_fault_body(&emu, "issue", 401,
                   "{\"Error\":{\"Message\":\"bad wrong-password-77 for test-api-key\",\"Code\":\"wrong-password-77\"}}");
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, EMU_OWNER, "wrong-password-77", &out), UT_DENIED);
    ut_free_string(out);
    take_counts(counts);
    CHECK_MSG(counts[UT_LOG_ERROR] == 1, "%d error lines for one failed call", counts[UT_LOG_ERROR]);
    CHECK(counts[UT_LOG_DEBUG] >= 1);

    /* renew, revoke and a session's refresh, each with its token. */
    char *token = issue_token(client);
    remember(token);
    CHECK_RESULT(ut_renew(client, "6", EMU_SITE, token, &out), UT_OK);
    ut_free_string(out);
    /* A retried revoke whose error echoes the token it was sent. */
    snprintf(body, sizeof body, "{\"Error\":{\"Message\":\"token %s, key test-api-key\",\"Code\":\"X\"}}", token);
    emu_fault_body(&emu, "revoke", 500, body);
    CHECK_RESULT(ut_revoke(client, "6", EMU_SITE, token, &out), UT_OK);
    ut_free_string(out);
    ut_client *due = client_for(&emu, "\"session_renew_margin_s\":100000000");
    ut_session *session = NULL;
    CHECK_RESULT(ut_session_new(due, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &session, &out), UT_OK);
    remember(EMU_STAFF_PASSWORD);
    take_counts(counts);
    CHECK_RESULT(ut_session_token(session, &out), UT_OK);
    remember(out);
    ut_free_string(out);
    take_counts(counts);
    CHECK_MSG(counts[UT_LOG_INFO] >= 1, "no info line for a session renewal");

    /* max_level 2: a success logs nothing, a retry logs its warning. */
    CHECK_RESULT(ut_set_log_callback(on_log, &record, UT_LOG_WARN), UT_OK);
    take_counts(counts);
    issue_succeeds(&emu, client, 1);
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":502}");
    issue_succeeds(&emu, client, 2);
    take_counts(counts);
    CHECK_MSG(counts[3] + counts[4] + counts[5] == 0, "lines above max_level 2 arrived");
    CHECK_MSG(counts[UT_LOG_WARN] == 1, "%d warn lines for one retry", counts[UT_LOG_WARN]);

    /* Off: nothing more. */
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 0), UT_OK);
    pthread_mutex_lock(&record.lock);
    int before = record.total;
    pthread_mutex_unlock(&record.lock);
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":502}");
    issue_succeeds(&emu, client, 2);
    pthread_mutex_lock(&record.lock);
    CHECK_MSG(record.total == before, "%d lines after logging was turned off", record.total - before);
    CHECK(record.wrong_user_data == 0);

    /* No secret in any line. */
    CHECK(record.total > 10);
    for (int i = 0; i < record.total; i++) {
        CHECK_MSG(record.lines[i][0] != '\0', "an empty log line");
        for (int s = 0; s < secret_count; s++) {
            CHECK_MSG(strstr(record.lines[i], secrets[s]) == NULL, "log line \"%s\" holds a secret", record.lines[i]);
        }
        free(record.lines[i]);
    }
    pthread_mutex_unlock(&record.lock);

    for (int s = 0; s < secret_count; s++) {
        free(secrets[s]);
    }
    free(token);
    ut_session_free(session);
    ut_client_free(due);
    ut_client_free(client);
    return 0;
}
