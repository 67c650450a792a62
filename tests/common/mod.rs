//! Shared helpers for the integration tests: an emulator per test, the C ABI called as C
//! would call it, and the emulator's control endpoints as the tests use them.
#![allow(dead_code)]

use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::io::BufRead;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::ptr;
use std::sync::{Arc, Mutex};
use usertoken::ffi::calls::{ut_issue, ut_renew, ut_revoke};
use usertoken::ffi::client::{ut_client, ut_client_free, ut_client_new};
use usertoken::ffi::info::{ut_free_string, ut_result_name};
use usertoken::ffi::ut_result;
use ut_emulator::{Emulator, EmulatorConfig};

pub const API_KEY: &str = "test-api-key";
pub const USERNAME: &str = "Siteowner";
pub const PASSWORD: &str = "apitest1234";
pub const SITE: &str = "-99";

pub struct Fixture {
    pub emulator: Emulator,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture { emulator: Emulator::start("127.0.0.1:0", EmulatorConfig::default()).expect("emulator starts") }
    }

    pub fn url(&self) -> String {
        self.emulator.url()
    }

    /// A client for this emulator; `extra` is spliced into the config object.
    pub fn client(&self, extra: &str) -> Client {
        let sep = if extra.is_empty() { "" } else { "," };
        let config = format!(r#"{{"base_url":"{}","api_key":"{API_KEY}","retry_base_ms":1{sep}{extra}}}"#, self.url());
        Client::new(&config).unwrap_or_else(|(code, doc)| panic!("client: {code} {doc}"))
    }

    pub fn fault(&self, fault: &str) {
        if let Err(e) = self.emulator.add_faults(fault) {
            panic!("fault {fault} refused: {e}");
        }
    }

    pub fn requests(&self) -> Vec<Value> {
        let requests = self.emulator.requests().expect("the recorded requests");
        requests["requests"].as_array().cloned().unwrap_or_default()
    }

    pub fn clear_requests(&self) {
        self.emulator.clear_requests().expect("the recorded requests cleared");
    }

    /// The tokens issued or renewed, as a JSON array.
    pub fn tokens(&self) -> Value {
        self.emulator.tokens().expect("the tokens issued")["tokens"].take()
    }

    pub fn stats(&self) -> Value {
        self.emulator.stats().expect("the emulator's counters")
    }

    pub fn advance_clock(&self, seconds: i64) {
        if let Err(e) = self.emulator.advance_clock(seconds) {
            panic!("{e}");
        }
    }
}

/// The request heads a stand-in server has read, in order.
pub type Heads = Mutex<Vec<Vec<String>>>;

/// A stand-in on loopback for what the emulator is not (a proxy): each connection goes to
/// `serve` on a thread of its own, with the list where it records the request heads it reads.
pub struct StandIn {
    pub addr: SocketAddr,
    heads: Arc<Heads>,
}

impl StandIn {
    pub fn start(serve: impl Fn(TcpStream, &Heads) + Send + Sync + 'static) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (record, serve) = (heads.clone(), Arc::new(serve));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (record, serve) = (record.clone(), serve.clone());
                std::thread::spawn(move || serve(stream, &record));
            }
        });
        StandIn { addr, heads }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn heads(&self) -> Vec<Vec<String>> {
        self.heads.lock().unwrap().clone()
    }
}

/// Reads one request head, its request line then its header lines, up to the blank line;
/// `None` when the stream ends first.
pub fn read_head(reader: &mut impl BufRead) -> Option<Vec<String>> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            return Some(head);
        }
        head.push(line.to_owned());
    }
}

/// Reads one request: its head (as `read_head`) and its body of `Content-Length` bytes;
/// `None` when the stream ends first.
pub fn read_request(reader: &mut impl BufRead) -> Option<(Vec<String>, Vec<u8>)> {
    let head = read_head(reader)?;
    let length = head
        .iter()
        .find_map(|h| h.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

pub fn cstr(text: &str) -> CString {
    CString::new(text).expect("no NUL in test strings")
}

/// Takes ownership of a string the library returned.
pub fn take(ptr: *mut c_char) -> String {
    assert!(!ptr.is_null(), "the output pointer must be set");
    let text = unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned();
    unsafe { ut_free_string(ptr) };
    text
}

pub fn name(code: ut_result) -> String {
    unsafe { CStr::from_ptr(ut_result_name(code)) }.to_string_lossy().into_owned()
}

/// Parses an error document and checks that it has exactly the five documented keys.
pub fn doc(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {text}: {e}"));
    let keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(sorted, ["attempts", "code", "http_status", "message", "result"], "{text}");
    value
}

pub struct Client {
    pub raw: *mut ut_client,
}

unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    pub fn new(config: &str) -> Result<Client, (String, String)> {
        let config = cstr(config);
        let mut raw = ptr::null_mut();
        let mut error = ptr::null_mut();
        let code = unsafe { ut_client_new(config.as_ptr(), &mut raw, &mut error) };
        if code == 0 {
            assert!(error.is_null(), "error_out must be NULL on success");
            Ok(Client { raw })
        } else {
            assert!(raw.is_null(), "client_out must be untouched on failure");
            Err((name(code), take(error)))
        }
    }

    pub fn issue(&self, username: &str, password: &str) -> (String, String) {
        let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(username), cstr(password));
        let mut out = ptr::null_mut();
        let code = unsafe { ut_issue(self.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut out) };
        (name(code), take(out))
    }

    pub fn renew(&self, authorization: &str) -> (String, String) {
        let (v, s, a) = (cstr("6"), cstr(SITE), cstr(authorization));
        let mut out = ptr::null_mut();
        let code = unsafe { ut_renew(self.raw, v.as_ptr(), s.as_ptr(), a.as_ptr(), &mut out) };
        (name(code), take(out))
    }

    pub fn revoke(&self, authorization: &str) -> (String, String) {
        let (v, s, a) = (cstr("6"), cstr(SITE), cstr(authorization));
        let mut out = ptr::null_mut();
        let code = unsafe { ut_revoke(self.raw, v.as_ptr(), s.as_ptr(), a.as_ptr(), &mut out) };
        (name(code), take(out))
    }

    /// Issues with the default staff login and returns the access token.
    pub fn token(&self) -> String {
        let (code, body) = self.issue(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "{body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        value["AccessToken"].as_str().unwrap().to_owned()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { ut_client_free(self.raw) };
    }
}

/// The value of a recorded request's header (names are lowercase in the record).
pub fn header<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request["headers"].as_array()?.iter().find(|pair| pair[0] == name).and_then(|pair| pair[1].as_str())
}

/// Where an async call's outcome lands: its result name and text, once the callback ran.
pub type AsyncSlot = (Mutex<Option<(String, String)>>, std::sync::Condvar);

unsafe extern "C" fn async_done(user_data: *mut std::ffi::c_void, result: ut_result, json: *const c_char) {
    let slot = &*(user_data as *const AsyncSlot);
    let text = CStr::from_ptr(json).to_string_lossy().into_owned();
    *slot.0.lock().unwrap() = Some((name(result), text));
    slot.1.notify_all();
}

impl Client {
    /// `ut_issue_async`, waited for (at most 30 s).
    pub fn issue_async(&self, username: &str, password: &str) -> (String, String) {
        let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(username), cstr(password));
        let slot: Arc<AsyncSlot> = Arc::new((Mutex::new(None), std::sync::Condvar::new()));
        let code = unsafe {
            usertoken::ffi::calls::ut_issue_async(
                self.raw,
                v.as_ptr(),
                s.as_ptr(),
                u.as_ptr(),
                p.as_ptr(),
                Some(async_done),
                Arc::as_ptr(&slot) as *mut std::ffi::c_void,
                ptr::null_mut(),
            )
        };
        assert_eq!(code, 0, "ut_issue_async accepted the call");
        wait_async(&slot)
    }
}

/// Log lines as `"<level> <line>"`, collected from a log callback installed for the life of
/// a `LogCapture`; captures are taken one at a time, since the callback is process-wide.
pub struct LogCapture {
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static CAPTURE_TURN: Mutex<()> = Mutex::new(());
static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

unsafe extern "C" fn capture_line(_: *mut std::ffi::c_void, level: u32, message: *const c_char) {
    let line = CStr::from_ptr(message).to_string_lossy().into_owned();
    CAPTURED.lock().unwrap().push(format!("{level} {line}"));
}

/// Starts collecting log lines up to `max_level`.
pub fn capture_log(max_level: u32) -> LogCapture {
    let turn = CAPTURE_TURN.lock().unwrap_or_else(|p| p.into_inner());
    CAPTURED.lock().unwrap().clear();
    let code = unsafe { usertoken::ffi::log::ut_set_log_callback(Some(capture_line), ptr::null_mut(), max_level) };
    assert_eq!(code, 0);
    LogCapture { _one_at_a_time: turn }
}

impl LogCapture {
    /// Stops collecting and returns the lines.
    pub fn stop(self) -> Vec<String> {
        unsafe { usertoken::ffi::log::ut_set_log_callback(None, ptr::null_mut(), 0) };
        std::mem::take(&mut *CAPTURED.lock().unwrap())
    }
}

/// A session over the C ABI.
pub struct Session(pub *mut usertoken::ffi::session::ut_session);

unsafe impl Send for Session {}
unsafe impl Sync for Session {}

/// The result name and either the session or the error document.
fn made(
    code: ut_result,
    raw: *mut usertoken::ffi::session::ut_session,
    error: *mut c_char,
) -> Result<Session, (String, String)> {
    if code == 0 {
        assert!(error.is_null(), "error_out is NULL on success");
        Ok(Session(raw))
    } else {
        assert!(raw.is_null(), "session_out is untouched on failure");
        Err((name(code), take(error)))
    }
}

impl Session {
    pub fn new(client: &Client, username: &str, password: &str) -> Result<Session, (String, String)> {
        let (v, s, u, p) = (cstr("6"), cstr(SITE), cstr(username), cstr(password));
        let (mut raw, mut error) = (ptr::null_mut(), ptr::null_mut());
        let code = unsafe {
            usertoken::ffi::session::ut_session_new(
                client.raw,
                v.as_ptr(),
                s.as_ptr(),
                u.as_ptr(),
                p.as_ptr(),
                &mut raw,
                &mut error,
            )
        };
        made(code, raw, error)
    }

    /// `ut_session_restore` for `site` and `username` (version 6).
    pub fn restore(
        client: &Client,
        site: &str,
        username: &str,
        password: &str,
        state: &str,
    ) -> Result<Session, (String, String)> {
        let (v, s, u, p, st) = (cstr("6"), cstr(site), cstr(username), cstr(password), cstr(state));
        let (mut raw, mut error) = (ptr::null_mut(), ptr::null_mut());
        let code = unsafe {
            usertoken::ffi::session::ut_session_restore(
                client.raw,
                v.as_ptr(),
                s.as_ptr(),
                u.as_ptr(),
                p.as_ptr(),
                st.as_ptr(),
                &mut raw,
                &mut error,
            )
        };
        made(code, raw, error)
    }

    pub fn token(&self) -> (String, String) {
        let mut out = ptr::null_mut();
        let code = unsafe { usertoken::ffi::session::ut_session_token(self.0, &mut out) };
        (name(code), take(out))
    }

    pub fn ok_token(&self) -> String {
        let (code, token) = self.token();
        assert_eq!(code, "UT_OK", "{token}");
        token
    }

    pub fn revoke(&self) -> (String, String) {
        let mut out = ptr::null_mut();
        let code = unsafe { usertoken::ffi::session::ut_session_revoke(self.0, &mut out) };
        (name(code), take(out))
    }

    pub fn invalidate(&self) -> String {
        name(unsafe { usertoken::ffi::session::ut_session_invalidate(self.0) })
    }

    pub fn export(&self) -> (String, String) {
        let mut out = ptr::null_mut();
        let code = unsafe { usertoken::ffi::session::ut_session_export(self.0, &mut out) };
        (name(code), take(out))
    }

    /// `ut_session_token_async`, started: the slot to wait on, and the request id.
    pub fn token_async(&self) -> (Arc<AsyncSlot>, u64) {
        let slot: Arc<AsyncSlot> = Arc::new((Mutex::new(None), std::sync::Condvar::new()));
        let mut id = 0;
        let code = unsafe {
            usertoken::ffi::session::ut_session_token_async(
                self.0,
                Some(async_done),
                Arc::as_ptr(&slot) as *mut std::ffi::c_void,
                &mut id,
            )
        };
        assert_eq!(code, 0, "ut_session_token_async accepted the call");
        (slot, id)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        unsafe { usertoken::ffi::session::ut_session_free(self.0) };
    }
}

/// Waits (at most 30 s) for an async call's outcome.
pub fn wait_async(slot: &AsyncSlot) -> (String, String) {
    let guard = slot.0.lock().unwrap();
    let (mut guard, _) =
        slot.1.wait_timeout_while(guard, std::time::Duration::from_secs(30), |done| done.is_none()).unwrap();
    guard.take().expect("the callback ran within 30 s")
}

/// `ut_client_stats`, parsed.
pub fn client_stats(client: &Client) -> Value {
    let mut out = ptr::null_mut();
    let code = unsafe { usertoken::ffi::client::ut_client_stats(client.raw, &mut out) };
    assert_eq!(code, 0);
    serde_json::from_str(&take(out)).unwrap()
}
