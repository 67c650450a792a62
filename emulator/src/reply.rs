//! Responses: JSON documents, the API's error envelope, and the bodies faults send slowly or
//! cut short.

use std::collections::BTreeMap;
use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::{Method, Response, StatusCode};
use serde::Serialize;
use tokio::time::{sleep, Sleep};

pub(crate) type Reply = Response<Body>;

/// Long enough for the connection to write out what it already has before it is cut.
pub(crate) const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// A body that stops sending is cut after this long, so a forgotten test cannot hold its
/// connection forever.
pub(crate) const HANG_LIMIT: Duration = Duration::from_secs(600);

pub(crate) enum Body {
    Full(Option<Bytes>),
    /// One byte per interval.
    Trickle {
        rest: Bytes,
        interval: Duration,
        wait: Option<Pin<Box<Sleep>>>,
    },
    /// Sends `head`, then after `pause` fails, so the connection closes with `missing` bytes
    /// of the announced length unsent.
    Truncated {
        head: Option<Bytes>,
        missing: u64,
        pause: Duration,
        wait: Option<Pin<Box<Sleep>>>,
    },
}

impl Body {
    /// The whole body of a reply built by this module, which is always `Full`.
    pub(crate) fn into_bytes(self) -> Bytes {
        match self {
            Body::Full(bytes) => bytes.unwrap_or_default(),
            Body::Trickle { rest, .. } => rest,
            Body::Truncated { head, .. } => head.unwrap_or_default(),
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(|b| Ok(Frame::data(b)))),
            Body::Trickle { rest, interval, wait } => {
                if rest.is_empty() {
                    return Poll::Ready(None);
                }
                ready!(wait.get_or_insert_with(|| Box::pin(sleep(*interval))).as_mut().poll(cx));
                *wait = None;
                Poll::Ready(Some(Ok(Frame::data(rest.split_to(1)))))
            }
            Body::Truncated { head, pause, wait, .. } => {
                if let Some(head) = head.take().filter(|head| !head.is_empty()) {
                    return Poll::Ready(Some(Ok(Frame::data(head))));
                }
                ready!(wait.get_or_insert_with(|| Box::pin(sleep(*pause))).as_mut().poll(cx));
                Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::ConnectionAborted, "body cut short by a fault"))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Full(bytes) => bytes.as_ref().map_or(true, Bytes::is_empty),
            Body::Trickle { rest, .. } => rest.is_empty(),
            Body::Truncated { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        let len = match self {
            Body::Full(bytes) => bytes.as_ref().map_or(0, Bytes::len) as u64,
            Body::Trickle { rest, .. } => rest.len() as u64,
            Body::Truncated { head, missing, .. } => head.as_ref().map_or(0, Bytes::len) as u64 + missing,
        };
        SizeHint::with_exact(len)
    }
}

pub(crate) fn bytes(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Reply {
    let mut reply = Response::new(Body::Full(Some(body.into())));
    *reply.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(content_type) {
        reply.headers_mut().insert(CONTENT_TYPE, value);
    }
    reply
}

pub(crate) fn json(status: StatusCode, document: &impl Serialize) -> Reply {
    match serde_json::to_vec(document) {
        Ok(body) => bytes(status, "application/json", body),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", &e.to_string()),
    }
}

/// The API's error envelope, `{"Error":{"Message":..,"Code":..}}`.
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Reply {
    bytes(status, "application/json", error_body(code, message))
}

pub(crate) fn error_body(code: &str, message: &str) -> Vec<u8> {
    #[derive(Serialize)]
    struct Envelope<'a> {
        #[serde(rename = "Error")]
        error: Detail<'a>,
    }
    #[derive(Serialize)]
    struct Detail<'a> {
        #[serde(rename = "Message")]
        message: &'a str,
        #[serde(rename = "Code")]
        code: &'a str,
    }
    serde_json::to_vec(&Envelope { error: Detail { message, code } }).unwrap_or_default()
}

/// `{"<name>": value}`, serialized straight from `value` so its fields keep their order.
pub(crate) fn named(name: &str, value: &impl Serialize) -> Reply {
    json(StatusCode::OK, &BTreeMap::from([(name, value)]))
}

/// `{}`, what revoke and most control endpoints answer.
pub(crate) fn empty_object() -> Reply {
    bytes(StatusCode::OK, "application/json", Bytes::from_static(b"{}"))
}

pub(crate) fn not_found(method: &Method, path: &str) -> Reply {
    error(StatusCode::NOT_FOUND, "NotFound", &format!("No resource matches {method} {path}."))
}

/// A 405 naming the methods `allow` lists, as HTTP asks.
pub(crate) fn method_not_allowed(method: &Method, allow: &str) -> Reply {
    let mut reply = error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!("The method {method} is not allowed here; use {allow}."),
    );
    if let Ok(value) = HeaderValue::from_str(allow) {
        reply.headers_mut().insert(ALLOW, value);
    }
    reply
}
