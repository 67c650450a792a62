//! The library's error: a result code plus what the error document tells the caller.

use crate::result::Code;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub code: Code,
    pub message: String,
    pub http_status: Option<u16>,
    /// The API's own `Error.Code`, when the server sent one.
    pub api_code: Option<String>,
    pub attempts: u32,
}

/// The JSON shape of an error document; the field order is the documented one.
#[derive(Serialize)]
struct Document<'a> {
    result: &'a str,
    message: &'a str,
    http_status: Option<u16>,
    code: Option<&'a str>,
    attempts: u32,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error { code, message: message.into(), http_status: None, api_code: None, attempts: 0 }
    }

    pub fn null_argument(name: &str) -> Error {
        Error::new(Code::NullArgument, format!("{name} must not be NULL"))
    }

    pub fn invalid_argument(name: &str, why: &str) -> Error {
        Error::new(Code::InvalidArgument, format!("{name} {why}"))
    }

    pub fn invalid_config(message: impl Into<String>) -> Error {
        Error::new(Code::InvalidConfig, message)
    }

    pub fn cancelled(message: impl Into<String>) -> Error {
        Error::new(Code::Cancelled, message)
    }

    pub fn panic() -> Error {
        Error::new(Code::Panic, "internal error: a panic was caught at the library boundary")
    }

    pub fn with_attempts(mut self, attempts: u32) -> Error {
        self.attempts = attempts;
        self
    }

    /// `{"result":..,"message":..,"http_status":..,"code":..,"attempts":..}`, all five keys always.
    pub fn to_document(&self) -> String {
        let doc = Document {
            result: self.code.name(),
            message: &self.message,
            http_status: self.http_status,
            code: self.api_code.as_deref(),
            attempts: self.attempts,
        };
        serde_json::to_string(&doc).unwrap_or_else(|_| {
            format!(r#"{{"result":"{}","message":"","http_status":null,"code":null,"attempts":0}}"#, self.code.name())
        })
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for Error {}

/// Replaces every occurrence of each secret in `text` with `[REDACTED]`.
///
/// Servers echo request values back in their messages; no secret may reach an error
/// document or a log line that way, however short the secret is.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, "[REDACTED]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_has_all_five_keys_in_order() {
        let doc = Error::new(Code::Timeout, "no response").with_attempts(3).to_document();
        assert_eq!(
            doc,
            r#"{"result":"UT_TIMEOUT","message":"no response","http_status":null,"code":null,"attempts":3}"#
        );
        let mut denied = Error::new(Code::Denied, "HTTP 401: Missing API key");
        denied.http_status = Some(401);
        denied.api_code = Some("DeniedAccess".into());
        let v: serde_json::Value = serde_json::from_str(&denied.to_document()).unwrap();
        assert_eq!(v["http_status"], 401);
        assert_eq!(v["code"], "DeniedAccess");
        assert_eq!(v["result"], "UT_DENIED");
    }

    #[test]
    fn messages_are_escaped_as_json() {
        let doc = Error::new(Code::Decode, "quote \" backslash \\ newline \n").to_document();
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["message"], "quote \" backslash \\ newline \n");
    }

    #[test]
    fn redact_removes_every_secret_occurrence() {
        let out = redact("key k3y and pw hunter2, again hunter2", &["k3y", "hunter2", ""]);
        assert_eq!(out, "key [REDACTED] and pw [REDACTED], again [REDACTED]");
        assert_eq!(redact("nothing here", &["secret"]), "nothing here");
    }
}
