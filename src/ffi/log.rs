//! Forwarding the library's log lines to the caller.

use super::boundary::guard;
use super::ut_result;
use crate::error::Error;
use crate::log::{self, Level};
use crate::result::Code;
use std::ffi::{c_char, c_void, CString};

/// Receives one log line: `level` 1 (error) to 5 (trace), `message` borrowed for the call.
/// It may run on the thread of a blocking call, in the middle of that call, so it must return
/// normally (no `longjmp`, `pthread_exit` or C++ exception) and should be quick.
pub type ut_log_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, level: u32, message: *const c_char)>;

struct Sink {
    callback: unsafe extern "C" fn(*mut c_void, u32, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: the caller agrees that the callback runs on any library thread with this user_data.
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

impl Sink {
    fn send(&self, level: Level, line: &str) {
        let line = CString::new(line.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the caller's callback with the caller's user_data.
        unsafe { (self.callback)(self.user_data, level as u32, line.as_ptr()) };
    }
}

/// Installs the process-wide log callback for levels 1..=`max_level` (`UT_LOG_ERROR` 1 to
/// `UT_LOG_TRACE` 5), replacing any previous one; a NULL `callback` turns logging off (then
/// `max_level` is ignored). A `max_level` outside 1–5 with a callback is
/// `UT_INVALID_ARGUMENT`. The callback runs on any library thread, possibly several at once,
/// and may run once more on a thread that had already begun a line when it was replaced.
/// Lines: one per request attempt (debug), per retry (warn), per success (info), per final
/// failure (error), per session refresh (info/warn). No line ever holds a password, a token
/// or the API key.
///
/// # Safety
/// `callback` must be safe to call from any thread with `user_data`, which must stay valid
/// until logging is turned off or replaced.
#[no_mangle]
pub unsafe extern "C" fn ut_set_log_callback(
    callback: ut_log_callback,
    user_data: *mut c_void,
    max_level: u32,
) -> ut_result {
    guard(|| {
        let Some(callback) = callback else {
            log::set(None);
            return Ok(());
        };
        let max_level = match max_level {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            5 => Level::Trace,
            _ => return Err(Error::new(Code::InvalidArgument, "max_level must be from 1 to 5")),
        };
        let sink = Sink { callback, user_data };
        log::set(Some((Box::new(move |level, line| sink.send(level, line)), max_level)));
        Ok(())
    })
}
