/* api_version: ut_version() is a static "MAJOR.MINOR.PATCH" matching the package version;
 * ut_abi_version() is the header's UT_ABI_VERSION. */
#include <ctype.h>
#include <string.h>

#include "check.h"

int main(void) {
    const char *version = ut_version();
    CHECK(version != NULL);
    CHECK_STR(version, UT_PACKAGE_VERSION);

    /* Three dot-separated numbers, as the contract's "1.0.0". */
    int fields = 1;
    CHECK(isdigit((unsigned char)version[0]));
    for (const char *p = version; *p != '\0'; p++) {
        CHECK_MSG(isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])), "bad version %s", version);
        fields += *p == '.';
    }
    CHECK(fields == 3);

    /* Static: the same storage every time, valid without any free. */
    CHECK(ut_version() == version);
    CHECK(ut_abi_version() == UT_ABI_VERSION);
    CHECK(ut_abi_version() == 1);
    return 0;
}
