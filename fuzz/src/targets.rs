//! The four fuzzed surfaces. Each function takes any bytes; it panics (a finding) only when
//! the library breaks a rule of the contract, never because of its input.

use super::abi::{call, check_document, harness, secrets_of, API_KEY, MAX_BODY, PASSWORD, TOKEN};
use super::{oracle, stub};
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use usertoken::calls::TokenFields;
use usertoken::config::Config;
use usertoken::result::Code;
use usertoken::retry::parse_retry_after;
use usertoken::session::parse_expires;
use usertoken::validate;

// ---------------------------------------------------------------------------------- config

/// `Config::parse` on any text: accepted configurations obey every rule of the contract's
/// configuration table, and the environment only fills in what the JSON leaves out.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let bare = Config::parse(Some(text), |_| None);
    let env = |name: &str| match name {
        "MINDBODY_API_KEY" => Some("env-key".to_owned()),
        "MINDBODY_BASE_URL" => Some("https://env.invalid".to_owned()),
        _ => None,
    };
    let with_env = Config::parse(Some(text), env);
    let value: Option<Value> = serde_json::from_str(text).ok();
    for parsed in [&bare, &with_env] {
        match (parsed, value.as_ref().and_then(Value::as_object)) {
            (Ok(config), Some(object)) => check_config(config, object),
            (Ok(_), None) => panic!("accepted a configuration that is not a JSON object: {text:?}"),
            (Err(e), _) => assert!(e.code == Code::InvalidConfig && !e.message.is_empty(), "{e:?}"),
        }
    }
    if let (Ok(bare), Some(object)) = (&bare, value.as_ref().and_then(Value::as_object)) {
        let with_env = with_env.as_ref().expect("what parses without the environment parses with it");
        if object.contains_key("base_url") {
            assert_eq!(bare, with_env, "the environment overrode the JSON: {text:?}");
        } else {
            assert_eq!(with_env.base_url.host_str(), Some("env.invalid"), "{text:?}");
        }
    }
}

fn check_config(config: &Config, object: &serde_json::Map<String, Value>) {
    const KEYS: [&str; 14] = [
        "base_url",
        "api_key",
        "timeout_ms",
        "connect_timeout_ms",
        "max_retries",
        "retry_base_ms",
        "retry_max_ms",
        "user_agent",
        "proxy",
        "ca_file",
        "allow_http",
        "max_response_bytes",
        "worker_threads",
        "session_renew_margin_s",
    ];
    assert!(object.keys().all(|k| KEYS.contains(&k.as_str())), "an unknown key was accepted: {object:?}");
    assert!(oracle::printable_ascii(&config.api_key), "api_key {:?}", config.api_key);
    assert!(oracle::printable_ascii(&config.user_agent), "user_agent {:?}", config.user_agent);
    let url = &config.base_url;
    let host = url.host_str().expect("base_url has a host");
    match url.scheme() {
        "https" => {}
        "http" => assert!(config.allow_http || oracle::is_loopback(host), "plain http to {host} without allow_http"),
        other => panic!("scheme {other} accepted"),
    }
    assert!(url.query().is_none() && url.fragment().is_none() && url.username().is_empty() && url.password().is_none());
    let ms = |d: Duration| d.as_millis() as u64;
    let numbers = [
        ("timeout_ms", ms(config.timeout)),
        ("connect_timeout_ms", ms(config.connect_timeout)),
        ("max_retries", config.max_retries as u64),
        ("retry_base_ms", ms(config.retry_base)),
        ("retry_max_ms", ms(config.retry_max)),
        ("max_response_bytes", config.max_response_bytes as u64),
        ("worker_threads", config.worker_threads as u64),
        ("session_renew_margin_s", config.session_renew_margin.as_secs()),
    ];
    for (key, got) in numbers {
        if let Some(given) = object.get(key) {
            assert_eq!(given.as_u64(), Some(got), "{key}");
        }
    }
    assert!(config.timeout >= Duration::from_millis(1) && config.connect_timeout >= Duration::from_millis(1));
    assert!(config.max_retries <= 10 && (1..=64).contains(&config.worker_threads) && config.max_response_bytes >= 1);
    let endpoint = config.endpoint("6", "issue");
    assert!(endpoint.path().ends_with("/public/v6/usertoken/issue"), "{endpoint}");
    assert_eq!(endpoint.host_str(), Some(host));
}

// ------------------------------------------------------------------------------- arguments

/// Argument rules, pure and through the C ABI: an invalid argument is refused, named, and
/// never sent; valid ones reach the server exactly.
///
/// Input: a selector byte (the call, and whether to stretch the last field to its length
/// limit or one past it), then up to four fields separated by NUL bytes; missing fields take
/// valid defaults.
pub fn arguments(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let which = selector % 3;
    let defaults: [&[u8]; 4] = if which == 0 {
        [b"6", b"-99", b"Siteowner", PASSWORD.as_bytes()]
    } else {
        [b"6", b"-99", TOKEN.as_bytes(), b""]
    };
    let count = if which == 0 { 4 } else { 3 };
    let mut fields: Vec<Vec<u8>> = rest.split(|b| *b == 0).map(<[u8]>::to_vec).take(count).collect();
    while fields.len() < count {
        fields.push(defaults[fields.len()].to_vec());
    }
    let limit = if which == 0 { 4096 } else { 8192 };
    match (selector >> 2) & 3 {
        1 => stretch(&mut fields[count - 1], limit),
        2 => stretch(&mut fields[count - 1], limit + 1),
        _ => {}
    }
    let names: &[&str] = if which == 0 {
        &["version", "site_id", "username", "password"]
    } else {
        &["version", "site_id", "authorization"]
    };
    let verdicts: Vec<bool> = names
        .iter()
        .zip(&fields)
        .map(|(name, field)| {
            let (ours, theirs) = match *name {
                "version" => (oracle::version_ok(field), validate::version(field).map(str::len)),
                "site_id" => (oracle::site_id_ok(field), validate::site_id(field).map(str::len)),
                "authorization" => (oracle::authorization_ok(field), validate::authorization(field).map(str::len)),
                _ => (oracle::credential_ok(field), validate::credential(name, field).map(str::len)),
            };
            match theirs {
                Ok(len) => assert!(ours && len == field.len(), "{name} {field:?} accepted"),
                Err(e) => {
                    assert!(!ours, "{name} {field:?} refused: {e:?}");
                    assert!(e.code == Code::InvalidArgument && e.message.starts_with(name), "{e:?}");
                }
            }
            ours
        })
        .collect();
    let _ = validate::bare_token(&String::from_utf8_lossy(&fields[count - 1]));

    let h = harness();
    let ok_body: &[u8] = if which == 0 { br#"{"TokenType":"Bearer","AccessToken":"t"}"# } else { b"{}" };
    h.stub.answer_with(stub::response(200, &[("Content-Type", "application/json")], ok_body, None));
    h.stub.take_requests();
    let args: Vec<&[u8]> = fields[2..].iter().map(Vec::as_slice).collect();
    let (code, out) = call(which, &fields[0], &fields[1], &args);
    let sent = h.stub.take_requests();
    if verdicts.iter().all(|ok| *ok) {
        assert_eq!(code, "UT_OK", "{}", String::from_utf8_lossy(&out));
        assert_eq!(out, ok_body);
        assert_eq!(sent.len(), 1, "one request");
        let request = &sent[0];
        let operation = ["issue", "renew", "revoke"][which as usize];
        let version = std::str::from_utf8(&fields[0]).unwrap();
        assert_eq!(request.path, format!("/public/v{version}/usertoken/{operation}"));
        assert_eq!(request.header("siteid").map(str::as_bytes), Some(&fields[1][..]));
        assert_eq!(request.header("api-key"), Some(API_KEY));
        if which == 0 {
            let body: Value = serde_json::from_slice(&request.body).expect("the issue body is JSON");
            assert_eq!(body["Username"].as_str().map(str::as_bytes), Some(&fields[2][..]), "Username");
            assert_eq!(body["Password"].as_str().map(str::as_bytes), Some(&fields[3][..]), "Password");
        } else {
            // Only the optional whitespace around a header value is not part of it.
            let expected = String::from_utf8_lossy(&fields[2]);
            assert_eq!(request.header("authorization"), Some(expected.trim_matches([' ', '\t'])));
        }
    } else {
        assert_eq!(code, "UT_INVALID_ARGUMENT");
        let doc = check_document(code, &out, &secrets_of(which));
        let message = doc["message"].as_str().unwrap();
        let named = names.iter().zip(&verdicts).any(|(name, ok)| !ok && message.starts_with(name));
        assert!(named, "the message names no invalid parameter: {message}");
        assert_eq!((doc["attempts"].as_u64(), doc["http_status"].is_null()), (Some(0), true));
        assert!(sent.is_empty(), "an invalid argument was sent");
    }
}

fn stretch(field: &mut Vec<u8>, len: usize) {
    if field.is_empty() {
        field.push(b'a');
    }
    let seed = field.clone();
    field.extend(seed.iter().cycle().take(len.saturating_sub(seed.len())));
    field.truncate(len);
}

// -------------------------------------------------------------------------------- response

const STATUSES: [u16; 16] = [200, 201, 204, 299, 301, 304, 400, 401, 403, 404, 408, 429, 500, 501, 503, 599];

/// Any answer the server can give, through the C ABI: the result code, the output text, the
/// error document, and the API's `Error.Code`, against the contract.
///
/// Input: the call, two status bytes, a flag byte (Retry-After before a NUL, body inflated
/// to the size limit or one past it, chunked framing, secrets spliced in for `{K}`, `{P}`,
/// `{T}`), then the body.
pub fn response(data: &[u8]) {
    if data.len() < 4 {
        return;
    }
    let (which, flags) = (data[0] % 3, data[3]);
    let raw = u16::from_be_bytes([data[1], data[2]]);
    let status = if raw & 0x8000 == 0 { STATUSES[raw as usize % STATUSES.len()] } else { 200 + raw % 400 };
    let mut rest = &data[4..];
    let mut headers = vec![("Content-Type", "application/json".to_owned())];
    if flags & 1 != 0 {
        let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
        let value: String = rest[..end].iter().filter(|b| (0x21..=0x7e).contains(*b)).map(|b| *b as char).collect();
        if !value.is_empty() {
            headers.push(("Retry-After", value));
        }
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    let mut body = rest.to_vec();
    if flags & 0x20 != 0 {
        body = splice_secrets(&body);
    }
    if flags & 2 != 0 {
        stretch(&mut body, MAX_BODY + (flags >> 7) as usize);
    }
    if matches!(status, 204 | 304) {
        body.clear();
    }
    let chunk = (flags & 4 != 0).then_some(1 + (flags as usize >> 3));
    token_fields(&body);

    let h = harness();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    h.stub.answer_with(stub::response(status, &headers, &body, chunk));
    h.stub.take_requests();
    let bearer = format!("Bearer {TOKEN}");
    let (code, out) = match which {
        0 => call(0, b"6", b"-99", &[b"Siteowner", PASSWORD.as_bytes()]),
        1 => call(1, b"6", b"-99", &[TOKEN.as_bytes()]),
        _ => call(2, b"6", b"-99", &[bearer.as_bytes()]),
    };
    assert_eq!(h.stub.take_requests().len(), 1, "max_retries 0: exactly one request");
    let within_limit = body.len() <= MAX_BODY;
    if (200..300).contains(&status) {
        let expected = match (within_limit, which) {
            (false, _) => Some(None),
            (true, 0) => oracle::issue_accepted(&body).map(|ok| ok.then(|| body.clone())),
            (true, w) => oracle::token_call_result(&body, w == 1).map(|r| r.map(String::into_bytes)),
        };
        match (expected, code) {
            (Some(Some(text)), "UT_OK") => assert_eq!(out, text, "the result is the body as received"),
            (Some(None), "UT_DECODE") | (None, "UT_DECODE") => {
                check_document(code, &out, &secrets_of(which));
            }
            (None, "UT_OK") => assert_eq!(out, body),
            (expected, code) => panic!("HTTP {status}: {code}, expected {expected:?}, body {body:?}"),
        }
    } else {
        assert_eq!(code, oracle::status_result(status), "HTTP {status}");
        let doc = check_document(code, &out, &secrets_of(which));
        assert_eq!((doc["http_status"].as_u64(), doc["attempts"].as_u64()), (Some(status as u64), Some(1)));
        if let Some(api_code) = oracle::envelope_code(&body).filter(|_| within_limit) {
            if !secrets_of(which).iter().any(|s| api_code.contains(s)) {
                let expected = oracle::server_text(&api_code);
                assert_eq!(doc["code"].as_str(), Some(expected.as_str()), "Error.Code of {body:?}");
            }
        }
    }
}

/// `TokenFields::parse` against the contract's rule for an IssueResponse. Its callers hand it
/// text already known to be UTF-8 (it does not check the bytes of fields it skips), so other
/// bytes are only required not to crash it.
fn token_fields(body: &[u8]) {
    if std::str::from_utf8(body).is_err() {
        let _ = TokenFields::parse(body);
        return;
    }
    let parsed = TokenFields::parse(body);
    match (oracle::issue_body_ok(body), &parsed) {
        (Some(false), Some(_)) => panic!("TokenFields accepted {body:?}"),
        (Some(true), None) => panic!("TokenFields refused an object with a string AccessToken: {body:?}"),
        (Some(true), Some(fields)) => {
            let value: Value = serde_json::from_slice(body).unwrap();
            assert_eq!(value["AccessToken"].as_str(), Some(&*fields.access_token));
        }
        _ => {}
    }
}

fn splice_secrets(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    text.replace("{K}", API_KEY).replace("{P}", PASSWORD).replace("{T}", TOKEN).into_bytes()
}

// ----------------------------------------------------------------------------------- dates

/// Greatest time both date formats can write: 9999-12-31T23:59:59Z.
const LAST_SECOND: u64 = 253_402_300_799;

/// `Retry-After` and `Expires` parsing: any text, and round trips of any representable time
/// through each documented spelling.
pub fn dates(data: &[u8]) {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    if let Ok(text) = std::str::from_utf8(data) {
        let got = parse_retry_after(text, now);
        let trimmed = text.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            assert_eq!(got, Some(Duration::from_secs(trimmed.parse().unwrap_or(u64::MAX))), "{text:?}");
        } else if let Ok(when) = httpdate::parse_http_date(trimmed) {
            assert_eq!(got, Some(when.duration_since(now).unwrap_or(Duration::ZERO)), "{text:?}");
        } else {
            assert_eq!(got, None, "{text:?}");
        }
        if let Some(when) = parse_expires(text) {
            let printed = humantime::format_rfc3339_nanos(when).to_string();
            assert_eq!(parse_expires(&printed), Some(when), "{text:?} -> {printed}");
        }
    }
    if data.len() >= 8 {
        let seconds = u64::from_le_bytes(data[..8].try_into().unwrap()) % (LAST_SECOND + 1);
        let when: SystemTime = UNIX_EPOCH + Duration::from_secs(seconds);
        let http_date = httpdate::fmt_http_date(when);
        assert_eq!(parse_retry_after(&http_date, now), Some(when.duration_since(now).unwrap_or(Duration::ZERO)));
        assert_eq!(parse_retry_after(&seconds.to_string(), now), Some(Duration::from_secs(seconds)));
        let zulu = humantime::format_rfc3339_seconds(when).to_string();
        let bare = zulu.trim_end_matches('Z').to_owned();
        for spelling in [zulu.clone(), format!("{bare}+00:00"), bare] {
            assert_eq!(parse_expires(&spelling), Some(when), "{spelling}");
        }
    }
}
