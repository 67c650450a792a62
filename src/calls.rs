//! The three UserToken operations: what each sends and what each accepts back.

use crate::config::Config;
use crate::error::Error;
use crate::result::Code;
use crate::transport::{self, Prepared};
use crate::validate::bare_token;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use zeroize::Zeroizing;

/// A validated call, ready to run on any thread, as often as needed.
#[derive(Clone)]
pub struct Request {
    pub version: String,
    pub site_id: String,
    pub operation: Operation,
    /// Secrets the caller holds beyond the operation's own (a session's password and current
    /// token), which the server might echo back all the same.
    pub also_hide: Vec<Zeroizing<String>>,
}

#[derive(Clone)]
pub enum Operation {
    Issue { username: String, password: Zeroizing<String> },
    Renew { authorization: Zeroizing<String> },
    Revoke { authorization: Zeroizing<String> },
}

#[derive(Serialize)]
struct IssueBody<'a> {
    #[serde(rename = "Username")]
    username: &'a str,
    #[serde(rename = "Password")]
    password: &'a str,
}

/// The fields of an IssueResponse (also what renew answers) that this library reads.
#[derive(Deserialize)]
pub struct TokenFields<'a> {
    #[serde(rename = "AccessToken", borrow)]
    pub access_token: Cow<'a, str>,
    /// Read only when it is a string: the contract asks of an issue answer nothing but a
    /// string `AccessToken`, so an `Expires` of another type must not make it `UT_DECODE`.
    #[serde(rename = "Expires", borrow, default, deserialize_with = "text_or_nothing")]
    pub expires: Option<Cow<'a, str>>,
}

/// Any JSON value; a string is kept, anything else is skipped.
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrOther<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Other(serde::de::IgnoredAny),
}

fn text_or_nothing<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    Ok(match TextOrOther::deserialize(deserializer)? {
        TextOrOther::Text(text) => Some(text),
        TextOrOther::Other(_) => None,
    })
}

/// What the output rule asks of an issue answer: a string `AccessToken`. Cheaper to check
/// than `TokenFields`, whose lenient `Expires` makes serde buffer that value.
#[derive(Deserialize)]
struct AccessTokenOnly<'a> {
    #[serde(rename = "AccessToken", borrow)]
    _access_token: Cow<'a, str>,
}

/// Reads a JSON object body as `T`; `None` when it is not one.
fn parse_object<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Option<T> {
    // serde would also take a JSON array for a struct; an IssueResponse is an object.
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    serde_json::from_slice(body).ok()
}

impl TokenFields<'_> {
    /// Reads the token fields of a JSON object body; `None` when it is not one.
    pub fn parse(body: &[u8]) -> Option<TokenFields<'_>> {
        parse_object(body)
    }
}

impl Request {
    pub fn name(&self) -> &'static str {
        match self.operation {
            Operation::Issue { .. } => "issue",
            Operation::Renew { .. } => "renew",
            Operation::Revoke { .. } => "revoke",
        }
    }

    /// Sends the request with its retries and returns the result text of the output rule.
    pub async fn execute(self, http: reqwest::Client, config: std::sync::Arc<Config>) -> Result<String, Error> {
        let call = self.name();
        let prepared = self.prepare(&config)?;
        let (credential, token) = match &self.operation {
            Operation::Issue { password, .. } => (password.as_str(), None),
            Operation::Renew { authorization } | Operation::Revoke { authorization } => {
                (authorization.as_str(), Some(bare_token(authorization)))
            }
        };
        let extra = token.into_iter().chain(self.also_hide.iter().map(|s| s.as_str()));
        let secrets = transport::secrets_of(&config.api_key, credential, extra);
        let is_issue = matches!(self.operation, Operation::Issue { .. });
        transport::send(&http, &config, &prepared, &secrets, |body| accept(call, is_issue, body)).await
    }

    fn prepare(&self, config: &Config) -> Result<Prepared, Error> {
        let call = self.name();
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(HeaderName::from_static("api-key"), sensitive(&config.api_key)?);
        headers.insert(HeaderName::from_static("siteid"), header_value(&self.site_id)?);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let (method, body) = match &self.operation {
            Operation::Issue { username, password } => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                let json = serde_json::to_vec(&IssueBody { username, password: password.as_str() })
                    .map_err(|e| Error::new(Code::Panic, format!("cannot encode the issue body: {e}")))?;
                (Method::POST, Some(Bytes::from(json)))
            }
            Operation::Renew { authorization } => {
                headers.insert(AUTHORIZATION, sensitive(authorization)?);
                // An empty POST body would otherwise go without any length; the API wants 0.
                headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
                (Method::POST, None)
            }
            Operation::Revoke { authorization } => {
                headers.insert(AUTHORIZATION, sensitive(authorization)?);
                (Method::DELETE, None)
            }
        };
        let url = config.endpoint(&self.version, call);
        Ok(Prepared { call, method, url, headers, body })
    }
}

fn header_value(text: &str) -> Result<HeaderValue, Error> {
    // Validation and configuration already refuse anything a header cannot carry.
    HeaderValue::from_str(text)
        .map_err(|_| Error::new(Code::InvalidArgument, "a header value holds forbidden characters"))
}

fn sensitive(text: &str) -> Result<HeaderValue, Error> {
    let mut value = header_value(text)?;
    value.set_sensitive(true);
    Ok(value)
}

/// The output rule for a 2xx body: issue needs an object with a string `AccessToken`;
/// renew and revoke need JSON, or nothing (then `{}`).
fn accept(call: &str, is_issue: bool, body: Vec<u8>) -> Result<String, Error> {
    let decode = |why: &str| Error::new(Code::Decode, format!("{call}: {why}"));
    if is_issue {
        if parse_object::<AccessTokenOnly>(&body).is_none() {
            return Err(decode("the response is not a JSON object with a string AccessToken"));
        }
    } else if body.iter().all(u8::is_ascii_whitespace) {
        return Ok("{}".to_owned());
    } else if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        return Err(decode("the response body is not JSON"));
    }
    // JSON text is UTF-8 and cannot hold a raw NUL, so this is a valid C string.
    String::from_utf8(body).map_err(|_| decode("the response body is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_needs_an_object_with_a_string_access_token() {
        let ok = br#"{"TokenType":"Bearer","AccessToken":"abc","Expires":"2026-01-01T00:00:00Z"}"#;
        assert_eq!(accept("issue", true, ok.to_vec()).unwrap().as_bytes(), ok);
        for bad in [&b""[..], b"{}", b"[\"abc\"]", br#"{"AccessToken":5}"#, b"not json", br#"{"AccessToken":"a""#] {
            assert_eq!(accept("issue", true, bad.to_vec()).unwrap_err().code, Code::Decode, "{bad:?}");
        }
    }

    #[test]
    fn renew_and_revoke_take_any_json_or_nothing() {
        assert_eq!(accept("renew", false, Vec::new()).unwrap(), "{}");
        assert_eq!(accept("revoke", false, b"  \r\n".to_vec()).unwrap(), "{}");
        assert_eq!(accept("revoke", false, b"{}".to_vec()).unwrap(), "{}");
        assert_eq!(accept("renew", false, b"[1, 2]".to_vec()).unwrap(), "[1, 2]");
        assert_eq!(accept("renew", false, b"<html>".to_vec()).unwrap_err().code, Code::Decode);
    }

    #[test]
    fn token_fields_read_escaped_values() {
        let body = br#" {"AccessToken":"a\"b\u00e9","Expires":"2026-01-01T00:00:00Z","User":{}}"#;
        let fields = TokenFields::parse(body).unwrap();
        assert_eq!(fields.access_token, "a\"b\u{e9}");
        assert_eq!(fields.expires.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert!(TokenFields::parse(br#"{"Expires":"x"}"#).is_none());
        for other in ["42", "null", "{}", "[1]", "true"] {
            let body = format!(r#"{{"AccessToken":"a","Expires":{other}}}"#);
            let fields = TokenFields::parse(body.as_bytes()).expect("AccessToken is enough");
            assert_eq!(fields.expires, None, "{other}");
        }
    }
}
