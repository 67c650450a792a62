/* check.c: the failure path, result and document checks, and time helpers. */
#include "check.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void (*fail_hook)(void);

void test_on_fail(void (*hook)(void)) {
    fail_hook = hook;
}

void test_fail(const char *file, int line, const char *format, ...) {
    va_list args;
    va_start(args, format);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    fflush(NULL);
    if (fail_hook != NULL) {
        fail_hook();
    }
    /* _exit: library threads may still be running, and must not race exit-time teardown. */
    _exit(1);
}

void check_result(ut_result actual, ut_result expected, const char *what, const char *file, int line) {
    if (actual != expected) {
        test_fail(file, line, "%s gave %s (%u), expected %s (%u)", what, ut_result_name(actual), actual,
                  ut_result_name(expected), expected);
    }
}

void check_str(const char *actual, const char *expected, const char *what, const char *file, int line) {
    if (actual == NULL || strcmp(actual, expected) != 0) {
        test_fail(file, line, "%s is \"%s\", expected \"%s\"", what, actual ? actual : "(NULL)", expected);
    }
}

void check_contains(const char *text, const char *part, int wanted, const char *what, const char *file, int line) {
    int found = text != NULL && strstr(text, part) != NULL;
    if (text == NULL || found != wanted) {
        test_fail(file, line, "%s (\"%s\") %s \"%s\"", what, text ? text : "(NULL)",
                  wanted ? "does not contain" : "contains", part);
    }
}

static int is_integer(const json *value) {
    return value != NULL && value->type == JSON_NUMBER && value->number == floor(value->number);
}

json *check_error_doc(const char *doc, ut_result expected, const char *file, int line) {
    static const char *const keys[] = {"result", "message", "http_status", "code", "attempts"};
    json *parsed = json_parse(doc);
    if (parsed == NULL || parsed->type != JSON_OBJECT) {
        test_fail(file, line, "error document is not a JSON object: %s", doc ? doc : "(NULL)");
    }
    if (parsed->count != 5) {
        test_fail(file, line, "error document has %zu keys, expected 5: %s", parsed->count, doc);
    }
    for (size_t i = 0; i < 5; i++) {
        if (json_get(parsed, keys[i]) == NULL) {
            test_fail(file, line, "error document lacks \"%s\": %s", keys[i], doc);
        }
    }
    const char *result = json_get_string(parsed, "result");
    if (result == NULL || strcmp(result, ut_result_name(expected)) != 0) {
        test_fail(file, line, "error document's result is not %s: %s", ut_result_name(expected), doc);
    }
    const char *message = json_get_string(parsed, "message");
    const json *status = json_get(parsed, "http_status");
    const json *code = json_get(parsed, "code");
    const json *attempts = json_get(parsed, "attempts");
    if (message == NULL || message[0] == '\0') {
        test_fail(file, line, "error document's message is not a non-empty string: %s", doc);
    }
    if (status->type != JSON_NULL && !(is_integer(status) && status->number >= 100 && status->number <= 599)) {
        test_fail(file, line, "error document's http_status is not null or a status: %s", doc);
    }
    if (code->type != JSON_NULL && code->type != JSON_STRING) {
        test_fail(file, line, "error document's code is not null or a string: %s", doc);
    }
    if (!is_integer(attempts) || attempts->number < 0) {
        test_fail(file, line, "error document's attempts is not a count: %s", doc);
    }
    return parsed;
}

long long doc_attempts(const json *doc) {
    return (long long)json_get(doc, "attempts")->number;
}

long long doc_http_status(const json *doc) {
    const json *status = json_get(doc, "http_status");
    return status->type == JSON_NULL ? -1 : (long long)status->number;
}

const char *doc_code(const json *doc) {
    return json_get_string(doc, "code");
}

int token_is_valid(const char *token) {
    size_t length = token != NULL ? strlen(token) : 0;
    if (length == 0 || length > 8192) {
        return 0;
    }
    for (size_t i = 0; i < length; i++) {
        if (token[i] < 0x21 || token[i] > 0x7e) {
            return 0;
        }
    }
    return 1;
}

double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double time_scale(void) {
    const char *text = getenv("UT_TEST_TIME_SCALE");
    double scale = text != NULL ? atof(text) : 1.0;
    return scale >= 1.0 ? scale : 1.0;
}

void sleep_ms(unsigned ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int wait_until(int (*done)(void *arg), void *arg, double timeout_ms) {
    double deadline = now_ms() + timeout_ms * time_scale();
    while (!done(arg)) {
        if (now_ms() > deadline) {
            return done(arg);
        }
        sleep_ms(5);
    }
    return 1;
}

const char *test_tag(void) {
    static char tag[128];
    if (tag[0] == '\0') {
        snprintf(tag, sizeof tag, "%s-%ld", program_invocation_short_name, (long)getpid());
    }
    return tag;
}
