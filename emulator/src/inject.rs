//! Acting out a fault on the request it was taken for.

use std::future::pending;
use std::time::Duration;

use bytes::Bytes;
use hyper::header::{HeaderValue, LOCATION, RETRY_AFTER};
use hyper::{Response, StatusCode};
use tokio::time::sleep;

use crate::faults::{Fault, Kind};
use crate::reply::{self, Body, Reply};
use crate::server::{Ending, Hangup};

const OVERSIZED_HEAD: &str = r#"{"TokenType":"Bearer","AccessToken":"oversized-token","Pad":""#;
const OVERSIZED_TAIL: &str = r#""}"#;
/// The size of the oversized document with an empty `Pad`.
pub(crate) const OVERSIZED_MIN_BYTES: usize = OVERSIZED_HEAD.len() + OVERSIZED_TAIL.len();

/// The reply for a request hit by `fault`; `normal` answers it as if nothing were wrong.
pub(crate) async fn apply(fault: Fault, hangup: &Hangup, normal: impl FnOnce() -> Reply) -> Reply {
    if fault.delay_ms > 0 {
        sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    match fault.kind {
        Kind::Delay => normal(),
        Kind::Status | Kind::Redirect => injected(&fault),
        Kind::Hang => {
            hangup.request(Ending::Hang);
            pending().await
        }
        Kind::Drop => {
            hangup.request(Ending::Reset);
            pending().await
        }
        Kind::DropMidBody => reshape(normal(), |full| {
            let head = full.slice(..full.len() / 2);
            let missing = (full.len() - head.len()) as u64;
            Body::Truncated { head: Some(head), missing, wait: None }
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

/// A status-only answer: `status` and `redirect` faults.
fn injected(fault: &Fault) -> Reply {
    let status = fault.status.and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
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
