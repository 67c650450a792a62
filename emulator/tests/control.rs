//! The `/_emulator/` endpoints, the configuration, and the library handle.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{connect, jwt, start, unix_s, API_KEY, ISSUE};
use serde_json::json;
use ut_emulator::{BearerPrefix, Emulator, EmulatorConfig, OldToken, RenewToken, SiteConfig, UserConfig};

#[test]
fn health_answers_ok() {
    let emulator = start();
    assert_eq!(emulator.health().unwrap(), json!({"ok": true}));
}

#[test]
fn url_and_addr_name_the_listening_socket() {
    let emulator = start();
    let addr = emulator.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(emulator.url(), format!("http://127.0.0.1:{}", addr.port()));
}

#[test]
fn the_clock_advances_and_tokens_expire_with_it() {
    let emulator = start();
    let mut http = connect(&emulator);
    let before = emulator.clock().unwrap();
    assert_eq!(before["offset_s"], 0);
    let wall = unix_s(&humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string());
    assert!(unix_s(before["now"].as_str().unwrap()).abs_diff(wall) <= 2);

    let token = http.token();
    let after = emulator.advance_clock(86_400 * 8).unwrap();
    assert_eq!(after["offset_s"], 86_400 * 8);
    let moved = unix_s(after["now"].as_str().unwrap()) - unix_s(before["now"].as_str().unwrap());
    assert!((86_400 * 8..=86_400 * 8 + 2).contains(&moved), "moved {moved}s");
    assert_eq!(emulator.clock().unwrap()["offset_s"], 86_400 * 8);
    assert_eq!(http.renew(&token).status, 401);

    // New tokens are dated by the moved clock, their JWT claims included.
    let issued = http.issue("jdoe", "s3cret!").json();
    assert!(unix_s(issued["Expires"].as_str().unwrap()) >= unix_s(after["now"].as_str().unwrap()) + 86_400);
    let (_, claims) = jwt(issued["AccessToken"].as_str().unwrap());
    assert_eq!(claims["exp"].as_u64(), Some(unix_s(issued["Expires"].as_str().unwrap())));
    assert!(claims["iat"].as_u64().unwrap() >= unix_s(after["now"].as_str().unwrap()));
    let back = emulator.advance_clock(-86400).unwrap();
    assert_eq!(back["offset_s"], 86_400 * 7);
}

#[test]
fn the_clock_refuses_bad_advances() {
    let emulator = start();
    let mut http = connect(&emulator);
    for body in [
        "",
        "{}",
        r#"{"advance_s": 1.5}"#,
        r#"{"advance_s": "10"}"#,
        r#"{"advance_s": 10, "x": 1}"#,
        r#"{"advance_s": 9223372036854775807}"#,
        r#"{"advance_s": -99999999999}"#,
    ] {
        let response = http.send("POST", "/_emulator/clock", &[], body.as_bytes());
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(response.error_code(), "InvalidParameter");
    }
    assert_eq!(emulator.clock().unwrap()["offset_s"], 0);
}

#[test]
fn tokens_lists_every_token_with_its_state() {
    let emulator = start();
    let mut http = connect(&emulator);
    let first = http.issue("siteowner", "apitest1234").json();
    let second = http.token();
    let renewed = http.renew(&second).json();
    http.revoke(&second);
    let tokens = emulator.tokens().unwrap()["tokens"].clone();
    assert_eq!(
        tokens[0],
        json!({"token": first["AccessToken"], "site_id": -99, "username": "Siteowner", "expires": first["Expires"],
               "renewals": 0, "revoked": false, "replaced": false})
    );
    assert_eq!(tokens[1]["token"], second);
    assert_eq!(tokens[1]["renewals"], 1);
    assert_eq!((&tokens[1]["revoked"], &tokens[1]["replaced"]), (&json!(true), &json!(true)));
    assert_eq!(tokens[2]["token"], renewed["AccessToken"]);
    assert_eq!((&tokens[2]["expires"], &tokens[2]["renewals"]), (&renewed["Expires"], &json!(1)));
    assert_eq!((&tokens[2]["revoked"], &tokens[2]["replaced"]), (&json!(false), &json!(false)));
    assert_eq!(tokens.as_array().unwrap().len(), 3);
}

#[test]
fn requests_are_recorded_raw_and_in_order() {
    let emulator = start();
    let mut http = connect(&emulator);
    http.send(
        "POST",
        "/public/v6/usertoken/issue?x=1",
        &[("API-Key", API_KEY), ("SiteId", "-99"), ("X-Twice", "a"), ("x-twice", "b")],
        b"\xffbin\"ary",
    );
    http.renew("Bearer abc");
    http.send("GET", "/elsewhere", &[], b"");
    emulator.health().unwrap();
    let requests = emulator.requests().unwrap()["requests"].as_array().unwrap().clone();
    assert_eq!(requests.len(), 3, "control calls are not recorded: {requests:?}");

    let first = &requests[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/public/v6/usertoken/issue?x=1");
    assert_eq!(first["body_hex"], "ff62696e22617279");
    assert_eq!(first["body"], "\u{fffd}bin\"ary");
    let headers: Vec<(String, String)> = first["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .collect();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["host", "api-key", "siteid", "x-twice", "x-twice", "content-length"]);
    assert_eq!(headers[1].1, API_KEY);
    assert_eq!((headers[3].1.as_str(), headers[4].1.as_str()), ("a", "b"));

    assert_eq!(requests[1]["path"], "/public/v6/usertoken/renew");
    assert!(requests[1]["headers"].as_array().unwrap().contains(&json!(["authorization", "Bearer abc"])));
    assert_eq!((requests[2]["method"].as_str(), requests[2]["body"].as_str()), (Some("GET"), Some("")));

    assert_eq!(emulator.clear_requests().unwrap(), json!({}));
    assert_eq!(emulator.requests().unwrap()["requests"], json!([]));
}

#[test]
fn the_record_keeps_the_newest_ten_thousand() {
    let emulator = start();
    let mut http = connect(&emulator);
    for n in 0..10_005 {
        http.write_request("GET", &format!("/n/{n}"), &[], b"");
        assert_eq!(http.read_response().unwrap().status, 404);
    }
    let requests = emulator.requests().unwrap()["requests"].as_array().unwrap().clone();
    assert_eq!(requests.len(), 10_000);
    assert_eq!(requests[0]["path"], "/n/5");
    assert_eq!(requests[9_999]["path"], "/n/10004");
    assert_eq!(emulator.stats().unwrap()["requests"], 10_005);
}

#[test]
fn stats_count_api_requests_by_call() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    http.issue("Siteowner", "wrong");
    http.renew(&token);
    http.revoke(&token);
    http.revoke(&token);
    http.send("GET", "/nowhere", &[], b"");
    http.send("GET", ISSUE, &[], b"");
    emulator.health().unwrap();
    assert_eq!(emulator.stats().unwrap(), json!({"requests": 7, "issue": 2, "renew": 1, "revoke": 2}));
}

#[test]
fn reset_forgets_everything_but_the_configuration() {
    let emulator = start();
    let mut http = connect(&emulator);
    let token = http.token();
    emulator.advance_clock(3600).unwrap();
    emulator.add_faults(r#"{"kind": "status", "call": "renew"}"#).unwrap();
    assert_eq!(emulator.reset().unwrap(), json!({}));
    assert_eq!(emulator.tokens().unwrap(), json!({"tokens": []}));
    assert_eq!(emulator.faults().unwrap(), json!({"faults": []}));
    assert_eq!(emulator.requests().unwrap(), json!({"requests": []}));
    assert_eq!(emulator.clock().unwrap()["offset_s"], 0);
    assert_eq!(emulator.stats().unwrap(), json!({"requests": 0, "issue": 0, "renew": 0, "revoke": 0}));
    let response = http.renew(&token);
    assert_eq!(response.status, 401, "tokens are gone and the renew fault with them");
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
}

#[test]
fn control_routes_answer_404_and_405_envelopes() {
    let emulator = start();
    let mut http = connect(&emulator);
    let response = http.send("GET", "/_emulator/nothing", &[], b"");
    assert_eq!((response.status, response.error_code()), (404, "NotFound".to_owned()));
    let response = http.send("GET", "/_emulator/reset", &[], b"");
    assert_eq!((response.status, response.error_code()), (405, "MethodNotAllowed".to_owned()));
    assert_eq!(response.header("allow"), Some("POST"));
    let response = http.send("PUT", "/_emulator/faults", &[], b"");
    assert_eq!((response.status, response.header("allow")), (405, Some("GET, POST, DELETE")));
    assert_eq!(http.send("POST", "/_emulator/tokens", &[], b"").status, 405);
    assert_eq!(emulator.stats().unwrap()["requests"], 0, "control calls are not API requests");
}

#[test]
fn a_config_replaces_the_defaults() {
    let text = r#"{"api_keys":["k1","k2"],"sites":[{"id":1234,"users":[{"username":"u","password":"p","id":42,"first_name":"A","last_name":"B","type":"Owner"}]}]}"#;
    let config = EmulatorConfig::from_json(text).unwrap();
    assert_eq!(config.sites[0].users[0].user_type, "Owner");
    let emulator = Emulator::start("127.0.0.1:0", config).unwrap();
    let mut http = connect(&emulator);
    let body = br#"{"Username":"U","Password":"p"}"#;
    let response = http.send("POST", ISSUE, &[("API-Key", "k2"), ("SiteId", "1234")], body);
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["User"], json!({"Id": 42, "FirstName": "A", "LastName": "B", "Type": "Owner"}));
    assert_eq!(http.send("POST", ISSUE, &[("API-Key", API_KEY), ("SiteId", "1234")], body).status, 401);
    assert_eq!(http.send("POST", ISSUE, &[("API-Key", "k1"), ("SiteId", "-99")], body).status, 400);
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 401);
}

#[test]
fn a_config_may_leave_out_optional_user_fields() {
    let config =
        EmulatorConfig::from_json(r#"{"api_keys":["k"],"sites":[{"id":1,"users":[{"username":"u","password":"p"}]}]}"#)
            .unwrap();
    let user = &config.sites[0].users[0];
    assert_eq!((user.id, user.first_name.as_str(), user.user_type.as_str()), (0, "", "Staff"));
}

#[test]
fn bad_configs_are_refused_with_a_reason() {
    let cases = [
        ("", "invalid emulator config"),
        ("[]", "invalid emulator config"),
        (r#"{"api_keys":["k"]}"#, "sites"),
        (r#"{"api_keys":["k"],"sites":[],"extra":1}"#, "extra"),
        (r#"{"api_keys":[""],"sites":[]}"#, "empty"),
        (r#"{"api_keys":["k"],"sites":[{"id":1,"users":[]},{"id":1,"users":[]}]}"#, "twice"),
        (
            r#"{"api_keys":["k"],"sites":[{"id":1,"users":[{"username":"a","password":"p"},{"username":"A","password":"q"}]}]}"#,
            "twice",
        ),
        (r#"{"api_keys":["k"],"sites":[{"id":1,"users":[{"username":"a","password":"p","type":"Boss"}]}]}"#, "Boss"),
        (r#"{"api_keys":["k"],"sites":[{"id":1,"users":[{"username":"","password":"p"}]}]}"#, "empty username"),
        (r#"{"api_keys":["k"],"sites":[{"id":1,"users":[{"username":"a"}]}]}"#, "password"),
        (r#"{"api_keys":["k"],"sites":[],"renew_token":"fresh"}"#, "expected `new` or `same`"),
        (r#"{"api_keys":["k"],"sites":[],"old_token_after_renew":"revoked"}"#, "expected `valid` or `invalid`"),
        (r#"{"api_keys":["k"],"sites":[],"bearer_prefix":"maybe"}"#, "expected `accepted` or `refused`"),
        (r#"{"api_keys":["k"],"sites":[],"bad_credentials_status":200}"#, "expected 401 or 403"),
    ];
    for (text, reason) in cases {
        let error = EmulatorConfig::from_json(text).expect_err(text);
        assert!(error.contains(reason), "{text}: {error}");
    }
    let mut config = EmulatorConfig::default();
    config.sites.push(SiteConfig { id: -99, users: Vec::<UserConfig>::new() });
    let error = Emulator::start("127.0.0.1:0", config).expect_err("duplicate site");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn the_default_config_is_the_sandbox() {
    let config = EmulatorConfig::default();
    assert_eq!(config.api_keys, ["test-api-key"]);
    assert_eq!(config.sites.len(), 1);
    assert_eq!(config.sites[0].id, -99);
    let names: Vec<&str> = config.sites[0].users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["Siteowner", "mindbodysandboxsite@gmail.com", "jdoe"]);
    assert_eq!(config.bad_credentials_status, 403);
    assert_eq!((config.renew_token, config.old_token_after_renew), (RenewToken::New, OldToken::Valid));
    assert_eq!(config.bearer_prefix, BearerPrefix::Accepted);
    let round_trip = EmulatorConfig::from_json(&serde_json::to_string(&config).unwrap()).unwrap();
    assert_eq!(round_trip, config);
}

#[test]
fn a_taken_port_is_an_error() {
    let emulator = start();
    let error = Emulator::start(&emulator.addr().to_string(), EmulatorConfig::default()).expect_err("port in use");
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    assert!(Emulator::start("not an address", EmulatorConfig::default()).is_err());
}

#[test]
fn drop_stops_the_server_promptly_even_with_a_hung_request() {
    let emulator = start();
    let addr = emulator.addr();
    let mut http = connect(&emulator);
    emulator.add_faults(r#"{"kind": "hang"}"#).unwrap();
    http.write_request("POST", ISSUE, &[], b"");
    let mut idle = connect(&emulator);
    std::thread::sleep(Duration::from_millis(100));

    let started = Instant::now();
    drop(emulator);
    assert!(started.elapsed() < Duration::from_secs(2), "drop took {:?}", started.elapsed());
    let (data, _) = http.read_to_close();
    assert!(data.is_empty(), "the hung request got an answer");
    let (data, _) = idle.read_to_close();
    assert!(data.is_empty());
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(), "still listening");
}

#[test]
fn emulators_can_be_started_and_dropped_inside_an_async_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let emulator = start();
        assert_eq!(emulator.health().unwrap(), json!({"ok": true}));
        drop(emulator);
        assert!(Emulator::start("256.0.0.1:0", EmulatorConfig::default()).is_err());
    });
}
