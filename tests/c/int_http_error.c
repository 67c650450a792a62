/* int_http_error: any other non-2xx status is UT_HTTP_ERROR: 400, 404 and the like after one
 * attempt, 408 after its retries; a redirect is not followed. */
#include <stdio.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":10");
    char fault[512];

    const int once[] = {400, 404, 405, 409, 410, 418, 422};
    for (size_t i = 0; i < sizeof once / sizeof once[0]; i++) {
        snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":%d}", once[i]);
        emu_fault(&emu, fault);
        json *doc = issue_failing(&emu, client, UT_HTTP_ERROR, 1);
        CHECK(doc_http_status(doc) == once[i]);
        CHECK_STR(doc_code(doc), "InjectedFault");
        json_free(doc);
    }

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":408,\"count\":3}");
    json *doc = issue_failing(&emu, client, UT_HTTP_ERROR, 3);
    CHECK(doc_http_status(doc) == 408);
    json_free(doc);
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":408}");
    issue_succeeds(&emu, client, 2);

    /* Redirects to the emulator's own issue endpoint: following one would succeed, and the
     * API key would go along; the emulator must see only the first request. */
    const int redirects[] = {301, 302, 307, 308};
    for (size_t i = 0; i < 4; i++) {
        snprintf(fault, sizeof fault, "{\"kind\":\"redirect\",\"call\":\"issue\",\"status\":%d,\"location\":\"%s/public/v6/usertoken/issue\"}",
                 redirects[i], emu.url);
        emu_fault(&emu, fault);
        doc = issue_failing(&emu, client, UT_HTTP_ERROR, 1);
        CHECK(doc_http_status(doc) == redirects[i]);
        json_free(doc);
    }
    ut_client_free(client);
    return 0;
}
