//! The paths to the server that the emulator cannot stand in for: a configured proxy, and a
//! connection that is never accepted (bounded by `connect_timeout_ms`).

mod common;

use common::*;
use serde_json::Value;
use socket2::{Domain, Socket, Type};
use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Nothing listens on the discard port of loopback: a call that went there directly would
/// fail with `UT_CONNECT`.
const UNREACHABLE_BASE: &str = "http://127.0.0.1:9";

/// A forward proxy that answers every request itself with `answer`.
fn fake_proxy(answer: &'static str) -> StandIn {
    StandIn::start(move |stream, heads| serve(stream, answer, heads))
}

/// Keep-alive: one request after another until the client closes the connection.
fn serve(stream: TcpStream, answer: &str, heads: &Heads) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some((head, _)) = read_request(&mut reader) {
        heads.lock().unwrap().push(head);
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn client_for(config: &str) -> Client {
    Client::new(config).unwrap_or_else(|(code, doc)| panic!("client: {code} {doc}"))
}

#[test]
fn a_configured_proxy_carries_every_call() {
    let proxy = fake_proxy(r#"{"AccessToken":"through-the-proxy"}"#);
    let config = format!(r#"{{"base_url":"{UNREACHABLE_BASE}","api_key":"{API_KEY}","proxy":"{}"}}"#, proxy.url());
    let c = client_for(&config);
    let (code, body) = c.issue(USERNAME, PASSWORD);
    assert_eq!((code.as_str(), body.as_str()), ("UT_OK", r#"{"AccessToken":"through-the-proxy"}"#));
    let (code, _) = c.renew("Bearer abc");
    assert_eq!(code, "UT_OK");
    let (code, _) = c.revoke("abc");
    assert_eq!(code, "UT_OK");

    let requests = proxy.heads();
    let lines: Vec<&str> = requests.iter().map(|head| head[0].as_str()).collect();
    // A plain-HTTP request through a proxy names the whole target URL (absolute form).
    assert_eq!(
        lines,
        [
            format!("POST {UNREACHABLE_BASE}/public/v6/usertoken/issue HTTP/1.1"),
            format!("POST {UNREACHABLE_BASE}/public/v6/usertoken/renew HTTP/1.1"),
            format!("DELETE {UNREACHABLE_BASE}/public/v6/usertoken/revoke HTTP/1.1"),
        ]
    );
    for head in &requests {
        let has = |name: &str, value: &str| head.iter().any(|h| h.eq_ignore_ascii_case(&format!("{name}: {value}")));
        assert!(has("api-key", API_KEY) && has("siteid", SITE), "every header goes through: {head:?}");
    }
}

#[test]
fn a_proxy_that_refuses_connections_is_ut_connect_and_retried() {
    let config = format!(
        r#"{{"base_url":"{UNREACHABLE_BASE}","api_key":"{API_KEY}","proxy":"http://127.0.0.1:9","max_retries":1,"retry_base_ms":1}}"#
    );
    let c = client_for(&config);
    let (code, text) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_CONNECT", "{text}");
    let document = doc(&text);
    assert_eq!(document["attempts"], 2);
    assert!(!text.contains(PASSWORD) && !text.contains(API_KEY), "{text}");
}

/// A listener whose accept queue is full and never drained: the kernel drops further
/// connection attempts (SYNs) instead of refusing them, so a connect waits until it gives up.
/// Returns the listener and the connections that filled its queue; keep both alive.
fn listener_that_never_accepts() -> (Socket, Vec<TcpStream>, SocketAddr) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let mut filling = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => filling.push(stream),
            Err(_) => return (socket, filling, addr),
        }
    }
    panic!("the accept queue of a listen(0) socket never filled up; cannot test connect_timeout_ms");
}

#[test]
fn connect_timeout_ms_bounds_a_connection_that_is_never_accepted() {
    let (_listener, _filling, addr) = listener_that_never_accepts();
    let config = format!(
        r#"{{"base_url":"http://{addr}","api_key":"{API_KEY}","connect_timeout_ms":300,"timeout_ms":20000,"max_retries":0}}"#
    );
    let c = client_for(&config);
    let started = Instant::now();
    let (code, text) = c.issue(USERNAME, PASSWORD);
    let elapsed = started.elapsed();
    assert_eq!(code, "UT_CONNECT", "{text}");
    let document: Value = doc(&text);
    assert_eq!(document["attempts"], 1);
    assert!(document["message"].as_str().unwrap().contains("connect_timeout_ms (300 ms)"), "{text}");
    assert!(elapsed >= Duration::from_millis(250), "gave up before connect_timeout_ms: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "connect_timeout_ms did not bound the attempt: {elapsed:?}");
}

/// Set in the copy of this test binary that runs with a proxy in its environment (the
/// environment's proxies are read once per process, so they cannot be changed in this one).
const PROXY_ENV_CHILD: &str = "UT_TEST_PROXY_ENV_CHILD";

#[test]
fn a_proxy_from_the_environment_is_used_except_for_a_loopback_base_url() {
    if std::env::var_os(PROXY_ENV_CHILD).is_some() {
        // Every variable points at the proxy and NO_PROXY is unset. The emulator on loopback
        // is reached directly; a host elsewhere goes through the proxy.
        let f = Fixture::new();
        let (code, body) = f.client("").issue(USERNAME, PASSWORD);
        assert_eq!(code, "UT_OK", "{body}");
        assert!(body.contains("TokenType"), "the emulator answered, not the proxy: {body}");
        let config = format!(r#"{{"base_url":"http://usertoken.invalid","api_key":"{API_KEY}","allow_http":true}}"#);
        let (code, body) = client_for(&config).issue(USERNAME, PASSWORD);
        assert_eq!((code.as_str(), body.as_str()), ("UT_OK", r#"{"AccessToken":"through-the-proxy"}"#));
        return;
    }
    let proxy = fake_proxy(r#"{"AccessToken":"through-the-proxy"}"#);
    let name = "a_proxy_from_the_environment_is_used_except_for_a_loopback_base_url";
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child.args([name, "--exact", "--test-threads=1"]).env(PROXY_ENV_CHILD, "1");
    for variable in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(variable, proxy.url());
    }
    for variable in ["NO_PROXY", "no_proxy"] {
        child.env_remove(variable);
    }
    let output = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 passed"), "the child ran the test: {stdout}");
    let lines: Vec<String> = proxy.heads().iter().map(|head| head[0].clone()).collect();
    assert_eq!(lines, ["POST http://usertoken.invalid/public/v6/usertoken/issue HTTP/1.1"]);
}
