//! Every NULL and every invalid argument of the C ABI: the right code, a document that names
//! the parameter, and no request sent.

mod common;

use common::*;
use std::ffi::c_char;
use std::ptr;
use usertoken::ffi::calls::*;
use usertoken::ffi::client::ut_client_new;
use usertoken::ffi::info::*;
use usertoken::ffi::session::*;
use usertoken::ffi::*;

fn assert_rejected(code: ut_result, out: *mut c_char, expected: ut_result, parameter: &str) {
    assert_eq!(name(code), name(expected), "for {parameter}");
    let value = doc(&take(out));
    assert_eq!(value["result"], name(expected));
    let message = value["message"].as_str().unwrap();
    assert!(message.starts_with(parameter), "{message:?} should name {parameter}");
    assert_eq!(value["attempts"], 0);
    assert!(value["http_status"].is_null() && value["code"].is_null());
}

#[test]
fn static_information() {
    let version = unsafe { std::ffi::CStr::from_ptr(ut_version()) }.to_str().unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(ut_abi_version(), UT_ABI_VERSION);
    assert_eq!(name(UT_OK), "UT_OK");
    assert_eq!(name(UT_PANIC), "UT_PANIC");
    assert_eq!(name(14), "UT_UNKNOWN");
    assert_eq!(name(u32::MAX), "UT_UNKNOWN");
    unsafe { ut_free_string(ptr::null_mut()) };
}

#[test]
fn null_output_pointer_does_nothing_else() {
    let f = Fixture::new();
    let c = f.client("");
    let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(USERNAME), cstr(PASSWORD));
    unsafe {
        assert_eq!(ut_issue(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), ptr::null_mut()), UT_NULL_ARGUMENT);
        assert_eq!(ut_renew(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), ptr::null_mut()), UT_NULL_ARGUMENT);
        assert_eq!(ut_revoke(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), ptr::null_mut()), UT_NULL_ARGUMENT);
        let mut client = ptr::null_mut();
        assert_eq!(ut_client_new(ptr::null(), &mut client, ptr::null_mut()), UT_NULL_ARGUMENT);
        assert!(client.is_null());
        assert_eq!(ut_session_token(ptr::null_mut(), ptr::null_mut()), UT_NULL_ARGUMENT);
        assert_eq!(ut_session_revoke(ptr::null_mut(), ptr::null_mut()), UT_NULL_ARGUMENT);
        let mut session = ptr::null_mut();
        let code = ut_session_new(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut session, ptr::null_mut());
        assert_eq!(code, UT_NULL_ARGUMENT);
        assert!(session.is_null());
    }
    assert!(f.requests().is_empty(), "nothing may be sent");
}

#[test]
fn issue_rejects_each_null_and_invalid_argument_without_sending() {
    let f = Fixture::new();
    let c = f.client("");
    let long_credential = "x".repeat(4097);
    type Case<'a> = (&'a str, [Option<&'a [u8]>; 4], ut_result);
    let cases: [Case; 14] = [
        ("version", [None, Some(b"6"), Some(b"u"), Some(b"p")], UT_NULL_ARGUMENT),
        ("site_id", [Some(b"6"), None, Some(b"u"), Some(b"p")], UT_NULL_ARGUMENT),
        ("username", [Some(b"6"), Some(b"-99"), None, Some(b"p")], UT_NULL_ARGUMENT),
        ("password", [Some(b"6"), Some(b"-99"), Some(b"u"), None], UT_NULL_ARGUMENT),
        ("version", [Some(b""), Some(b"-99"), Some(b"u"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("version", [Some(b"6/x"), Some(b"-99"), Some(b"u"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("version", [Some(b"12345678901234567"), Some(b"-99"), Some(b"u"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("site_id", [Some(b"6"), Some(b"abc"), Some(b"u"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("site_id", [Some(b"6"), Some(b"1234567890123456789"), Some(b"u"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("site_id", [Some(b"6"), Some(b""), Some(b"u"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("username", [Some(b"6"), Some(b"-99"), Some(b""), Some(b"p")], UT_INVALID_ARGUMENT),
        ("username", [Some(b"6"), Some(b"-99"), Some(b"\xc3\x28"), Some(b"p")], UT_INVALID_ARGUMENT),
        ("password", [Some(b"6"), Some(b"-99"), Some(b"u"), Some(long_credential.as_bytes())], UT_INVALID_ARGUMENT),
        ("password", [Some(b"6"), Some(b"-99"), Some(b"u"), Some(b"\xff")], UT_INVALID_ARGUMENT),
    ];
    for (parameter, args, expected) in cases {
        let owned: Vec<Option<Vec<u8>>> =
            args.iter().map(|a| a.map(|b| b.iter().copied().chain(std::iter::once(0)).collect())).collect();
        let p = |i: usize| owned[i].as_ref().map_or(ptr::null(), |b| b.as_ptr().cast::<c_char>());
        let mut out = ptr::null_mut();
        let code = unsafe { ut_issue(c.raw, p(0), p(1), p(2), p(3), &mut out) };
        assert_rejected(code, out, expected, parameter);
    }
    let mut out = ptr::null_mut();
    let (v, s, u) = (cstr("6"), cstr(SITE), cstr("u"));
    let code = unsafe { ut_issue(ptr::null(), v.as_ptr(), s.as_ptr(), u.as_ptr(), u.as_ptr(), &mut out) };
    assert_rejected(code, out, UT_NULL_ARGUMENT, "client");
    assert!(f.requests().is_empty(), "nothing may be sent");
}

#[test]
fn renew_and_revoke_reject_bad_authorization_without_sending() {
    let f = Fixture::new();
    let c = f.client("");
    let too_long = "a".repeat(8193);
    for (authorization, expected) in [
        (None, UT_NULL_ARGUMENT),
        (Some(""), UT_INVALID_ARGUMENT),
        (Some("tok\r\nX-Injected: 1"), UT_INVALID_ARGUMENT),
        (Some("tok\tx"), UT_INVALID_ARGUMENT),
        (Some("t\u{e9}"), UT_INVALID_ARGUMENT),
        (Some(too_long.as_str()), UT_INVALID_ARGUMENT),
    ] {
        let a = authorization.map(cstr);
        let ap = a.as_ref().map_or(ptr::null(), |a| a.as_ptr());
        let (v, s) = (cstr("6"), cstr(SITE));
        for call in [ut_renew, ut_revoke] {
            let mut out = ptr::null_mut();
            let code = unsafe { call(c.raw, v.as_ptr(), s.as_ptr(), ap, &mut out) };
            assert_rejected(code, out, expected, "authorization");
        }
    }
    assert!(f.requests().is_empty(), "nothing may be sent");
}

#[test]
fn longest_valid_arguments_are_accepted() {
    let f = Fixture::new();
    let c = f.client("");
    let (code, body) = c.issue(USERNAME, &"p".repeat(4096));
    assert_eq!(code, "UT_DENIED", "a 4096-byte password is sent: {body}");
    let (code, _) = c.renew(&"a".repeat(8192));
    assert_eq!(code, "UT_DENIED");
    assert_eq!(f.requests().len(), 2);
}

#[test]
fn client_new_reports_each_bad_config() {
    let mut client = ptr::null_mut();
    let mut error = ptr::null_mut();
    let code = unsafe { ut_client_new(ptr::null(), ptr::null_mut(), &mut error) };
    assert_rejected(code, error, UT_NULL_ARGUMENT, "client_out");
    for (config, key) in [
        ("", "config_json"),
        ("{", "config_json"),
        (r#"{"api_key":"k","nope":1}"#, "unknown configuration key \"nope\""),
        (r#"{"api_key":"k","timeout_ms":0}"#, "timeout_ms"),
        (r#"{"api_key":"k","max_retries":11}"#, "max_retries"),
        (r#"{"api_key":"k","worker_threads":0}"#, "worker_threads"),
        (r#"{"api_key":"k","base_url":"http://example.com"}"#, "base_url"),
        (r#"{"api_key":"k","ca_file":"/does/not/exist.pem"}"#, "ca_file"),
        (r#"{"api_key":"k","proxy":"::not a url::"}"#, "proxy"),
        (r#"{"api_key":"k\r\nX: y"}"#, "api_key"),
    ] {
        let c = cstr(config);
        let code = unsafe { ut_client_new(c.as_ptr(), &mut client, &mut error) };
        assert_eq!(name(code), "UT_INVALID_CONFIG", "{config}");
        assert!(client.is_null(), "client_out untouched on failure");
        let value = doc(&take(error));
        assert!(value["message"].as_str().unwrap().contains(key), "{config}: {value}");
    }
    let bad_utf8 = b"{\"api_key\":\"\xff\"}\0";
    let code = unsafe { ut_client_new(bad_utf8.as_ptr().cast(), &mut client, &mut error) };
    assert_eq!(code, UT_INVALID_CONFIG);
    assert!(take(error).contains("UTF-8"));
}

#[test]
fn session_functions_reject_nulls() {
    let f = Fixture::new();
    let c = f.client("");
    let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(USERNAME), cstr(PASSWORD));
    let mut session = ptr::null_mut();
    let mut out = ptr::null_mut();
    let code =
        unsafe { ut_session_new(ptr::null(), v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut session, &mut out) };
    assert_rejected(code, out, UT_NULL_ARGUMENT, "client");
    let code =
        unsafe { ut_session_new(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), ptr::null_mut(), &mut out) };
    assert_rejected(code, out, UT_NULL_ARGUMENT, "session_out");
    let code =
        unsafe { ut_session_new(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), ptr::null(), &mut session, &mut out) };
    assert_rejected(code, out, UT_NULL_ARGUMENT, "password");
    let code = unsafe { ut_session_token(ptr::null_mut(), &mut out) };
    assert_rejected(code, out, UT_NULL_ARGUMENT, "session");
    let code = unsafe { ut_session_revoke(ptr::null_mut(), &mut out) };
    assert_rejected(code, out, UT_NULL_ARGUMENT, "session");
    unsafe { ut_session_free(ptr::null_mut()) };
    assert!(session.is_null());
    assert!(f.requests().is_empty());
}

#[test]
fn async_calls_reject_bad_arguments_at_once() {
    let f = Fixture::new();
    let c = f.client("");
    unsafe extern "C" fn never(_: *mut std::ffi::c_void, _: ut_result, _: *const c_char) {
        panic!("the callback must not run for a rejected request");
    }
    let (v, s, u) = (cstr("6"), cstr(SITE), cstr("u"));
    let mut id = 0u64;
    unsafe {
        let code = ut_issue_async(
            c.raw,
            v.as_ptr(),
            s.as_ptr(),
            u.as_ptr(),
            ptr::null(),
            Some(never),
            ptr::null_mut(),
            &mut id,
        );
        assert_eq!(code, UT_NULL_ARGUMENT);
        let code =
            ut_issue_async(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), u.as_ptr(), None, ptr::null_mut(), &mut id);
        assert_eq!(code, UT_NULL_ARGUMENT);
        let code =
            ut_renew_async(ptr::null(), v.as_ptr(), s.as_ptr(), u.as_ptr(), Some(never), ptr::null_mut(), &mut id);
        assert_eq!(code, UT_NULL_ARGUMENT);
        let bad = cstr("x\ny");
        let code = ut_revoke_async(c.raw, v.as_ptr(), s.as_ptr(), bad.as_ptr(), Some(never), ptr::null_mut(), &mut id);
        assert_eq!(code, UT_INVALID_ARGUMENT);
        let code = ut_revoke_async(c.raw, v.as_ptr(), bad.as_ptr(), u.as_ptr(), Some(never), ptr::null_mut(), &mut id);
        assert_eq!(code, UT_INVALID_ARGUMENT);
    }
    assert_eq!(id, 0, "no id for a rejected request");
    assert_eq!(ut_cancel(0), UT_NOT_FOUND);
    assert_eq!(ut_cancel(u64::MAX), UT_NOT_FOUND);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(f.requests().is_empty());
}

#[test]
fn log_level_outside_range_is_invalid() {
    unsafe extern "C" fn sink(_: *mut std::ffi::c_void, _: u32, _: *const c_char) {}
    unsafe {
        assert_eq!(usertoken::ffi::log::ut_set_log_callback(Some(sink), ptr::null_mut(), 0), UT_INVALID_ARGUMENT);
        assert_eq!(usertoken::ffi::log::ut_set_log_callback(Some(sink), ptr::null_mut(), 6), UT_INVALID_ARGUMENT);
        assert_eq!(usertoken::ffi::log::ut_set_log_callback(None, ptr::null_mut(), 99), UT_OK);
    }
}
