/*
 * emulator.h: the ut-emulator the integration tests talk to (clients for it: clients.h).
 *
 * The suite's shared emulator is started once by the CTest fixture, which writes its URL to
 * the file named by env UT_TEST_EMULATOR_URL_FILE. Tests run in parallel against it, so a
 * test on the shared emulator changes no emulator-wide state (no faults, no clock, no reset)
 * and finds its own requests in the record by its User-Agent (test_tag()). A test that needs
 * faults or the clock starts a private emulator, which it alone uses and which is stopped when
 * the test ends, passes or fails.
 */
#ifndef UT_TEST_EMULATOR_H
#define UT_TEST_EMULATOR_H

#include <stddef.h>
#include <sys/types.h>

#include "json.h"
#include "usertoken.h"

/* The emulator's default directory. */
#define EMU_API_KEY "test-api-key"
#define EMU_SITE "-99"
#define EMU_OWNER "Siteowner"
#define EMU_OWNER_PASSWORD "apitest1234"
#define EMU_SANDBOX_OWNER "mindbodysandboxsite@gmail.com"
#define EMU_SANDBOX_OWNER_PASSWORD "Apitest1234"
#define EMU_STAFF "jdoe"
#define EMU_STAFF_PASSWORD "s3cret!"

typedef struct {
    char url[128];
    pid_t pid; /* a private instance's process; 0 for the shared one */
} emulator;

void emulator_shared(emulator *emu);
void emulator_private(emulator *emu);
/* A private emulator started with these arguments too (a NULL-terminated list), e.g.
 * {"--idle-timeout-ms", "200", NULL}; NULL for none. */
void emulator_private_args(emulator *emu, const char *const *args);

/* A loopback URL on which nothing listens: the port stays bound (never listening) by this
 * process, so no other program can take it while the test runs. */
const char *closed_port_url(void);

/* One HTTP/1.0 exchange; returns the status (-1 when there was no answer) and, when `reply`
 * is not NULL, the body as a malloc'd string. */
int http_call(const char *url, const char *method, const char *path, const char *body, char **reply);

/* Control endpoints; a refusal fails the test. */
void emu_fault(const emulator *emu, const char *fault_json);
/* A `status` fault answering the next `call` ("issue", "renew", "revoke") with `status` and
 * exactly `body` (JSON-escaped here). */
void emu_fault_body(const emulator *emu, const char *call, int status, const char *body);
void emu_clear_faults(const emulator *emu);
void emu_advance_clock(const emulator *emu, long long seconds);
json *emu_get(const emulator *emu, const char *path);
/* One counter of /_emulator/stats ("requests", "issue", "renew", "revoke"). */
long long emu_stat(const emulator *emu, const char *name);

/* What the emulator knows of `token`: 1 and its renewals and revoked flag, or 0 if unknown. */
int emu_token_state(const emulator *emu, const char *token, long long *renewals, int *revoked);

/* The recorded API requests sent with User-Agent `agent` (all when NULL), oldest first. */
typedef struct {
    json *doc;
    const json **items;
    size_t count;
} request_list;
request_list emu_requests(const emulator *emu, const char *agent);
void request_list_free(request_list *list);
/* The calls of this test's recorded requests (User-Agent test_tag()), oldest first, space
 * separated: "issue renew revoke". Free with free(). */
char *emu_call_sequence(const emulator *emu);
/* The value of header `name` (lower case) of a recorded request, or NULL; how often it occurs. */
const char *req_header(const json *request, const char *name);
size_t req_header_count(const json *request, const char *name);
/* "issue", "renew", "revoke" from the recorded path, or "" for anything else. */
const char *req_call(const json *request);

/* Seconds since the epoch of an RFC 3339 UTC date-time ("2026-01-02T03:04:05Z", fractions
 * ignored), or -1 when it is not one. */
long long rfc3339_seconds(const char *text);
/* The emulator's clock, in seconds since the epoch. */
long long emu_now(const emulator *emu);

#endif
