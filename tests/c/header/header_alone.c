/* usertoken.h as the only include of a C89 and of a C99 translation unit, compiled with every
 * warning an error (build_header_c89, build_header_c99). It calls one function so that the
 * link is checked too. */
#include "usertoken.h"

int main(void) {
    ut_result ok = UT_OK;
    return ut_abi_version() == UT_ABI_VERSION && ok == 0 ? 0 : 1;
}
