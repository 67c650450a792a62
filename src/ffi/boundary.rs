//! The panic boundary, the output rule and the reading of C arguments.

use super::{ut_result, UT_NULL_ARGUMENT};
use crate::error::Error;
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
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| Err(Error::panic()));
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
    match catch_unwind(AssertUnwindSafe(body)) {
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
