//! The `echo` fault's answer: the API's error envelope with the request, verbatim, as its
//! `Error.Message`, as servers that repeat their input in validation errors answer. Secrets
//! the client sent (the password in the body; with the headers, the API key and the token)
//! come back in it.

use std::fmt::Write as _;

use hyper::http::request::Parts;

use crate::faults::Escape;

/// What is echoed: the body, after the headers as `name: value` lines (names lowercase, in
/// the order received) and a blank line when `with_headers`. Bytes that are not UTF-8 become
/// U+FFFD.
pub(crate) fn message(parts: &Parts, body: &[u8], with_headers: bool) -> String {
    let mut text = String::new();
    if with_headers {
        for (name, value) in &parts.headers {
            text.push_str(name.as_str());
            text.push_str(": ");
            text.push_str(&String::from_utf8_lossy(value.as_bytes()));
            text.push_str("\r\n");
        }
        text.push_str("\r\n");
    }
    text.push_str(&String::from_utf8_lossy(body));
    text
}

/// `{"Error":{"Message":message,"Code":code}}`, its strings escaped as `escape` says.
pub(crate) fn envelope(message: &str, code: &str, escape: Escape) -> Vec<u8> {
    match escape {
        Escape::Json => crate::reply::error_body(code, message),
        Escape::Dotnet => {
            format!(r#"{{"Error":{{"Message":"{}","Code":"{}"}}}}"#, dotnet(message), dotnet(code)).into_bytes()
        }
    }
}

/// A JSON string's contents as System.Text.Json writes them with its default encoder: short
/// escapes for `\b \t \n \f \r \\`, `\uXXXX` (upper-case hex) for other control characters,
/// the HTML-sensitive `" & ' + < > `` ` `` and everything outside printable ASCII (characters
/// beyond the BMP as surrogate pairs).
fn dotnet(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            ' '..='~' if !matches!(c, '"' | '&' | '\'' | '+' | '<' | '>' | '`') => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotnet_escapes_html_characters_and_everything_beyond_ascii() {
        assert_eq!(dotnet(r#"{"a":"b&c"}"#), r#"{\u0022a\u0022:\u0022b\u0026c\u0022}"#);
        assert_eq!(dotnet("<'+`>"), r"\u003C\u0027\u002B\u0060\u003E");
        assert_eq!(dotnet("é😀\u{7f}\u{1}"), r"\u00E9\uD83D\uDE00\u007F\u0001");
        assert_eq!(dotnet("a\\b\r\n\t"), r"a\\b\r\n\t");
        let body = envelope("p\"w&d", "Bad", Escape::Dotnet);
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed["Error"]["Message"], "p\"w&d", "still JSON that means the same");
        assert_eq!(parsed["Error"]["Code"], "Bad");
    }
}
