//! Creating and freeing a client.

use super::boundary::{arg, handle, with_output};
use super::ut_result;
use crate::client::Client;
use crate::config::{Config, MAX_CONFIG_BYTES};
use crate::error::Error;
use std::ffi::c_char;
use std::sync::Arc;

/// A configured client: its settings, its runtime threads and its connections.
/// Create it with `ut_client_new()`, free it with `ut_client_free()`. One client may be used
/// from any number of threads at once. Async calls run on the client's `worker_threads`;
/// a blocking call runs on the calling thread itself, which keeps its own connections to
/// the API for this client (as a reused curl handle would), ended when the thread exits or
/// the client is freed.
pub struct ut_client {
    pub(crate) inner: Arc<Client>,
}

/// Creates a client.
///
/// `config_json` is NULL (every default) or a JSON object with any of the keys `base_url`,
/// `api_key`, `timeout_ms`, `connect_timeout_ms`, `max_retries`, `retry_base_ms`,
/// `retry_max_ms`, `user_agent`, `proxy`, `ca_file`, `allow_http`, `max_response_bytes`,
/// `worker_threads`, `session_renew_margin_s` (see the README for defaults; `base_url` and
/// `api_key` fall back to the environment variables `MINDBODY_BASE_URL` and
/// `MINDBODY_API_KEY`). An unknown key, a wrong type, an out-of-range value, malformed JSON
/// (the empty string included), no API key at all, a `ca_file` that cannot be read or holds
/// no usable PEM certificate, `api_key` or `user_agent` with anything but printable ASCII,
/// or plain `http://` to a host that is not loopback without `"allow_http": true` give
/// `UT_INVALID_CONFIG`, with the key named in the error document. `ca_file` is read here,
/// once: the client never needs the file again. Without `proxy`, the environment's proxy
/// settings (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) apply, except to a loopback
/// `base_url`, which is always reached directly.
///
/// On `UT_OK`, `*client_out` receives the client and `*error_out` is set to NULL.
/// On failure `*client_out` is left untouched and `*error_out` receives an error document
/// (free it with `ut_free_string()`). A NULL `error_out` returns `UT_NULL_ARGUMENT` and does
/// nothing else; a NULL `client_out` returns `UT_NULL_ARGUMENT` with a document.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `client_out` and `error_out` are NULL or
/// point to writable pointers.
#[no_mangle]
pub unsafe extern "C" fn ut_client_new(
    config_json: *const c_char,
    client_out: *mut *mut ut_client,
    error_out: *mut *mut c_char,
) -> ut_result {
    with_output(error_out, || {
        if client_out.is_null() {
            return Err(Error::null_argument("client_out"));
        }
        let json = if config_json.is_null() {
            None
        } else {
            let bytes = arg(config_json, "config_json", MAX_CONFIG_BYTES)?;
            if bytes.len() > MAX_CONFIG_BYTES {
                return Err(Error::invalid_config("config_json is too long (more than 1 MiB)"));
            }
            Some(std::str::from_utf8(bytes).map_err(|_| Error::invalid_config("config_json is not valid UTF-8"))?)
        };
        let config = Config::parse(json, |name| std::env::var(name).ok())?;
        let client = Client::new(config)?;
        *client_out = Box::into_raw(Box::new(ut_client { inner: client }));
        Ok(None)
    })
}

/// Frees a client. NULL is a no-op.
///
/// Every async request of this client still pending completes with `UT_CANCELLED` before
/// this returns (those callbacks run on the calling thread); callbacks already running on
/// library threads are given up to 0.9 s to finish; the runtime threads are stopped without
/// being waited for. It returns within 1 s and may be called from inside one of the client's
/// own callbacks. Sessions made from this client must be freed too; until then their calls
/// return `UT_CANCELLED`.
///
/// # Safety
/// `client` is NULL or a client from `ut_client_new()` not yet freed; no other thread may
/// use it during or after this call.
#[no_mangle]
pub unsafe extern "C" fn ut_client_free(client: *mut ut_client) {
    if client.is_null() {
        return;
    }
    let client = Box::from_raw(client);
    let _ = crate::panics::inside(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| client.inner.close())));
}

/// Writes to `*json_out` what this client has done since it was made, as a JSON object with
/// one member per call, sessions' calls included:
/// `{"issue":{"calls":2,"requests":3,"failures":{"UT_DENIED":1}},"renew":{...},"revoke":{...}}`.
/// `calls` counts the calls that passed argument checks; `requests` the HTTP requests they
/// sent, retries included (what the API counts against the site and key); `failures` the
/// calls that did not end in `UT_OK`, by result name (only names that occurred; a call
/// cancelled or cut short by `ut_client_free()` counts as `UT_CANCELLED`). The counts are
/// read without stopping other threads, so calls in flight may or may not be in them.
/// Free `*json_out` with `ut_free_string()`; a NULL `json_out` returns `UT_NULL_ARGUMENT`
/// and does nothing else.
///
/// # Safety
/// `client` is NULL or a live client; `json_out` is NULL or points to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn ut_client_stats(client: *const ut_client, json_out: *mut *mut c_char) -> ut_result {
    with_output(json_out, || Ok(Some(handle(client, "client")?.inner.stats.to_json())))
}
