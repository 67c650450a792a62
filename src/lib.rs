//! usertoken: Mindbody Public API v6 staff user tokens (issue, renew, revoke, and a session
//! that keeps one fresh) for C, C++, Python and .NET, through one C ABI.
//!
//! The plain Rust modules know nothing of C; `ffi` is the thin `extern "C"` layer on top,
//! and the only place that touches raw pointers.

pub mod calls;
pub mod client;
pub mod config;
pub mod error;
pub mod ffi;
pub mod log;
pub mod panics;
pub mod pending;
pub mod result;
pub mod retry;
pub mod runtime;
pub mod session;
pub mod stats;
pub mod transport;
pub mod validate;
