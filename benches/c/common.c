/* The measured window, the histogram and the results line shared by every mode. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Under valgrind --tool=callgrind (benches/profile.sh) the window's costs are dumped on their
 * own, without start-up and teardown; outside valgrind these are a few no-op instructions. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(s)
#endif

bench_state g_bench;

typedef struct {
    uint64_t t_ns, completed, user_us, sys_us, csw, rss_kib;
} snapshot;

static snapshot s_start, s_end;

uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int bucket_of(uint64_t v) {
    if (v < 64) return (int)v;
    int e = 63 - __builtin_clzll(v);
    return 64 + (e - 6) * 32 + (int)((v >> (e - 5)) & 31);
}

static double bucket_mid_ns(int i) {
    if (i < 64) return i;
    int e = (i - 64) / 32 + 6, sub = (i - 64) % 32;
    double width = (double)(1ull << (e - 5));
    return (32 + sub) * width + width / 2;
}

void bench_complete(int hist, int ok, uint64_t latency_ns) {
    /* Relaxed: these are counters read once the workers are quiet, or sampled at an edge
     * where one request more or less does not matter. */
    atomic_fetch_add_explicit(&g_bench.completed, 1, memory_order_relaxed);
    if (!ok) atomic_fetch_add_explicit(&g_bench.failed, 1, memory_order_relaxed);
    if (atomic_load_explicit(&g_bench.measuring, memory_order_relaxed))
        atomic_fetch_add_explicit(&g_bench.hists[hist].counts[bucket_of(latency_ns)], 1,
                                  memory_order_relaxed);
}

void bench_complete_batch(uint64_t n, uint64_t failed) {
    atomic_fetch_add_explicit(&g_bench.completed, n, memory_order_relaxed);
    if (failed) atomic_fetch_add_explicit(&g_bench.failed, failed, memory_order_relaxed);
}

int bench_init(int nhists) {
    g_bench.hists = calloc((size_t)nhists, sizeof(bench_hist));
    g_bench.nhists = nhists;
    return g_bench.hists ? 0 : -1;
}

/* Resident set from /proc/self/statm (pages), the figure that shows growth; ru_maxrss only
 * ever rises. */
static uint64_t rss_kib(void) {
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
}

/* The peak RSS of this process image: VmHWM. Linux's ru_maxrss is not used because it keeps
 * the peak of the image before execve(), which for a program started by a large runner (a
 * Python fork) is the runner's size, not ours. */
static uint64_t peak_rss_kib(void) {
    char line[256];
    unsigned long kib = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lu kB", &kib) == 1) break;
    fclose(f);
    return kib;
}

static void take(snapshot *s) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);   /* every thread of the process, library threads included */
    s->t_ns = now_ns();
    s->completed = atomic_load(&g_bench.completed);
    s->user_us = (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec;
    s->sys_us = (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
    /* Context switches, voluntary (blocking, waking another thread) and not. */
    s->csw = (uint64_t)(ru.ru_nvcsw + ru.ru_nivcsw);
    s->rss_kib = rss_kib();
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {}
}

/* Polls rather than blocks: a 1 ms nap costs the workers nothing measurable. */
static void wait_for_calls(uint64_t n) {
    while (atomic_load(&g_bench.completed) < n && !atomic_load(&g_bench.failed)) sleep_s(0.001);
}

void bench_run_window(const bench_opts *o) {
    if (o->calls > 0) wait_for_calls((uint64_t)o->warmup_calls);
    else sleep_s(o->warmup_s);
    take(&s_start);
    CALLGRIND_ZERO_STATS;
    atomic_store(&g_bench.measuring, 1);
    if (o->calls > 0) wait_for_calls((uint64_t)(o->warmup_calls + o->calls));
    else sleep_s(o->seconds);
    atomic_store(&g_bench.measuring, 0);
    CALLGRIND_DUMP_STATS_AT("window");
    take(&s_end);
    atomic_store(&g_bench.stopping, 1);
}

static double percentile_us(const bench_hist *h, double q) {
    uint64_t total = 0, seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) total += h->counts[i];
    if (!total) return 0;
    uint64_t rank = (uint64_t)(q * (double)total + 0.999999);
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) return bucket_mid_ns(i) / 1000.0;
    }
    return 0;
}

int bench_report(const bench_opts *o) {
    static bench_hist merged;
    for (int t = 0; t < g_bench.nhists; t++)
        for (int i = 0; i < HIST_BUCKETS; i++) merged.counts[i] += g_bench.hists[t].counts[i];
    uint64_t calls = s_end.completed - s_start.completed;
    double secs = (double)(s_end.t_ns - s_start.t_ns) / 1e9;
    uint64_t failed = atomic_load(&g_bench.failed);
    double per = calls ? 1.0 / (double)calls : 0.0;
    printf("{\"mode\":\"%s\",\"threads\":%d,\"inflight\":%d,\"calls\":%llu,\"failed\":%llu,"
           "\"seconds\":%.4f,\"calls_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
           "\"cpu_us_per_call\":%.3f,\"user_us_per_call\":%.3f,\"sys_us_per_call\":%.3f,"
           "\"csw_per_call\":%.3f,\"peak_rss_kib\":%llu,\"rss_start_kib\":%llu,"
           "\"rss_end_kib\":%llu%s}\n",
           o->mode, o->threads, o->inflight, (unsigned long long)calls,
           (unsigned long long)failed, secs, calls ? (double)calls / secs : 0.0,
           percentile_us(&merged, 0.50), percentile_us(&merged, 0.99),
           (double)(s_end.user_us + s_end.sys_us - s_start.user_us - s_start.sys_us) * per,
           (double)(s_end.user_us - s_start.user_us) * per,
           (double)(s_end.sys_us - s_start.sys_us) * per, (double)(s_end.csw - s_start.csw) * per,
           (unsigned long long)peak_rss_kib(), (unsigned long long)s_start.rss_kib,
           (unsigned long long)s_end.rss_kib, g_bench.extra);
    fflush(stdout);
    if (failed) fprintf(stderr, "bench: %llu requests failed\n", (unsigned long long)failed);
    return failed || !calls ? 1 : 0;
}

size_t bench_issue_body(char *out, size_t cap, const char *username, const char *password) {
    static const char hex[] = "0123456789abcdef";
    const char *parts[] = {"{\"Username\":\"", username, "\",\"Password\":\"", password, "\"}"};
    size_t n = 0;
    for (int p = 0; p < 5; p++) {
        for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++) {
            if (n + 7 >= cap) return 0;
            unsigned char c = *s;
            if (p % 2 == 0) { out[n++] = (char)c; continue; }   /* literal JSON */
            if (c == '"' || c == '\\') { out[n++] = '\\'; out[n++] = (char)c; }
            else if (c < 0x20) {
                memcpy(out + n, "\\u00", 4);
                out[n + 4] = hex[c >> 4];
                out[n + 5] = hex[c & 15];
                n += 6;
            } else out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return n;
}
