/*
 * startup-ut / startup-curl BASE_URL [CA_FILE]: the smallest complete program that gets one
 * token, for timing a whole process from exec to exit (the runner measures it from outside).
 * Built twice from this file so each links only its own library, as a real program would.
 * CA_FILE is the PEM authority an https:// BASE_URL is trusted through (ut's ca_file, curl's
 * CURLOPT_CAINFO).
 */
#include <stdio.h>
#include <string.h>

#ifdef BENCH_UT
#include "usertoken.h"

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) return 2;
    char config[2048], ca_file[1100] = "";
    if (argc == 3) snprintf(ca_file, sizeof ca_file, ",\"ca_file\":\"%s\"", argv[2]);
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s\",\"api_key\":\"test-api-key\",\"user_agent\":\"usertoken-bench/1\"%s}",
             argv[1], ca_file);
    ut_client *client = NULL;
    char *error = NULL, *json = NULL;
    if (ut_client_new(config, &client, &error) != UT_OK) {
        fprintf(stderr, "%s\n", error);
        ut_free_string(error);
        return 1;
    }
    ut_result r = ut_issue(client, "6", "-99", "Siteowner", "apitest1234", &json);
    if (r != UT_OK) fprintf(stderr, "%s\n", json);
    ut_free_string(json);
    ut_client_free(client);
    return r == UT_OK ? 0 : 1;
}
#endif

#ifdef BENCH_CURL
#include <curl/curl.h>

static size_t on_data(char *data, size_t size, size_t n, void *user) {
    char *buf = user;
    size_t len = strlen(buf), add = size * n;
    if (len + add >= 4096) return 0;
    memcpy(buf + len, data, add);
    buf[len + add] = '\0';
    return add;
}

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) return 2;
    static char buf[4096], url[512];
    snprintf(url, sizeof url, "%s/public/v6/usertoken/issue", argv[1]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *easy = curl_easy_init();
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "API-Key: test-api-key");
    h = curl_slist_append(h, "SiteId: -99");
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Accept: application/json");
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "usertoken-bench/1");
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "{\"Username\":\"Siteowner\",\"Password\":\"apitest1234\"}");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, buf);
    if (argc == 3) curl_easy_setopt(easy, CURLOPT_CAINFO, argv[2]);
    long status = 0;
    CURLcode code = curl_easy_perform(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    int ok = code == CURLE_OK && status == 200 && strstr(buf, "\"AccessToken\":\"");
    if (!ok) fprintf(stderr, "curl: %s, HTTP %ld\n", curl_easy_strerror(code), status);
    curl_slist_free_all(h);
    curl_easy_cleanup(easy);
    curl_global_cleanup();
    return ok ? 0 : 1;
}
#endif
