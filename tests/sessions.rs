//! Sessions against the emulator, expiry driven by the emulator's clock: an emulator clock
//! set back by nearly a day issues tokens that are already inside the renew margin.

mod common;

use common::*;
use serde_json::Value;

const DAY: i64 = 24 * 3600;

fn counts(f: &Fixture) -> (u64, u64, u64) {
    let s = f.stats();
    (s["issue"].as_u64().unwrap(), s["renew"].as_u64().unwrap(), s["revoke"].as_u64().unwrap())
}

#[test]
fn a_fresh_token_is_served_without_any_request() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let first = session.ok_token();
    for _ in 0..10 {
        assert_eq!(session.ok_token(), first);
    }
    assert_eq!(counts(&f), (1, 0, 0));
    let issued = &f.tokens()[0];
    assert_eq!(issued["token"], first.as_str(), "the bare token, not JSON");
}

#[test]
fn a_token_inside_the_margin_is_renewed_once() {
    let f = Fixture::new();
    let c = f.client("");
    f.advance_clock(-(DAY - 1800));
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let token = session.ok_token();
    assert_eq!(counts(&f), (1, 1, 0), "30 minutes left is inside the 1 h margin");
    assert_eq!(session.ok_token(), token);
    assert_eq!(counts(&f), (1, 1, 0), "renewed for 24 h more: fresh again");
}

#[test]
fn seven_renewals_then_a_new_token() {
    let f = Fixture::new();
    let c = f.client(r#""session_renew_margin_s":864000"#);
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    // Each renew answers a new token, and the session takes it.
    let mut renewed = vec![session.ok_token()];
    for _ in 1..7 {
        let token = session.ok_token();
        assert!(!renewed.contains(&token), "a renewal gave an earlier token again");
        renewed.push(token);
    }
    assert_eq!(counts(&f), (1, 7, 0));
    let second = session.ok_token();
    assert!(!renewed.contains(&second), "the eighth refresh issues a new token");
    assert_eq!(counts(&f), (2, 7, 0));
    session.ok_token();
    assert_eq!(counts(&f), (2, 8, 0), "the new token is renewed again");
}

#[test]
fn a_denied_renew_issues_a_new_token() {
    let f = Fixture::new();
    let c = f.client(r#""session_renew_margin_s":864000"#);
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let first = session.ok_token();
    assert_eq!(c.revoke(&first).0, "UT_OK", "revoked behind the session's back");
    let second = session.ok_token();
    assert_ne!(second, first);
    assert_eq!(counts(&f), (2, 2, 1), "one renew at the first token() (due), one denied, then issue");
}

#[test]
fn sixteen_threads_share_one_refresh() {
    let f = Fixture::new();
    let c = f.client("");
    f.advance_clock(-(DAY - 1800));
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    f.fault(r#"{"kind":"delay","delay_ms":200,"call":"renew"}"#);
    let barrier = std::sync::Barrier::new(16);
    let tokens: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    session.ok_token()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(tokens.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(counts(&f).1, 1, "exactly one renew for 16 concurrent callers");
}

#[test]
fn a_failed_refresh_serves_the_still_valid_token() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    f.advance_clock(-(DAY - 1800));
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let issued = f.tokens()[0]["token"].as_str().unwrap().to_owned();
    f.fault(r#"{"kind":"status","status":503,"call":"renew"}"#);
    assert_eq!(session.ok_token(), issued);
    assert_eq!(counts(&f), (1, 1, 0));
    let refreshed = session.ok_token();
    assert_ne!(refreshed, issued, "the next call refreshes for real, taking the renewed token");
    assert_eq!(counts(&f), (1, 2, 0));
    let tokens = f.tokens();
    assert_eq!((&tokens[1]["token"], &tokens[1]["renewals"]), (&Value::from(refreshed), &Value::from(1)));
}

#[test]
fn a_failed_refresh_of_an_expired_token_is_an_error() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    f.advance_clock(-(DAY + 60));
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    f.fault(r#"{"kind":"status","status":503,"call":"renew"}"#);
    let (code, text) = session.token();
    assert_eq!(code, "UT_SERVER_ERROR");
    assert_eq!(doc(&text)["http_status"], 503);
}

#[test]
fn a_server_echoing_the_password_on_renew_is_redacted() {
    let f = Fixture::new();
    let c = f.client(r#""max_retries":0"#);
    f.advance_clock(-(DAY + 60));
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let body = format!(r#"{{\"Error\":{{\"Message\":\"echo {PASSWORD}\",\"Code\":\"X\"}}}}"#);
    f.fault(&format!(r#"{{"kind":"status","status":503,"call":"renew","body":"{body}"}}"#));
    let (code, text) = session.token();
    assert_eq!(code, "UT_SERVER_ERROR");
    assert!(text.contains("[REDACTED]"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[test]
fn revoke_ends_the_token_and_the_next_call_issues_anew() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let first = session.ok_token();
    assert_eq!(session.revoke(), ("UT_OK".to_owned(), "{}".to_owned()));
    assert_eq!(session.revoke(), ("UT_OK".to_owned(), "{}".to_owned()), "nothing left to revoke");
    assert_eq!(counts(&f), (1, 0, 1));
    let second = session.ok_token();
    assert_ne!(first, second);
    assert_eq!(counts(&f), (2, 0, 1));
    assert_eq!(c.renew(&first).0, "UT_DENIED", "the first token is really revoked");
}

#[test]
fn creation_fails_as_the_issue_fails() {
    let f = Fixture::new();
    let c = f.client("");
    let (code, text) = Session::new(&c, USERNAME, "wrong").err().expect("bad credentials");
    assert_eq!(code, "UT_DENIED");
    let value = doc(&text);
    assert_eq!(value["http_status"], 403, "bad credentials are 403, as observed live");
    assert!(!text.contains("wrong"));
}

#[test]
fn a_session_outliving_its_client_is_cancelled_not_crashed() {
    let f = Fixture::new();
    let c = f.client(r#""session_renew_margin_s":864000"#);
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    drop(c);
    assert_eq!(session.token().0, "UT_CANCELLED");
}
