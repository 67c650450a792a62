//! Sessions: a token kept valid for the caller.

use super::boundary::{arg, guard, handle, with_output};
use super::calls::{publish_id, ut_callback, Delivery};
use super::client::ut_client;
use super::ut_result;
use crate::error::Error;
use crate::session::Session;
use crate::validate;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// A staff login whose token the library keeps valid. Create it with `ut_session_new()` or
/// `ut_session_restore()`, free it with `ut_session_free()`. May be used from any number of
/// threads at once.
pub struct ut_session {
    inner: Arc<Session>,
}

/// The longest session state `ut_session_restore()` reads, in bytes.
const STATE_MAX: usize = 64 * 1024;

/// The checked login of `ut_session_new()` and `ut_session_restore()`.
struct Login<'a> {
    version: &'a str,
    site_id: &'a str,
    username: &'a str,
    password: &'a str,
}

/// Makes the session (unless `session_out` is NULL) and writes it to `*session_out`.
unsafe fn hand_out(
    session_out: *mut *mut ut_session,
    make: impl FnOnce() -> Result<Session, Error>,
) -> Result<Option<String>, Error> {
    if session_out.is_null() {
        return Err(Error::null_argument("session_out"));
    }
    *session_out = Box::into_raw(Box::new(ut_session { inner: Arc::new(make()?) }));
    Ok(None)
}

unsafe fn login<'a>(
    version: *const c_char,
    site_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
) -> Result<Login<'a>, Error> {
    Ok(Login {
        version: validate::version(arg(version, "version", validate::VERSION_MAX)?)?,
        site_id: validate::site_id(arg(site_id, "site_id", validate::SITE_ID_MAX_DIGITS + 1)?)?,
        username: validate::credential("username", arg(username, "username", validate::CREDENTIAL_MAX)?)?,
        password: validate::credential("password", arg(password, "password", validate::CREDENTIAL_MAX)?)?,
    })
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
        let Login { version, site_id, username, password } = login(version, site_id, username, password)?;
        hand_out(session_out, || Session::new(client.inner.clone(), version, site_id, username, password))
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

/// The async form of `ut_session_token()`: it checks its arguments and returns at once (a
/// NULL `session` or `callback` is returned and the callback is never called); otherwise it
/// returns `UT_OK` and `callback(user_data, result, json)` runs exactly once, on a library
/// thread, with what `ut_session_token()` would give: on `UT_OK`, `json` is the bare access
/// token (not JSON); otherwise an error document. `json` is borrowed for the duration of the
/// callback. When the session's client has been freed, it returns `UT_CANCELLED` at once and
/// the callback is never called. A token far from its renewal completes without any
/// request; one that needs a refresh joins the refresh that another caller (blocking or
/// async) already runs, or runs it on the client's threads, never on the caller's. `*request_id_out` (when not NULL)
/// receives the id for `ut_cancel()` before the callback can run; a cancelled request
/// completes with `UT_CANCELLED` while a refresh it started goes on for the session's next
/// callers. Freeing the client completes it with `UT_CANCELLED`; the session must outlive
/// the call (free it only after the callback has run).
///
/// # Safety
/// `session` is NULL or a live session; `user_data` stays valid until the callback has run;
/// `request_id_out` is NULL or points to writable storage.
#[no_mangle]
pub unsafe extern "C" fn ut_session_token_async(
    session: *mut ut_session,
    callback: ut_callback,
    user_data: *mut c_void,
    request_id_out: *mut u64,
) -> ut_result {
    guard(|| {
        let session = handle(session, "session")?;
        let callback = callback.ok_or_else(|| Error::null_argument("callback"))?;
        let delivery = Delivery { callback, user_data };
        session.inner.token_async(publish_id(request_id_out), move |outcome| delivery.deliver(outcome))?;
        Ok(())
    })
}

/// Tells the session that its token was refused (an API call with it answered 401: the
/// sandbox's nightly reset, a migration): the session forgets the token without sending
/// anything, and the next `ut_session_token()` issues a new one (one issue, however many
/// threads ask at once). Returns `UT_OK`, or `UT_NULL_ARGUMENT` for a NULL `session`.
///
/// # Safety
/// `session` is NULL or a live session.
#[no_mangle]
pub unsafe extern "C" fn ut_session_invalidate(session: *mut ut_session) -> ut_result {
    guard(|| {
        handle(session, "session")?.inner.invalidate();
        Ok(())
    })
}

/// Writes the session's state to `*state_out` as a JSON object, so that another process can
/// go on with the same token through `ut_session_restore()` instead of issuing its own:
/// `{"access_token","expires","renewals","version","site_id","username"}`, never the
/// password. **The state holds a live bearer token: store it as a secret** (a file only its
/// owner can read, a secrets store), and never log it. After a revoke or an invalidate, or
/// once the token has expired, the session first gets a new token (as `ut_session_token()`
/// would), so what is written is always usable. Free `*state_out`
/// with `ut_free_string()` (which zeroes it). On failure `*state_out` is an error document.
/// A NULL `state_out` returns `UT_NULL_ARGUMENT` and does nothing else.
///
/// # Safety
/// `session` is NULL or a live session; `state_out` is NULL or points to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn ut_session_export(session: *mut ut_session, state_out: *mut *mut c_char) -> ut_result {
    with_output(state_out, || {
        let session = handle(session, "session")?;
        session.inner.export().map(|state| Some(state.to_string()))
    })
}

/// Creates a session from the credentials and a `state` written by `ut_session_export()`
/// (in this process or another). While the saved token is unexpired and was issued for this
/// `version`, `site_id` and `username`, it is used as it is: no request is sent, and the
/// renewals it has used still count, and the password is not checked until the session next
/// needs to issue (a wrong one fails then). `site_id` is compared as written. Otherwise
/// (expired, or another login) a new token is issued at once, as `ut_session_new()` does, and
/// its failure is returned. A `state` that
/// is not such a JSON object (or longer than 64 KiB) is `UT_INVALID_ARGUMENT` naming `state`.
/// Outputs, ownership and the other arguments are as for `ut_session_new()`.
///
/// # Safety
/// As `ut_session_new()`; `state` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ut_session_restore(
    client: *const ut_client,
    version: *const c_char,
    site_id: *const c_char,
    username: *const c_char,
    password: *const c_char,
    state: *const c_char,
    session_out: *mut *mut ut_session,
    error_out: *mut *mut c_char,
) -> ut_result {
    with_output(error_out, || {
        let client = handle(client, "client")?;
        let Login { version, site_id, username, password } = login(version, site_id, username, password)?;
        let state = arg(state, "state", STATE_MAX)?;
        if state.len() > STATE_MAX {
            return Err(Error::invalid_argument("state", "is too long (more than 65536 bytes)"));
        }
        let state = std::str::from_utf8(state).map_err(|_| Error::invalid_argument("state", "is not valid UTF-8"))?;
        hand_out(session_out, || Session::restore(client.inner.clone(), version, site_id, username, password, state))
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
        let _ = crate::panics::inside(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(session))));
    }
}
