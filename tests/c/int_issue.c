/* int_issue: ut_issue() against the emulator: the IssueResponse of each default user, a token
 * the emulator knows, expiring 24 h after the emulator's now. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clients.h"
#include "emulator.h"

static void issue_and_check(const emulator *emu, const ut_client *client, const char *username,
                            const char *password, double id, const char *type) {
    char *out = NULL;
    long long before = emu_now(emu);
    CHECK_RESULT(ut_issue(client, "6", EMU_SITE, username, password, &out), UT_OK);
    long long after = emu_now(emu);
    json *doc = json_parse(out);
    CHECK_MSG(doc != NULL && doc->type == JSON_OBJECT, "not a JSON object: %s", out);
    const char *token = json_get_string(doc, "AccessToken");
    CHECK(token != NULL && token[0] != '\0');
    CHECK_STR(json_get_string(doc, "TokenType"), "Bearer");
    long long expires = rfc3339_seconds(json_get_string(doc, "Expires"));
    CHECK_MSG(expires >= before + 86400 && expires <= after + 86400, "Expires %s is not 24 h after issue",
              json_get_string(doc, "Expires"));
    const json *user = json_get(doc, "User");
    CHECK(user != NULL && user->type == JSON_OBJECT);
    CHECK(json_get(user, "Id") != NULL && json_get(user, "Id")->number == id);
    CHECK_STR(json_get_string(user, "Type"), type);
    CHECK(json_get_string(user, "FirstName") != NULL && json_get_string(user, "LastName") != NULL);

    /* The emulator issued exactly this token, to this user, unrenewed and live. */
    json *tokens = emu_get(emu, "/_emulator/tokens");
    const json *list = json_get(tokens, "tokens");
    int found = 0;
    for (size_t i = 0; list != NULL && i < list->count; i++) {
        const json *t = json_at(list, i);
        if (strcmp(json_get_string(t, "token"), token) == 0) {
            found++;
            CHECK_STR(json_get_string(t, "username"), username);
            CHECK(json_get(t, "renewals")->number == 0);
            CHECK(json_get(t, "revoked")->type == JSON_BOOL && !json_get(t, "revoked")->boolean);
        }
    }
    CHECK_MSG(found == 1, "the emulator knows the token %d times", found);
    json_free(tokens);
    json_free(doc);
    ut_free_string(out);
}

int main(void) {
    emulator emu;
    emulator_shared(&emu);
    ut_client *client = client_for(&emu, NULL);
    issue_and_check(&emu, client, EMU_OWNER, EMU_OWNER_PASSWORD, 0, "Owner");
    issue_and_check(&emu, client, EMU_STAFF, EMU_STAFF_PASSWORD, 100000123, "Staff");

    /* Two issues give two different tokens. */
    char *first = issue_token(client);
    char *second = issue_token(client);
    CHECK(strcmp(first, second) != 0);
    free(first);
    free(second);
    ut_client_free(client);
    return 0;
}
