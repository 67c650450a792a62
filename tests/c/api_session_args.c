/* api_session_args: the session functions' NULL and invalid arguments, named in the error
 * document; *session_out untouched on every failure, a failed first issue returned as is. */
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

#define UNTOUCHED_SESSION ((ut_session *)(void *)0x5a5a)

/* The document is passed by address: it is read only after the call has written it. */
static void expect(ut_result result, char **doc_text, ut_result expected, const char *parameter) {
    CHECK_MSG(result == expected, "gave %s, expected %s (%s)", ut_result_name(result), ut_result_name(expected),
              parameter ? parameter : "");
    json *doc = CHECK_ERROR_DOC(*doc_text, expected);
    if (parameter != NULL) {
        CHECK_CONTAINS(json_get_string(doc, "message"), parameter);
        CHECK(doc_attempts(doc) == 0);
    }
    json_free(doc);
    ut_free_string(*doc_text);
    *doc_text = NULL;
}

int main(void) {
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    ut_client *client = client_for(&nowhere, "\"max_retries\":0");
    ut_session *session = UNTOUCHED_SESSION;
    char *error = NULL;
    const char *v = "6", *s = "-99", *u = "user", *p = "pass";

    expect(ut_session_new(NULL, v, s, u, p, &session, &error), &error, UT_NULL_ARGUMENT, "client");
    expect(ut_session_new(client, NULL, s, u, p, &session, &error), &error, UT_NULL_ARGUMENT, "version");
    expect(ut_session_new(client, v, NULL, u, p, &session, &error), &error, UT_NULL_ARGUMENT, "site_id");
    expect(ut_session_new(client, v, s, NULL, p, &session, &error), &error, UT_NULL_ARGUMENT, "username");
    expect(ut_session_new(client, v, s, u, NULL, &session, &error), &error, UT_NULL_ARGUMENT, "password");
    expect(ut_session_new(client, v, s, u, p, NULL, &error), &error, UT_NULL_ARGUMENT, "session_out");
    expect(ut_session_new(client, "7?", s, u, p, &session, &error), &error, UT_INVALID_ARGUMENT, "version");
    expect(ut_session_new(client, v, "--1", u, p, &session, &error), &error, UT_INVALID_ARGUMENT, "site_id");
    expect(ut_session_new(client, v, s, "", p, &session, &error), &error, UT_INVALID_ARGUMENT, "username");
    expect(ut_session_new(client, v, s, u, "\xc3", &session, &error), &error, UT_INVALID_ARGUMENT, "password");
    CHECK_RESULT(ut_session_new(client, v, s, u, p, &session, NULL), UT_NULL_ARGUMENT);
    CHECK(session == UNTOUCHED_SESSION);

    /* The first issue fails (nothing listens): its own failure, after one attempt. */
    error = NULL;
    CHECK_RESULT(ut_session_new(client, v, s, u, p, &session, &error), UT_CONNECT);
    json *doc = CHECK_ERROR_DOC(error, UT_CONNECT);
    CHECK(doc_attempts(doc) == 1);
    json_free(doc);
    ut_free_string(error);
    CHECK(session == UNTOUCHED_SESSION);

    char *out = NULL;
    expect(ut_session_token(NULL, &out), &out, UT_NULL_ARGUMENT, "session");
    expect(ut_session_revoke(NULL, &out), &out, UT_NULL_ARGUMENT, "session");
    CHECK_RESULT(ut_session_token(NULL, NULL), UT_NULL_ARGUMENT);
    CHECK_RESULT(ut_session_revoke(NULL, NULL), UT_NULL_ARGUMENT);
    ut_session_free(NULL);
    ut_client_free(client);
    return 0;
}
