//! usertoken: Mindbody Public API v6 staff user tokens (issue, renew, revoke, and a session
//! that keeps one fresh) for C, C++, Python and .NET, through one C ABI.
//!
//! The plain Rust modules know nothing of C; `ffi` is the thin `extern "C"` layer on top,
//! and the only place that touches raw pointers. Every other module is marked
//! `cbindgen:ignore`, so nothing of theirs can reach the header.

/// cbindgen:ignore
pub mod calls;
/// cbindgen:ignore
pub mod client;
/// cbindgen:ignore
pub mod config;
/// cbindgen:ignore
pub mod error;
pub mod ffi;
/// cbindgen:ignore
pub mod log;
/// cbindgen:ignore
pub mod panics;
/// cbindgen:ignore
pub mod pending;
/// cbindgen:ignore
pub mod result;
/// cbindgen:ignore
pub mod retry;
/// cbindgen:ignore
pub mod runtime;
/// cbindgen:ignore
pub mod session;
/// cbindgen:ignore
pub mod stats;
/// cbindgen:ignore
pub mod transport;
/// cbindgen:ignore
pub mod validate;
