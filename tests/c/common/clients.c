/* clients.c: clients pointed at an emulator, and issue calls with their expected outcome. */
#include "clients.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

char *config_for(const emulator *emu, const char *extra) {
    int own_agent = extra != NULL && strstr(extra, "\"user_agent\"") != NULL;
    size_t size = strlen(emu->url) + (extra ? strlen(extra) : 0) + 256;
    char *config = malloc(size);
    snprintf(config, size, "{\"base_url\":\"%s\",\"api_key\":\"" EMU_API_KEY "\"%s%s%s%s%s}", emu->url,
             own_agent ? "" : ",\"user_agent\":\"", own_agent ? "" : test_tag(), own_agent ? "" : "\"",
             extra ? "," : "", extra ? extra : "");
    return config;
}

ut_client *client_for(const emulator *emu, const char *extra) {
    char *config = config_for(emu, extra);
    ut_client *client = NULL;
    char *error = NULL;
    ut_result result = ut_client_new(config, &client, &error);
    CHECK_MSG(result == UT_OK, "ut_client_new(%s): %s %s", config, ut_result_name(result), error ? error : "");
    free(config);
    return client;
}

char *issue_token(const ut_client *client) {
    char *out = NULL;
    ut_result result = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    CHECK_MSG(result == UT_OK, "ut_issue: %s %s", ut_result_name(result), out ? out : "");
    json *doc = json_parse(out);
    const char *token = json_get_string(doc, "AccessToken");
    CHECK_MSG(token != NULL, "no AccessToken in %s", out);
    char *copy = strdup(token);
    json_free(doc);
    ut_free_string(out);
    return copy;
}

json *issue_failing(const emulator *emu, const ut_client *client, ut_result expected, long long attempts) {
    long long before = emu != NULL && emu->pid != 0 ? emu_stat(emu, "issue") : 0;
    char *out = NULL;
    ut_result result = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    CHECK_MSG(result == expected, "ut_issue gave %s, expected %s: %s", ut_result_name(result),
              ut_result_name(expected), out ? out : "(NULL)");
    json *doc = CHECK_ERROR_DOC(out, expected);
    CHECK_MSG(doc_attempts(doc) == attempts, "attempts is %lld, expected %lld: %s", doc_attempts(doc), attempts, out);
    if (emu != NULL && emu->pid != 0) {
        long long seen = emu_stat(emu, "issue") - before;
        CHECK_MSG(seen == attempts, "the emulator received %lld requests for %lld attempts", seen, attempts);
    }
    ut_free_string(out);
    return doc;
}

void issue_succeeds(const emulator *emu, const ut_client *client, long long tries) {
    long long before = emu_stat(emu, "issue");
    char *out = NULL;
    ut_result result = ut_issue(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &out);
    CHECK_MSG(result == UT_OK, "ut_issue gave %s: %s", ut_result_name(result), out ? out : "(NULL)");
    ut_free_string(out);
    long long seen = emu_stat(emu, "issue") - before;
    CHECK_MSG(seen == tries, "the emulator received %lld requests, expected %lld", seen, tries);
}

typedef struct {
    ut_session *session;
    pthread_barrier_t *start;
    ut_result result;
    char *token;
} token_answer;

static void *ask_for_token(void *arg) {
    token_answer *a = arg;
    pthread_barrier_wait(a->start);
    a->result = ut_session_token(a->session, &a->token);
    return NULL;
}

char *session_tokens_at_once(ut_session *session, int count) {
    CHECK(count >= 1 && count <= 64);
    pthread_t threads[64];
    token_answer answers[64];
    pthread_barrier_t start;
    memset(answers, 0, sizeof answers);
    pthread_barrier_init(&start, NULL, (unsigned)count);
    for (int i = 0; i < count; i++) {
        answers[i].session = session;
        answers[i].start = &start;
        CHECK(pthread_create(&threads[i], NULL, ask_for_token, &answers[i]) == 0);
    }
    for (int i = 0; i < count; i++) {
        pthread_join(threads[i], NULL);
    }
    pthread_barrier_destroy(&start);
    for (int i = 0; i < count; i++) {
        CHECK_MSG(answers[i].result == UT_OK, "thread %d: %s %s", i, ut_result_name(answers[i].result), answers[i].token);
        CHECK_STR(answers[i].token, answers[0].token);
    }
    char *token = strdup(answers[0].token);
    for (int i = 0; i < count; i++) {
        ut_free_string(answers[i].token);
    }
    return token;
}
