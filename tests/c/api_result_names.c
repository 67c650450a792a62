/* api_result_names: the result codes keep the values of the contract's table, each has its
 * static name, and an unknown value is "UT_UNKNOWN".
 *
 * UT_PANIC is only checked here, by value and name: nothing a C caller does can make the
 * library panic (that would take a bug in it), so no test can provoke one through the ABI.
 * The Rust tests cover it through `ut_test_panic`, an export that only builds with the
 * `test-panic` feature and so is absent from the library these tests link. */
#include <stdint.h>
#include <string.h>

#include "check.h"

#define CODE(name, value) {name, #name, value}

static const struct {
    ut_result code;
    const char *name;
    ut_result value;
} codes[] = {
    CODE(UT_OK, 0), CODE(UT_NULL_ARGUMENT, 1), CODE(UT_INVALID_ARGUMENT, 2), CODE(UT_INVALID_CONFIG, 3),
    CODE(UT_CONNECT, 4), CODE(UT_TIMEOUT, 5), CODE(UT_DENIED, 6), CODE(UT_RATE_LIMITED, 7),
    CODE(UT_SERVER_ERROR, 8), CODE(UT_HTTP_ERROR, 9), CODE(UT_DECODE, 10), CODE(UT_CANCELLED, 11),
    CODE(UT_NOT_FOUND, 12), CODE(UT_PANIC, 13),
};

int main(void) {
    size_t n = sizeof codes / sizeof codes[0];
    CHECK(sizeof(ut_result) == sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(codes[i].code == codes[i].value, "%s is %u, the contract fixes %u", codes[i].name, codes[i].code,
                  codes[i].value);
        const char *name = ut_result_name(codes[i].code);
        CHECK_STR(name, codes[i].name);
        CHECK(ut_result_name(codes[i].code) == name); /* static */
    }
    const ut_result unknown[] = {14, 15, 100, 0x7FFFFFFFu, UINT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK_STR(ut_result_name(unknown[i]), "UT_UNKNOWN");
    }
    return 0;
}
