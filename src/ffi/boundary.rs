//! The panic boundary, the output rule and the reading of C arguments.

use super::{ut_result, UT_NULL_ARGUMENT};
use crate::error::Error;
use crate::panics;
use crate::result::Code;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs the body of an export whose last parameter is a `char **`. A NULL `out` returns
/// `UT_NULL_ARGUMENT` with nothing else done; otherwise `*out` is always set: to the body's
/// text (or NULL when it returns `None`) on success, to an error document on any failure,
/// a caught panic included.
pub fn with_output(out: *mut *mut c_char, body: impl FnOnce() -> Result<Option<String>, Error>) -> ut_result {
    if out.is_null() {
        return UT_NULL_ARGUMENT;
    }
    let outcome = panics::inside(|| catch_unwind(AssertUnwindSafe(body))).unwrap_or_else(|_| Err(Error::panic()));
    let (code, text) = match outcome {
        Ok(None) => (Code::Ok, None),
        Ok(Some(text)) => (Code::Ok, Some(text)),
        Err(error) => (error.code, Some(error.to_document())),
    };
    let (code, pointer) = match text.map(c_string) {
        None => (code, std::ptr::null_mut()),
        Some(Ok(text)) => (code, text.into_raw()),
        Some(Err(error)) => (error.code, owned_document(&error)),
    };
    // SAFETY: `out` is non-NULL and the caller promises it points to writable storage.
    unsafe { *out = pointer };
    code as ut_result
}

/// Runs the body of an export that has no output string.
pub fn guard(body: impl FnOnce() -> Result<(), Error>) -> ut_result {
    match panics::inside(|| catch_unwind(AssertUnwindSafe(body))) {
        Ok(Ok(())) => Code::Ok as ut_result,
        Ok(Err(error)) => error.code as ut_result,
        Err(_) => Code::Panic as ut_result,
    }
}

/// A result as a C string; text with a NUL byte cannot be one, and is a decode error.
pub fn c_string(text: String) -> Result<CString, Error> {
    CString::new(text).map_err(|_| Error::new(Code::Decode, "the result holds a NUL character"))
}

fn owned_document(error: &Error) -> *mut c_char {
    // A serialized document escapes every control character, so it never holds a NUL.
    CString::new(error.to_document()).map(CString::into_raw).unwrap_or(std::ptr::null_mut())
}

/// The bytes of a C string argument, reading at most `max + 1` bytes so that a huge or
/// unterminated-looking string is refused without being scanned whole.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string (or to at least `max + 1` readable bytes).
pub unsafe fn arg<'a>(ptr: *const c_char, name: &str, max: usize) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return Err(Error::null_argument(name));
    }
    let len = libc::strnlen(ptr, max + 1);
    Ok(std::slice::from_raw_parts(ptr.cast::<u8>(), len))
}

/// A reference to the object behind a handle argument.
///
/// # Safety
/// `ptr` is NULL or a live handle returned by this library.
pub unsafe fn handle<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    ptr.as_ref().ok_or_else(|| Error::null_argument(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::{UT_INVALID_ARGUMENT, UT_OK, UT_PANIC};
    use std::ffi::CStr;

    fn read(out: *mut c_char) -> String {
        let text = unsafe { CStr::from_ptr(out) }.to_string_lossy().into_owned();
        unsafe { crate::ffi::info::ut_free_string(out) };
        text
    }

    #[test]
    fn a_panic_becomes_ut_panic_with_a_document() {
        let mut out = std::ptr::null_mut();
        let code = with_output(&mut out, || panic!("boom"));
        assert_eq!(code, UT_PANIC);
        let doc: serde_json::Value = serde_json::from_str(&read(out)).unwrap();
        assert_eq!(doc["result"], "UT_PANIC");
        assert_eq!(guard(|| panic!("boom")), UT_PANIC);
    }

    #[test]
    fn outputs_follow_the_output_rule() {
        let mut out = std::ptr::null_mut();
        assert_eq!(with_output(&mut out, || Ok(Some("{}".to_owned()))), UT_OK);
        assert_eq!(read(out), "{}");
        let mut out = 1 as *mut c_char;
        assert_eq!(with_output(&mut out, || Ok(None)), UT_OK);
        assert!(out.is_null(), "None writes NULL");
        let mut out = std::ptr::null_mut();
        assert_eq!(with_output(&mut out, || Err(Error::invalid_argument("x", "is bad"))), UT_INVALID_ARGUMENT);
        assert!(read(out).contains("x is bad"));
        let mut ran = false;
        assert_eq!(
            with_output(std::ptr::null_mut(), || {
                ran = true;
                Ok(None)
            }),
            crate::ffi::UT_NULL_ARGUMENT
        );
        assert!(!ran, "a NULL output pointer does nothing else");
    }

    #[test]
    fn a_result_with_a_nul_is_a_decode_error() {
        let mut out = std::ptr::null_mut();
        let code = with_output(&mut out, || Ok(Some("a\0b".to_owned())));
        assert_eq!(code, Code::Decode as ut_result);
        assert!(read(out).contains("UT_DECODE"));
    }

    #[test]
    fn arguments_are_read_no_further_than_needed() {
        let long = vec![b'a'; 100].into_iter().chain([0]).collect::<Vec<u8>>();
        let bytes = unsafe { arg(long.as_ptr().cast(), "x", 10) }.unwrap();
        assert_eq!(bytes.len(), 11, "stops one past the limit");
        assert_eq!(unsafe { arg(std::ptr::null(), "version", 10) }.unwrap_err().code, Code::NullArgument);
    }
}
