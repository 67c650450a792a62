/*
 * check.h: assertions for the C tests. A failed check prints where and why, stops any
 * private emulator the test started, and ends the process with status 1 at once (also from
 * a library thread, where returning would not stop the test).
 */
#ifndef UT_TEST_CHECK_H
#define UT_TEST_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "usertoken.h"

#if defined(__GNUC__)
#define UT_TEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define UT_TEST_PRINTF(f, a)
#endif

void test_fail(const char *file, int line, const char *format, ...) UT_TEST_PRINTF(3, 4);
/* Runs `hook` before a failing test exits (one hook; the emulator helper uses it). */
void test_on_fail(void (*hook)(void));

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond) do { if (!(cond)) FAIL("check failed: %s", #cond); } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) FAIL(__VA_ARGS__); } while (0)
#define CHECK_RESULT(actual, expected) check_result((actual), (expected), #actual, __FILE__, __LINE__)
#define CHECK_STR(actual, expected) check_str((actual), (expected), #actual, __FILE__, __LINE__)
#define CHECK_CONTAINS(text, part) check_contains((text), (part), 1, #text, __FILE__, __LINE__)
#define CHECK_LACKS(text, part) check_contains((text), (part), 0, #text, __FILE__, __LINE__)

void check_result(ut_result actual, ut_result expected, const char *what, const char *file, int line);
void check_str(const char *actual, const char *expected, const char *what, const char *file, int line);
void check_contains(const char *text, const char *part, int wanted, const char *what, const char *file, int line);

/*
 * Checks an error document: valid JSON with exactly the five documented keys of the right
 * types, `result` naming `expected`. Returns it parsed (free with json_free). `attempts` and
 * `http_status` are returned through the pointers when not NULL (-1 for a null status).
 */
#define CHECK_ERROR_DOC(doc, expected) check_error_doc((doc), (expected), __FILE__, __LINE__)
json *check_error_doc(const char *doc, ut_result expected, const char *file, int line);
long long doc_attempts(const json *doc);
long long doc_http_status(const json *doc);
/* `code` of the document, or NULL when it is null. */
const char *doc_code(const json *doc);

/* 1 when `token` can be an access token: 1-8192 bytes of printable ASCII (0x21-0x7E). */
int token_is_valid(const char *token);

/* Monotonic milliseconds. */
double now_ms(void);
/* Time bounds are multiplied by this (env UT_TEST_TIME_SCALE; valgrind runs set it), since
 * a program under valgrind runs many times slower than the bound is meant for. */
double time_scale(void);
void sleep_ms(unsigned ms);
/* Polls `done(arg)` until true or `timeout_ms` (scaled) passes; returns the last answer. */
int wait_until(int (*done)(void *arg), void *arg, double timeout_ms);

/* A name for this test process, e.g. "int_headers-12345", used as its User-Agent so that a
 * test can pick its own requests out of the shared emulator's record. */
const char *test_tag(void);

#endif
