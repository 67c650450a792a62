//! `/_emulator/...`: how tests steer the emulator and look inside it.

use hyper::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::clock::rfc3339;
use crate::faults;
use crate::reply::{self, Reply};
use crate::state::State;

const PREFIX: &str = "/_emulator/";

/// Each endpoint with the methods it answers.
const ENDPOINTS: [(&str, &str); 7] = [
    ("reset", "POST"),
    ("clock", "GET, POST"),
    ("faults", "GET, POST, DELETE"),
    ("requests", "GET, DELETE"),
    ("tokens", "GET"),
    ("stats", "GET"),
    ("health", "GET"),
];

pub(crate) fn is_control(path: &str) -> bool {
    path.starts_with(PREFIX) || path == PREFIX.trim_end_matches('/')
}

pub(crate) fn handle(method: &Method, path: &str, body: &[u8], state: &State) -> Reply {
    let endpoint = path.strip_prefix(PREFIX).unwrap_or_default();
    match (endpoint, method.as_str()) {
        ("reset", "POST") => {
            state.reset();
            reply::empty_object()
        }
        ("clock", "GET") => clock(state),
        ("clock", "POST") => advance_clock(body, state),
        ("faults", "GET") => reply::named("faults", &state.faults.list()),
        ("faults", "POST") => match faults::parse(body) {
            Ok(list) => {
                let queued = list.len();
                let pending = state.faults.push(list);
                reply::json(StatusCode::OK, &Queued { queued, pending })
            }
            Err(message) => invalid(&message),
        },
        ("faults", "DELETE") => {
            state.faults.clear();
            reply::empty_object()
        }
        ("requests", "GET") => reply::named("requests", &state.recorder.list()),
        ("requests", "DELETE") => {
            state.recorder.clear();
            reply::empty_object()
        }
        ("tokens", "GET") => reply::named("tokens", &state.tokens.list()),
        ("stats", "GET") => reply::json(StatusCode::OK, &state.stats.view()),
        ("health", "GET") => reply::named("ok", &true),
        _ => match ENDPOINTS.iter().find(|(name, _)| *name == endpoint) {
            Some((_, allow)) => reply::method_not_allowed(method, allow),
            None => reply::not_found(method, path),
        },
    }
}

#[derive(Serialize)]
struct Queued {
    queued: usize,
    pending: usize,
}

#[derive(Serialize)]
struct ClockView {
    now: String,
    offset_s: i64,
}

fn clock(state: &State) -> Reply {
    let view = ClockView { now: rfc3339(state.clock.now()), offset_s: state.clock.offset_s() };
    reply::json(StatusCode::OK, &view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_s: i64,
}

fn advance_clock(body: &[u8], state: &State) -> Reply {
    let advance: Advance = match serde_json::from_slice(body) {
        Ok(advance) => advance,
        Err(e) => return invalid(&format!("expected {{\"advance_s\": <integer>}}: {e}")),
    };
    match state.clock.advance(advance.advance_s) {
        Ok(()) => clock(state),
        Err(message) => invalid(&message),
    }
}

fn invalid(message: &str) -> Reply {
    reply::error(StatusCode::BAD_REQUEST, "InvalidParameter", message)
}
