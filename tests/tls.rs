//! HTTPS through the C ABI, against the emulator serving a certificate from an authority it
//! generated: an untrusted certificate is a connection error that says so, `ca_file` makes
//! the same call succeed (on every thread, read once), a `ca_file` without a certificate is a
//! configuration error, plain `http://` is only for loopback unless `allow_http`, and a
//! configured proxy carries HTTPS in a CONNECT tunnel.

mod common;

use common::*;
use serde_json::Value;
use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use ut_emulator::{Emulator, EmulatorConfig};

/// A file in the temp dir, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("usertoken-tls-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn json_path(&self) -> String {
        serde_json::to_string(self.0.to_str().unwrap()).unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn https_emulator() -> Emulator {
    Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).expect("the HTTPS emulator starts")
}

/// A client for `base_url`; `extra` is spliced into the config object.
fn client(base_url: &str, extra: &str) -> Result<Client, (String, String)> {
    Client::new(&format!(r#"{{"base_url":"{base_url}","api_key":"{API_KEY}","max_retries":0{extra}}}"#))
}

#[test]
fn an_untrusted_certificate_is_a_connect_error_that_names_the_certificate() {
    let emulator = https_emulator();
    let c = client(&emulator.url(), "").unwrap();
    let (code, text) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_CONNECT", "{text}");
    let document = doc(&text);
    let message = document["message"].as_str().unwrap();
    assert!(message.to_lowercase().contains("certificate"), "the message should say why: {message}");
    assert_eq!(document["http_status"], Value::Null);
    assert_eq!(document["attempts"], 1);
    for secret in [API_KEY, PASSWORD] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn ca_file_with_the_authority_makes_every_call_succeed() {
    let emulator = https_emulator();
    let ca = TempFile::new("ca.pem", emulator.ca_pem().unwrap());
    for base_url in [emulator.url(), format!("https://localhost:{}", emulator.addr().port())] {
        let c = client(&base_url, &format!(r#","ca_file":{}"#, ca.json_path())).unwrap();
        let token = c.token();
        let (code, body) = c.renew(&format!("Bearer {token}"));
        assert_eq!(code, "UT_OK", "{base_url}: {body}");
        let (code, body) = c.revoke(&token);
        assert_eq!((code.as_str(), body.as_str()), ("UT_OK", "{}"), "{base_url}");
    }
}

#[test]
fn ca_file_is_read_once_when_the_client_is_made() {
    let emulator = https_emulator();
    let ca = TempFile::new("read-once.pem", emulator.ca_pem().unwrap());
    let c = client(&emulator.url(), &format!(r#","ca_file":{}"#, ca.json_path())).unwrap();
    drop(ca);
    // Each thread's first blocking call, and an async one, set up their connections after the
    // file is gone: they trust what was read when the client was made.
    let (code, text) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_OK", "{text}");
    let (code, text) = std::thread::scope(|s| s.spawn(|| c.issue(USERNAME, PASSWORD)).join().unwrap());
    assert_eq!(code, "UT_OK", "another thread: {text}");
    let (code, text) = c.issue_async(USERNAME, PASSWORD);
    assert_eq!(code, "UT_OK", "async: {text}");
}

#[test]
fn another_authority_in_ca_file_is_still_untrusted() {
    let emulator = https_emulator();
    let other = https_emulator();
    let wrong = TempFile::new("other-ca.pem", other.ca_pem().unwrap());
    let c = client(&emulator.url(), &format!(r#","ca_file":{}"#, wrong.json_path())).unwrap();
    let (code, text) = c.issue(USERNAME, PASSWORD);
    assert_eq!(code, "UT_CONNECT", "{text}");
    assert!(doc(&text)["message"].as_str().unwrap().to_lowercase().contains("certificate"), "{text}");
}

#[test]
fn a_ca_file_without_a_pem_certificate_is_invalid_config() {
    let emulator = https_emulator();
    for (name, contents) in [
        ("empty.pem", ""),
        ("text.pem", "not a certificate\n"),
        ("key-only.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
    ] {
        let file = TempFile::new(name, contents);
        let (code, text) = client(&emulator.url(), &format!(r#","ca_file":{}"#, file.json_path())).err().unwrap();
        assert_eq!(code, "UT_INVALID_CONFIG", "{name}: {text}");
        assert!(doc(&text)["message"].as_str().unwrap().contains("ca_file"), "{name}: {text}");
    }
}

#[test]
fn plain_http_to_a_host_that_is_not_loopback_needs_allow_http() {
    // Only configuration is checked here: no request is ever sent to this address.
    let (code, text) = client("http://10.1.2.3", "").err().expect("refused");
    assert_eq!(code, "UT_INVALID_CONFIG");
    let message = doc(&text)["message"].as_str().unwrap().to_owned();
    assert!(message.contains("base_url") && message.contains("allow_http"), "{message}");
    let allowed = client("http://10.1.2.3", r#","allow_http":true"#);
    assert!(allowed.is_ok(), "allow_http permits it: {:?}", allowed.err());
    // Loopback needs no permission, and https never does.
    assert!(client("http://127.0.0.1:9", "").is_ok());
    assert!(client("https://10.1.2.3", "").is_ok());
}

/// A proxy that only tunnels: it answers a `CONNECT host:port` with 200, then copies bytes
/// both ways between the client and that address.
fn tunnel(client: TcpStream, heads: &Heads) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let head = read_head(&mut reader).expect("a CONNECT request");
    let target = head[0].strip_prefix("CONNECT ").and_then(|rest| rest.split(' ').next()).unwrap().to_owned();
    heads.lock().unwrap().push(head);
    let mut server = TcpStream::connect(target).unwrap();
    let mut to_client = client;
    to_client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
    // Whatever the client sent after the head is already in the reader's buffer.
    server.write_all(reader.buffer()).unwrap();
    let mut from_server = server.try_clone().unwrap();
    let mut client_out = to_client.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from_server, &mut client_out);
        let _ = client_out.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(reader.get_mut(), &mut server);
    let _ = server.shutdown(Shutdown::Write);
}

#[test]
fn https_goes_through_a_configured_proxy_in_a_tunnel() {
    let emulator = https_emulator();
    let ca = TempFile::new("tunnel-ca.pem", emulator.ca_pem().unwrap());
    let proxy = StandIn::start(tunnel);
    let c = client(&emulator.url(), &format!(r#","ca_file":{},"proxy":"{}""#, ca.json_path(), proxy.url())).unwrap();
    let token = c.token();
    let (code, body) = c.renew(&format!("Bearer {token}"));
    assert_eq!(code, "UT_OK", "{body}");
    let (code, body) = c.revoke(&token);
    assert_eq!((code.as_str(), body.as_str()), ("UT_OK", "{}"));
    // One tunnel, kept alive for all three calls; the proxy never sees inside it.
    let port = emulator.addr().port();
    let lines: Vec<String> = proxy.heads().into_iter().map(|head| head[0].clone()).collect();
    assert_eq!(lines, [format!("CONNECT 127.0.0.1:{port} HTTP/1.1")]);
}
