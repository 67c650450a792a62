/* int_log_reentrant: a log callback may call any function of the library, a session's
 * included, from the thread that is logging. On each line the callback asks the session
 * that is being refreshed for its token (ut_session_token on the same session), issues a
 * token on the same client, reads a result name and installs itself again; later it
 * revokes the session in the middle of a refresh. Refreshes are forced (a margin longer than
 * a token's life), also through a retry and a denied renew; the session's revoke and an
 * async issue are logged through the same callback. Every call returns (each phase runs
 * under an alarm, so a deadlock fails the test), the inner ones with UT_OK and valid
 * tokens, and every outer call gives UT_OK. The callback lets the lines of its own calls pass
 * (on its thread or a library thread), so the recursion is one level deep. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define PHASE_ALARM_S 10
#define MAX_TOKENS 256

static emulator emu;
static ut_client *client;
static ut_session *session;

/* What the callback does on a line that is not its own calls'. */
enum reaction { OBSERVE, CALL_EVERYTHING, ASK_TOKEN, REVOKE_ONCE };

static struct {
    pthread_mutex_t lock;
    enum reaction reaction;
    int reentries, revokes; /* lines reacted to; of them in REVOKE_ONCE (the first revokes) */
    char *tokens[MAX_TOKENS]; /* every token the callback was given, to check afterwards */
    int token_count;
} seen = {PTHREAD_MUTEX_INITIALIZER, OBSERVE, 0, 0, {0}, 0};

/* Where a phase is, for the alarm's message (written from the signal handler). */
static const char *volatile phase = "";
static const char *volatile inner_call = NULL;

static void write_text(const char *text) {
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;
}

static void on_alarm(int signal_number) {
    (void)signal_number;
    const char *inner = inner_call;
    write_text("FAIL int_log_reentrant: deadlock: ");
    write_text(phase);
    write_text(" did not return within the alarm");
    if (inner != NULL) {
        write_text("; inside the log callback, ");
        write_text(inner);
        write_text(" had not returned");
    }
    write_text("\n");
    _exit(1);
}

static void phase_begin(const char *what) {
    phase = what;
    alarm((unsigned)(PHASE_ALARM_S * time_scale()));
}

static void phase_end(void) {
    alarm(0);
    phase = "";
}

static void keep_token(const char *token) {
    pthread_mutex_lock(&seen.lock);
    if (seen.token_count < MAX_TOKENS) {
        seen.tokens[seen.token_count++] = strdup(token);
    }
    pthread_mutex_unlock(&seen.lock);
}

/* Set while the callback is making its calls: the lines those calls log, on this thread or
 * on a library thread, are let pass. */
static int reacting;

static void inner_session_token(const char *message) {
    char *token = NULL;
    inner_call = "ut_session_token on the session being refreshed";
    ut_result result = ut_session_token(session, &token);
    inner_call = NULL;
    CHECK_MSG(result == UT_OK && token_is_valid(token),
              "%s: ut_session_token inside the log callback (line \"%s\") gave %s: %s", phase, message,
              ut_result_name(result), token ? token : "(NULL)");
    keep_token(token);
    ut_free_string(token);
}

static void call_everything(const char *message) {
    CHECK_STR(ut_result_name(UT_DENIED), "UT_DENIED");
    inner_session_token(message);

    char *out = NULL;
    inner_call = "ut_issue on the same client";
    ut_result result = ut_issue(client, "6", EMU_SITE, EMU_STAFF, EMU_STAFF_PASSWORD, &out);
    inner_call = NULL;
    CHECK_MSG(result == UT_OK, "%s: ut_issue inside the log callback (line \"%s\") gave %s: %s", phase, message,
              ut_result_name(result), out ? out : "(NULL)");
    ut_free_string(out);
}

static void on_log(void *user_data, uint32_t level, const char *message);

static void reinstall(const char *message) {
    inner_call = "ut_set_log_callback";
    ut_result result = ut_set_log_callback(on_log, &seen, UT_LOG_TRACE);
    inner_call = NULL;
    CHECK_MSG(result == UT_OK, "%s: ut_set_log_callback inside the log callback (line \"%s\") gave %s", phase, message,
              ut_result_name(result));
}

static void on_log(void *user_data, uint32_t level, const char *message) {
    CHECK(user_data == &seen && level >= UT_LOG_ERROR && level <= UT_LOG_TRACE && message != NULL);
    int idle = 0;
    if (!__atomic_compare_exchange_n(&reacting, &idle, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        return;
    }
    pthread_mutex_lock(&seen.lock);
    enum reaction reaction = seen.reaction;
    seen.reentries += reaction != OBSERVE;
    pthread_mutex_unlock(&seen.lock);
    switch (reaction) {
    case CALL_EVERYTHING:
        call_everything(message);
        reinstall(message);
        break;
    case ASK_TOKEN:
        inner_session_token(message);
        break;
    case REVOKE_ONCE: {
        pthread_mutex_lock(&seen.lock);
        int first = seen.revokes++ == 0;
        pthread_mutex_unlock(&seen.lock);
        if (first) {
            char *out = NULL;
            inner_call = "ut_session_revoke on the session being refreshed";
            ut_result result = ut_session_revoke(session, &out);
            inner_call = NULL;
            /* The token it revokes may already have been renewed away (denied, and dropped). */
            CHECK_MSG(result == UT_OK || result == UT_DENIED,
                      "%s: ut_session_revoke inside the log callback (line \"%s\") gave %s: %s", phase, message,
                      ut_result_name(result), out ? out : "(NULL)");
            ut_free_string(out);
        }
        break;
    }
    case OBSERVE:
        break;
    }
    __atomic_store_n(&reacting, 0, __ATOMIC_RELEASE);
}

/* Starts a phase whose lines get `reaction`. */
static void react(enum reaction reaction) {
    pthread_mutex_lock(&seen.lock);
    seen.reaction = reaction;
    seen.reentries = seen.revokes = 0;
    pthread_mutex_unlock(&seen.lock);
}

/* Ends it: the lines after this are let pass. Returns how many lines were reacted to. */
static int stop_reacting(void) {
    pthread_mutex_lock(&seen.lock);
    seen.reaction = OBSERVE;
    int n = seen.reentries;
    pthread_mutex_unlock(&seen.lock);
    return n;
}

/* One ut_session_token that refreshes, with the callback reacting to its lines; returns how
 * many lines it reacted to. */
static int refresh_phase(const char *what, enum reaction reaction) {
    react(reaction);
    phase_begin(what);
    char *token = NULL;
    ut_result result = ut_session_token(session, &token);
    phase_end();
    int reacted = stop_reacting();
    CHECK_MSG(result == UT_OK && token_is_valid(token), "%s: the outer ut_session_token gave %s: %s", what,
              ut_result_name(result), token ? token : "(NULL)");
    keep_token(token);
    ut_free_string(token);
    return reacted;
}

static volatile int async_done;
static volatile ut_result async_result;

static void on_async(void *user_data, ut_result result, const char *json_text) {
    (void)user_data;
    (void)json_text;
    async_result = result;
    __atomic_store_n(&async_done, 1, __ATOMIC_RELEASE);
}

static int async_finished(void *unused) {
    (void)unused;
    return __atomic_load_n(&async_done, __ATOMIC_ACQUIRE);
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);

    emulator_private(&emu);
    /* A margin longer than a token's life: every ut_session_token refreshes. */
    client = client_for(&emu, "\"session_renew_margin_s\":100000000,\"retry_base_ms\":1,\"retry_max_ms\":5");
    char *error = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    CHECK_RESULT(ut_set_log_callback(on_log, &seen, UT_LOG_TRACE), UT_OK);

    int reacted = refresh_phase("a renewing ut_session_token", CALL_EVERYTHING);
    CHECK_MSG(reacted > 0, "the refresh logged nothing to react to");

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"renew\",\"status\":503}");
    reacted = refresh_phase("a ut_session_token renewing through a retry", CALL_EVERYTHING);
    CHECK_MSG(reacted >= 3, "%d lines for a renew retried once", reacted);

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"renew\",\"status\":401}");
    reacted = refresh_phase("a ut_session_token re-issuing after a denied renew", CALL_EVERYTHING);
    CHECK_MSG(reacted >= 2, "%d lines for a denied renew and an issue", reacted);

    react(ASK_TOKEN);
    phase_begin("ut_session_revoke");
    char *out = NULL;
    ut_result result = ut_session_revoke(session, &out);
    phase_end();
    reacted = stop_reacting();
    CHECK_MSG(result == UT_OK, "ut_session_revoke with the callback asking for the token: %s %s",
              ut_result_name(result), out ? out : "(NULL)");
    ut_free_string(out);
    CHECK_MSG(reacted > 0, "the revoke logged nothing to react to");

    reacted = refresh_phase("a ut_session_token while the callback revokes the session", REVOKE_ONCE);
    CHECK_MSG(reacted > 0, "the refresh logged nothing to react to");

    /* An async call's lines come from a library thread. */
    react(ASK_TOKEN);
    phase_begin("an async ut_issue");
    CHECK_RESULT(ut_issue_async(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, on_async, NULL, NULL), UT_OK);
    CHECK_MSG(wait_until(async_finished, NULL, 1000.0 * PHASE_ALARM_S), "the async issue never completed");
    phase_end();
    reacted = stop_reacting();
    CHECK_RESULT(async_result, UT_OK);
    CHECK_MSG(reacted > 0, "the async issue logged nothing to react to");

    /* The session goes on. */
    refresh_phase("a ut_session_token afterwards", OBSERVE);

    /* Every token handed out came from the emulator. */
    for (int i = 0; i < seen.token_count; i++) {
        long long renewals = 0;
        int revoked = 0;
        CHECK_MSG(emu_token_state(&emu, seen.tokens[i], &renewals, &revoked), "token %d was never issued", i);
        free(seen.tokens[i]);
    }
    printf("%s: %d tokens handed out, inside the callback and out, all issued by the emulator\n", test_tag(),
           seen.token_count);
    CHECK_RESULT(ut_set_log_callback(NULL, NULL, 0), UT_OK);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
