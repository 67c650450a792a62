//! The three UserToken operations, with the checks the real API makes, in its order.

use std::borrow::Cow;
use std::time::SystemTime;

use hyper::header::{HeaderName, AUTHORIZATION};
use hyper::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::call::Call;
use crate::clock::rfc3339;
use crate::config::BearerPrefix;
use crate::reply::{self, Reply};
use crate::state::State;
use crate::tokens::{Granted, Refusal};

const API_KEY: HeaderName = HeaderName::from_static("api-key");
const SITE_ID: HeaderName = HeaderName::from_static("siteid");

pub(crate) enum Route {
    Call(Call),
    /// The path of a call with another method.
    WrongMethod(Call),
    Unknown,
}

impl Route {
    /// The call a request is served as, if any.
    pub(crate) fn call(&self) -> Option<Call> {
        match self {
            Route::Call(call) => Some(*call),
            Route::WrongMethod(_) | Route::Unknown => None,
        }
    }
}

/// Routes `/public/v{version}/usertoken/{issue|renew|revoke}`; like the real service, the
/// literal parts ignore case.
pub(crate) fn route(method: &Method, path: &str) -> Route {
    match call_at(path) {
        Some(call) if *method == call.method() => Route::Call(call),
        Some(call) => Route::WrongMethod(call),
        None => Route::Unknown,
    }
}

fn call_at(path: &str) -> Option<Call> {
    let mut segments = path.strip_prefix('/')?.split('/');
    let (public, version, usertoken, operation) =
        (segments.next()?, segments.next()?, segments.next()?, segments.next()?);
    let version = version.strip_prefix(['v', 'V'])?;
    let version_ok =
        !version.is_empty() && version.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if segments.next().is_some()
        || !version_ok
        || !public.eq_ignore_ascii_case("public")
        || !usertoken.eq_ignore_ascii_case("usertoken")
    {
        return None;
    }
    Call::ALL.into_iter().find(|call| operation.eq_ignore_ascii_case(call.name()))
}

/// Why a request was turned down; becomes the API's error envelope.
struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
}

impl Rejection {
    fn new(status: StatusCode, code: &'static str, message: impl Into<Cow<'static, str>>) -> Rejection {
        Rejection { status, code, message: message.into() }
    }
}

/// Answers one API request as the real service would.
pub(crate) fn handle(call: Call, headers: &HeaderMap, body: &[u8], state: &State) -> Reply {
    answer(call, headers, body, state)
        .unwrap_or_else(|rejection| reply::error(rejection.status, rejection.code, &rejection.message))
}

fn answer(call: Call, headers: &HeaderMap, body: &[u8], state: &State) -> Result<Reply, Rejection> {
    check_api_key(headers, state)?;
    let site_id = site_id(headers, state)?;
    let now = state.clock.now();
    match call {
        Call::Issue => issue(site_id, body, state, now),
        Call::Renew => {
            let renewed = state.tokens.renew(token(headers, state)?, site_id, now).map_err(refused)?;
            Ok(granted(&renewed))
        }
        Call::Revoke => {
            state.tokens.revoke(token(headers, state)?, site_id, now).map_err(refused)?;
            Ok(reply::empty_object())
        }
    }
}

fn check_api_key(headers: &HeaderMap, state: &State) -> Result<(), Rejection> {
    match headers.get(API_KEY).map(|value| value.to_str()) {
        None => Err(denied("Missing API key")),
        Some(Ok("")) => Err(denied("Missing API key")),
        Some(Ok(key)) if state.directory.knows_key(key) => Ok(()),
        Some(_) => Err(denied("Invalid API key")),
    }
}

fn site_id(headers: &HeaderMap, state: &State) -> Result<i64, Rejection> {
    let invalid = |message: &'static str| Rejection::new(StatusCode::BAD_REQUEST, "InvalidSiteId", message);
    let text = match headers.get(SITE_ID).map(|value| value.to_str()) {
        None | Some(Ok("")) => return Err(invalid("The SiteId header is required.")),
        Some(text) => text.unwrap_or_default(),
    };
    match text.trim().parse::<i64>() {
        Ok(id) if state.directory.has_site(id) => Ok(id),
        _ => Err(invalid("The SiteId header does not name a known site.")),
    }
}

fn issue(site_id: i64, body: &[u8], state: &State, now: SystemTime) -> Result<Reply, Rejection> {
    let fields = json_object(body)?;
    let (username, password) = credentials(&fields)?;
    let user = state.directory.authenticate(site_id, username, password).ok_or_else(|| {
        Rejection::new(state.policy.bad_credentials, "DeniedAccess", "Staff identity authentication failed.")
    })?;
    Ok(granted(&state.tokens.issue(site_id, user, now)))
}

fn missing_fields(fields: &str) -> Rejection {
    let message = format!("The request is missing required fields: {fields}.");
    Rejection::new(StatusCode::BAD_REQUEST, "MissingRequiredFields", message)
}

/// The issue body's fields; an empty body or a JSON value other than an object has none.
fn json_object(body: &[u8]) -> Result<Map<String, Value>, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(missing_fields("Username, Password"));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(missing_fields("Username, Password")),
        Err(_) => {
            Err(Rejection::new(StatusCode::BAD_REQUEST, "InvalidParameter", "The request body is not valid JSON."))
        }
    }
}

/// Username and Password; like the real service, the field names ignore case.
fn credentials(fields: &Map<String, Value>) -> Result<(&str, &str), Rejection> {
    match (string_field(fields, "Username"), string_field(fields, "Password")) {
        (Some(username), Some(password)) => Ok((username, password)),
        (None, Some(_)) => Err(missing_fields("Username")),
        (Some(_), None) => Err(missing_fields("Password")),
        (None, None) => Err(missing_fields("Username, Password")),
    }
}

fn string_field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    let value =
        fields.get(name).or_else(|| fields.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v))?;
    value.as_str()
}

/// The token in `Authorization`; with `bearer_prefix` accepted, after an optional `Bearer `.
fn token<'a>(headers: &'a HeaderMap, state: &State) -> Result<&'a str, Rejection> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(denied("The Authorization header is required."));
    };
    let text = value.to_str().map_err(|_| refused(Refusal::Unknown))?.trim();
    let token = match text.get(..7) {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("bearer ") && state.policy.bearer_prefix == BearerPrefix::Accepted =>
        {
            text[7..].trim_start()
        }
        _ => text,
    };
    if token.is_empty() {
        Err(denied("The Authorization header is required."))
    } else {
        Ok(token)
    }
}

fn refused(refusal: Refusal) -> Rejection {
    match refusal {
        Refusal::Unknown => denied("The access token is invalid."),
        Refusal::Expired => denied("The access token has expired."),
        Refusal::Revoked => denied("The access token has been revoked."),
        Refusal::Replaced => denied("The access token has been replaced by a renewed one."),
        Refusal::Exhausted => Rejection::new(
            StatusCode::FORBIDDEN,
            "DeniedAccess",
            "The token has reached its maximum number of renewals.",
        ),
    }
}

fn denied(message: &'static str) -> Rejection {
    Rejection::new(StatusCode::UNAUTHORIZED, "DeniedAccess", message)
}

#[derive(Serialize)]
struct IssueResponse<'a> {
    #[serde(rename = "TokenType")]
    token_type: &'a str,
    #[serde(rename = "AccessToken")]
    access_token: &'a str,
    #[serde(rename = "Expires")]
    expires: String,
    #[serde(rename = "User")]
    user: UserView<'a>,
}

#[derive(Serialize)]
struct UserView<'a> {
    #[serde(rename = "Id")]
    id: i64,
    #[serde(rename = "FirstName")]
    first_name: &'a str,
    #[serde(rename = "LastName")]
    last_name: &'a str,
    #[serde(rename = "Type")]
    user_type: &'a str,
}

/// The IssueResponse shape, which renew answers too.
fn granted(grant: &Granted) -> Reply {
    let user = &grant.user;
    reply::json(
        StatusCode::OK,
        &IssueResponse {
            token_type: "Bearer",
            access_token: &grant.token,
            expires: rfc3339(grant.expires),
            user: UserView {
                id: user.id,
                first_name: &user.first_name,
                last_name: &user.last_name,
                user_type: &user.user_type,
            },
        },
    )
}
