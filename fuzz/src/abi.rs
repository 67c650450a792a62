//! The library through its C ABI, as a C program would call it: one client for the process,
//! pointed at the stub server.

use super::stub::Stub;
use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::OnceLock;
use usertoken::ffi::calls::{ut_issue, ut_renew, ut_revoke};
use usertoken::ffi::client::{ut_client, ut_client_new};
use usertoken::ffi::info::{ut_free_string, ut_result_name};

/// Secrets long and random enough that they can only appear in a result by being echoed.
pub const API_KEY: &str = "fuzz-key-5f3c9a07e2";
pub const PASSWORD: &str = "fuzz-pass-8d2e71c4b9";
pub const TOKEN: &str = "fuzz-token-b41d07e96a";
pub const MAX_BODY: usize = 4096;

pub struct Harness {
    pub stub: Stub,
    client: *mut ut_client,
}

// The client is made for sharing between threads; the pointer is never freed.
unsafe impl Send for Harness {}
unsafe impl Sync for Harness {}

pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let stub = Stub::start();
        // One attempt per call, so every request the stub sees belongs to the call just made.
        let config = format!(
            r#"{{"base_url":"{}","api_key":"{API_KEY}","max_retries":0,"timeout_ms":10000,"max_response_bytes":{MAX_BODY}}}"#,
            stub.url()
        );
        let config = CString::new(config).unwrap();
        let (mut client, mut error) = (ptr::null_mut(), ptr::null_mut());
        let code = unsafe { ut_client_new(config.as_ptr(), &mut client, &mut error) };
        assert_eq!(code, 0, "the harness client: {:?}", take(error));
        Harness { stub, client }
    })
}

/// `ut_issue` (0), `ut_renew` (1) or `ut_revoke` (2) with `args` after `version, site_id`.
/// Returns the result's name and the bytes of `*json_out`.
pub fn call(which: u8, version: &[u8], site_id: &[u8], args: &[&[u8]]) -> (&'static str, Vec<u8>) {
    let client = harness().client;
    let c = |bytes: &[u8]| CString::new(bytes).expect("fields never hold a NUL");
    let (v, s) = (c(version), c(site_id));
    let args: Vec<CString> = args.iter().map(|a| c(a)).collect();
    let mut out = ptr::null_mut();
    let code = unsafe {
        match which {
            0 => ut_issue(client, v.as_ptr(), s.as_ptr(), args[0].as_ptr(), args[1].as_ptr(), &mut out),
            1 => ut_renew(client, v.as_ptr(), s.as_ptr(), args[0].as_ptr(), &mut out),
            _ => ut_revoke(client, v.as_ptr(), s.as_ptr(), args[0].as_ptr(), &mut out),
        }
    };
    let name = unsafe { CStr::from_ptr(ut_result_name(code)) }.to_str().unwrap();
    (name, take(out).expect("json_out is always set"))
}

fn take(ptr: *mut c_char) -> Option<Vec<u8>> {
    if ptr.is_null() {
        return None;
    }
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes().to_vec();
    unsafe { ut_free_string(ptr) };
    Some(bytes)
}

/// The secrets a call holds (and so could leak): the API key, and the password for issue
/// (0) or the token for renew and revoke.
pub fn secrets_of(which: u8) -> [&'static str; 2] {
    [API_KEY, if which == 0 { PASSWORD } else { TOKEN }]
}

/// An error document: exactly the five keys, `result` naming `code`, and none of `secrets`
/// in any of its values.
pub fn check_document(code: &str, out: &[u8], secrets: &[&str]) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_slice(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"));
    let mut keys: Vec<&str> = doc.as_object().expect("an object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["attempts", "code", "http_status", "message", "result"], "{doc}");
    assert_eq!(doc["result"], code, "{doc}");
    for value in [&doc["message"], &doc["code"]] {
        let text = value.as_str().unwrap_or_default();
        for secret in secrets {
            assert!(!text.contains(secret), "a secret in the error document: {doc}");
        }
    }
    doc
}
