//! The result codes of the C API, as a Rust enum.
//!
//! The numbers are part of the ABI: they never change and retired ones are never reused.
//! `ffi::codes` repeats them as the `UT_*` constants that the header shows.

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
}
