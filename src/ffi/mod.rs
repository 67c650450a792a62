//! The C ABI. Every export is a plain `#[no_mangle] extern "C"` function whose body runs
//! inside the panic boundary of `boundary`, so cbindgen sees each one and no panic ever
//! crosses into C.

#![allow(non_camel_case_types)]

mod boundary;
pub mod calls;
pub mod client;
pub mod info;
pub mod log;
pub mod session;
/// cbindgen:ignore
#[cfg(feature = "test-panic")]
pub mod test_panic;

/// A result code. The values are fixed forever; new codes are only ever appended, and
/// `ut_result_name()` gives `"UT_UNKNOWN"` for a value this build does not know.
pub type ut_result = u32;

/// Success.
pub const UT_OK: ut_result = 0;
/// A required pointer argument was NULL.
pub const UT_NULL_ARGUMENT: ut_result = 1;
/// A string was not UTF-8, was empty or too long, or held forbidden characters.
pub const UT_INVALID_ARGUMENT: ut_result = 2;
/// The configuration JSON was malformed, had an unknown key or a bad value.
pub const UT_INVALID_CONFIG: ut_result = 3;
/// DNS, connection or TLS failure, or the connection dropped before a full response.
pub const UT_CONNECT: ut_result = 4;
/// No full response within `timeout_ms` (per attempt, after the last retry).
pub const UT_TIMEOUT: ut_result = 5;
/// HTTP 401 or 403.
pub const UT_DENIED: ut_result = 6;
/// HTTP 429, after retries.
pub const UT_RATE_LIMITED: ut_result = 7;
/// HTTP 5xx, after retries (a 5xx that is not retried, such as 501, after one attempt).
pub const UT_SERVER_ERROR: ut_result = 8;
/// Any other non-2xx status, 3xx included (redirects are never followed).
pub const UT_HTTP_ERROR: ut_result = 9;
/// A 2xx body that is not the expected JSON, or larger than `max_response_bytes`.
pub const UT_DECODE: ut_result = 10;
/// An async request was cancelled, or its client freed.
pub const UT_CANCELLED: ut_result = 11;
/// `ut_cancel()`: no pending request has that id.
pub const UT_NOT_FOUND: ut_result = 12;
/// An internal fault was caught at the library boundary; the process goes on.
pub const UT_PANIC: ut_result = 13;

/// The ABI version this header describes; `ut_abi_version()` returns the library's.
/// Wrappers compare the two at load time.
pub const UT_ABI_VERSION: u32 = 1;

/// Log level: a call failed for good.
pub const UT_LOG_ERROR: u32 = 1;
/// Log level: an attempt failed and will be retried; a session refresh failed.
pub const UT_LOG_WARN: u32 = 2;
/// Log level: a call succeeded; a session renewed or re-issued its token.
pub const UT_LOG_INFO: u32 = 3;
/// Log level: an attempt starts.
pub const UT_LOG_DEBUG: u32 = 4;
/// Log level: the most detailed lines.
pub const UT_LOG_TRACE: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Code;

    #[test]
    fn constants_match_the_codes() {
        let constants = [
            UT_OK,
            UT_NULL_ARGUMENT,
            UT_INVALID_ARGUMENT,
            UT_INVALID_CONFIG,
            UT_CONNECT,
            UT_TIMEOUT,
            UT_DENIED,
            UT_RATE_LIMITED,
            UT_SERVER_ERROR,
            UT_HTTP_ERROR,
            UT_DECODE,
            UT_CANCELLED,
            UT_NOT_FOUND,
            UT_PANIC,
        ];
        for (constant, code) in constants.iter().zip(Code::ALL) {
            assert_eq!(*constant, code as u32, "{}", code.name());
        }
    }
}
