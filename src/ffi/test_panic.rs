//! A test-only export that panics inside the panic boundary, so tests can prove through the
//! C ABI that a panic becomes `UT_PANIC` with an error document and the process goes on.
//! Built only with the `test-panic` feature; never in the header, never in a release.

use super::boundary::with_output;
use super::ut_result;
use std::ffi::c_char;

/// Always panics inside the boundary: returns `UT_PANIC` and sets `*json_out` to an error
/// document (free it with `ut_free_string()`).
///
/// # Safety
/// `json_out` is NULL or points to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn ut_test_panic(json_out: *mut *mut c_char) -> ut_result {
    with_output(json_out, || panic!("ut_test_panic: a deliberate panic"))
}
