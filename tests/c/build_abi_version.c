/* build_abi_version: the library this program runs with has the ABI of the header it was
 * compiled with, and the version of the package it was built from. */
#include <stdio.h>
#include <string.h>

#include "usertoken.h"

int main(void) {
    if (ut_abi_version() != UT_ABI_VERSION) {
        fprintf(stderr, "ut_abi_version() is %u, usertoken.h says %d\n", ut_abi_version(), UT_ABI_VERSION);
        return 1;
    }
    if (strcmp(ut_version(), UT_PACKAGE_VERSION) != 0) {
        fprintf(stderr, "ut_version() is %s, Cargo.toml says %s\n", ut_version(), UT_PACKAGE_VERSION);
        return 1;
    }
    printf("ABI %u, version %s\n", ut_abi_version(), ut_version());
    return 0;
}
