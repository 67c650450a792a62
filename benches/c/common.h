/*
 * What every mode of the C bench shares: the options, the measured window, the latency
 * histogram, and the one JSON line of results.
 *
 * A run has two phases. Worker threads (or library threads, for the async modes) issue
 * requests non-stop and report each completion with bench_complete(); the main thread
 * decides when the warm-up ends and the measured window starts and stops, and takes a
 * snapshot (time, completions, CPU, RSS) at both edges. Only completions inside the window
 * count, so thread start-up, connection set-up and teardown never dilute the numbers.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *mode;
    const char *base_url;   /* e.g. http://127.0.0.1:PORT */
    const char *api_key;
    const char *site_id;
    const char *version;
    const char *username;
    const char *password;
    const char *user_agent;
    const char *ut_extra;   /* extra members for the ut_client_new config object, or "" */
    const char *ca_file;    /* PEM trust roots for an https:// base_url (the emulator's), or NULL */
    int threads;
    int inflight;
    double warmup_s;        /* time-bound run: warm-up and window in seconds */
    double seconds;
    long warmup_calls;      /* call-bound run (when calls > 0): window is calls after warm-up */
    long calls;
} bench_opts;

/* Log-linear latency histogram in nanoseconds: 32 buckets per power of two (about 3%
 * resolution), so it is small and fixed in size and never adds to RSS while running. */
#define HIST_BUCKETS 1920
typedef struct {
    _Atomic uint64_t counts[HIST_BUCKETS];
} bench_hist;

/* The state shared between the controller and whoever completes requests. */
typedef struct {
    _Atomic uint64_t completed;
    _Atomic uint64_t failed;
    atomic_int measuring;   /* latencies are recorded only inside the window */
    atomic_int stopping;    /* workers stop submitting */
    bench_hist *hists;      /* one per worker thread (sync) or one shared (async) */
    int nhists;
    char extra[512];        /* more members for the results line (",\"k\":v..."), or "" */
} bench_state;

extern bench_state g_bench;

uint64_t now_ns(void);

/* Records one finished request; `hist` is the worker's histogram index. */
void bench_complete(int hist, int ok, uint64_t latency_ns);

/* Records a batch of `n` finished calls (`failed` of them failed) without latencies: for
 * calls so short that two clock reads and a shared counter per call would be most of what is
 * measured. The window's edges then fall between batches. */
void bench_complete_batch(uint64_t n, uint64_t failed);

/* Allocates the histograms, then runs the warm-up and the measured window (sleeping or
 * polling the completion count), then sets g_bench.stopping. The caller starts its workers
 * before and joins or drains them after; bench_report() prints the results. */
int bench_init(int nhists);
void bench_run_window(const bench_opts *o);
int bench_report(const bench_opts *o);

/* The issue body, JSON-escaped as a serializer would: both clients build it per call. */
size_t bench_issue_body(char *out, size_t cap, const char *username, const char *password);

#endif
