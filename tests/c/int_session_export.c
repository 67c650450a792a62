/* int_session_export: a state exported in one process is restored in another (a forked
 * child with its own client) without any request while the token is valid for that version,
 * site and user; for another user, version or site, or once expired, the child issues a
 * new token. A malformed state is UT_INVALID_ARGUMENT and sends nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

/* In a child: restores `state` for (site, user) with a new client and reports through its
 * exit status: 0 when the token equals `expected` (or differs, when `same` is 0). */
static int restore_in_child(const emulator *emu, const char *site, const char *user, const char *password,
                            const char *version, const char *state, const char *expected, int same) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(60);
        ut_client *client = client_for(emu, NULL);
        ut_session *session = NULL;
        char *error = NULL, *token = NULL;
        if (ut_session_restore(client, version, site, user, password, state, &session, &error) != UT_OK) {
            fprintf(stderr, "child: restore: %s\n", error);
            _exit(2);
        }
        if (ut_session_token(session, &token) != UT_OK) {
            _exit(3);
        }
        int equal = strcmp(token, expected) == 0;
        ut_free_string(token);
        ut_session_free(session);
        ut_client_free(client);
        _exit(equal == same ? 0 : 4);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFEXITED(status), "the child did not exit (signal %d)", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WEXITSTATUS(status);
}

/* `state` with the string member `key` set to `value` (all members are flat strings but
 * "renewals"). */
static char *with_member(const char *state, const char *key, const char *value) {
    json *doc = json_parse(state);
    const char *old = json_get_string(doc, key);
    CHECK(old != NULL);
    char pattern[256], replacement[256];
    snprintf(pattern, sizeof pattern, "\"%s\":\"%s\"", key, old);
    snprintf(replacement, sizeof replacement, "\"%s\":\"%s\"", key, value);
    const char *at = strstr(state, pattern);
    CHECK(at != NULL);
    size_t head = (size_t)(at - state);
    char *out = malloc(strlen(state) + strlen(replacement) + 1);
    memcpy(out, state, head);
    strcpy(out + head, replacement);
    strcat(out, at + strlen(pattern));
    json_free(doc);
    return out;
}

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, NULL);
    ut_session *session = NULL;
    char *error = NULL, *token = NULL, *state = NULL;
    CHECK_RESULT(ut_session_new(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, &session, &error), UT_OK);
    CHECK_RESULT(ut_session_token(session, &token), UT_OK);
    CHECK_RESULT(ut_session_export(session, NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_session_export(session, &state), UT_OK);
    CHECK_CONTAINS(state, token);
    CHECK_LACKS(state, EMU_OWNER_PASSWORD);
    CHECK(emu_stat(&emu, "requests") == 1);

    int status = restore_in_child(&emu, EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, "6", state, token, 1);
    CHECK_MSG(status == 0, "child restoring a valid state: status %d", status);
    CHECK_MSG(emu_stat(&emu, "requests") == 1, "a valid state was restored with %lld request(s)",
              emu_stat(&emu, "requests") - 1);

    char *other_user = with_member(state, "username", EMU_STAFF);
    status = restore_in_child(&emu, EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, "6", other_user, token, 0);
    CHECK_MSG(status == 0, "another user's state: status %d", status);
    CHECK(emu_stat(&emu, "issue") == 2);
    char *other_version = with_member(state, "version", "5");
    status = restore_in_child(&emu, EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, "6", other_version, token, 0);
    CHECK_MSG(status == 0, "another version's state: status %d", status);
    CHECK(emu_stat(&emu, "issue") == 3);
    char *other_site = with_member(state, "site_id", "-98");
    status = restore_in_child(&emu, EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, "6", other_site, token, 0);
    CHECK_MSG(status == 0, "another site's state: status %d", status);
    CHECK(emu_stat(&emu, "issue") == 4);
    char *expired = with_member(state, "expires", "2001-01-01T00:00:00Z");
    status = restore_in_child(&emu, EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, "6", expired, token, 0);
    CHECK_MSG(status == 0, "an expired state: status %d", status);
    CHECK(emu_stat(&emu, "issue") == 5);

    const char *malformed[] = {"", "{}", "[1]", "null", "{\"access_token\":\"x\"}"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        ut_session *none = NULL;
        CHECK_RESULT(ut_session_restore(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, malformed[i], &none, &error),
                     UT_INVALID_ARGUMENT);
        CHECK(none == NULL);
        CHECK_CONTAINS(error, "state");
        ut_free_string(error);
    }
    ut_session *none = NULL;
    CHECK_RESULT(ut_session_restore(client, "6", EMU_SITE, EMU_OWNER, EMU_OWNER_PASSWORD, NULL, &none, &error),
                 UT_NULL_ARGUMENT);
    ut_free_string(error);
    CHECK(emu_stat(&emu, "issue") == 5);

    free(other_user);
    free(other_version);
    free(other_site);
    free(expired);
    ut_free_string(state);
    ut_free_string(token);
    ut_session_free(session);
    ut_client_free(client);
    return 0;
}
