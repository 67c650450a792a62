//! `ut_issue`, `ut_renew`, `ut_revoke`, their async forms, and `ut_cancel`.

use super::boundary::{arg, c_string, guard, handle, with_output};
use super::client::ut_client;
use super::{ut_result, UT_NOT_FOUND, UT_OK};
use crate::calls::{Operation, Request};
use crate::error::Error;
use crate::log::Lines;
use crate::pending;
use crate::validate;
use std::ffi::{c_char, c_void};
use zeroize::Zeroizing;

/// Called once per accepted async request, on a library thread (or, for requests cancelled by
/// `ut_client_free()`, on the thread that frees the client). `json` is what the blocking call
/// would have written to its `json_out`: the result on `UT_OK`, an error document otherwise.
/// It is borrowed: valid only until the callback returns, never freed by the callee.
/// A callback may call any function of this library, blocking ones and `ut_client_free()`
/// included. It must return normally: leaving it by `longjmp`, `pthread_exit` or a C++
/// exception is undefined behaviour (most likely an abort).
pub type ut_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, result: ut_result, json: *const c_char)>;

unsafe fn target(version: *const c_char, site_id: *const c_char) -> Result<(String, String), Error> {
    let version = validate::version(arg(version, "version", validate::VERSION_MAX)?)?;
    let site_id = validate::site_id(arg(site_id, "site_id", validate::SITE_ID_MAX_DIGITS + 1)?)?;
    Ok((version.to_owned(), site_id.to_owned()))
}

unsafe fn issue_request(
    version: *const c_char,
    site_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
) -> Result<Request, Error> {
    let (version, site_id) = target(version, site_id)?;
    let username = validate::credential("username", arg(username, "username", validate::CREDENTIAL_MAX)?)?;
    let password = validate::credential("password", arg(password, "password", validate::CREDENTIAL_MAX)?)?;
    let operation = Operation::Issue { username: username.to_owned(), password: Zeroizing::new(password.to_owned()) };
    Ok(Request { version, site_id, operation, also_hide: Vec::new(), log: Lines::default() })
}

unsafe fn token_request(
    version: *const c_char,
    site_id: *const c_char,
    authorization: *const c_char,
    renew: bool,
) -> Result<Request, Error> {
    let (version, site_id) = target(version, site_id)?;
    let authorization = validate::authorization(arg(authorization, "authorization", validate::AUTHORIZATION_MAX)?)?;
    let authorization = Zeroizing::new(authorization.to_owned());
    let operation = if renew { Operation::Renew { authorization } } else { Operation::Revoke { authorization } };
    Ok(Request { version, site_id, operation, also_hide: Vec::new(), log: Lines::default() })
}

/// The body of every blocking call: check the client, build the request, run it.
unsafe fn blocking(
    client: *const ut_client,
    request: impl FnOnce() -> Result<Request, Error>,
    json_out: *mut *mut c_char,
) -> ut_result {
    with_output(json_out, || {
        let client = handle(client, "client")?;
        client.inner.call(request()?).map(Some)
    })
}

/// Issues a staff user token: `POST {base_url}/public/v{version}/usertoken/issue` with
/// `{"Username": username, "Password": password}`, retried as the configuration says.
///
/// Arguments: `version` 1–16 bytes of `[A-Za-z0-9._-]` (`"6"`); `site_id` an integer of 1–18
/// digits with an optional leading `-` (`"-99"`); `username` and `password` valid UTF-8 of
/// 1–4096 bytes, any characters (they reach the server byte-exact, JSON-escaped).
/// Anything else returns `UT_NULL_ARGUMENT` or `UT_INVALID_ARGUMENT` without a request.
///
/// On `UT_OK`, `*json_out` is the response body exactly as received: a JSON object with a
/// string `AccessToken` (else `UT_DECODE`). On any other result it is an error document
/// `{"result","message","http_status","code","attempts"}` that never holds the password, a
/// token or the API key. Either way free it with `ut_free_string()`. A NULL `json_out` returns
/// `UT_NULL_ARGUMENT` and does nothing else.
///
/// # Safety
/// `client` is NULL or a live client; each string is NULL or NUL-terminated; `json_out` is
/// NULL or points to a writable pointer. Safe to call from any thread, also from a callback.
#[no_mangle]
pub unsafe extern "C" fn ut_issue(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    json_out: *mut *mut c_char,
) -> ut_result {
    blocking(client, || issue_request(version, site_id, username, password), json_out)
}

/// Renews a token: `POST .../usertoken/renew` with `Authorization: authorization`, sent
/// exactly as given. The API documents no scheme: send the bare token, as sessions do
/// (whether it also takes `Bearer <token>` is unknown). The API extends the token by 24 h
/// from its current expiry, at most 7 times. Its answer is undocumented; when it carries an
/// `AccessToken`, use that token from then on (it may differ from the one renewed).
///
/// `authorization` is 1–8192 bytes of printable ASCII (no CR, LF or other control bytes).
/// On `UT_OK`, `*json_out` is the response body as received, or `{}` when it was empty; a
/// body that is not JSON is `UT_DECODE`. Otherwise as `ut_issue()`.
///
/// # Safety
/// As `ut_issue()`.
#[no_mangle]
pub unsafe extern "C" fn ut_renew(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    authorization: *const c_char,
    json_out: *mut *mut c_char,
) -> ut_result {
    blocking(client, || token_request(version, site_id, authorization, true), json_out)
}

/// Revokes a token: `DELETE .../usertoken/revoke` with `Authorization: authorization`.
/// Arguments and output as `ut_renew()`.
///
/// # Safety
/// As `ut_issue()`.
#[no_mangle]
pub unsafe extern "C" fn ut_revoke(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    authorization: *const c_char,
    json_out: *mut *mut c_char,
) -> ut_result {
    blocking(client, || token_request(version, site_id, authorization, false), json_out)
}

/// The caller's callback and its context, carried to whichever thread completes the request.
pub(super) struct Delivery {
    pub(super) callback: unsafe extern "C" fn(*mut c_void, ut_result, *const c_char),
    pub(super) user_data: *mut c_void,
}

// SAFETY: the caller hands `user_data` to the library to be used on library threads; that is
// the documented contract of every async call.
unsafe impl Send for Delivery {}

impl Delivery {
    pub(super) fn deliver(self, outcome: Result<String, Error>) {
        let (code, text) = match outcome.and_then(c_string) {
            Ok(text) => (UT_OK, text),
            Err(error) => (error.code as ut_result, c_string(error.to_document()).unwrap_or_default()),
        };
        // SAFETY: the callback and its user_data are the caller's, called exactly once.
        unsafe { (self.callback)(self.user_data, code, text.as_ptr()) };
    }
}

/// Writes a request's id to `*request_id_out`, when the caller gave one.
pub(super) unsafe fn publish_id(request_id_out: *mut u64) -> impl FnOnce(u64) {
    move |id| {
        if !request_id_out.is_null() {
            *request_id_out = id;
        }
    }
}

unsafe fn submit(
    client: *const ut_client,
    request: impl FnOnce() -> Result<Request, Error>,
    callback: ut_callback,
    user_data: *mut c_void,
    request_id_out: *mut u64,
) -> ut_result {
    guard(|| {
        let client = handle(client, "client")?;
        let request = request()?;
        let callback = callback.ok_or_else(|| Error::null_argument("callback"))?;
        let delivery = Delivery { callback, user_data };
        client.inner.call_async(request, publish_id(request_id_out), move |outcome| delivery.deliver(outcome))?;
        Ok(())
    })
}

/// The async form of `ut_issue()`. It validates its arguments and returns at once: an invalid
/// one (or a NULL `client` or `callback`) is returned and the callback is never called.
/// Otherwise it returns `UT_OK` and `callback(user_data, result, json)` runs exactly once
/// later with the result and text the blocking call would give. `*request_id_out` (when not
/// NULL) receives the request's id for `ut_cancel()` before the callback can run.
///
/// # Safety
/// As `ut_issue()`; `user_data` must stay valid until the callback has run.
#[no_mangle]
pub unsafe extern "C" fn ut_issue_async(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    callback: ut_callback,
    user_data: *mut c_void,
    request_id_out: *mut u64,
) -> ut_result {
    let request = || issue_request(version, site_id, username, password);
    submit(client, request, callback, user_data, request_id_out)
}

/// The async form of `ut_renew()`; behaves as `ut_issue_async()`.
///
/// # Safety
/// As `ut_issue_async()`.
#[no_mangle]
pub unsafe extern "C" fn ut_renew_async(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    authorization: *const c_char,
    callback: ut_callback,
    user_data: *mut c_void,
    request_id_out: *mut u64,
) -> ut_result {
    let request = || token_request(version, site_id, authorization, true);
    submit(client, request, callback, user_data, request_id_out)
}

/// The async form of `ut_revoke()`; behaves as `ut_issue_async()`.
///
/// # Safety
/// As `ut_issue_async()`.
#[no_mangle]
pub unsafe extern "C" fn ut_revoke_async(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    authorization: *const c_char,
    callback: ut_callback,
    user_data: *mut c_void,
    request_id_out: *mut u64,
) -> ut_result {
    let request = || token_request(version, site_id, authorization, false);
    submit(client, request, callback, user_data, request_id_out)
}

/// Cancels a pending async request: it completes with `UT_CANCELLED` (its callback runs on a
/// library thread, possibly after this returns) and its HTTP exchange is abandoned.
/// Returns `UT_OK`, or `UT_NOT_FOUND` when no pending request has that id (never issued,
/// already completed, or its client freed). Ids are never reused, so a stale id is safe.
#[no_mangle]
pub extern "C" fn ut_cancel(request_id: u64) -> ut_result {
    let mut found = false;
    let code = guard(|| {
        found = pending::cancel(request_id);
        Ok(())
    });
    match (code, found) {
        (UT_OK, false) => UT_NOT_FOUND,
        _ => code,
    }
}
