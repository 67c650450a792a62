/* int_server_error: 500, 502, 503 and 504 are retried and end as UT_SERVER_ERROR with
 * attempts = max_retries + 1; any other 5xx (501, 505) is UT_SERVER_ERROR after one attempt. */
#include <stdio.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

int main(void) {
    emulator emu;
    emulator_private(&emu);
    ut_client *client = client_for(&emu, "\"max_retries\":2,\"retry_base_ms\":1,\"retry_max_ms\":10");
    char fault[128];

    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":503,\"count\":3}");
    json *doc = issue_failing(&emu, client, UT_SERVER_ERROR, 3);
    CHECK(doc_http_status(doc) == 503);
    CHECK_STR(doc_code(doc), "InjectedFault");
    json_free(doc);

    const int retried[] = {500, 502, 503, 504};
    for (int i = 0; i < 4; i++) {
        /* Exhausted... */
        snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":%d,\"count\":3}", retried[i]);
        emu_fault(&emu, fault);
        doc = issue_failing(&emu, client, UT_SERVER_ERROR, 3);
        CHECK(doc_http_status(doc) == retried[i]);
        json_free(doc);
        /* ...or overcome by a retry. */
        snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":%d}", retried[i]);
        emu_fault(&emu, fault);
        issue_succeeds(&emu, client, 2);
    }

    const int once[] = {501, 505, 599};
    for (int i = 0; i < 3; i++) {
        snprintf(fault, sizeof fault, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":%d}", once[i]);
        emu_fault(&emu, fault);
        doc = issue_failing(&emu, client, UT_SERVER_ERROR, 1);
        CHECK(doc_http_status(doc) == once[i]);
        json_free(doc);
    }

    /* A Retry-After beyond retry_max_ms on a 503: returned at once. */
    emu_fault(&emu, "{\"kind\":\"status\",\"call\":\"issue\",\"status\":503,\"retry_after\":\"120\"}");
    json_free(issue_failing(&emu, client, UT_SERVER_ERROR, 1));
    ut_client_free(client);
    return 0;
}
