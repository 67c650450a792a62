//! Sessions: a token kept valid for the caller.

use super::boundary::{arg, handle, with_output};
use super::client::ut_client;
use super::ut_result;
use crate::error::Error;
use crate::session::Session;
use crate::validate;
use std::ffi::c_char;

/// A staff login whose token the library keeps valid. Create it with `ut_session_new()`,
/// free it with `ut_session_free()`. May be used from any number of threads at once.
pub struct ut_session {
    inner: Session,
}

/// Creates a session: issues a token at once with `username` and `password` (validated as
/// for `ut_issue()`), and keeps copies of the credentials, zeroed when the session is freed.
///
/// On `UT_OK`, `*session_out` receives the session and `*error_out` is set to NULL. On
/// failure (the issue's own failure is returned as is) `*session_out` is untouched and
/// `*error_out` receives an error document to free with `ut_free_string()`. A NULL
/// `error_out` returns `UT_NULL_ARGUMENT` and does nothing else. The session holds a
/// reference to `client`'s settings; free sessions before or after their client, but once the
/// client is freed their calls return `UT_CANCELLED`.
///
/// # Safety
/// `client` is NULL or a live client; strings are NULL or NUL-terminated; `session_out` and
/// `error_out` are NULL or point to writable pointers.
#[no_mangle]
pub unsafe extern "C" fn ut_session_new(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    session_out: *mut *mut ut_session,
    error_out: *mut *mut c_char,
) -> ut_result {
    with_output(error_out, || {
        let client = handle(client, "client")?;
        let version = validate::version(arg(version, "version", validate::VERSION_MAX)?)?;
        let site_id = validate::site_id(arg(site_id, "site_id", validate::SITE_ID_MAX_DIGITS + 1)?)?;
        let username = validate::credential("username", arg(username, "username", validate::CREDENTIAL_MAX)?)?;
        let password = validate::credential("password", arg(password, "password", validate::CREDENTIAL_MAX)?)?;
        if session_out.is_null() {
            return Err(Error::null_argument("session_out"));
        }
        let session = Session::new(client.inner.clone(), version, site_id, username, password)?;
        *session_out = Box::into_raw(Box::new(ut_session { inner: session }));
        Ok(None)
    })
}

/// Writes a valid access token (the bare token, not JSON) to `*token_out`.
///
/// While more than `session_renew_margin_s` of the token's life is left this sends nothing.
/// Inside the margin it renews the token (taking `AccessToken` and `Expires` from the renew
/// answer when present, else adding 24 h); after 7 renewals, or when a renew is denied, it
/// issues a new one. Concurrent callers share one refresh. When a refresh fails while the
/// current token has not yet expired, that token is returned with `UT_OK`; otherwise the
/// failure is returned with an error document. Free `*token_out` with `ut_free_string()`.
/// A NULL `token_out` returns `UT_NULL_ARGUMENT` and does nothing else.
///
/// # Safety
/// `session` is NULL or a live session; `token_out` is NULL or points to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn ut_session_token(session: *mut ut_session, token_out: *mut *mut c_char) -> ut_result {
    with_output(token_out, || {
        let session = handle(session, "session")?;
        session.inner.token().map(|token| Some(token.to_string()))
    })
}

/// Revokes the session's current token; the next `ut_session_token()` issues a new one.
/// `*json_out` is as for `ut_revoke()`; `{}` with no request when there is no current token
/// (it was already revoked). A denied revoke also drops the token, since it cannot be used.
///
/// # Safety
/// As `ut_session_token()`.
#[no_mangle]
pub unsafe extern "C" fn ut_session_revoke(session: *mut ut_session, json_out: *mut *mut c_char) -> ut_result {
    with_output(json_out, || {
        let session = handle(session, "session")?;
        session.inner.revoke().map(Some)
    })
}

/// Frees a session, zeroing its credentials and token. Sends nothing (the token stays valid
/// at the API until it expires; call `ut_session_revoke()` first to end it). NULL is a no-op.
///
/// # Safety
/// `session` is NULL or a live session that no other thread uses during or after this call.
#[no_mangle]
pub unsafe extern "C" fn ut_session_free(session: *mut ut_session) {
    if !session.is_null() {
        let session = Box::from_raw(session);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(session)));
    }
}
