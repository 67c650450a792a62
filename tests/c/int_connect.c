/* int_connect: UT_CONNECT for a refused connection and for a connection the server drops,
 * before or in the middle of the answer; each is retried up to max_retries times. */
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator nowhere = {{0}, 0};
    strcpy(nowhere.url, closed_port_url());
    ut_client *refused = client_for(&nowhere, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":10");
    json *doc = issue_failing(NULL, refused, UT_CONNECT, 3);
    CHECK(doc_http_status(doc) == -1);
    CHECK(doc_code(doc) == NULL);
    json_free(doc);
    ut_client_free(refused);

    emulator emu;
    emulator_private(&emu);
    ut_client *once = client_for(&emu, "\"max_retries\":0");
    ut_client *thrice = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":10");

    emu_fault(&emu, "{\"kind\":\"drop\",\"call\":\"issue\"}");
    json_free(issue_failing(&emu, once, UT_CONNECT, 1));

    emu_fault(&emu, "{\"kind\":\"drop\",\"call\":\"issue\",\"count\":3}");
    json_free(issue_failing(&emu, thrice, UT_CONNECT, 3));

    /* One drop, then an answer: the retry succeeds. */
    emu_fault(&emu, "{\"kind\":\"drop\",\"call\":\"issue\"}");
    issue_succeeds(&emu, thrice, 2);

    /* Headers and half the body, then the connection closes. */
    emu_fault(&emu, "{\"kind\":\"drop_mid_body\",\"call\":\"issue\"}");
    json_free(issue_failing(&emu, once, UT_CONNECT, 1));

    /* renew and revoke map it the same way. */
    char *out = NULL;
    emu_fault(&emu, "{\"kind\":\"drop\",\"call\":\"renew\"}");
    CHECK_RESULT(ut_renew(once, "6", EMU_SITE, "some-token", &out), UT_CONNECT);
    json_free(CHECK_ERROR_DOC(out, UT_CONNECT));
    ut_free_string(out);
    emu_fault(&emu, "{\"kind\":\"drop\",\"call\":\"revoke\"}");
    CHECK_RESULT(ut_revoke(once, "6", EMU_SITE, "some-token", &out), UT_CONNECT);
    json_free(CHECK_ERROR_DOC(out, UT_CONNECT));
    ut_free_string(out);

    ut_client_free(once);
    ut_client_free(thrice);
    return 0;
}
