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

    /// A failure of a call that was sent, with the code its cause maps to.
    pub fn failed(cause: crate::result::Cause, message: impl Into<String>) -> Error {
        Error::new(cause.code(), message)
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

/// What the server sends back (an `Error.Message`, a transport error's text) made fit for an
/// error document and a log line: every secret removed, in any of the forms a server writes
/// it back in, no control character left to forge a line, and a bounded length.
pub struct ServerText<'a> {
    secrets: Vec<&'a str>,
}

/// The most of one server text that reaches a message.
pub(crate) const SERVER_TEXT_MAX: usize = 2048;

impl<'a> ServerText<'a> {
    /// Cheap: the forms of each secret are only worked out when there is text to clean.
    pub fn new(mut secrets: Vec<&'a str>) -> ServerText<'a> {
        secrets.retain(|s| !s.is_empty());
        ServerText { secrets }
    }

    /// `text` without secrets and control characters, cut to `SERVER_TEXT_MAX` bytes.
    pub fn clean(&self, text: &str) -> String {
        // Longest first, so a form that contains another is removed whole.
        let mut forms: Vec<String> = self.secrets.iter().flat_map(|s| echoed_forms(s)).collect();
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        let mut out = text.to_owned();
        for form in &forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), "[REDACTED]");
            }
        }
        let mut clean = String::with_capacity(out.len().min(SERVER_TEXT_MAX));
        for c in out.chars() {
            if clean.len() >= SERVER_TEXT_MAX {
                clean.push_str("...");
                break;
            }
            match c {
                '\n' => clean.push_str("\\n"),
                '\r' => clean.push_str("\\r"),
                '\t' => clean.push_str("\\t"),
                // Line and paragraph separators end lines too, in some readers.
                c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                    clean.push_str(&c.escape_unicode().to_string())
                }
                c => clean.push(c),
            }
        }
        clean
    }
}

/// The ways a server may write `secret` back: as it is, JSON-escaped (once, or twice when the
/// body it echoes was itself JSON), escaped as .NET writes JSON (`\u0022` for a quote, upper or
/// lower case hex), percent-encoded (upper or lower case, `+` for a space) and HTML-escaped.
fn echoed_forms(secret: &str) -> Vec<String> {
    let json = |s: &str| {
        let quoted = serde_json::to_string(s).unwrap_or_default();
        quoted[1..quoted.len() - 1].to_owned()
    };
    let dotnet = |s: &str, upper: bool| {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_ascii_alphanumeric() || (c.is_ascii_graphic() && !"\"&'<>+`".contains(c)) || c == ' ' => {
                    out.push(c)
                }
                c => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let hex = if upper { format!("\\u{:04X}", unit) } else { format!("\\u{:04x}", unit) };
                        out.push_str(&hex);
                    }
                }
            }
        }
        out
    };
    let percent = |s: &str, upper: bool, plus: bool| {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
                b' ' if plus => out.push('+'),
                b if upper => out.push_str(&format!("%{b:02X}")),
                b => out.push_str(&format!("%{b:02x}")),
            }
        }
        out
    };
    let html = |s: &str| {
        s.replace('&', "&amp;").replace('"', "&quot;").replace('\'', "&#39;").replace('<', "&lt;").replace('>', "&gt;")
    };
    let once = json(secret);
    let mut forms = vec![
        secret.to_owned(),
        json(&once),
        once,
        dotnet(secret, true),
        dotnet(secret, false),
        json(&dotnet(secret, true)),
        percent(secret, true, false),
        percent(secret, false, false),
        percent(secret, true, true),
        html(secret),
    ];
    forms.retain(|f| !f.is_empty());
    forms
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

    fn redact(text: &str, secrets: &[&str]) -> String {
        ServerText::new(secrets.to_vec()).clean(text)
    }

    #[test]
    fn redact_removes_every_secret_occurrence() {
        let out = redact("key k3y and pw hunter2, again hunter2", &["k3y", "hunter2", ""]);
        assert_eq!(out, "key [REDACTED] and pw [REDACTED], again [REDACTED]");
        assert_eq!(redact("nothing here", &["secret"]), "nothing here");
    }

    #[test]
    fn secrets_are_removed_in_every_form_a_server_echoes_them_in() {
        let password = "Tr0ub4dor\"&3\\x";
        for echoed in [
            r#"body {"Username":"jdoe","Password":"Tr0ub4dor\"&3\\x"}"#,
            r#"body {\"Password\":\"Tr0ub4dor\\\"&3\\\\x\"}"#,
            r#"body {"Password":"Tr0ub4dor\u0022\u00263\\x"}"#,
            "form Password=Tr0ub4dor%22%263%5Cx&x=1",
            "form Password=Tr0ub4dor%22%263%5cx&x=1",
            "<p>Tr0ub4dor&quot;&amp;3\\x</p>",
        ] {
            let clean = redact(echoed, &[password]);
            assert!(clean.contains("[REDACTED]"), "{echoed} -> {clean}");
            for piece in ["Tr0ub4dor", "ub4dor"] {
                assert!(!clean.to_lowercase().contains(&piece.to_lowercase()), "{echoed} -> {clean}");
            }
        }
        let unicode = "pässwörd ✓";
        for echoed in [r"p\u00e4ssw\u00f6rd \u2713", r"p\u00E4ssw\u00F6rd \u2713", "p%C3%A4ssw%C3%B6rd+%E2%9C%93"] {
            assert_eq!(redact(echoed, &[unicode]), "[REDACTED]", "{echoed}");
        }
    }

    #[test]
    fn server_text_cannot_forge_lines_or_run_on() {
        assert_eq!(redact("a\r\nERROR forged\u{2028}x\u{7}", &[]), "a\\r\\nERROR forged\\u{2028}x\\u{7}");
        let long = "x".repeat(10 * SERVER_TEXT_MAX);
        let clean = redact(&long, &[]);
        assert!(clean.len() <= SERVER_TEXT_MAX + 3 && clean.ends_with("..."), "{}", clean.len());
        // A secret straddling the cut is removed before the cut.
        let text = format!("{}hunter2", "y".repeat(SERVER_TEXT_MAX - 3));
        assert!(!redact(&text, &["hunter2"]).contains("hun"));
    }
}
