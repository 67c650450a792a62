/*
 * bench-ut / bench-curl MODE [options]: issues the same request non-stop and prints one JSON
 * line of results for the measured window.
 *
 *   ut-sync     ut_issue from --threads threads sharing one client          (bench-ut)
 *   ut-async    ut_issue_async with --inflight requests outstanding          (bench-ut)
 *   ut-session  ut_session_token on a fresh token from --threads threads     (bench-ut)
 *               sharing one session: the fast path, which sends nothing
 *   curl-sync   curl_easy_perform, one reused easy handle per thread         (bench-curl)
 *   curl-multi  one curl multi handle with --inflight transfers outstanding  (bench-curl)
 *
 * Options: --url BASE (required) --threads N --inflight N --warmup S --seconds S
 *          --warmup-calls N --calls N (a call-bound window instead of a timed one)
 *          --user-agent UA --ut-extra '"worker_threads":4' (added to the ut config object)
 *          --ca-file PEM (the authority an https:// BASE is trusted through: ut's ca_file,
 *          curl's CURLOPT_CAINFO)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

static int usage(void) {
    fprintf(stderr, "usage: bench-ut|bench-curl MODE --url BASE [--threads N] [--inflight N]\n"
                    "       [--warmup S] [--seconds S] [--warmup-calls N] [--calls N]\n"
                    "       [--user-agent UA] [--ut-extra JSON-MEMBERS] [--ca-file PEM]\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    bench_opts o = {
        .mode = argv[1], .api_key = "test-api-key", .site_id = "-99", .version = "6",
        .username = "Siteowner", .password = "apitest1234", .user_agent = "usertoken-bench/1",
        .ut_extra = "", .threads = 1, .inflight = 256, .warmup_s = 0.5, .seconds = 2.0,
    };
    for (int i = 2; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return usage();
        if (!strcmp(k, "--url")) o.base_url = v;
        else if (!strcmp(k, "--threads")) o.threads = atoi(v);
        else if (!strcmp(k, "--inflight")) o.inflight = atoi(v);
        else if (!strcmp(k, "--warmup")) o.warmup_s = atof(v);
        else if (!strcmp(k, "--seconds")) o.seconds = atof(v);
        else if (!strcmp(k, "--warmup-calls")) o.warmup_calls = atol(v);
        else if (!strcmp(k, "--calls")) o.calls = atol(v);
        else if (!strcmp(k, "--user-agent")) o.user_agent = v;
        else if (!strcmp(k, "--ut-extra")) o.ut_extra = v;
        else if (!strcmp(k, "--ca-file")) o.ca_file = v;
        else return usage();
    }
    if (!o.base_url || o.threads < 1 || o.inflight < 1) return usage();

    struct { const char *name; int (*run)(const bench_opts *); } modes[] = {
#ifdef BENCH_UT
        {"ut-sync", mode_ut_sync}, {"ut-async", mode_ut_async}, {"ut-session", mode_ut_session},
#endif
#ifdef BENCH_CURL
        {"curl-sync", mode_curl_sync}, {"curl-multi", mode_curl_multi},
#endif
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (!strcmp(o.mode, modes[i].name)) return modes[i].run(&o);
    fprintf(stderr, "%s: unknown mode %s (this build has:", argv[0], o.mode);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) fprintf(stderr, " %s", modes[i].name);
    fprintf(stderr, ")\n");
    return 2;
}
