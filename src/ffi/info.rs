//! Version, ABI and result names, and the one deallocator of returned strings.

use super::{ut_result, UT_ABI_VERSION};
use crate::result::Code;
use std::ffi::{c_char, CStr, CString};
use zeroize::Zeroize;

/// The library version, e.g. `"1.0.0"`: a static string, never freed. Never fails.
#[no_mangle]
pub extern "C" fn ut_version() -> *const c_char {
    const VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => c"unknown",
    };
    VERSION.as_ptr()
}

/// The library's ABI version, 1 for this header (`UT_ABI_VERSION`). It changes whenever any
/// signature or documented behaviour of the ABI changes; wrappers check it at load time.
#[no_mangle]
pub extern "C" fn ut_abi_version() -> u32 {
    UT_ABI_VERSION
}

/// The name of a result code, e.g. `"UT_TIMEOUT"`: a static string, never freed.
/// A value this library does not know gives `"UT_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn ut_result_name(result: ut_result) -> *const c_char {
    Code::from_u32(result).map_or(c"UT_UNKNOWN", Code::c_name).as_ptr()
}

/// Frees a string that this library returned through a `char **` output. NULL is a no-op.
/// The bytes are overwritten with zeros before the memory is released, since results can
/// hold access tokens.
///
/// # Safety
/// `s` is NULL or a string from this library's `char **` outputs, freed only once. Strings
/// passed to callbacks are borrowed and must not be freed.
#[no_mangle]
pub unsafe extern "C" fn ut_free_string(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        let mut bytes = CString::from_raw(s).into_bytes_with_nul();
        bytes.zeroize();
    });
}
