//! The way of one request: read it, record it, then a fault or the API (or the control
//! endpoints, which are neither recorded nor faulted).

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::{Request, StatusCode};

use crate::api::{self, Route};
use crate::connection::Connection;
use crate::control;
use crate::inject::{self, Received};
use crate::record::Recorded;
use crate::reply::{self, Reply};
use crate::state::State;

/// Far above any real request; a bound so one client cannot exhaust memory.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub(crate) async fn respond(
    request: Request<Incoming>,
    state: Arc<State>,
    connection: Arc<Connection>,
) -> Result<Reply, Infallible> {
    let (parts, body) = request.into_parts();
    let body = read_body(body).await;
    let path = parts.uri.path();
    if control::is_control(path) {
        return Ok(match body {
            Ok(body) => control::handle(&parts.method, path, &body, &state),
            Err(refusal) => refusal,
        });
    }
    let recorded_body = body.as_deref().unwrap_or_default();
    state.recorder.push(Recorded::new(&parts.method, &parts.uri, &parts.headers, recorded_body));
    let route = api::route(&parts.method, path);
    state.stats.count(route.call());
    let body = match body {
        Ok(body) => body,
        Err(refusal) => return Ok(refusal),
    };
    Ok(match route {
        Route::Call(call) => {
            let normal = || api::handle(call, &parts.headers, &body, &state);
            match state.faults.take(call) {
                Some(fault) => {
                    let received = Received { parts: &parts, body: &body };
                    inject::apply(fault, &connection, received, normal).await
                }
                None => normal(),
            }
        }
        Route::WrongMethod(call) => reply::method_not_allowed(&parts.method, call.method().as_str()),
        Route::Unknown => reply::not_found(&parts.method, path),
    })
}

/// The whole body, or the answer for one that is too large or could not be read.
async fn read_body(body: Incoming) -> Result<Bytes, Reply> {
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            &format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        )),
        Err(_) => Err(reply::error(StatusCode::BAD_REQUEST, "InvalidParameter", "The request body could not be read.")),
    }
}
