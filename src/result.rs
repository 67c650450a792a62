//! The result codes of the C API, as a Rust enum, and the one place where a failure of a
//! call becomes a code (`Cause::code`).
//!
//! The numbers are part of the ABI: they never change and retired ones are never reused.
//! `ffi` repeats them as the `UT_*` constants that the header shows (a test keeps the two
//! equal).

use std::ffi::CStr;

#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Ok = 0,
    NullArgument = 1,
    InvalidArgument = 2,
    InvalidConfig = 3,
    Connect = 4,
    Timeout = 5,
    Denied = 6,
    RateLimited = 7,
    ServerError = 8,
    HttpError = 9,
    Decode = 10,
    Cancelled = 11,
    NotFound = 12,
    Panic = 13,
}

impl Code {
    pub const ALL: [Code; 14] = [
        Code::Ok,
        Code::NullArgument,
        Code::InvalidArgument,
        Code::InvalidConfig,
        Code::Connect,
        Code::Timeout,
        Code::Denied,
        Code::RateLimited,
        Code::ServerError,
        Code::HttpError,
        Code::Decode,
        Code::Cancelled,
        Code::NotFound,
        Code::Panic,
    ];

    pub fn from_u32(value: u32) -> Option<Code> {
        Code::ALL.get(value as usize).copied()
    }

    /// The static, NUL-terminated name, e.g. `UT_TIMEOUT`.
    pub fn c_name(self) -> &'static CStr {
        match self {
            Code::Ok => c"UT_OK",
            Code::NullArgument => c"UT_NULL_ARGUMENT",
            Code::InvalidArgument => c"UT_INVALID_ARGUMENT",
            Code::InvalidConfig => c"UT_INVALID_CONFIG",
            Code::Connect => c"UT_CONNECT",
            Code::Timeout => c"UT_TIMEOUT",
            Code::Denied => c"UT_DENIED",
            Code::RateLimited => c"UT_RATE_LIMITED",
            Code::ServerError => c"UT_SERVER_ERROR",
            Code::HttpError => c"UT_HTTP_ERROR",
            Code::Decode => c"UT_DECODE",
            Code::Cancelled => c"UT_CANCELLED",
            Code::NotFound => c"UT_NOT_FOUND",
            Code::Panic => c"UT_PANIC",
        }
    }

    pub fn name(self) -> &'static str {
        // Every name is ASCII, so this cannot fail.
        self.c_name().to_str().unwrap_or("UT_UNKNOWN")
    }
}

/// Why a call that was sent failed. Argument, configuration and lifecycle errors name their
/// code where they arise (`Error::invalid_argument`, `Error::cancelled`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// No connection could be made (DNS, refused, TLS, `connect_timeout_ms`), or one broke
    /// before a full answer.
    Connection,
    /// No full answer within `timeout_ms`.
    Timeout,
    /// An answer with a status other than 2xx.
    Status(u16),
    /// A 2xx answer whose body is not what the call promises (not JSON, the wrong shape, an
    /// unusable token, the API's error envelope, larger than `max_response_bytes`).
    Body,
}

impl Cause {
    pub fn code(self) -> Code {
        match self {
            Cause::Connection => Code::Connect,
            Cause::Timeout => Code::Timeout,
            Cause::Status(401 | 403) => Code::Denied,
            Cause::Status(429) => Code::RateLimited,
            Cause::Status(500..=599) => Code::ServerError,
            Cause::Status(_) => Code::HttpError,
            Cause::Body => Code::Decode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_names_match() {
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(*code as u32, i as u32);
            assert_eq!(Code::from_u32(i as u32), Some(*code));
            assert!(code.name().starts_with("UT_"));
        }
        assert_eq!(Code::from_u32(14), None);
        assert_eq!(Code::Timeout.name(), "UT_TIMEOUT");
        assert_eq!(Code::Panic as u32, 13);
    }

    #[test]
    fn statuses_map_as_the_contract_says() {
        for (status, code) in [
            (401, Code::Denied),
            (403, Code::Denied),
            (429, Code::RateLimited),
            (500, Code::ServerError),
            (501, Code::ServerError),
            (599, Code::ServerError),
            (302, Code::HttpError),
            (400, Code::HttpError),
            (404, Code::HttpError),
            (408, Code::HttpError),
        ] {
            assert_eq!(Cause::Status(status).code(), code, "{status}");
        }
        assert_eq!(Cause::Connection.code(), Code::Connect);
        assert_eq!(Cause::Timeout.code(), Code::Timeout);
        assert_eq!(Cause::Body.code(), Code::Decode);
    }
}
