//! The contract's rules, written again from CONTRACT.md's tables rather than from the
//! library's code, so that a check compares two independent readings.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

pub fn version_ok(b: &[u8]) -> bool {
    (1..=16).contains(&b.len()) && b.iter().all(|c| c.is_ascii_alphanumeric() || b".-_".contains(c))
}

pub fn site_id_ok(b: &[u8]) -> bool {
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    (1..=18).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
}

pub fn credential_ok(b: &[u8]) -> bool {
    (1..=4096).contains(&b.len()) && std::str::from_utf8(b).is_ok()
}

pub fn authorization_ok(b: &[u8]) -> bool {
    (1..=8192).contains(&b.len()) && b.iter().all(|c| (0x20..=0x7e).contains(c))
}

/// Whether `body` is JSON text by the grammar. Numbers such as `1e999` are grammatical
/// though no `f64` holds them; `serde_json::Value` refuses them, `IgnoredAny` does not.
pub fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(body).is_ok()
}

/// What `ut_issue` must answer to a 2xx body: `Some(true)` accept, `Some(false)` UT_DECODE,
/// `None` when the contract does not decide (an object with a repeated key, or with a
/// number too large to read).
pub fn issue_body_ok(body: &[u8]) -> Option<bool> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => {
            if has_repeated_key(body) {
                return None;
            }
            Some(map.get("AccessToken").is_some_and(Value::is_string))
        }
        Err(_) if is_json(body) && body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') => None,
        _ => Some(false),
    }
}

/// Whether a token the server sent can be used: 1 to 8192 bytes of printable ASCII without
/// spaces (0x21-0x7E).
pub fn token_usable(token: &str) -> bool {
    (1..=8192).contains(&token.len()) && token.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// Whether a 2xx body is the API's error envelope, which is a failure whatever the status:
/// an object whose `Error` is an object with `Message` and `Code` each a string or null.
/// `None` when the contract does not decide (a repeated key).
pub fn is_envelope(body: &[u8]) -> Option<bool> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Some(false);
    };
    if has_repeated_key(body) {
        return None;
    }
    let Some(Value::Object(error)) = map.get("Error") else {
        return Some(false);
    };
    let text_or_null = |key: &str| error.get(key).map_or(true, |v| v.is_string() || v.is_null());
    Some(text_or_null("Message") && text_or_null("Code"))
}

/// What `ut_issue` must answer to a 2xx body: `Some(true)` UT_OK, `Some(false)` UT_DECODE,
/// `None` when the contract does not decide.
pub fn issue_accepted(body: &[u8]) -> Option<bool> {
    if is_envelope(body)? {
        return Some(false);
    }
    let shaped = issue_body_ok(body)?;
    let value: Option<Value> = serde_json::from_slice(body).ok();
    let usable = value.as_ref().and_then(|v| v.get("AccessToken")).and_then(Value::as_str).is_some_and(token_usable);
    Some(shaped && usable)
}

/// What `ut_renew` (`renew`) or `ut_revoke` must answer to a 2xx body: `Some(Some(text))` on
/// UT_OK, `Some(None)` for UT_DECODE, `None` when the contract does not decide. A renew
/// answer that names an `AccessToken` must name a usable one.
pub fn token_call_result(body: &[u8], renew: bool) -> Option<Option<String>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(Some("{}".to_owned()));
    }
    if !is_json(body) || is_envelope(body)? {
        return Some(None);
    }
    if renew {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            if has_repeated_key(body) {
                return None;
            }
            if map.get("AccessToken").is_some_and(|t| !t.as_str().is_some_and(token_usable)) {
                return Some(None);
            }
        }
    }
    Some(String::from_utf8(body.to_vec()).ok())
}

/// Server text as an error document or log line may carry it: every control character (and
/// the Unicode line and paragraph separators) written as an escape, at most 2048 bytes.
pub fn server_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if out.len() >= 2048 {
            out.push_str("...");
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// The result name a non-2xx status maps to.
pub fn status_result(status: u16) -> &'static str {
    match status {
        401 | 403 => "UT_DENIED",
        429 => "UT_RATE_LIMITED",
        500..=599 => "UT_SERVER_ERROR",
        _ => "UT_HTTP_ERROR",
    }
}

/// The API's `Error.Code` of an error envelope whose fields are all well typed and named once.
pub fn envelope_code(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    if has_repeated_key(body) {
        return None;
    }
    let error = value.get("Error")?.as_object()?;
    if error.get("Message").is_some_and(|m| !m.is_string() && !m.is_null()) {
        return None;
    }
    error.get("Code")?.as_str().map(str::to_owned)
}

/// Whether `host` (as `Url::host_str` spells it) is loopback: 127.0.0.0/8, ::1, localhost.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

pub fn printable_ascii(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// Whether any object in `body` names one key twice (serde_json's `Value` keeps the last
/// one, a struct refuses the whole text: the contract does not say which is right).
fn has_repeated_key(body: &[u8]) -> bool {
    struct Repeated(bool);
    impl<'de> Deserialize<'de> for Repeated {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Repeated, D::Error> {
            d.deserialize_any(Walk)
        }
    }
    struct Walk;
    impl<'de> Visitor<'de> for Walk {
        type Value = Repeated;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Repeated, A::Error> {
            let mut seen = std::collections::HashSet::new();
            let mut repeated = false;
            while let Some(key) = map.next_key::<String>()? {
                repeated |= !seen.insert(key);
                repeated |= map.next_value::<Repeated>()?.0;
            }
            Ok(Repeated(repeated))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Repeated, A::Error> {
            let mut repeated = false;
            while let Some(item) = seq.next_element::<Repeated>()? {
                repeated |= item.0;
            }
            Ok(Repeated(repeated))
        }
        fn visit_bool<E>(self, _: bool) -> Result<Repeated, E> {
            Ok(Repeated(false))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Repeated, E> {
            Ok(Repeated(false))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Repeated, E> {
            Ok(Repeated(false))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Repeated, E> {
            Ok(Repeated(false))
        }
        fn visit_str<E>(self, _: &str) -> Result<Repeated, E> {
            Ok(Repeated(false))
        }
        fn visit_unit<E>(self) -> Result<Repeated, E> {
            Ok(Repeated(false))
        }
    }
    serde_json::from_slice::<Repeated>(body).is_ok_and(|r| r.0)
}
