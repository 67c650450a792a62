//! The blocking calls against the emulator: what goes on the wire, and every result code
//! that the network and the server can cause.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn error_of(result: (String, String), expected: &str) -> Value {
    assert_eq!(result.0, expected, "{}", result.1);
    let value = doc(&result.1);
    assert_eq!(value["result"], expected);
    value
}

fn assert_no_secret(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} leaked into {text}");
    }
}

#[test]
fn issue_renew_revoke_round_trip() {
    let f = Fixture::new();
    let c = f.client("");
    let (code, body) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_OK");
    let issued: Value = serde_json::from_str(&body).unwrap();
    let token = issued["AccessToken"].as_str().unwrap();
    assert_eq!(issued["User"]["Type"], "Owner");

    let (code, body) = c.renew(&format!("Bearer {token}"));
    assert_eq!(code, "UT_OK", "{body}");
    let renewed: Value = serde_json::from_str(&body).unwrap();
    assert_ne!(renewed["Expires"], issued["Expires"], "renew moves the expiry");
    // The renewed token is the token from now on.
    let token = renewed["AccessToken"].as_str().unwrap();
    assert_ne!(token, issued["AccessToken"].as_str().unwrap(), "renew answers a new token");

    let (code, body) = c.revoke(token);
    assert_eq!((code.as_str(), body.as_str()), ("UT_OK", "{}"));

    let denied = error_of(c.renew(token), "UT_DENIED");
    assert_eq!(denied["http_status"], 401);
    assert_eq!(denied["code"], "DeniedAccess");
    assert_eq!(denied["attempts"], 1);
    assert_no_secret(&denied.to_string(), &[token, API_KEY]);
}

#[test]
fn every_required_header_is_sent() {
    let f = Fixture::new();
    let c = f.client("");
    let token = c.token();
    c.renew(&format!("Bearer {token}"));
    c.revoke(&token);
    let requests = f.requests();
    assert_eq!(requests.len(), 3);
    let user_agent = format!("usertoken/{}", env!("CARGO_PKG_VERSION"));
    for request in &requests {
        assert_eq!(header(request, "api-key"), Some(API_KEY));
        assert_eq!(header(request, "siteid"), Some(SITE));
        assert_eq!(header(request, "accept"), Some("application/json"));
        assert_eq!(header(request, "user-agent"), Some(user_agent.as_str()));
    }
    let (issue, renew, revoke) = (&requests[0], &requests[1], &requests[2]);
    assert_eq!((issue["method"].as_str(), issue["path"].as_str()), (Some("POST"), Some("/public/v6/usertoken/issue")));
    assert_eq!(header(issue, "content-type"), Some("application/json"));
    assert_eq!(header(issue, "authorization"), None);
    assert_eq!((renew["method"].as_str(), renew["path"].as_str()), (Some("POST"), Some("/public/v6/usertoken/renew")));
    assert_eq!(header(renew, "authorization"), Some(format!("Bearer {token}").as_str()));
    assert_eq!(header(renew, "content-length"), Some("0"));
    assert_eq!(
        (revoke["method"].as_str(), revoke["path"].as_str()),
        (Some("DELETE"), Some("/public/v6/usertoken/revoke"))
    );
    assert_eq!(header(revoke, "authorization"), Some(token.as_str()), "sent exactly as given");
}

#[test]
fn custom_user_agent_and_version() {
    let f = Fixture::new();
    let c = f.client(r#""user_agent":"my-app/2.1""#);
    c.token();
    assert_eq!(header(&f.requests()[0], "user-agent"), Some("my-app/2.1"));
}

#[test]
fn credentials_reach_the_server_byte_exact() {
    let f = Fixture::new();
    let c = f.client("");
    let username = "o'neil \"the\" \\user\\ \u{1}\t\u{7f} \u{e9}\u{4e2d}\u{1f600}";
    let password = "p\"a\\s\ns\r\u{0}x".replace('\u{0}', "\u{2}") + "\u{2028}</script>";
    let (code, body) = c.issue(username, &password);
    assert_eq!(code, "UT_DENIED", "{body}");
    assert_no_secret(&body, &[&password]);
    let recorded = &f.requests()[0];
    let bytes: Vec<u8> = (0..recorded["body_hex"].as_str().unwrap().len() / 2)
        .map(|i| u8::from_str_radix(&recorded["body_hex"].as_str().unwrap()[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let sent: Value = serde_json::from_slice(&bytes).expect("the body is JSON");
    assert_eq!(sent, json!({"Username": username, "Password": password}));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with(r#"{"Username":"#), "{text}");
}

#[test]
fn denied_and_rejected_requests() {
    let f = Fixture::new();
    let c = f.client("");
    let bad = error_of(c.issue(USERNAME, "wrong-password"), "UT_DENIED");
    assert_eq!(bad["http_status"], 403, "bad credentials are 403, as observed live");
    assert_eq!(bad["message"], "issue: HTTP 403: Staff identity authentication failed.");
    assert_eq!(bad["attempts"], 1, "403 is never retried");

    let wrong_key = Client::new(&format!(r#"{{"base_url":"{}","api_key":"not-the-key"}}"#, f.url())).unwrap();
    let denied = error_of(wrong_key.issue(USERNAME, PASSWORD), "UT_DENIED");
    assert!(denied["message"].as_str().unwrap().contains("Invalid API key"));
    assert_no_secret(&denied.to_string(), &["not-the-key"]);

    let (v, s, u, p) = (cstr("6"), cstr("12345"), cstr(USERNAME), cstr(PASSWORD));
    let mut out = std::ptr::null_mut();
    let code =
        unsafe { usertoken::ffi::calls::ut_issue(c.raw, v.as_ptr(), s.as_ptr(), u.as_ptr(), p.as_ptr(), &mut out) };
    let site = error_of((name(code), take(out)), "UT_HTTP_ERROR");
    assert_eq!(site["http_status"], 400);
    assert_eq!(site["code"], "InvalidSiteId");
}

#[test]
fn secrets_echoed_by_the_server_are_redacted() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    let token = c.token();
    let echo = format!("key {API_KEY} password {PASSWORD} token {token}");
    let body = json!({"Error": {"Message": echo, "Code": format!("Code-{token}")}}).to_string();
    f.fault(&json!({"kind": "status", "status": 401, "body": body, "count": 2}).to_string());
    let issue = error_of(c.issue(USERNAME, PASSWORD), "UT_DENIED");
    let renew = error_of(c.renew(&format!("Bearer {token}")), "UT_DENIED");
    for value in [issue, renew] {
        let text = value.to_string();
        assert!(text.contains("[REDACTED]"), "{text}");
        assert_no_secret(&text, &[API_KEY]);
    }
    f.fault(&json!({"kind": "status", "status": 401, "body": body}).to_string());
    let renew = error_of(c.renew(&token), "UT_DENIED");
    assert_no_secret(&renew.to_string(), &[API_KEY, &token]);
}

#[test]
fn retried_statuses_then_success() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":2"#);
    f.fault(r#"{"kind":"status","status":503,"count":2}"#);
    let (code, body) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_OK", "{body}");
    assert_eq!(f.requests().len(), 3);
}

#[test]
fn each_status_maps_to_its_code_after_the_right_number_of_attempts() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":2"#);
    for (status, expected, attempts) in [
        (500, "UT_SERVER_ERROR", 3),
        (502, "UT_SERVER_ERROR", 3),
        (503, "UT_SERVER_ERROR", 3),
        (504, "UT_SERVER_ERROR", 3),
        (429, "UT_RATE_LIMITED", 3),
        (408, "UT_HTTP_ERROR", 3),
        (501, "UT_SERVER_ERROR", 1),
        (505, "UT_SERVER_ERROR", 1),
        (400, "UT_HTTP_ERROR", 1),
        (404, "UT_HTTP_ERROR", 1),
        (409, "UT_HTTP_ERROR", 1),
        (401, "UT_DENIED", 1),
        (403, "UT_DENIED", 1),
    ] {
        f.clear_requests();
        f.fault(&json!({"kind": "status", "status": status, "count": attempts}).to_string());
        let value = error_of(c.issue(USERNAME, PASSWORD), expected);
        assert_eq!(value["http_status"], status);
        assert_eq!(value["attempts"], attempts, "HTTP {status}");
        assert_eq!(value["code"], "InjectedFault");
        assert_eq!(f.requests().len(), attempts as usize, "HTTP {status}");
    }
}

#[test]
fn retry_after_is_honoured_and_capped() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":1,"retry_max_ms":3000"#);
    f.fault(r#"{"kind":"status","status":429,"retry_after":"1"}"#);
    let started = Instant::now();
    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK");
    assert!(started.elapsed() >= Duration::from_millis(950), "waited {:?}", started.elapsed());

    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    f.fault(&json!({"kind": "status", "status": 503, "retry_after": date}).to_string());
    let started = Instant::now();
    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK");
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());

    f.fault(r#"{"kind":"status","status":429,"retry_after":"60","count":2}"#);
    let started = Instant::now();
    let value = error_of(c.issue(USERNAME, PASSWORD), "UT_RATE_LIMITED");
    assert!(started.elapsed() < Duration::from_secs(2), "a Retry-After above the cap is not waited for");
    assert_eq!(value["attempts"], 1);
    assert!(value["message"].as_str().unwrap().contains("retry_max_ms"), "{value}");
}

#[test]
fn timeouts_bound_every_attempt() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":1,"timeout_ms":300"#);
    f.fault(r#"{"kind":"hang","count":2}"#);
    let started = Instant::now();
    let value = error_of(c.issue(USERNAME, PASSWORD), "UT_TIMEOUT");
    assert_eq!(value["attempts"], 2);
    assert!(value["http_status"].is_null());
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());

    f.fault(r#"{"kind":"trickle","interval_ms":100,"count":2}"#);
    let started = Instant::now();
    error_of(c.issue(USERNAME, PASSWORD), "UT_TIMEOUT");
    assert!(started.elapsed() < Duration::from_secs(3), "a trickling body is bounded too");
}

#[test]
fn connection_failures() {
    let f = Fixture::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused =
        Client::new(&format!(r#"{{"base_url":"http://{closed}","api_key":"k","max_retries":2,"retry_base_ms":1}}"#))
            .unwrap();
    let value = error_of(refused.issue(USERNAME, PASSWORD), "UT_CONNECT");
    assert_eq!(value["attempts"], 3, "connection failures are retried");

    let c = f.client(r#""max_retries":0"#);
    f.fault(r#"{"kind":"drop"}"#);
    error_of(c.issue(USERNAME, PASSWORD), "UT_CONNECT");
    f.fault(r#"{"kind":"drop_mid_body"}"#);
    error_of(c.issue(USERNAME, PASSWORD), "UT_CONNECT");

    let dns = Client::new(r#"{"base_url":"https://no-such-host.invalid","api_key":"k","max_retries":0}"#).unwrap();
    error_of(dns.issue(USERNAME, PASSWORD), "UT_CONNECT");
}

#[test]
fn bodies_that_are_not_what_was_promised() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    for body in ["not json", "{}", "[]", r#"{"AccessToken":42}"#, ""] {
        f.fault(&json!({"kind": "status", "status": 200, "body": body, "call": "issue"}).to_string());
        let value = error_of(c.issue(USERNAME, PASSWORD), "UT_DECODE");
        assert_eq!(value["attempts"], 1, "{body:?}");
        assert_eq!(value["http_status"], 200, "{body:?}");
    }
    let token = c.token();
    f.fault(r#"{"kind":"status","status":200,"body":"<html>","call":"renew"}"#);
    error_of(c.renew(&token), "UT_DECODE");
    for status in [200, 204] {
        f.fault(&json!({"kind": "status", "status": status, "body": "", "call": "renew"}).to_string());
        assert_eq!(c.renew(&token), ("UT_OK".to_owned(), "{}".to_owned()));
    }
    f.fault(r#"{"kind":"status","status":200,"body":"[1,2,3]","call":"revoke"}"#);
    assert_eq!(c.revoke(&token), ("UT_OK".to_owned(), "[1,2,3]".to_owned()));
}

#[test]
fn max_response_bytes_is_inclusive() {
    let f = Fixture::new();
    let limit = 4096;
    let c = f.client(&format!(r#""max_retries":0,"max_response_bytes":{limit}"#));
    f.fault(&json!({"kind": "oversized", "body_bytes": limit}).to_string());
    let (code, body) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_OK");
    assert_eq!(body.len(), limit);
    f.fault(&json!({"kind": "oversized", "body_bytes": limit + 1}).to_string());
    let value = error_of(c.issue(USERNAME, PASSWORD), "UT_DECODE");
    assert!(value["message"].as_str().unwrap().contains("max_response_bytes"));
}

#[test]
fn redirects_are_never_followed() {
    let f = Fixture::new();
    let c = f.client("");
    f.fault(r#"{"kind":"redirect","location":"http://127.0.0.2:1/steal"}"#);
    let value = error_of(c.issue(USERNAME, PASSWORD), "UT_HTTP_ERROR");
    assert_eq!(value["http_status"], 302);
    assert_eq!(f.requests().len(), 1);
}

#[test]
fn many_threads_share_one_client() {
    let f = Fixture::new();
    let c = f.client("");
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..25 {
                    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK");
                }
            });
        }
    });
    assert_eq!(f.stats()["issue"], 200);
}

#[test]
fn blocking_calls_work_from_inside_foreign_tokio_runtimes() {
    let f = Fixture::new();
    let c = f.client("");
    let current = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    current.block_on(async { assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK") });
    let multi = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let shared = std::sync::Arc::new(c);
    let inner = shared.clone();
    multi.block_on(async move {
        tokio::spawn(async move { assert_eq!(inner.issue(USERNAME, PASSWORD).0, "UT_OK") }).await.unwrap();
    });
}
