//! Every fault kind, over a real socket, and the queue that hands faults out.

mod common;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use common::{connect, start, API_KEY, ISSUE, RENEW};
use serde_json::{json, Value};
use ut_emulator::Emulator;

fn queue(emulator: &Emulator, faults: Value) -> Value {
    emulator.add_faults(&faults.to_string()).unwrap()
}

const HEADERS: [(&str, &str); 2] = [("API-Key", API_KEY), ("SiteId", "-99")];
const CREDENTIALS: &[u8] = br#"{"Username":"Siteowner","Password":"apitest1234"}"#;

#[test]
fn status_fault_answers_the_error_envelope_with_retry_after() {
    let emulator = start();
    let mut http = connect(&emulator);
    assert_eq!(
        queue(&emulator, json!({"kind": "status", "status": 503, "retry_after": "2"})),
        json!({"queued": 1, "pending": 1})
    );
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!(response.status, 503);
    assert_eq!(response.header("retry-after"), Some("2"));
    assert_eq!(response.json(), json!({"Error": {"Message": "Injected fault", "Code": "InjectedFault"}}));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200, "used up after one request");
    assert_eq!(emulator.tokens().unwrap()["tokens"].as_array().unwrap().len(), 1, "the faulted issue made no token");
}

#[test]
fn status_fault_defaults_to_500_and_can_carry_any_body() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(
        &emulator,
        json!({"faults": [
            {"kind": "status"},
            {"kind": "status", "status": 502, "body": "<html>bad gateway</html>", "content_type": "text/html"},
            {"kind": "status", "status": 200, "body": ""},
            {"kind": "status", "status": 200, "body": "not json"},
            {"kind": "status", "status": 429, "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"},
            {"kind": "status", "status": 204, "body": "dropped"},
        ]}),
    );
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!((response.status, response.error_code()), (500, "InjectedFault".to_owned()));
    assert_eq!(response.header("retry-after"), None);
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!((response.status, response.header("content-type")), (502, Some("text/html")));
    assert_eq!(response.body, b"<html>bad gateway</html>");
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!((response.status, response.body.len()), (200, 0));
    assert_eq!(http.issue("Siteowner", "apitest1234").body, b"not json");
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!((response.status, response.header("retry-after")), (429, Some("Wed, 21 Oct 2015 07:28:00 GMT")));
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (status, headers) = http.read_head().unwrap();
    assert_eq!(status, 204);
    assert!(!headers.iter().any(|(n, _)| n == "content-length" || n == "transfer-encoding"), "{headers:?}");
    // The connection is still in step after a bodiless answer.
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
}

#[test]
fn faults_match_their_call_in_queue_order_and_count_down() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    queue(&emulator, json!({"kind": "status", "status": 502, "call": "renew", "count": 2}));
    queue(&emulator, json!({"kind": "status", "status": 503}));
    let pending = emulator.faults().unwrap()["faults"].clone();
    assert_eq!(pending[0], json!({"kind": "status", "call": "renew", "count": 2, "delay_ms": 0, "status": 502}));
    assert_eq!(pending[1]["status"], 503);

    assert_eq!(http.issue("Siteowner", "apitest1234").status, 503, "the renew fault is skipped for issue");
    assert_eq!(http.renew(&token).status, 502);
    assert_eq!(
        emulator.faults().unwrap()["faults"],
        json!([{"kind": "status", "call": "renew", "count": 1, "delay_ms": 0, "status": 502}])
    );
    assert_eq!(http.revoke(&token).status, 200, "no fault left for revoke");
    let token = http.token();
    assert_eq!(http.renew(&token).status, 502);
    assert_eq!(http.renew(&token).status, 200);
    assert_eq!(emulator.faults().unwrap(), json!({"faults": []}));
}

#[test]
fn faults_skip_control_routes_and_unknown_paths_and_can_be_cleared() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "drop", "count": 3}));
    assert_eq!(emulator.health().unwrap(), json!({"ok": true}));
    assert_eq!(http.send("GET", "/elsewhere", &[], b"").status, 404);
    assert_eq!(http.send("GET", ISSUE, &[], b"").status, 405);
    assert_eq!(emulator.faults().unwrap()["faults"][0]["count"], 3);
    assert_eq!(emulator.clear_faults().unwrap(), json!({}));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
}

#[test]
fn the_request_is_recorded_before_a_fault_acts() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "drop"}));
    http.write_request("POST", ISSUE, &[("API-Key", "any")], b"\x00\x01");
    let _ = http.read_to_close();
    let requests = emulator.requests().unwrap()["requests"].clone();
    assert_eq!(requests[0]["body_hex"], "0001");
    assert_eq!(emulator.stats().unwrap()["issue"], 1);
}

#[test]
fn delay_waits_then_answers_normally() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "delay", "delay_ms": 300}));
    let started = Instant::now();
    let response = http.issue("Siteowner", "apitest1234");
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    assert_eq!(response.status, 200);
    assert!(response.json()["AccessToken"].is_string());
    // delay_ms also postpones any other kind.
    queue(&emulator, json!({"kind": "status", "status": 504, "delay_ms": 200}));
    let started = Instant::now();
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 504);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn hang_never_answers() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "hang"}));
    http.stream().set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let error = http.read_head().expect_err("a hung request was answered");
    assert!(matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{error}");
    // Other connections are served meanwhile.
    assert_eq!(connect(&emulator).issue("jdoe", "s3cret!").status, 200);
}

#[test]
fn drop_resets_the_connection_without_a_byte() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "drop", "call": "issue"}));
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (data, result) = http.read_to_close();
    assert!(data.is_empty(), "got {:?}", String::from_utf8_lossy(&data));
    assert_eq!(result.expect_err("expected a reset").kind(), ErrorKind::ConnectionReset);
    assert_eq!(connect(&emulator).issue("Siteowner", "apitest1234").status, 200);
}

#[test]
fn drop_after_a_delay_waits_first() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "drop", "delay_ms": 250}));
    let started = Instant::now();
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (data, _) = http.read_to_close();
    assert!(data.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[test]
fn drop_mid_body_sends_half_of_the_normal_response_then_closes() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "drop_mid_body"}));
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (status, headers) = http.read_head().unwrap();
    assert_eq!(status, 200);
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").unwrap().1.parse().unwrap();
    let (body, _) = http.read_to_close();
    assert_eq!(body.len(), length / 2, "{}", String::from_utf8_lossy(&body));
    assert!(body.starts_with(br#"{"TokenType":"Bearer","AccessToken":""#));
    // The server did the work: the token exists.
    let tokens = emulator.tokens().unwrap()["tokens"].clone();
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    assert!(length > 150, "the full issue response is announced, not the half");
}

#[test]
fn trickle_sends_the_normal_body_one_byte_per_interval() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    queue(&emulator, json!({"kind": "trickle", "interval_ms": 5, "call": "renew"}));
    let started = Instant::now();
    http.write_request("POST", RENEW, &[("API-Key", API_KEY), ("SiteId", "-99"), ("Authorization", &token)], b"");
    let (status, headers) = http.read_head().unwrap();
    let head_after = started.elapsed();
    let response_start = Instant::now();
    let body = http.read_body(&headers).unwrap();
    let body_time = response_start.elapsed();
    assert_eq!(status, 200);
    let renewed: Value = serde_json::from_slice(&body).unwrap();
    assert!(renewed["AccessToken"].as_str().is_some_and(|new| new.len() > 250 && new != token), "{renewed}");
    assert!(head_after < Duration::from_millis(body.len() as u64 * 5 / 2), "the head comes first ({head_after:?})");
    assert!(
        body_time >= Duration::from_millis(body.len() as u64 * 5 * 8 / 10),
        "{} bytes in {body_time:?}",
        body.len()
    );
    assert_eq!(emulator.tokens().unwrap()["tokens"][0]["renewals"], 1, "the renewal took effect");
}

#[test]
fn trickle_defaults_to_fifty_milliseconds() {
    let emulator = start();
    queue(&emulator, json!({"kind": "trickle"}));
    assert_eq!(emulator.faults().unwrap()["faults"][0]["interval_ms"], 50);
}

#[test]
fn oversized_answers_valid_json_of_exactly_the_size() {
    let emulator = start();
    let mut http = connect(&emulator);
    let minimum = br#"{"TokenType":"Bearer","AccessToken":"oversized-token","Pad":""}"#.len();
    for size in [2_000_000, minimum, minimum + 1] {
        queue(&emulator, json!({"kind": "oversized", "body_bytes": size}));
        let response = http.issue("Siteowner", "apitest1234");
        assert_eq!(response.status, 200);
        assert_eq!(response.body.len(), size);
        assert_eq!(response.header("content-length"), Some(size.to_string().as_str()));
        let body = response.json();
        assert_eq!(body["AccessToken"], "oversized-token");
        assert_eq!(body["TokenType"], "Bearer");
        assert!(body["Pad"].as_str().unwrap().bytes().all(|b| b == b'x'));
    }
    let response = http.send(
        "POST",
        "/_emulator/faults",
        &[],
        json!({"kind": "oversized", "body_bytes": minimum - 1}).to_string().as_bytes(),
    );
    assert_eq!(response.status, 400);
    assert!(response.error_message().contains(&minimum.to_string()), "{}", response.error_message());
}

#[test]
fn redirect_answers_302_with_the_location() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(
        &emulator,
        json!({"faults": [
            {"kind": "redirect", "location": "http://other.example/public/v6/usertoken/issue"},
            {"kind": "redirect", "location": "/elsewhere", "status": 307, "retry_after": "1"},
        ]}),
    );
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!(response.status, 302);
    assert_eq!(response.header("location"), Some("http://other.example/public/v6/usertoken/issue"));
    assert!(response.body.is_empty());
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!(
        (response.status, response.header("location"), response.header("retry-after")),
        (307, Some("/elsewhere"), Some("1"))
    );
}

#[test]
fn invalid_faults_are_refused_whole() {
    let emulator = start();
    let mut http = connect(&emulator);
    let bad = [
        json!({"kind": "explode"}),
        json!({"kind": "status", "colour": "red"}),
        json!({"kind": "status", "count": 0}),
        json!({"kind": "status", "status": 99}),
        json!({"kind": "status", "status": 600}),
        json!({"kind": "status", "call": "login"}),
        json!({"kind": "status", "retry_after": "two\nlines"}),
        json!({"kind": "delay", "status": 503}),
        json!({"kind": "drop", "body": "x"}),
        json!({"kind": "trickle", "body_bytes": 10}),
        json!({"kind": "redirect"}),
        json!({"kind": "oversized"}),
        json!({"status": 503}),
        json!({"faults": {"kind": "status"}}),
        json!({"faults": [], "kind": "status"}),
        json!({"faults": [{"kind": "status"}, {"kind": "nope"}]}),
    ];
    for fault in bad {
        let response = http.send("POST", "/_emulator/faults", &[], fault.to_string().as_bytes());
        assert_eq!(response.status, 400, "{fault}");
        assert_eq!(response.error_code(), "InvalidParameter");
    }
    let response = http.send("POST", "/_emulator/faults", &[], b"{not json");
    assert_eq!(response.status, 400);
    assert_eq!(emulator.faults().unwrap(), json!({"faults": []}), "nothing was queued");
}

#[test]
fn status_fault_sends_any_2xx_body() {
    let emulator = start();
    let mut http = connect(&emulator);
    let long = "A".repeat(10_000);
    let bodies = [
        r#"{"Error":{"Message":"Staff identity authentication failed.","Code":"DeniedAccess"}}"#.to_owned(),
        r#"{"TokenType":"Bearer","AccessToken":"","Expires":"2026-01-01T00:00:00Z"}"#.to_owned(),
        r#"{"TokenType":"Bearer","AccessToken":"abc\r\ndef"}"#.to_owned(),
        r#"{"TokenType":"Bearer","AccessToken":"abc\u0000def"}"#.to_owned(),
        format!(r#"{{"TokenType":"Bearer","AccessToken":"{long}"}}"#),
    ];
    for body in &bodies {
        queue(&emulator, json!({"kind": "status", "status": 200, "call": "renew", "body": body}));
    }
    queue(&emulator, json!({"kind": "status", "status": 201, "call": "revoke", "body": bodies[0]}));
    let token = http.token();
    for body in &bodies {
        let response = http.renew(&token);
        assert_eq!(response.status, 200);
        assert_eq!(String::from_utf8(response.body).unwrap(), *body, "sent byte for byte");
    }
    let response = http.revoke(&token);
    assert_eq!((response.status, response.error_code()), (201, "DeniedAccess".to_owned()));
    // The JSON escapes stay escapes on the wire; what they mean is for the client to decode.
    queue(&emulator, json!({"kind": "status", "status": 200, "body": bodies[3]}));
    assert_eq!(http.renew(&token).json()["AccessToken"], "abc\u{0}def");
    assert_eq!(emulator.tokens().unwrap()["tokens"][0]["renewals"], 0, "no fault renewed anything");
}

#[test]
fn echo_puts_the_request_body_into_the_error_message() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "echo", "call": "issue"}));
    let pending = emulator.faults().unwrap()["faults"][0].clone();
    assert_eq!(
        pending,
        json!({"kind": "echo", "call": "issue", "count": 1, "delay_ms": 0, "status": 400, "code": "InvalidParameter",
               "echo_headers": false, "escape": "json"})
    );
    let response = http.issue("Siteowner", "p\"w&d<secret>");
    assert_eq!((response.status, response.error_code()), (400, "InvalidParameter".to_owned()));
    assert_eq!(response.error_message(), r#"{"Password":"p\"w&d<secret>","Username":"Siteowner"}"#);
    assert_eq!(emulator.tokens().unwrap(), json!({"tokens": []}), "nothing was issued");
}

#[test]
fn echo_can_add_the_headers_and_escape_as_dotnet_does() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    queue(
        &emulator,
        json!({"kind": "echo", "call": "renew", "status": 401, "code": "DeniedAccess", "echo_headers": true,
               "escape": "dotnet"}),
    );
    let response = http.renew(&token);
    assert_eq!((response.status, response.error_code()), (401, "DeniedAccess".to_owned()));
    let message = response.error_message();
    let expected = format!(
        "host: emulator\r\napi-key: {API_KEY}\r\nsiteid: -99\r\nauthorization: {token}\r\ncontent-length: 0\r\n\r\n"
    );
    assert_eq!(message, expected);
    let raw = String::from_utf8(response.body).unwrap();
    assert!(raw.starts_with(r#"{"Error":{"Message":"host: emulator\r\napi-key: test-api-key\r\n"#), "{raw}");

    queue(&emulator, json!({"kind": "echo", "escape": "dotnet"}));
    let response = http.issue("Siteowner", "\"&'<>+`é😀");
    let raw = String::from_utf8(response.body.clone()).unwrap();
    assert!(
        raw.contains(
            r#"\u0022Password\u0022:\u0022\\\u0022\u0026\u0027\u003C\u003E\u002B\u0060\u00E9\uD83D\uDE00\u0022"#
        ),
        "{raw}"
    );
    assert_eq!(response.json()["Error"]["Message"], r#"{"Password":"\"&'<>+`é😀","Username":"Siteowner"}"#);
}

#[test]
fn overstated_length_announces_far_more_than_it_sends_then_closes() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "overstated_length"}));
    assert_eq!(
        emulator.faults().unwrap()["faults"][0],
        json!({"kind": "overstated_length", "count": 1, "delay_ms": 0, "status": 200,
               "body": "{\"TokenType\":\"Bearer\",\"AccessToken\":\"", "announced_bytes": 999_999_999_999_999u64,
               "after_body": "close"})
    );
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (status, headers) = http.read_head().unwrap();
    assert_eq!(status, 200);
    assert!(headers.contains(&("content-length".to_owned(), "999999999999999".to_owned())), "{headers:?}");
    let started = Instant::now();
    let (body, _) = http.read_to_close();
    assert_eq!(body, br#"{"TokenType":"Bearer","AccessToken":""#);
    assert!(started.elapsed() < Duration::from_secs(2));

    let mut http = connect(&emulator);
    queue(
        &emulator,
        json!({"kind": "overstated_length", "status": 401, "body": "{}", "announced_bytes": 9_223_372_036_854_775_807u64}),
    );
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (status, headers) = http.read_head().unwrap();
    assert_eq!(status, 401);
    assert!(headers.contains(&("content-length".to_owned(), i64::MAX.to_string())), "{headers:?}");
    assert_eq!(http.read_to_close().0, b"{}");
}

#[test]
fn overstated_length_can_hang_after_its_body() {
    let emulator = start();
    let mut http = connect(&emulator);
    queue(&emulator, json!({"kind": "overstated_length", "announced_bytes": 1000, "after_body": "hang"}));
    http.write_request("POST", ISSUE, &HEADERS, CREDENTIALS);
    let (_, headers) = http.read_head().unwrap();
    assert!(headers.contains(&("content-length".to_owned(), "1000".to_owned())));
    http.stream().set_read_timeout(Some(Duration::from_millis(700))).unwrap();
    let mut body = [0u8; 1000];
    let mut got = 0;
    let error = loop {
        match http.read_some(&mut body[got..]) {
            Ok(0) => panic!("closed after {got} bytes"),
            Ok(n) => got += n,
            Err(e) => break e,
        }
    };
    assert!(matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{error}");
    assert_eq!(&body[..got], br#"{"TokenType":"Bearer","AccessToken":""#);
}

#[test]
fn overstated_length_must_overstate() {
    let emulator = start();
    let mut http = connect(&emulator);
    for fault in [
        json!({"kind": "overstated_length", "body": "12345", "announced_bytes": 5}),
        json!({"kind": "overstated_length", "announced_bytes": 9_223_372_036_854_775_808u64}),
        json!({"kind": "overstated_length", "after_body": "linger"}),
        json!({"kind": "echo", "escape": "xml"}),
        json!({"kind": "echo", "body": "x"}),
        json!({"kind": "status", "announced_bytes": 10}),
    ] {
        let response = http.send("POST", "/_emulator/faults", &[], fault.to_string().as_bytes());
        assert_eq!((response.status, response.error_code()), (400, "InvalidParameter".to_owned()), "{fault}");
    }
}
