//! Log lines: one per attempt, retry, success and failure, at their levels, never a secret.
//! Its own test binary, since the log callback is process-wide.

mod common;

use common::*;
use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::Mutex;
use usertoken::ffi::log::ut_set_log_callback;
use usertoken::ffi::*;

static LINES: Mutex<Vec<(u32, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn collect(user_data: *mut c_void, level: u32, message: *const c_char) {
    assert_eq!(user_data as usize, 0x1234, "user_data is passed through");
    let line = CStr::from_ptr(message).to_string_lossy().into_owned();
    LINES.lock().unwrap().push((level, line));
}

#[test]
fn log_lines_cover_attempts_retries_and_failures_without_secrets() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":1"#);
    let code = unsafe { ut_set_log_callback(Some(collect), 0x1234 as *mut c_void, UT_LOG_TRACE) };
    assert_eq!(code, UT_OK);

    f.fault(r#"{"kind":"status","status":503,"count":1,"body":"{\"Error\":{\"Message\":\"echo apitest1234 test-api-key\",\"Code\":\"X\"}}"}"#);
    let token = c.token();
    f.fault(&format!(r#"{{"kind":"status","status":401,"count":1,"call":"renew","body":"{{\"Error\":{{\"Message\":\"bad {token}\",\"Code\":\"DeniedAccess\"}}}}"}}"#));
    assert_eq!(c.renew(&format!("Bearer {token}")).0, "UT_DENIED");

    unsafe { ut_set_log_callback(None, ptr::null_mut(), 0) };
    c.token();
    let lines = LINES.lock().unwrap().clone();
    let at = |level: u32| lines.iter().filter(|(l, _)| *l == level).count();
    assert_eq!(at(UT_LOG_DEBUG), 3, "one line per attempt: {lines:#?}");
    assert_eq!(at(UT_LOG_WARN), 1, "one line per retry: {lines:#?}");
    assert_eq!(at(UT_LOG_INFO), 1, "one line per success: {lines:#?}");
    assert_eq!(at(UT_LOG_ERROR), 1, "one line per failure: {lines:#?}");
    assert!(lines.iter().any(|(_, l)| l.contains("retrying")));
    for (_, line) in &lines {
        for secret in [PASSWORD, API_KEY, token.as_str()] {
            assert!(!line.contains(secret), "{secret} in {line}");
        }
    }
    assert_eq!(lines.len(), 6, "nothing logged after the callback was removed: {lines:#?}");

    unsafe { ut_set_log_callback(Some(collect), 0x1234 as *mut c_void, UT_LOG_ERROR) };
    LINES.lock().unwrap().clear();
    c.issue(USERNAME, "wrong");
    c.token();
    unsafe { ut_set_log_callback(None, ptr::null_mut(), 0) };
    let lines = LINES.lock().unwrap().clone();
    assert_eq!(lines.len(), 1, "only errors at UT_LOG_ERROR: {lines:#?}");
    assert_eq!(lines[0].0, UT_LOG_ERROR);
    assert!(!lines[0].1.contains("wrong"));
}
