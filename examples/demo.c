/*
 * demo.c: issue a staff user token, renew it, revoke it, printing each result.
 *
 * Settings come from the environment:
 *   MINDBODY_API_KEY    the API key (required; the emulator's is "test-api-key")
 *   MINDBODY_BASE_URL   defaults to https://api.mindbodyonline.com
 *   MINDBODY_SITE_ID    defaults to -99, the public sandbox site
 *   MINDBODY_USERNAME   defaults to Siteowner
 *   MINDBODY_PASSWORD   defaults to apitest1234
 *
 * Access tokens are secrets: the demo prints only their first characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usertoken.h"

static const char *env_or(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return (value != NULL && value[0] != '\0') ? value : fallback;
}

/* Copies the string value of "key" from a flat JSON object into out; 0 if absent or escaped. */
static int json_string(const char *json, const char *key, char *out, size_t out_size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(json, pattern);
    if (start == NULL) {
        return 0;
    }
    start += strlen(pattern);
    const char *end = strchr(start, '"');
    if (end == NULL || memchr(start, '\\', (size_t)(end - start)) != NULL || (size_t)(end - start) >= out_size) {
        return 0;
    }
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

/* Prints a result with any AccessToken value cut to its first 6 characters. */
static void print_result(const char *step, ut_result result, const char *json) {
    char token[8193];
    printf("%-6s %s\n", step, ut_result_name(result));
    if (json_string(json, "AccessToken", token, sizeof token)) {
        const char *at = strstr(json, token);
        printf("       %.*s%.6s...(%zu characters, hidden)%s\n", (int)(at - json), json, token, strlen(token),
               at + strlen(token));
    } else {
        printf("       %s\n", json);
    }
}

int main(void) {
    const char *site_id = env_or("MINDBODY_SITE_ID", "-99");
    const char *username = env_or("MINDBODY_USERNAME", "Siteowner");
    const char *password = env_or("MINDBODY_PASSWORD", "apitest1234");
    char *error = NULL;
    char *json = NULL;
    ut_client *client = NULL;
    char token[8193];
    int status = 1;

    printf("usertoken %s (ABI %u)\n", ut_version(), ut_abi_version());
    if (ut_abi_version() != UT_ABI_VERSION) {
        fprintf(stderr, "libusertoken ABI %u does not match this header's %d\n", ut_abi_version(), UT_ABI_VERSION);
        return 1;
    }
    ut_result result = ut_client_new(NULL, &client, &error);
    if (result != UT_OK) {
        fprintf(stderr, "ut_client_new: %s %s\n", ut_result_name(result), error);
        ut_free_string(error);
        return 1;
    }

    result = ut_issue(client, "6", site_id, username, password, &json);
    print_result("issue", result, json);
    if (result != UT_OK || !json_string(json, "AccessToken", token, sizeof token)) {
        goto done;
    }
    ut_free_string(json);

    result = ut_renew(client, "6", site_id, token, &json);
    print_result("renew", result, json);
    if (result != UT_OK) {
        goto done;
    }
    /* Renew may answer a new token; from then on that one is the token (the old string is
     * kept only when the answer carries none). */
    json_string(json, "AccessToken", token, sizeof token);
    ut_free_string(json);

    result = ut_revoke(client, "6", site_id, token, &json);
    print_result("revoke", result, json);
    status = result == UT_OK ? 0 : 1;

done:
    ut_free_string(json);
    ut_client_free(client);
    return status;
}
