/* api_cancel: ut_cancel() of an id no request ever had is UT_NOT_FOUND, for any value. */
#include <stdint.h>

#include "check.h"

int main(void) {
    const uint64_t ids[] = {0, 1, 2, 12345, UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX - 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        CHECK_RESULT(ut_cancel(ids[i]), UT_NOT_FOUND);
    }
    return 0;
}
