/* The bench's modes. One source, built twice: bench-ut links only libusertoken and bench-curl
 * only libcurl, so neither side's RSS or start-up carries the other's libraries. */
#ifndef BENCH_MODES_H
#define BENCH_MODES_H

#include "common.h"

int mode_ut_sync(const bench_opts *o);
int mode_ut_async(const bench_opts *o);
int mode_ut_session(const bench_opts *o);
int mode_curl_sync(const bench_opts *o);
int mode_curl_multi(const bench_opts *o);

#endif
