// usertoken.h as the only include of a C++17 translation unit, compiled with every warning an
// error (build_header_cxx17). Calling and linking ut_ functions shows the extern "C" block works.
#include "usertoken.h"

int main() {
    ut_callback callback = nullptr;
    ut_log_callback log_callback = nullptr;
    static_assert(sizeof(ut_result) == 4, "ut_result is a uint32_t");
    return ut_abi_version() == UT_ABI_VERSION && ut_result_name(UT_OK) != nullptr && callback == nullptr &&
                   log_callback == nullptr
               ? 0
               : 1;
}
