//! How the emulator ends keep-alive connections, as servers and load balancers do: a FIN once
//! a connection has sat idle for the idle timeout, the `close_when_idle` and
//! `reset_when_idle` faults that end one connection after an idle spell of its own, and no
//! keep-alive at all.

mod common;

use std::io::{ErrorKind, Read};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::{connect, Http};
use serde_json::json;
use ut_emulator::Emulator;

fn start_idle(ms: u64) -> Emulator {
    Emulator::builder().idle_timeout(Duration::from_millis(ms)).start("127.0.0.1:0").unwrap()
}

/// How the server ended the connection: `Ok(())` for a FIN, the error for a reset; and how
/// long after the call it did. Fails if it sends anything, or nothing happens within 10 s.
fn wait_for_end(http: &mut Http) -> (Duration, std::io::Result<()>) {
    let started = Instant::now();
    http.stream().set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut byte = [0u8; 1];
    let result = match http.stream().try_clone().unwrap().read(&mut byte) {
        Ok(0) => Ok(()),
        Ok(_) => panic!("the server sent {:?} on an idle connection", byte[0] as char),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            panic!("the connection is still open after {:?}", started.elapsed())
        }
        Err(e) => Err(e),
    };
    (started.elapsed(), result)
}

/// Asserts the connection is still open (nothing to read, no FIN, no reset) for `period`.
fn still_open_for(http: &mut Http, period: Duration) {
    http.stream().set_read_timeout(Some(period)).unwrap();
    let mut byte = [0u8; 1];
    match http.stream().try_clone().unwrap().read(&mut byte) {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("the connection ended or spoke within {period:?}: {other:?}"),
    }
}

#[test]
fn an_idle_connection_is_closed_with_a_fin_after_the_idle_timeout() {
    let emulator = start_idle(300);
    let mut http = connect(&emulator);
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    let (after, ended) = wait_for_end(&mut http);
    ended.expect("a FIN, not a reset");
    assert!((Duration::from_millis(250)..Duration::from_millis(1500)).contains(&after), "closed after {after:?}");
}

#[test]
fn each_request_starts_the_idle_time_again() {
    let emulator = start_idle(400);
    let mut http = connect(&emulator);
    for _ in 0..3 {
        assert_eq!(http.issue("jdoe", "s3cret!").status, 200);
        sleep(Duration::from_millis(250));
    }
    assert_eq!(http.issue("jdoe", "s3cret!").status, 200, "1 s on, the connection still serves");
    still_open_for(&mut http, Duration::from_millis(250));
    let (after, ended) = wait_for_end(&mut http);
    ended.unwrap();
    assert!(after < Duration::from_millis(1200), "closed {after:?} after the last check");
}

#[test]
fn a_connection_that_never_sends_a_request_is_closed_too() {
    let emulator = start_idle(200);
    let mut http = connect(&emulator);
    let (after, ended) = wait_for_end(&mut http);
    ended.unwrap();
    assert!(after >= Duration::from_millis(150), "{after:?}");
}

#[test]
fn a_request_in_progress_is_never_cut_by_the_idle_timeout() {
    let emulator = start_idle(200);
    let mut http = connect(&emulator);
    let token = http.token();
    emulator.add_faults(r#"{"kind":"delay","delay_ms":600,"call":"renew"}"#).unwrap();
    assert_eq!(http.renew(&token).status, 200, "a slow answer is still an answer");
    // Revoke's two-byte answer, one byte every 300 ms: longer than the idle timeout between bytes.
    emulator.add_faults(r#"{"kind":"trickle","interval_ms":300,"call":"revoke"}"#).unwrap();
    let token = http.token();
    let response = http.revoke(&token);
    assert_eq!((response.status, response.body.as_slice()), (200, &b"{}"[..]));
    wait_for_end(&mut http).1.unwrap();
}

#[test]
fn an_idle_timeout_of_zero_never_closes() {
    let emulator = start_idle(0);
    let mut http = connect(&emulator);
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    still_open_for(&mut http, Duration::from_millis(800));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
}

#[test]
fn the_default_idle_timeout_is_five_seconds() {
    let emulator = common::start();
    let mut http = connect(&emulator);
    let response = http.send("GET", "/_emulator/health", &[], b"");
    assert_eq!((response.status, response.json()), (200, json!({"ok": true})));
    still_open_for(&mut http, Duration::from_millis(4500));
    let (after, ended) = wait_for_end(&mut http);
    ended.unwrap();
    assert!(after < Duration::from_millis(1500), "closed {after:?} after 4.5 s");
}

#[test]
fn close_when_idle_closes_that_connection_only_after_its_idle_spell() {
    let emulator = common::start();
    let mut http = connect(&emulator);
    let mut other = connect(&emulator);
    emulator.add_faults(r#"{"kind":"close_when_idle","idle_ms":200,"call":"issue"}"#).unwrap();
    let response = http.issue("Siteowner", "apitest1234");
    assert_eq!(response.status, 200, "answered normally");
    assert!(response.json()["AccessToken"].is_string());
    still_open_for(&mut http, Duration::from_millis(100));
    let (after, ended) = wait_for_end(&mut http);
    ended.expect("a FIN");
    assert!(after < Duration::from_millis(1000), "{after:?}");
    assert_eq!(other.issue("Siteowner", "apitest1234").status, 200, "other connections go on");
    still_open_for(&mut other, Duration::from_millis(400));
}

#[test]
fn reset_when_idle_resets_the_connection_after_its_idle_spell() {
    let emulator = common::start();
    let mut http = connect(&emulator);
    emulator.add_faults(r#"{"kind":"reset_when_idle","idle_ms":300}"#).unwrap();
    let token = http.token();
    let started = Instant::now();
    still_open_for(&mut http, Duration::from_millis(150));
    let (_, ended) = wait_for_end(&mut http);
    assert_eq!(ended.expect_err("a reset").kind(), ErrorKind::ConnectionReset);
    let after = started.elapsed();
    assert!((Duration::from_millis(250)..Duration::from_millis(1500)).contains(&after), "reset after {after:?}");
    // The token was issued: the answer was a normal one.
    assert_eq!(connect(&emulator).renew(&token).status, 200);
}

#[test]
fn a_request_before_the_spell_ends_postpones_the_reset() {
    let emulator = common::start();
    let mut http = connect(&emulator);
    emulator.add_faults(r#"{"kind":"reset_when_idle","idle_ms":300}"#).unwrap();
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    sleep(Duration::from_millis(200));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    still_open_for(&mut http, Duration::from_millis(200));
    assert_eq!(wait_for_end(&mut http).1.expect_err("a reset").kind(), ErrorKind::ConnectionReset);
}

#[test]
fn reset_when_idle_waits_the_idle_timeout_unless_told() {
    let emulator = start_idle(300);
    let mut http = connect(&emulator);
    emulator.add_faults(r#"{"kind":"reset_when_idle"}"#).unwrap();
    assert_eq!(emulator.faults().unwrap()["faults"][0], json!({"kind": "reset_when_idle", "count": 1, "delay_ms": 0}));
    assert_eq!(http.issue("Siteowner", "apitest1234").status, 200);
    still_open_for(&mut http, Duration::from_millis(200));
    let (after, ended) = wait_for_end(&mut http);
    assert_eq!(ended.expect_err("a reset, not the idle timeout's FIN").kind(), ErrorKind::ConnectionReset);
    assert!(after < Duration::from_millis(1000), "{after:?}");
}

#[test]
fn idle_faults_take_only_idle_ms() {
    let emulator = common::start();
    let mut http = connect(&emulator);
    for fault in [
        json!({"kind": "close_when_idle", "status": 500}),
        json!({"kind": "reset_when_idle", "body": ""}),
        json!({"kind": "reset_when_idle", "idle_ms": -1}),
        json!({"kind": "status", "idle_ms": 100}),
    ] {
        let response = http.send("POST", "/_emulator/faults", &[], fault.to_string().as_bytes());
        assert_eq!((response.status, response.error_code()), (400, "InvalidParameter".to_owned()), "{fault}");
    }
}

#[test]
fn without_keep_alive_every_answer_says_close_and_ends_its_connection() {
    let emulator = Emulator::builder().keep_alive(false).start("127.0.0.1:0").unwrap();
    for round in 0..3 {
        let mut http = connect(&emulator);
        let response = http.issue("Siteowner", "apitest1234");
        assert_eq!(response.status, 200, "round {round}");
        assert_eq!(response.header("connection"), Some("close"), "round {round}");
        let (after, ended) = wait_for_end(&mut http);
        ended.expect("a FIN, not a reset");
        assert!(after < Duration::from_millis(1000), "closed {after:?} after the answer");
        // A second request on that connection gets no answer: the end of the stream, or a
        // reset if it arrived after the server had let go of the socket.
        http.write_request("GET", "/_emulator/health", &[], b"");
        let second = http.read_response().map(|response| response.status).map_err(|e| e.kind());
        assert!(
            matches!(second, Err(ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset)),
            "round {round}: {second:?}"
        );
    }
}

#[test]
fn keep_alive_is_the_default() {
    let emulator = common::start();
    let mut http = connect(&emulator);
    for _ in 0..3 {
        let response = http.issue("Siteowner", "apitest1234");
        assert_eq!(response.status, 200, "the same connection serves again");
        assert_ne!(response.header("connection"), Some("close"));
    }
}
