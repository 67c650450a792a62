//! One HTTP request with its retries: attempts bounded by `timeout_ms`, bodies bounded by
//! `max_response_bytes`, failures mapped to result codes, secrets kept out of every message.

use crate::config::Config;
use crate::error::{Error, ServerText};
use crate::log::{Level, Lines};
use crate::result::Cause;
use crate::retry::{is_retryable_status, parse_retry_after, Decision, RetryPolicy};
use crate::stats::CallStats;
use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;
use serde::Deserialize;
use std::time::{Duration, Instant, SystemTime};

/// A complete answer from the server.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: Vec<u8>,
    /// The body went past `max_response_bytes`; `body` holds only its first part.
    truncated: bool,
}

enum Failure {
    /// No connection could be made: the request never left.
    Connect(String),
    /// The connection failed after it was made: the request may have reached the server.
    Dropped(String),
    Timeout,
}

/// The most a body buffer is given up front, whatever length the server announces: memory
/// follows what has arrived, never what was promised.
const FIRST_BUFFER_BYTES: usize = 16 * 1024;

/// Sends the request of `call` (`issue`, `renew` or `revoke`), made by `prepare` for each
/// attempt, until a 2xx answer (whose body `accept` turns into the result), a final failure,
/// or the last retry. `secrets` are removed from any text the server sends back.
///
/// Each attempt sends a request of its own, made afresh rather than cloned from a kept one:
/// most calls make one attempt, and a clone per attempt would be work they never need.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    http: &reqwest::Client,
    config: &Config,
    call: &'static str,
    prepare: impl Fn() -> Result<reqwest::Request, Error>,
    secrets: &ServerText<'_>,
    log: &Lines,
    stats: &CallStats,
    accept: impl FnOnce(Vec<u8>) -> Result<String, Error>,
) -> Result<String, Error> {
    let policy = RetryPolicy { max_retries: config.max_retries, base: config.retry_base, max: config.retry_max };
    let mut attempts = 0;
    // A revoke that may have reached the server already can be answered "denied" on a retry.
    let mut maybe_delivered = false;
    loop {
        // Fails before the first attempt or never: the same request is made each time.
        let request = prepare()?;
        attempts += 1;
        stats.sent();
        log.emit(Level::Debug, || format!("{call}: attempt {attempts}: {} {}", request.method(), request.url()));
        let started = Instant::now();
        let (error, retry_after) = match attempt(http, config, request).await {
            Ok(answer) if answer.status.is_success() => {
                let elapsed = started.elapsed().as_millis();
                log.emit(Level::Info, || {
                    format!("{call}: attempt {attempts}: HTTP {} in {elapsed} ms", answer.status.as_u16())
                });
                return accepted(call, answer, config, accept).map_err(|error| fail(call, error, attempts, log));
            }
            Ok(answer) if maybe_delivered && call == "revoke" && matches!(answer.status.as_u16(), 401 | 403) => {
                log.emit(Level::Info, || {
                    format!(
                        "{call}: attempt {attempts}: HTTP {}: an earlier attempt had revoked the token",
                        answer.status
                    )
                });
                return Ok("{}".to_owned());
            }
            Ok(answer) => {
                maybe_delivered |= answer.status.is_server_error();
                let retry_after = answer.retry_after.as_deref().and_then(|v| parse_retry_after(v, SystemTime::now()));
                (status_error(call, &answer, secrets), retry_after)
            }
            Err(failure) => {
                maybe_delivered |= !matches!(failure, Failure::Connect(_));
                (failure_error(call, failure, config, secrets), None)
            }
        };
        match retry_wait(&policy, attempts, error, retry_after) {
            Ok((wait, error)) => {
                log.emit(Level::Warn, || {
                    let ms = wait.as_millis();
                    format!("{call}: attempt {attempts} failed ({}); retrying in {ms} ms", error.message)
                });
                tokio::time::sleep(wait).await;
            }
            Err(error) => return Err(fail(call, error, attempts, log)),
        }
    }
}

/// The result of a 2xx answer, or its failure with the status that came with it.
fn accepted(
    call: &str,
    answer: Answer,
    config: &Config,
    accept: impl FnOnce(Vec<u8>) -> Result<String, Error>,
) -> Result<String, Error> {
    let outcome = if answer.truncated {
        let limit = config.max_response_bytes;
        Err(Error::failed(
            Cause::Body,
            format!("{call}: the response body is larger than max_response_bytes ({limit})"),
        ))
    } else {
        accept(answer.body)
    };
    // The status applies: the server answered, with a body that is not as promised.
    outcome.map_err(|mut error| {
        error.http_status = Some(answer.status.as_u16());
        error
    })
}

/// The error of an attempt that got no full answer.
fn failure_error(call: &str, failure: Failure, config: &Config, secrets: &ServerText<'_>) -> Error {
    match failure {
        Failure::Timeout => {
            let limit = config.timeout.as_millis();
            Error::failed(Cause::Timeout, format!("{call}: no full response within timeout_ms ({limit} ms)"))
        }
        Failure::Dropped(why) => {
            Error::failed(Cause::Connection, format!("{call}: {}: {}", target(config), secrets.clean(&why)))
        }
        Failure::Connect(why) => {
            let message = format!("{call}: cannot connect to {}: {}", target(config), secrets.clean(&why));
            Error::failed(Cause::Connection, message)
        }
    }
}

/// How long to wait before the next attempt (with the error, for the log line), or the
/// error to return when there is none.
fn retry_wait(
    policy: &RetryPolicy,
    attempts: u32,
    mut error: Error,
    retry_after: Option<Duration>,
) -> Result<(Duration, Error), Error> {
    if !error.http_status.map_or(true, is_retryable_status) {
        return Err(error);
    }
    match policy.decide(attempts - 1, retry_after) {
        Decision::RetryAfter(wait) => Ok((wait, error)),
        Decision::GiveUp => {
            if let Some(wait) = retry_after.filter(|w| *w > policy.max && attempts <= policy.max_retries) {
                let asked = wait.as_secs();
                error
                    .message
                    .push_str(&format!(" (the server asked to retry after {asked} s, longer than retry_max_ms)"));
            }
            Err(error)
        }
    }
}

/// `host:port` of every request (all go to `base_url`), for messages: a failure says where
/// it was going.
fn target(config: &Config) -> String {
    let host = config.base_url.host_str().unwrap_or("?");
    match config.base_url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn fail(call: &str, mut error: Error, attempts: u32, log: &Lines) -> Error {
    error.attempts = attempts;
    log.emit(Level::Error, || format!("{call}: failed after {attempts} attempt(s): {error}"));
    error
}

/// One attempt, bounded as a whole (connection, headers and a trickling body) by `timeout_ms`.
async fn attempt(http: &reqwest::Client, config: &Config, request: reqwest::Request) -> Result<Answer, Failure> {
    let work = async {
        let mut response = http.execute(request).await.map_err(|e| transport_failure(e, config))?;
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let limit = config.max_response_bytes;
        let announced = response.content_length();
        if announced.is_some_and(|n| n > limit as u64) {
            return Ok(Answer { status, retry_after, body: Vec::new(), truncated: true });
        }
        // One byte more than announced, room for the NUL that makes the body a C string; but
        // never more than a first buffer, whatever was announced.
        let first = announced.map_or(0, |n| (n as usize).min(FIRST_BUFFER_BYTES)) + 1;
        let mut body = Vec::with_capacity(first);
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
    let connect = error.is_connect();
    // The URL holds nothing secret, but the message names host and port already.
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
    if connect {
        Failure::Connect(text)
    } else {
        Failure::Dropped(text)
    }
}

/// The API's error envelope, `{"Error":{"Message":..,"Code":..}}`.
#[derive(Deserialize)]
pub struct Envelope {
    #[serde(rename = "Error")]
    pub error: EnvelopeError,
}

#[derive(Deserialize)]
pub struct EnvelopeError {
    #[serde(rename = "Message", default)]
    pub message: Option<String>,
    #[serde(rename = "Code", default)]
    pub code: Option<String>,
}

impl Envelope {
    /// The envelope of a body, when it is one.
    pub fn parse(body: &[u8]) -> Option<EnvelopeError> {
        // A key reads "Error" only when written so, or spelled with escapes: a body with
        // neither (a token answer) is not parsed a second time just to learn that.
        if memchr::memmem::find(body, b"\"Error\"").is_none() && memchr::memchr(b'\\', body).is_none() {
            return None;
        }
        serde_json::from_slice::<Envelope>(body).ok().map(|e| e.error)
    }
}

/// The error of a non-2xx answer, keeping the API's `Error.Message`/`Error.Code`.
fn status_error(call: &str, answer: &Answer, secrets: &ServerText<'_>) -> Error {
    let status = answer.status.as_u16();
    let envelope = Envelope::parse(&answer.body);
    let reason = answer.status.canonical_reason().unwrap_or("");
    let mut message = match envelope.as_ref().and_then(|e| e.message.as_deref()) {
        Some(text) => format!("{call}: HTTP {status}: {}", secrets.clean(text)),
        None => format!("{call}: HTTP {status} {reason}").trim_end().to_owned(),
    };
    if answer.status.is_redirection() {
        message.push_str(" (redirects are never followed)");
    }
    let mut error = Error::failed(Cause::Status(status), message);
    error.http_status = Some(status);
    error.api_code = envelope.and_then(|e| e.code).map(|c| secrets.clean(&c));
    error
}

#[cfg(test)]
mod tests {
    use super::Envelope;

    #[test]
    fn an_envelope_is_found_however_its_key_is_written() {
        for body in [
            r#"{"Error":{"Message":"m","Code":"c"}}"#,
            r#"{"\u0045rror":{"Message":"m","Code":"c"}}"#,
            r#"{"User":{"Name":"a\"b"},"Error":{"Message":"m","Code":"c"}}"#,
        ] {
            let error = Envelope::parse(body.as_bytes()).unwrap_or_else(|| panic!("{body}"));
            assert_eq!((error.message.as_deref(), error.code.as_deref()), (Some("m"), Some("c")), "{body}");
        }
    }

    #[test]
    fn a_body_without_the_key_is_no_envelope() {
        for body in
            [r#"{"AccessToken":"t","Expires":"2026-01-01T00:00:00"}"#, r#"{"Errors":{}}"#, r#"{"x":"\"Error"}"#, ""]
        {
            assert!(Envelope::parse(body.as_bytes()).is_none(), "{body}");
        }
    }
}
