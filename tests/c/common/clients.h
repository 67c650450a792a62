/* clients.h: clients for the emulator, and ut_issue() with an expected outcome. */
#ifndef UT_TEST_CLIENTS_H
#define UT_TEST_CLIENTS_H

#include "emulator.h"
#include "json.h"
#include "usertoken.h"

/* A client for `emu`: base_url, api_key and user_agent test_tag() (unless `extra` sets one),
 * plus `extra`, a list of JSON members such as "\"max_retries\":0" (or NULL). */
ut_client *client_for(const emulator *emu, const char *extra);
/* The config text client_for() would use. */
char *config_for(const emulator *emu, const char *extra);
/* Issues a token for the default owner and returns its AccessToken (malloc'd). */
char *issue_token(const ut_client *client);
/* ut_issue() for the default owner, which must fail with `expected` after `attempts` tries
 * (in the document, and as counted by a private emulator when `emu` is one). Returns the
 * parsed error document. */
json *issue_failing(const emulator *emu, const ut_client *client, ut_result expected, long long attempts);
/* ut_issue() for the default owner, which must succeed after `tries` requests reached the
 * private emulator `emu` (the ones before failed and were retried). */
void issue_succeeds(const emulator *emu, const ut_client *client, long long tries);

/* `count` threads (at most 64) ask `session` for its token at the same moment; every answer
 * must be UT_OK and the same token, which is returned (malloc'd: free with free()). */
char *session_tokens_at_once(ut_session *session, int count);

#endif
