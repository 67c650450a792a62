//! What production apps need of a session beyond `token()`: telling it a token was refused,
//! carrying it to another process, asking for it without blocking, and counting calls.

mod common;

use base64::Engine as _;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use usertoken::ffi::calls::ut_cancel;

fn counts(f: &Fixture) -> (u64, u64, u64) {
    let s = f.stats();
    (s["issue"].as_u64().unwrap(), s["renew"].as_u64().unwrap(), s["revoke"].as_u64().unwrap())
}

#[test]
fn after_an_invalidate_sixteen_threads_cause_exactly_one_issue() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let first = session.ok_token();
    assert_eq!(session.invalidate(), "UT_OK");
    assert_eq!(counts(&f), (1, 0, 0), "invalidate sends nothing");
    // Slow issues, so that every thread asks while the one refresh is under way.
    f.fault(r#"{"kind":"delay","delay_ms":200,"call":"issue"}"#);
    let tokens: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..16).map(|_| scope.spawn(|| session.ok_token())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(counts(&f), (2, 0, 0), "one issue for sixteen callers");
    assert!(tokens.iter().all(|t| *t == tokens[0]), "every caller got the same new token");
    assert_ne!(tokens[0], first, "the refused token is never handed out again");
}

#[test]
fn an_exported_state_is_used_without_a_request_while_it_is_valid() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let token = session.ok_token();
    let (code, state) = session.export();
    assert_eq!(code, "UT_OK", "{state}");
    let saved: Value = serde_json::from_str(&state).unwrap();
    assert_eq!(saved["access_token"], token.as_str());
    assert_eq!((saved["site_id"].as_str(), saved["username"].as_str()), (Some(SITE), Some(USERNAME)));
    assert!(!state.contains(PASSWORD), "never the password: {state}");

    // Another client (as another process would have) restores it: no request at all.
    let other = f.client("");
    let restored = Session::restore(&other, SITE, USERNAME, PASSWORD, &state).unwrap();
    assert_eq!(restored.ok_token(), token);
    assert_eq!(counts(&f), (1, 0, 0), "restored without a request");
    assert_eq!(client_stats(&other)["issue"]["requests"], 0);

    // For another site, user or version, or expired: a new token, issued at once.
    let mut for_other_user = saved.clone();
    for_other_user["username"] = json!("jdoe");
    let s = Session::restore(&other, SITE, USERNAME, PASSWORD, &for_other_user.to_string()).unwrap();
    assert_ne!(s.ok_token(), token);
    assert_eq!(counts(&f), (2, 0, 0));
    let mut for_other_version = saved.clone();
    for_other_version["version"] = json!("5");
    let s = Session::restore(&other, SITE, USERNAME, PASSWORD, &for_other_version.to_string()).unwrap();
    assert_ne!(s.ok_token(), token);
    assert_eq!(counts(&f), (3, 0, 0));
    let s = Session::restore(&other, "-99999", USERNAME, PASSWORD, &state);
    assert_eq!(s.err().map(|e| e.0), Some("UT_HTTP_ERROR".to_owned()), "a new issue, for a site the emulator lacks");
    assert_eq!(counts(&f), (4, 0, 0));
    let mut expired = saved.clone();
    expired["expires"] = json!("2001-01-01T00:00:00Z");
    let s = Session::restore(&other, SITE, USERNAME, PASSWORD, &expired.to_string()).unwrap();
    assert_ne!(s.ok_token(), token);
    assert_eq!(counts(&f), (5, 0, 0));
}

#[test]
fn a_malformed_state_is_an_invalid_argument_and_sends_nothing() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let saved: Value = serde_json::from_str(&session.export().1).unwrap();
    let mut bad_token = saved.clone();
    bad_token["access_token"] = json!("a\r\nb");
    let mut unknown_key = saved.clone();
    unknown_key["password"] = json!(PASSWORD);
    let mut too_many = saved.clone();
    too_many["renewals"] = json!(8);
    for state in [
        String::new(),
        "{}".to_owned(),
        "[]".to_owned(),
        "not json".to_owned(),
        bad_token.to_string(),
        unknown_key.to_string(),
        too_many.to_string(),
        saved.to_string().replace(saved["expires"].as_str().unwrap(), "tomorrow"),
    ] {
        let (code, text) = Session::restore(&c, SITE, USERNAME, PASSWORD, &state).err().expect(&state);
        assert_eq!(code, "UT_INVALID_ARGUMENT", "{state}: {text}");
        assert!(doc(&text)["message"].as_str().unwrap().starts_with("state "), "{text}");
        assert!(!text.contains(PASSWORD), "{text}");
    }
    assert_eq!(counts(&f), (1, 0, 0));
}

#[test]
fn a_restored_session_keeps_counting_its_renewals() {
    let f = Fixture::new();
    let c = f.client(r#""session_renew_margin_s":864000"#);
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    for _ in 0..6 {
        session.ok_token();
    }
    let saved: Value = serde_json::from_str(&session.export().1).unwrap();
    assert_eq!(saved["renewals"], 6);
    let restored = Session::restore(&c, SITE, USERNAME, PASSWORD, &saved.to_string()).unwrap();
    restored.ok_token();
    assert_eq!(counts(&f), (1, 7, 0), "the seventh renewal");
    restored.ok_token();
    assert_eq!(counts(&f).0, 2, "then a new token, as for the session it came from");
}

#[test]
fn the_async_token_completes_on_a_library_thread_and_joins_a_running_refresh() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let token = session.ok_token();
    let (slot, _) = session.token_async();
    assert_eq!(wait_async(&slot), ("UT_OK".to_owned(), token.clone()), "a fresh token, the bare string");
    assert_eq!(counts(&f), (1, 0, 0));

    // A refresh under way on a blocking thread: the async request joins it.
    session.invalidate();
    f.fault(r#"{"kind":"delay","delay_ms":300,"call":"issue"}"#);
    let (blocking, waiting) = std::thread::scope(|scope| {
        let blocking = scope.spawn(|| session.ok_token());
        std::thread::sleep(Duration::from_millis(100));
        let (slot, _) = session.token_async();
        (blocking.join().unwrap(), wait_async(&slot))
    });
    assert_eq!(waiting, ("UT_OK".to_owned(), blocking.clone()));
    assert_eq!(counts(&f), (2, 0, 0), "one issue for both");
}

#[test]
fn the_async_token_can_be_cancelled() {
    let f = Fixture::new();
    let c = f.client("");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    session.invalidate();
    f.fault(r#"{"kind":"delay","delay_ms":1000,"call":"issue"}"#);
    let (slot, id) = session.token_async();
    assert_ne!(id, 0);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(name(ut_cancel(id)), "UT_OK");
    let (code, text) = wait_async(&slot);
    assert_eq!(code, "UT_CANCELLED", "{text}");
    assert_eq!(name(ut_cancel(id)), "UT_NOT_FOUND", "completed ids are unknown");
    // The refresh it started goes on for the session's next callers.
    let token = session.ok_token();
    assert_eq!(counts(&f).0, 2, "{token}");
}

#[test]
fn stats_count_calls_requests_retries_and_failures() {
    let f = Fixture::new();
    let c = f.client("");
    f.fault(r#"{"kind":"status","status":503,"call":"issue","count":2}"#);
    let token = c.token();
    assert_eq!(c.issue(USERNAME, "wrong").0, "UT_DENIED");
    assert_eq!(c.renew(&token).0, "UT_OK");
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    session.revoke();
    assert_eq!(c.revoke("Bearer unknown").0, "UT_DENIED");
    let stats = client_stats(&c);
    assert_eq!(stats["issue"], json!({"calls": 3, "requests": 5, "failures": {"UT_DENIED": 1}}), "{stats}");
    assert_eq!(stats["renew"], json!({"calls": 1, "requests": 1, "failures": {}}), "{stats}");
    assert_eq!(stats["revoke"], json!({"calls": 2, "requests": 2, "failures": {"UT_DENIED": 1}}), "{stats}");
    // The emulator agrees on what was sent.
    assert_eq!(counts(&f), (5, 1, 2));
}

/// A JWT-shaped token whose payload's `exp` is `exp`.
fn jwt(exp: u64) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.c2lnbmF0dXJl", b64(r#"{"alg":"HS256","typ":"JWT"}"#), b64(&format!(r#"{{"exp":{exp}}}"#)))
}

#[test]
fn without_expires_a_session_reads_the_jwt_exp() {
    let f = Fixture::new();
    let c = f.client("");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    // Ten hours left: fresh, served without a request.
    let body = json!({"TokenType": "Bearer", "AccessToken": jwt(now + 36_000)}).to_string();
    f.fault(&json!({"kind": "status", "status": 200, "body": body, "call": "issue"}).to_string());
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    session.ok_token();
    assert_eq!(counts(&f), (1, 0, 0));
    // Half an hour left, inside the 1 h margin: refreshed (the emulator denies the renew of a
    // token it never issued, so the session issues anew).
    let body = json!({"AccessToken": jwt(now + 1800), "Expires": {"not": "a date"}}).to_string();
    f.fault(&json!({"kind": "status", "status": 200, "body": body, "call": "issue"}).to_string());
    let session = Session::new(&c, USERNAME, PASSWORD).unwrap();
    let _ = session.ok_token();
    assert_eq!(counts(&f), (3, 1, 0), "the exp inside the margin made the session refresh");
}
