//! Acting out a fault on the request it was taken for.

use std::future::pending;
use std::time::Duration;

use bytes::Bytes;
use hyper::header::{HeaderValue, LOCATION, RETRY_AFTER};
use hyper::http::request::Parts;
use hyper::{Response, StatusCode};
use tokio::time::sleep;

use crate::connection::{Connection, Ending};
use crate::echo;
use crate::faults::{AfterBody, Fault, Kind, OVERSIZED_HEAD, OVERSIZED_MIN_BYTES, OVERSIZED_TAIL};
use crate::reply::{self, Body, Reply};

/// The request a fault acts on, as received.
pub(crate) struct Received<'a> {
    pub(crate) parts: &'a Parts,
    pub(crate) body: &'a [u8],
}

/// The reply for a request hit by `fault`; `normal` answers it as if nothing were wrong.
pub(crate) async fn apply(
    fault: Fault,
    connection: &Connection,
    request: Received<'_>,
    normal: impl FnOnce() -> Reply,
) -> Reply {
    if fault.delay_ms > 0 {
        sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    match fault.kind {
        Kind::Delay => normal(),
        Kind::Status | Kind::Redirect => injected(&fault),
        Kind::Hang => {
            connection.end_now(Ending::Hang);
            pending().await
        }
        Kind::Drop => {
            connection.end_now(Ending::Reset);
            pending().await
        }
        Kind::CloseWhenIdle | Kind::ResetWhenIdle => {
            let ending = if fault.kind == Kind::CloseWhenIdle { Ending::Close } else { Ending::Reset };
            connection.end_when_idle(fault.idle_ms.map(Duration::from_millis), ending);
            normal()
        }
        Kind::Echo => {
            let message = echo::message(request.parts, request.body, fault.echo_headers.unwrap_or_default());
            let body =
                echo::envelope(&message, fault.code.as_deref().unwrap_or_default(), fault.escape.unwrap_or_default());
            reply::bytes(status(&fault), fault.content_type.as_deref().unwrap_or("application/json"), body)
        }
        Kind::OverstatedLength => {
            let head = Bytes::from(fault.body.clone().unwrap_or_default());
            let announced = fault.announced_bytes.unwrap_or_default().max(head.len() as u64);
            let then = match fault.after_body.unwrap_or_default() {
                AfterBody::Close => reply::FLUSH_PAUSE,
                AfterBody::Hang => reply::HANG_LIMIT,
            };
            let missing = announced - head.len() as u64;
            let mut reply =
                reply::bytes(status(&fault), fault.content_type.as_deref().unwrap_or("application/json"), "");
            *reply.body_mut() = Body::Truncated { head: Some(head), missing, pause: then, wait: None };
            reply
        }
        Kind::DropMidBody => reshape(normal(), |full| {
            let head = full.slice(..full.len() / 2);
            let missing = (full.len() - head.len()) as u64;
            Body::Truncated { head: Some(head), missing, pause: reply::FLUSH_PAUSE, wait: None }
        }),
        Kind::Trickle => {
            let interval = Duration::from_millis(fault.interval_ms.unwrap_or_default());
            reshape(normal(), |full| Body::Trickle { rest: full, interval, wait: None })
        }
        Kind::Oversized => {
            let size = fault.body_bytes.unwrap_or(OVERSIZED_MIN_BYTES);
            reply::bytes(StatusCode::OK, "application/json", oversized(size))
        }
    }
}

fn status(fault: &Fault) -> StatusCode {
    fault.status.and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A status-only answer: `status` and `redirect` faults.
fn injected(fault: &Fault) -> Reply {
    let status = status(fault);
    let body = match (&fault.body, fault.kind) {
        // HTTP forbids a body on these two.
        _ if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED => Bytes::new(),
        (Some(body), _) => Bytes::from(body.clone()),
        (None, Kind::Redirect) => Bytes::new(),
        (None, _) => Bytes::from(reply::error_body("InjectedFault", "Injected fault")),
    };
    let mut reply = reply::bytes(status, fault.content_type.as_deref().unwrap_or("application/json"), body);
    for (name, value) in [(RETRY_AFTER, &fault.retry_after), (LOCATION, &fault.location)] {
        if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            reply.headers_mut().insert(name, value);
        }
    }
    reply
}

/// The same status and headers with the body sent another way.
fn reshape(reply: Reply, body: impl FnOnce(Bytes) -> Body) -> Reply {
    let (parts, full) = reply.into_parts();
    Response::from_parts(parts, body(full.into_bytes()))
}

/// A valid IssueResponse-like document of exactly `size` bytes.
fn oversized(size: usize) -> Bytes {
    let mut text = Vec::with_capacity(size.max(OVERSIZED_MIN_BYTES));
    text.extend_from_slice(OVERSIZED_HEAD.as_bytes());
    text.resize(size.saturating_sub(OVERSIZED_TAIL.len()).max(OVERSIZED_HEAD.len()), b'x');
    text.extend_from_slice(OVERSIZED_TAIL.as_bytes());
    Bytes::from(text)
}
