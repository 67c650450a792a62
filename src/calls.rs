//! The three UserToken operations: what each sends and what each accepts back.

use crate::config::Config;
use crate::error::{Error, ServerText};
use crate::log::Lines;
use crate::result::{Cause, Code};
use crate::stats::{CallStats, Stats};
use crate::transport::{self, Envelope};
use crate::validate::bare_token;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;
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
    /// Where its log lines go.
    pub log: Lines,
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

/// A string, kept; any other JSON value, skipped without being buffered and without
/// recursion, so that any depth of nesting is skipped (serde_json ignores values iteratively).
fn text_or_nothing<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct TextOrNothing;
    impl<'de> serde::de::Visitor<'de> for TextOrNothing {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    deserializer.deserialize_any(TextOrNothing)
}

/// The most bytes an access token may have.
pub(crate) const TOKEN_MAX: usize = 8192;

/// Why an access token from the server cannot be used: it must be 1 to 8192 bytes of
/// printable ASCII without spaces (0x21-0x7E), since it goes back as a header value.
pub fn unusable_token(token: &str) -> Option<&'static str> {
    if token.is_empty() {
        Some("is empty")
    } else if token.len() > TOKEN_MAX {
        Some("is longer than 8192 bytes")
    } else if !token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        Some("holds characters other than printable ASCII (0x21-0x7E)")
    } else {
        None
    }
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
    pub async fn execute(self, http: reqwest::Client, config: Arc<Config>, stats: Arc<Stats>) -> Result<String, Error> {
        let call = self.name();
        let stats = stats.of(call);
        let counted = stats.begin();
        let outcome = self.send(http, &config, stats).await;
        counted.end(&outcome);
        outcome
    }

    async fn send(self, http: reqwest::Client, config: &Config, stats: &CallStats) -> Result<String, Error> {
        let call = self.name();
        let (credential, token) = match &self.operation {
            Operation::Issue { password, .. } => (password.as_str(), None),
            Operation::Renew { authorization } | Operation::Revoke { authorization } => {
                (authorization.as_str(), Some(bare_token(authorization)))
            }
        };
        let mut secrets = Vec::with_capacity(3 + self.also_hide.len());
        secrets.extend([config.api_key.as_str(), credential]);
        secrets.extend(token);
        secrets.extend(self.also_hide.iter().map(|s| s.as_str()));
        let secrets = ServerText::new(secrets);
        let log = &self.log;
        let prepare = || self.prepare(config);
        transport::send(&http, config, call, prepare, &secrets, log, stats, |body| accept(call, body, &secrets)).await
    }

    /// The HTTP request of one attempt, built whole rather than through a RequestBuilder,
    /// which would merge the headers in one by one.
    fn prepare(&self, config: &Config) -> Result<reqwest::Request, Error> {
        let call = self.name();
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(HeaderName::from_static("api-key"), config.api_key_header.clone());
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
        let mut request = reqwest::Request::new(method, config.endpoint(&self.version, call));
        *request.headers_mut() = headers;
        *request.body_mut() = body.map(reqwest::Body::from);
        Ok(request)
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

/// The output rule for a 2xx body: issue needs an object with a usable string `AccessToken`;
/// renew and revoke need JSON, or nothing (then `{}`), and a renew's `AccessToken`, when it
/// sends one, must be usable too. The API's error envelope is a failure whatever the status.
fn accept(call: &str, body: Vec<u8>, secrets: &ServerText<'_>) -> Result<String, Error> {
    let decode = |why: &str| Error::failed(Cause::Body, format!("{call}: {why}"));
    if let Some(envelope) = Envelope::parse(&body) {
        let said = envelope.message.as_deref().map(|m| format!(": {}", secrets.clean(m))).unwrap_or_default();
        let mut error = decode(&format!("the server answered success with an error{said}"));
        error.api_code = envelope.code.map(|c| secrets.clean(&c));
        return Err(error);
    }
    if call != "issue" && body.iter().all(u8::is_ascii_whitespace) {
        return Ok("{}".to_owned());
    }
    if call == "revoke" {
        serde_json::from_slice::<serde::de::IgnoredAny>(&body).map_err(|_| decode("the response body is not JSON"))?;
    } else {
        check_token_answer(call, &body)?;
    }
    // JSON text is UTF-8 and cannot hold a raw NUL, so this is a valid C string.
    String::from_utf8(body).map_err(|_| decode("the response body is not UTF-8"))
}

/// An issue answer must be an object with a usable `AccessToken`; a renew answer must be JSON,
/// and when it is an object with an `AccessToken`, that token must be usable.
fn check_token_answer(call: &str, body: &[u8]) -> Result<(), Error> {
    let decode = |why: &str| Error::failed(Cause::Body, format!("{call}: {why}"));
    let token = match TokenFields::parse(body) {
        Some(fields) => fields.access_token,
        None if call == "issue" => return Err(decode("the response is not a JSON object with a string AccessToken")),
        None => {
            let value: serde_json::Value =
                serde_json::from_slice(body).map_err(|_| decode("the response body is not JSON"))?;
            if value.get("AccessToken").is_some() {
                return Err(decode("the AccessToken in the response is not a string"));
            }
            return Ok(());
        }
    };
    match unusable_token(&token) {
        Some(why) => Err(decode(&format!("the AccessToken in the response {why}"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(call: &str, body: &[u8]) -> Result<String, Error> {
        super::accept(call, body.to_vec(), &ServerText::new(vec!["hunter2"]))
    }

    #[test]
    fn issue_needs_an_object_with_a_string_access_token() {
        let ok = br#"{"TokenType":"Bearer","AccessToken":"abc","Expires":"2026-01-01T00:00:00Z"}"#;
        assert_eq!(accept("issue", ok).unwrap().as_bytes(), ok);
        for bad in [&b""[..], b"{}", b"[\"abc\"]", br#"{"AccessToken":5}"#, b"not json", br#"{"AccessToken":"a""#] {
            assert_eq!(accept("issue", bad).unwrap_err().code, Code::Decode, "{bad:?}");
        }
    }

    #[test]
    fn renew_and_revoke_take_any_json_or_nothing() {
        assert_eq!(accept("renew", b"").unwrap(), "{}");
        assert_eq!(accept("revoke", b"  \r\n").unwrap(), "{}");
        assert_eq!(accept("revoke", b"{}").unwrap(), "{}");
        assert_eq!(accept("renew", b"[1, 2]").unwrap(), "[1, 2]");
        assert_eq!(accept("renew", b"<html>").unwrap_err().code, Code::Decode);
    }

    #[test]
    fn unusable_access_tokens_are_decode_errors() {
        let long = format!(r#"{{"AccessToken":"{}"}}"#, "a".repeat(TOKEN_MAX + 1));
        let longest = format!(r#"{{"AccessToken":"{}"}}"#, "a".repeat(TOKEN_MAX));
        for call in ["issue", "renew"] {
            for bad in [
                r#"{"AccessToken":""}"#,
                r#"{"AccessToken":"a\r\nb"}"#,
                r#"{"AccessToken":"a\u0000b"}"#,
                r#"{"AccessToken":"a b"}"#,
                r#"{"AccessToken":"caf\u00e9"}"#,
                long.as_str(),
            ] {
                let error = accept(call, bad.as_bytes()).unwrap_err();
                assert_eq!(error.code, Code::Decode, "{call} {bad}");
                assert!(error.message.contains("AccessToken"), "{}", error.message);
            }
            assert!(accept(call, longest.as_bytes()).is_ok());
        }
        assert_eq!(accept("renew", br#"{"AccessToken":5}"#).unwrap_err().code, Code::Decode);
        assert!(accept("renew", br#"{"Renewed":true}"#).is_ok(), "a renew answer need not carry a token");
        assert!(accept("revoke", br#"{"AccessToken":""}"#).is_ok(), "revoke answers are not read");
    }

    #[test]
    fn an_error_envelope_is_a_failure_whatever_the_status() {
        for call in ["issue", "renew", "revoke"] {
            let body = br#"{"Error":{"Message":"Token hunter2 is\r\nnot valid","Code":"DeniedAccess"}}"#;
            let error = accept(call, body).unwrap_err();
            assert_eq!(error.code, Code::Decode, "{call}");
            assert_eq!(error.api_code.as_deref(), Some("DeniedAccess"));
            assert!(error.message.contains(r"Token [REDACTED] is\r\nnot valid"), "{}", error.message);
        }
    }

    #[test]
    fn an_expires_nested_deeper_than_serde_recurses_is_skipped() {
        let deep = format!(r#"{{"AccessToken":"abc","Expires":{}1{}}}"#, "[".repeat(1000), "]".repeat(1000));
        assert!(accept("issue", deep.as_bytes()).is_ok());
        let fields = TokenFields::parse(deep.as_bytes()).expect("parsed");
        assert_eq!((fields.access_token.as_ref(), fields.expires), ("abc", None));
        let deep = format!(r#"{{"AccessToken":"abc","Expires":{}1{}}}"#, r#"{"a":"#.repeat(1000), "}".repeat(1000));
        assert!(TokenFields::parse(deep.as_bytes()).is_some());
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
