//! One HTTP request with its retries: attempts bounded by `timeout_ms`, bodies bounded by
//! `max_response_bytes`, failures mapped to result codes, secrets kept out of every message.

use crate::config::Config;
use crate::error::{redact, Error};
use crate::log::{self, Level};
use crate::result::Code;
use crate::retry::{is_retryable_status, parse_retry_after, Decision, RetryPolicy};
use bytes::Bytes;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use std::time::{Instant, SystemTime};

/// A request ready to send as many times as the retry policy allows.
pub struct Prepared {
    /// `issue`, `renew` or `revoke`, for messages and log lines.
    pub call: &'static str,
    pub method: Method,
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
}

/// A complete answer from the server.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: Vec<u8>,
    /// The body went past `max_response_bytes`; `body` holds only its first part.
    truncated: bool,
}

enum Failure {
    Connect(String),
    Timeout,
}

/// Sends `request` until a 2xx answer (whose body `accept` turns into the result), a final
/// failure, or the last retry. `secrets` are removed from any text the server sends back.
pub async fn send(
    http: &reqwest::Client,
    config: &Config,
    request: &Prepared,
    secrets: &[&str],
    accept: impl FnOnce(Vec<u8>) -> Result<String, Error>,
) -> Result<String, Error> {
    let policy = RetryPolicy { max_retries: config.max_retries, base: config.retry_base, max: config.retry_max };
    let call = request.call;
    let mut attempts = 0;
    loop {
        attempts += 1;
        log::emit(Level::Debug, || format!("{call}: attempt {attempts}: {} {}", request.method, request.url));
        let started = Instant::now();
        let (error, retry_after) = match attempt(http, config, request).await {
            Ok(answer) if answer.status.is_success() => {
                let elapsed = started.elapsed().as_millis();
                log::emit(Level::Info, || {
                    format!("{call}: attempt {attempts}: HTTP {} in {elapsed} ms", answer.status.as_u16())
                });
                let status = answer.status.as_u16();
                let outcome = if answer.truncated {
                    let limit = config.max_response_bytes;
                    Err(Error::new(
                        Code::Decode,
                        format!("{call}: the response body is larger than max_response_bytes ({limit})"),
                    ))
                } else {
                    accept(answer.body)
                };
                // The status applies: the server answered, with a body that is not as promised.
                return outcome.map_err(|mut error| {
                    error.http_status = Some(status);
                    fail(call, error, attempts)
                });
            }
            Ok(answer) => {
                let retry_after = answer.retry_after.as_deref().and_then(|v| parse_retry_after(v, SystemTime::now()));
                (status_error(call, &answer, secrets), retry_after)
            }
            Err(Failure::Timeout) => (
                Error::new(
                    Code::Timeout,
                    format!("{call}: no full response within timeout_ms ({} ms)", config.timeout.as_millis()),
                ),
                None,
            ),
            Err(Failure::Connect(why)) => {
                (Error::new(Code::Connect, format!("{call}: {}", redact(&why, secrets))), None)
            }
        };
        let retryable = error.http_status.map_or(true, is_retryable_status);
        let mut error = error;
        if retryable {
            match policy.decide(attempts - 1, retry_after) {
                Decision::RetryAfter(wait) => {
                    log::emit(Level::Warn, || {
                        format!(
                            "{call}: attempt {attempts} failed ({}); retrying in {} ms",
                            error.message,
                            wait.as_millis()
                        )
                    });
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Decision::GiveUp => {
                    if let Some(wait) = retry_after.filter(|w| *w > policy.max && attempts <= policy.max_retries) {
                        error.message.push_str(&format!(
                            " (the server asked to retry after {} s, longer than retry_max_ms)",
                            wait.as_secs()
                        ));
                    }
                }
            }
        }
        return Err(fail(call, error, attempts));
    }
}

fn fail(call: &str, mut error: Error, attempts: u32) -> Error {
    error.attempts = attempts;
    log::emit(Level::Error, || format!("{call}: failed after {attempts} attempt(s): {error}"));
    error
}

/// One attempt, bounded as a whole (connection, headers and a trickling body) by `timeout_ms`.
async fn attempt(http: &reqwest::Client, config: &Config, request: &Prepared) -> Result<Answer, Failure> {
    let work = async {
        // Built whole rather than through a RequestBuilder, which would merge the headers in
        // one by one.
        let mut outgoing = reqwest::Request::new(request.method.clone(), request.url.clone());
        *outgoing.headers_mut() = request.headers.clone();
        *outgoing.body_mut() = request.body.clone().map(reqwest::Body::from);
        let mut response = http.execute(outgoing).await.map_err(|e| transport_failure(e, config))?;
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let limit = config.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Ok(Answer { status, retry_after, body: Vec::new(), truncated: true });
        }
        // One byte more than announced: room for the NUL that makes the body a C string.
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize + 1);
        while let Some(chunk) = response.chunk().await.map_err(|e| transport_failure(e, config))? {
            if body.len() + chunk.len() > limit {
                let room = limit - body.len();
                body.extend_from_slice(&chunk[..room]);
                return Ok(Answer { status, retry_after, body, truncated: true });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, retry_after, body, truncated: false })
    };
    match tokio::time::timeout(config.timeout, work).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Failure::Timeout),
    }
}

fn transport_failure(error: reqwest::Error, config: &Config) -> Failure {
    match (error.is_connect(), error.is_timeout()) {
        (false, true) => return Failure::Timeout,
        (true, true) => {
            let limit = config.connect_timeout.as_millis();
            return Failure::Connect(format!("no connection within connect_timeout_ms ({limit} ms)"));
        }
        _ => {}
    }
    // The URL holds nothing secret, but the chain below already says what failed.
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    Failure::Connect(text)
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Error")]
    error: EnvelopeError,
}

#[derive(Deserialize)]
struct EnvelopeError {
    #[serde(rename = "Message")]
    message: Option<String>,
    #[serde(rename = "Code")]
    code: Option<String>,
}

/// Maps a non-2xx answer to its result code, keeping the API's `Error.Message`/`Error.Code`.
fn status_error(call: &str, answer: &Answer, secrets: &[&str]) -> Error {
    let status = answer.status.as_u16();
    let code = match status {
        401 | 403 => Code::Denied,
        429 => Code::RateLimited,
        500..=599 => Code::ServerError,
        _ => Code::HttpError,
    };
    let envelope = serde_json::from_slice::<Envelope>(&answer.body).ok().map(|e| e.error);
    let reason = answer.status.canonical_reason().unwrap_or("");
    let mut message = match envelope.as_ref().and_then(|e| e.message.as_deref()) {
        Some(text) => format!("{call}: HTTP {status}: {}", redact(text, secrets)),
        None => format!("{call}: HTTP {status} {reason}").trim_end().to_owned(),
    };
    if answer.status.is_redirection() {
        message.push_str(" (redirects are never followed)");
    }
    let mut error = Error::new(code, message);
    error.http_status = Some(status);
    error.api_code = envelope.and_then(|e| e.code).map(|c| redact(&c, secrets));
    error
}

/// The secrets of a call that may never appear in a message or a log line: the API key, the
/// password or the authorization value, and `extra` (the bare token, a session's secrets).
pub fn secrets_of<'a>(api_key: &'a str, credential: &'a str, extra: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut secrets = vec![api_key, credential];
    secrets.extend(extra);
    // Longest first, so a secret that contains another is removed whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}
