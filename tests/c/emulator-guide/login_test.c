/* login_test URL_FILE: a staff member logs in at the ut-emulator whose URL is in URL_FILE. */
#include <stdio.h>
#include <string.h>

#include "usertoken.h"

int main(int argc, char **argv) {
    char url[256] = "", config[512];
    FILE *file = argc > 1 ? fopen(argv[1], "r") : NULL;
    if (file == NULL || fgets(url, sizeof url, file) == NULL) {
        fprintf(stderr, "no emulator URL in %s\n", argc > 1 ? argv[1] : "(no argument)");
        return 1;
    }
    fclose(file);
    url[strcspn(url, "\n")] = '\0';
    snprintf(config, sizeof config, "{\"base_url\": \"%s\", \"api_key\": \"test-api-key\"}", url);

    ut_client *client = NULL;
    char *error = NULL, *json = NULL;
    if (ut_client_new(config, &client, &error) != UT_OK) {
        fprintf(stderr, "%s\n", error);
        ut_free_string(error);
        return 1;
    }
    ut_result issued = ut_issue(client, "6", "-99", "jdoe", "s3cret!", &json);
    ut_free_string(json);
    ut_result denied = ut_issue(client, "6", "-99", "jdoe", "wrong password", &json);
    ut_free_string(json);
    ut_client_free(client);
    printf("issue %s, wrong password %s\n", ut_result_name(issued), ut_result_name(denied));
    return issued == UT_OK && denied == UT_DENIED ? 0 : 1;
}
