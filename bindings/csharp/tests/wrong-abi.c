/* A stand-in libusertoken that reports another ABI version: the binding must refuse it on
 * first use with a clear message (tests/load-errors.sh). */
#include <stdint.h>

uint32_t ut_abi_version(void) { return 999; }

const char *ut_version(void) { return "0.0.0-wrong-abi"; }
