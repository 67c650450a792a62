//! The library's C ABI as the soak calls it: owned strings taken and freed, and async calls
//! whose callback owns its channel (the waiter may see the result before the callback
//! returns).

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;
use std::sync::mpsc;
use std::time::Duration;
use usertoken::ffi::calls::*;
use usertoken::ffi::client::{ut_client, ut_client_free, ut_client_new};
use usertoken::ffi::info::{ut_free_string, ut_result_name};
use usertoken::ffi::session::*;
use usertoken::ffi::ut_result;

pub const SITE: &str = "-99";
pub const USERNAME: &str = "Siteowner";
pub const PASSWORD: &str = "apitest1234";

pub fn name(code: ut_result) -> &'static str {
    unsafe { CStr::from_ptr(ut_result_name(code)) }.to_str().unwrap_or("UT_UNKNOWN")
}

fn c(text: &str) -> CString {
    CString::new(text).expect("no NUL")
}

fn take(ptr: *mut c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    let text = unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned();
    unsafe { ut_free_string(ptr) };
    text
}

pub struct Client(pub *mut ut_client);

// A client is made to be shared by threads.
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    pub fn new(config: &str) -> Result<Client, String> {
        let (mut raw, mut error) = (ptr::null_mut(), ptr::null_mut());
        let code = unsafe { ut_client_new(c(config).as_ptr(), &mut raw, &mut error) };
        if code == 0 {
            Ok(Client(raw))
        } else {
            Err(format!("{} {}", name(code), take(error)))
        }
    }

    pub fn issue(&self, version: &str) -> (ut_result, String) {
        let (v, s, u, p) = (c(version), c(SITE), c(USERNAME), c(PASSWORD));
        let mut out = ptr::null_mut();
        let code = unsafe { ut_issue(self.0, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut out) };
        (code, take(out))
    }

    pub fn renew(&self, authorization: &str) -> (ut_result, String) {
        let (v, s, a) = (c("6"), c(SITE), c(authorization));
        let mut out = ptr::null_mut();
        let code = unsafe { ut_renew(self.0, v.as_ptr(), s.as_ptr(), a.as_ptr(), &mut out) };
        (code, take(out))
    }

    pub fn revoke(&self, authorization: &str) -> (ut_result, String) {
        let (v, s, a) = (c("6"), c(SITE), c(authorization));
        let mut out = ptr::null_mut();
        let code = unsafe { ut_revoke(self.0, v.as_ptr(), s.as_ptr(), a.as_ptr(), &mut out) };
        (code, take(out))
    }

    /// Starts an async call (0 issue, 1 renew, 2 revoke); the receiver gets its one result.
    /// `Err` is the code of a call refused at once.
    pub fn start_async(&self, which: u8, authorization: &str) -> Result<(u64, mpsc::Receiver<ut_result>), ut_result> {
        let (tx, rx) = mpsc::channel();
        let user_data = Box::into_raw(Box::new(tx)) as *mut c_void;
        let (v, s, u, p, a) = (c("6"), c(SITE), c(USERNAME), c(PASSWORD), c(authorization));
        let mut id = 0;
        let code = unsafe {
            match which {
                0 => ut_issue_async(
                    self.0,
                    v.as_ptr(),
                    s.as_ptr(),
                    u.as_ptr(),
                    p.as_ptr(),
                    Some(deliver),
                    user_data,
                    &mut id,
                ),
                1 => ut_renew_async(self.0, v.as_ptr(), s.as_ptr(), a.as_ptr(), Some(deliver), user_data, &mut id),
                _ => ut_revoke_async(self.0, v.as_ptr(), s.as_ptr(), a.as_ptr(), Some(deliver), user_data, &mut id),
            }
        };
        if code != 0 {
            drop(unsafe { Box::from_raw(user_data as *mut mpsc::Sender<ut_result>) });
            return Err(code);
        }
        Ok((id, rx))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { ut_client_free(self.0) };
    }
}

/// Takes ownership of its sender: a second call for one request would be a double free,
/// which the soak would see as a crash.
unsafe extern "C" fn deliver(user_data: *mut c_void, result: ut_result, json: *const c_char) {
    let sender = Box::from_raw(user_data as *mut mpsc::Sender<ut_result>);
    assert!(!json.is_null());
    let _ = sender.send(result);
}

pub fn cancel(id: u64) -> ut_result {
    ut_cancel(id)
}

pub fn wait(rx: &mpsc::Receiver<ut_result>, bound: Duration) -> Option<ut_result> {
    rx.recv_timeout(bound).ok()
}

pub struct Session(*mut ut_session);

impl Session {
    pub fn new(client: &Client) -> Result<Session, ut_result> {
        let (v, s, u, p) = (c("6"), c(SITE), c(USERNAME), c(PASSWORD));
        let (mut raw, mut error) = (ptr::null_mut(), ptr::null_mut());
        let code =
            unsafe { ut_session_new(client.0, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut raw, &mut error) };
        take(error);
        if code == 0 {
            Ok(Session(raw))
        } else {
            Err(code)
        }
    }

    pub fn token(&self) -> ut_result {
        let mut out = ptr::null_mut();
        let code = unsafe { ut_session_token(self.0, &mut out) };
        take(out);
        code
    }

    pub fn revoke(&self) -> ut_result {
        let mut out = ptr::null_mut();
        let code = unsafe { ut_session_revoke(self.0, &mut out) };
        take(out);
        code
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        unsafe { ut_session_free(self.0) };
    }
}
