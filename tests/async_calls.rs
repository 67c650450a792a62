//! The async calls: exactly one completion per accepted request, cancellation by id, a free
//! that cancels what is pending, and callbacks that call back into the library.

mod common;

use common::*;
use serde_json::Value;
use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use usertoken::ffi::calls::*;
use usertoken::ffi::client::ut_client_free;
use usertoken::ffi::*;

/// What one request's callback saw.
#[derive(Default)]
struct Slot {
    calls: AtomicU32,
    seen: Mutex<Option<(ut_result, String)>>,
}

unsafe extern "C" fn record(user_data: *mut c_void, result: ut_result, json: *const c_char) {
    let slot = &*(user_data as *const Slot);
    let text = CStr::from_ptr(json).to_string_lossy().into_owned();
    *slot.seen.lock().unwrap() = Some((result, text));
    slot.calls.fetch_add(1, Ordering::SeqCst);
}

fn issue_async(client: &Client, slot: &Slot) -> (ut_result, u64) {
    let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(USERNAME), cstr(PASSWORD));
    let mut id = 0;
    let user_data = slot as *const Slot as *mut c_void;
    let code = unsafe {
        ut_issue_async(client.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), Some(record), user_data, &mut id)
    };
    (code, id)
}

fn wait_until(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn seen(slot: &Slot) -> (String, String) {
    let guard = slot.seen.lock().unwrap();
    let (code, text) = guard.as_ref().expect("completed");
    (name(*code), text.clone())
}

#[test]
fn a_thousand_requests_in_flight_complete_exactly_once() {
    let f = Fixture::new();
    let c = f.client("");
    f.fault(r#"{"kind":"delay","delay_ms":300,"count":1000}"#);
    let slots: Vec<Slot> = (0..1000).map(|_| Slot::default()).collect();
    let mut ids = Vec::new();
    for slot in &slots {
        let (code, id) = issue_async(&c, slot);
        assert_eq!(code, UT_OK);
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "every request has its own id");
    wait_until("1000 completions", Duration::from_secs(60), || {
        slots.iter().all(|s| s.calls.load(Ordering::SeqCst) >= 1)
    });
    std::thread::sleep(Duration::from_millis(100));
    for slot in &slots {
        assert_eq!(slot.calls.load(Ordering::SeqCst), 1);
        let (code, body) = seen(slot);
        assert_eq!(code, "UT_OK", "{body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        assert!(value["AccessToken"].is_string());
    }
    assert_eq!(f.stats()["issue"], 1000);
    for id in ids {
        assert_eq!(ut_cancel(id), UT_NOT_FOUND, "a finished id is not found");
    }
}

#[test]
fn async_errors_match_the_blocking_document() {
    let f = Fixture::new();
    let c = f.client("");
    let slot = Slot::default();
    let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(USERNAME), cstr("wrong"));
    let mut id = 0;
    let code = unsafe {
        ut_issue_async(
            c.raw,
            v.as_ptr(),
            s.as_ptr(),
            u.as_ptr(),
            p.as_ptr(),
            Some(record),
            &slot as *const Slot as *mut c_void,
            &mut id,
        )
    };
    assert_eq!(code, UT_OK);
    wait_until("completion", Duration::from_secs(10), || slot.calls.load(Ordering::SeqCst) == 1);
    let (code, text) = seen(&slot);
    assert_eq!(code, "UT_DENIED");
    assert_eq!(doc(&text), doc(&c.issue(USERNAME, "wrong").1));

    let token = c.token();
    for renew in [true, false] {
        let slot = Slot::default();
        let a = cstr(&token);
        let call = if renew { ut_renew_async } else { ut_revoke_async };
        let code = unsafe {
            call(
                c.raw,
                v.as_ptr(),
                s.as_ptr(),
                a.as_ptr(),
                Some(record),
                &slot as *const Slot as *mut c_void,
                ptr::null_mut(),
            )
        };
        assert_eq!(code, UT_OK, "request_id_out may be NULL");
        wait_until("completion", Duration::from_secs(10), || slot.calls.load(Ordering::SeqCst) == 1);
        assert_eq!(seen(&slot).0, "UT_OK");
    }
}

#[test]
fn cancel_completes_a_pending_request_as_cancelled() {
    let f = Fixture::new();
    let c = f.client("");
    f.fault(r#"{"kind":"hang"}"#);
    let slot = Slot::default();
    let (code, id) = issue_async(&c, &slot);
    assert_eq!(code, UT_OK);
    assert_ne!(id, 0);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(slot.calls.load(Ordering::SeqCst), 0, "the request hangs");
    assert_eq!(ut_cancel(id), UT_OK);
    wait_until("the cancelled completion", Duration::from_secs(2), || slot.calls.load(Ordering::SeqCst) == 1);
    let (code, text) = seen(&slot);
    assert_eq!(code, "UT_CANCELLED");
    assert_eq!(doc(&text)["result"], "UT_CANCELLED");
    assert_eq!(ut_cancel(id), UT_NOT_FOUND);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(slot.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn free_with_pending_requests_cancels_them_all_within_a_second() {
    let f = Fixture::new();
    let c = f.client("");
    f.fault(r#"{"kind":"hang","count":100}"#);
    let slots: Vec<Slot> = (0..100).map(|_| Slot::default()).collect();
    for slot in &slots {
        assert_eq!(issue_async(&c, slot).0, UT_OK);
    }
    wait_until("100 hanging requests at the emulator", Duration::from_secs(10), || f.requests().len() == 100);
    let started = Instant::now();
    drop(c);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "free took {took:?}");
    for slot in &slots {
        assert_eq!(slot.calls.load(Ordering::SeqCst), 1, "completed before free returned");
        assert_eq!(seen(slot).0, "UT_CANCELLED");
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(slots.iter().all(|s| s.calls.load(Ordering::SeqCst) == 1));
    println!("free with 100 pending took {took:?}");
}

struct Reentry {
    client: *mut usertoken::ffi::client::ut_client,
    inner: Mutex<Option<(String, String)>>,
    done: AtomicUsize,
}

unsafe extern "C" fn call_from_callback(user_data: *mut c_void, _: ut_result, _: *const c_char) {
    let reentry = &*(user_data as *const Reentry);
    let client = Client { raw: reentry.client };
    *reentry.inner.lock().unwrap() = Some(client.issue(USERNAME, PASSWORD));
    std::mem::forget(client);
    reentry.done.store(1, Ordering::SeqCst);
}

unsafe extern "C" fn free_from_callback(user_data: *mut c_void, _: ut_result, _: *const c_char) {
    let reentry = &*(user_data as *const Reentry);
    ut_client_free(reentry.client);
    reentry.done.store(1, Ordering::SeqCst);
}

fn start_reentry(f: &Fixture, callback: ut_callback, config: &str) -> Box<Reentry> {
    let c = f.client(config);
    // A blocking call first, so that this thread holds a local engine the free must end too.
    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK");
    let reentry = Box::new(Reentry { client: c.raw, inner: Mutex::new(None), done: AtomicUsize::new(0) });
    std::mem::forget(c);
    let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(USERNAME), cstr(PASSWORD));
    let data = &*reentry as *const Reentry as *mut c_void;
    let code = unsafe {
        ut_issue_async(reentry.client, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), callback, data, ptr::null_mut())
    };
    assert_eq!(code, UT_OK);
    reentry
}

#[test]
fn a_blocking_call_inside_a_callback_works_even_with_one_worker() {
    let f = Fixture::new();
    let reentry = start_reentry(&f, Some(call_from_callback), r#""worker_threads":1"#);
    wait_until("the nested call", Duration::from_secs(10), || reentry.done.load(Ordering::SeqCst) == 1);
    assert_eq!(reentry.inner.lock().unwrap().as_ref().unwrap().0, "UT_OK");
    unsafe { ut_client_free(reentry.client) };
}

#[test]
fn a_callback_may_free_its_own_client() {
    let f = Fixture::new();
    let reentry = start_reentry(&f, Some(free_from_callback), "");
    wait_until("the free inside the callback", Duration::from_secs(10), || reentry.done.load(Ordering::SeqCst) == 1);
}

#[test]
fn a_client_made_before_fork_works_in_the_child_and_the_parent() {
    let f = Fixture::new();
    let c = f.client("");
    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK", "the parent's runtime and pool are warm");
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok = c.issue(USERNAME, PASSWORD).0 == "UT_OK" && c.issue(USERNAME, PASSWORD).0 == "UT_OK";
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "the child's calls failed: {status}");
    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK", "the parent is unaffected");
    assert_eq!(f.stats()["issue"], 4);
}
