//! Conditions of the field that a well-behaved server never produces: connections closed
//! while idle, lengths that lie, answers whose tokens cannot be used, success that is an
//! error, and servers that echo what they were sent.

mod common;

use common::*;
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How a stand-in server ends a keep-alive connection that has been idle for a while.
#[derive(Clone, Copy)]
enum IdleClose {
    Fin,
    Rst,
}

/// A server that answers every request with `answer`, keeps the connection alive, and
/// closes it once it has been idle for `idle` (as servers and load balancers do), counting
/// the connections it accepted.
struct IdleCloser {
    stand_in: StandIn,
    connections: Arc<AtomicUsize>,
}

impl IdleCloser {
    fn start(answer: &'static str, idle: Duration, how: IdleClose) -> IdleCloser {
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let stand_in = StandIn::start(move |stream, heads| {
            counted.fetch_add(1, Ordering::SeqCst);
            serve_until_idle(stream, answer, idle, how, heads)
        });
        IdleCloser { stand_in, connections }
    }

    fn client(&self) -> Client {
        let config = format!(r#"{{"base_url":"{}","api_key":"{API_KEY}","max_retries":0}}"#, self.stand_in.url());
        Client::new(&config).unwrap_or_else(|(code, doc)| panic!("client: {code} {doc}"))
    }
}

fn serve_until_idle(stream: TcpStream, answer: &str, idle: Duration, how: IdleClose, heads: &Heads) {
    stream.set_read_timeout(Some(idle)).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream.try_clone().unwrap();
    // Ends on a read timeout (idle too long) or when the client closes.
    while let Some((head, _)) = read_request(&mut reader) {
        heads.lock().unwrap().push(head);
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
    if let IdleClose::Rst = how {
        socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO)).unwrap();
    }
    drop(stream);
}

const TOKEN_ANSWER: &str = r#"{"AccessToken":"idle-test-token","Expires":"2099-01-01T00:00:00Z"}"#;

fn calls_after_the_server_closed_idle_connections(how: IdleClose) {
    let server = IdleCloser::start(TOKEN_ANSWER, Duration::from_millis(150), how);
    let c = server.client();
    let lines = capture_log(5);
    for round in 0..4 {
        let (code, body) = c.issue(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "blocking call {round} after an idle close: {body}");
        std::thread::sleep(Duration::from_millis(700));
    }
    for round in 0..4 {
        let (code, body) = c.issue_async(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "async call {round} after an idle close: {body}");
        std::thread::sleep(Duration::from_millis(700));
    }
    // Other tests of this file run alongside: only lines naming this server are this test's.
    let port = format!(":{}", server.stand_in.addr.port());
    let lines: Vec<String> = lines.stop().into_iter().filter(|l| l.contains(&port)).collect();
    assert!(server.connections.load(Ordering::SeqCst) >= 8, "every call needed a new connection");
    assert_eq!(lines.iter().filter(|l| l.contains(": attempt 1: POST ")).count(), 8, "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains(": attempt 2")), "no second attempt: {lines:#?}");
    assert!(!lines.iter().any(|l| l.starts_with("2 ") || l.starts_with("1 ")), "no warning or error: {lines:#?}");
}

#[test]
fn a_connection_the_server_closed_while_idle_is_never_a_failed_attempt() {
    calls_after_the_server_closed_idle_connections(IdleClose::Fin);
}

#[test]
fn a_connection_the_server_reset_while_idle_is_never_a_failed_attempt() {
    calls_after_the_server_closed_idle_connections(IdleClose::Rst);
}

/// What a scripted server does with one request.
enum Reply {
    /// A status and a JSON body, keep-alive.
    Json(u16, String),
    /// These bytes as they are, then the connection is closed.
    Raw(String),
    /// A 400 error envelope whose message is the request body as received.
    Echo,
}

/// A server that answers requests with the replies it was given, in order (the last one
/// again once the list is used up), and records the request bodies.
struct Scripted {
    stand_in: StandIn,
    bodies: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Scripted {
    fn start(replies: Vec<Reply>) -> Scripted {
        let replies = Arc::new(std::sync::Mutex::new(replies.into_iter().collect::<std::collections::VecDeque<_>>()));
        let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = bodies.clone();
        let stand_in = StandIn::start(move |stream, heads| {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut writer = stream;
            while let Some((head, body)) = read_request(&mut reader) {
                let body = String::from_utf8_lossy(&body).into_owned();
                heads.lock().unwrap().push(head);
                record.lock().unwrap().push(body.clone());
                let reply = {
                    let mut replies = replies.lock().unwrap();
                    if replies.len() > 1 {
                        replies.pop_front().unwrap()
                    } else {
                        match replies.front().unwrap() {
                            Reply::Json(status, body) => Reply::Json(*status, body.clone()),
                            Reply::Raw(raw) => Reply::Raw(raw.clone()),
                            Reply::Echo => Reply::Echo,
                        }
                    }
                };
                let (raw, close) = match reply {
                    Reply::Json(status, body) => (json_reply(status, &body), false),
                    Reply::Raw(raw) => (raw, true),
                    Reply::Echo => {
                        let envelope = serde_json::json!({"Error": {"Message": format!("Invalid request: {body}"), "Code": "InvalidRequest"}});
                        (json_reply(400, &envelope.to_string()), false)
                    }
                };
                if writer.write_all(raw.as_bytes()).is_err() || close {
                    return;
                }
            }
        });
        Scripted { stand_in, bodies }
    }

    fn config(&self, extra: &str) -> String {
        format!(r#"{{"base_url":"{}","api_key":"{API_KEY}","retry_base_ms":1{extra}}}"#, self.stand_in.url())
    }

    fn client(&self, extra: &str) -> Client {
        Client::new(&self.config(extra)).unwrap_or_else(|(code, doc)| panic!("client: {code} {doc}"))
    }
}

fn json_reply(status: u16, body: &str) -> String {
    format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn a_huge_announced_length_is_refused_without_allocating_it() {
    let huge = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999999999999999\r\n\r\n{\"AccessToken\":\"x\"}";
    let server = Scripted::start(vec![Reply::Raw(huge.to_owned())]);
    // The largest limit the configuration allows; anything above it is refused outright.
    let (code, doc) = Client::new(&server.config(r#","max_response_bytes":68719476736"#)).err().unwrap();
    assert_eq!(code, "UT_INVALID_CONFIG", "{doc}");
    assert!(doc.contains("max_response_bytes"), "{doc}");
    let c = server.client(r#","max_response_bytes":67108864,"max_retries":0"#);
    let (code, doc) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_DECODE", "{doc}");
    let (code, doc) = c.issue_async(USERNAME, PASSWORD);
    assert_eq!(code, "UT_DECODE", "{doc}");
    // Announced below the limit but never sent: a dropped connection, not a buffer of that size.
    let short = "HTTP/1.1 200 OK\r\nContent-Length: 60000000\r\n\r\n{\"AccessToken\"";
    let server = Scripted::start(vec![Reply::Raw(short.to_owned())]);
    let c = server.client(r#","max_response_bytes":67108864,"max_retries":0"#);
    let (code, doc) = c.renew("token");
    assert_eq!(code, "UT_CONNECT", "{doc}");
}

#[test]
fn a_renew_answer_with_an_unusable_token_is_a_decode_error_and_sessions_keep_theirs() {
    for bad in [r#""""#, r#""a\r\nb""#, r#""a\u0000b""#, r#""with space""#] {
        let body = format!(r#"{{"AccessToken":{bad},"Expires":"2099-01-01T00:00:00Z"}}"#);
        let server = Scripted::start(vec![Reply::Json(200, body)]);
        let c = server.client("");
        let (code, text) = c.renew("token");
        assert_eq!(code, "UT_DECODE", "{bad}: {text}");
        let d = doc(&text);
        assert_eq!((d["http_status"].as_u64(), d["attempts"].as_u64()), (Some(200), Some(1)), "{bad}: {text}");
    }
    let good = r#"{"AccessToken":"good-token","Expires":"2099-01-01T00:00:00Z"}"#;
    let server = Scripted::start(vec![
        Reply::Json(200, good.to_owned()),
        Reply::Json(200, r#"{"AccessToken":"evil\r\nX-Injected: 1","Expires":"2099-01-02T00:00:00Z"}"#.to_owned()),
    ]);
    // A margin longer than the token's life: every request for the token renews.
    let c = server.client(r#","session_renew_margin_s":10000000000"#);
    let session = Session::new(&c, USERNAME, PASSWORD).expect("session");
    for _ in 0..3 {
        let (code, token) = session.token();
        assert_eq!((code.as_str(), token.as_str()), ("UT_OK", "good-token"), "the unexpired token is kept");
    }
}

#[test]
fn a_success_status_with_the_error_envelope_is_a_failure() {
    let envelope = r#"{"Error":{"Message":"Token is invalid","Code":"DeniedAccess"}}"#;
    let server = Scripted::start(vec![Reply::Json(200, envelope.to_owned())]);
    let c = server.client("");
    for (call, (code, text)) in
        [("renew", c.renew("token")), ("revoke", c.revoke("token")), ("issue", c.issue(USERNAME, PASSWORD))]
    {
        assert_eq!(code, "UT_DECODE", "{call}: {text}");
        let d = doc(&text);
        assert_eq!(d["code"], "DeniedAccess", "{call}: {text}");
        assert_eq!(d["http_status"], 200, "{call}: {text}");
        assert!(d["message"].as_str().unwrap().contains("Token is invalid"), "{call}: {text}");
    }
}

#[test]
fn secrets_echoed_in_escaped_form_never_reach_a_document_or_a_log_line() {
    let password = "Tr0ub4dor\"&3\\x";
    let server = Scripted::start(vec![Reply::Echo]);
    let c = server.client(r#","max_retries":0"#);
    let lines = capture_log(5);
    let (code, text) = c.issue(USERNAME, password);
    let lines = lines.stop();
    assert_eq!(code, "UT_HTTP_ERROR", "{text}");
    assert!(server.bodies.lock().unwrap()[0].contains(r#"Tr0ub4dor\"&3\\x"#), "the server saw the escaped password");
    for text in lines.iter().chain([&text]) {
        assert!(!text.contains("Tr0ub4dor") && !text.contains("ub4dor"), "leaked: {text}");
    }
    assert!(text.contains("[REDACTED]"), "{text}");
}

#[test]
fn server_text_cannot_forge_log_lines() {
    let envelope = r#"{"Error":{"Message":"bad\r\n1 issue: forged line\nmore","Code":"X\nY"}}"#;
    let server = Scripted::start(vec![Reply::Json(400, envelope.to_owned())]);
    let c = server.client(r#","max_retries":0"#);
    let lines = capture_log(5);
    let (code, text) = c.issue(USERNAME, PASSWORD);
    let lines = lines.stop();
    assert_eq!(code, "UT_HTTP_ERROR", "{text}");
    for line in &lines {
        assert!(!line.contains('\n') && !line.contains('\r'), "a log line holds a line break: {line:?}");
    }
    let d = doc(&text);
    assert!(!d["message"].as_str().unwrap().contains('\n'), "{text}");
    assert!(!d["code"].as_str().unwrap().contains('\n'), "{text}");
}

#[test]
fn a_session_reports_an_answered_issue_as_ut_issue_does() {
    let server = Scripted::start(vec![Reply::Json(200, r#"{"AccessToken":""}"#.to_owned())]);
    let c = server.client("");
    let (code, text) = Session::new(&c, USERNAME, PASSWORD).err().expect("refused");
    assert_eq!(code, "UT_DECODE", "{text}");
    let d = doc(&text);
    assert_eq!((d["http_status"].as_u64(), d["attempts"].as_u64()), (Some(200), Some(1)), "{text}");
    // An answer ut_issue accepts is one a session accepts.
    let deep = format!(r#"{{"AccessToken":"deep-token","Expires":{}1{}}}"#, "[".repeat(1000), "]".repeat(1000));
    let server = Scripted::start(vec![Reply::Json(200, deep)]);
    let c = server.client("");
    assert_eq!(c.issue(USERNAME, PASSWORD).0, "UT_OK");
    let session = Session::new(&c, USERNAME, PASSWORD).expect("session");
    assert_eq!(session.token(), ("UT_OK".to_owned(), "deep-token".to_owned()));
}

#[test]
fn configuration_that_could_only_fail_every_call_is_refused() {
    for (config, mentions) in [
        (r#"{"api_key":"k","proxy":"socks5://127.0.0.1:1080"}"#, "http:// and https://"),
        (
            r#"{"api_key":"k","base_url":"https://api.mindbodyonline.com/public/v6"}"#,
            "https://api.mindbodyonline.com\\\" instead",
        ),
    ] {
        let (code, doc) = Client::new(config).err().expect(config);
        assert_eq!(code, "UT_INVALID_CONFIG", "{doc}");
        assert!(doc.contains(mentions), "{doc} should mention {mentions}");
    }
}

#[test]
fn a_revoke_retried_after_it_may_have_landed_is_ok_when_denied() {
    let denied = r#"{"Error":{"Message":"Invalid token","Code":"DeniedAccess"}}"#;
    let server = Scripted::start(vec![Reply::Json(503, "{}".to_owned()), Reply::Json(401, denied.to_owned())]);
    let c = server.client("");
    assert_eq!(c.revoke("token"), ("UT_OK".to_owned(), "{}".to_owned()));
    // A first attempt that is denied is denied.
    let server = Scripted::start(vec![Reply::Json(401, denied.to_owned())]);
    let c = server.client("");
    assert_eq!(c.revoke("token").0, "UT_DENIED");
    // So is a renew, whatever came before.
    let server = Scripted::start(vec![Reply::Json(503, "{}".to_owned()), Reply::Json(401, denied.to_owned())]);
    let c = server.client("");
    assert_eq!(c.renew("token").0, "UT_DENIED");
}

/// An HTTPS emulator's authority in a file named after `test` (tests run at once, each with
/// an emulator of its own), removed when dropped. It must outlive the client trusting it,
/// which may read it only when it first connects.
struct CaFile(std::path::PathBuf);

impl CaFile {
    fn write(emulator: &ut_emulator::Emulator, test: &str) -> CaFile {
        let path = std::env::temp_dir().join(format!("usertoken-field-{}-{test}-ca.pem", std::process::id()));
        std::fs::write(&path, emulator.ca_pem().expect("an HTTPS emulator")).unwrap();
        CaFile(path)
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A client of `emulator` that never retries, trusting `ca` when given.
fn no_retry_client(emulator: &ut_emulator::Emulator, ca: Option<&CaFile>) -> Client {
    let ca_file = ca.map(|ca| format!(r#","ca_file":{}"#, serde_json::to_string(ca.0.to_str().unwrap()).unwrap()));
    let config = format!(
        r#"{{"base_url":"{}","api_key":"{API_KEY}","max_retries":0{}}}"#,
        emulator.url(),
        ca_file.unwrap_or_default()
    );
    Client::new(&config).unwrap_or_else(|(code, doc)| panic!("client: {code} {doc}"))
}

#[test]
fn an_https_connection_closed_while_idle_is_never_a_failed_attempt() {
    let emulator = ut_emulator::Emulator::builder()
        .tls(true)
        .idle_timeout(Duration::from_millis(150))
        .start("127.0.0.1:0")
        .expect("the HTTPS emulator starts");
    let ca = CaFile::write(&emulator, "idle");
    let c = no_retry_client(&emulator, Some(&ca));
    for round in 0..3 {
        let (code, body) = c.issue(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "blocking call {round} over HTTPS after an idle close: {body}");
        let (code, body) = c.issue_async(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "async call {round} over HTTPS after an idle close: {body}");
        std::thread::sleep(Duration::from_millis(700));
    }
}

/// A server without keep-alive closes every connection after its answer, saying so in
/// `Connection: close`: a client that sent the next call on such a connection would lose it,
/// and with `max_retries` 0 nothing would hide that.
fn every_call_succeeds_without_keep_alive(tls: bool) {
    let emulator =
        ut_emulator::Emulator::builder().tls(tls).keep_alive(false).start("127.0.0.1:0").expect("the emulator starts");
    let ca = tls.then(|| CaFile::write(&emulator, "no-keep-alive"));
    let c = no_retry_client(&emulator, ca.as_ref());
    for call in 0..200 {
        let (code, body) = c.issue(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "call {call} to a server without keep-alive (TLS {tls}): {body}");
    }
    assert_eq!(emulator.stats().unwrap()["issue"], 200);
}

#[test]
fn a_server_without_keep_alive_fails_no_call() {
    every_call_succeeds_without_keep_alive(false);
}

#[test]
fn an_https_server_without_keep_alive_fails_no_call() {
    every_call_succeeds_without_keep_alive(true);
}
