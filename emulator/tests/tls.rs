//! HTTPS: the generated certificate, trusted through the authority the emulator hands out,
//! from the library API and from the binary's `--tls --cert-out`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, HandshakeKind, RootCertStore, StreamOwned, SupportedProtocolVersion};
use serde_json::json;
use ut_emulator::{Emulator, EmulatorConfig};

const BINARY: &str = env!("CARGO_BIN_EXE_ut-emulator");

fn client_config(ca_pem: &str) -> Arc<ClientConfig> {
    client_config_for(ca_pem, rustls::DEFAULT_VERSIONS)
}

/// A client trusting `ca_pem` that speaks only `versions`. It keeps what servers give it for
/// resuming sessions (rustls's default in-memory cache), shared by the connections made with it.
fn client_config_for(ca_pem: &str, versions: &[&'static SupportedProtocolVersion]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.expect("the authority is valid PEM")).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// One request over TLS, verified against `ca_pem` for `name`; the raw response, or the
/// handshake's (or the connection's) error.
fn https(addr: SocketAddr, name: &str, ca_pem: &str, method: &str, path: &str, body: &str) -> Result<String, String> {
    exchange(client_config(ca_pem), addr, name, method, path, body).map(|(response, _)| response)
}

/// As [`https`], with a given client configuration; also how the handshake went.
fn exchange(
    config: Arc<ClientConfig>,
    addr: SocketAddr,
    name: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(String, Option<HandshakeKind>), String> {
    let server = ServerName::try_from(name.to_owned()).unwrap();
    let connection = ClientConnection::new(config, server).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let mut tls = StreamOwned::new(connection, tcp);
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {name}\r\nAPI-Key: test-api-key\r\nSiteId: -99\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut response = String::new();
    match tls.read_to_string(&mut response) {
        Ok(_) => Ok((response, tls.conn.handshake_kind())),
        // A server that closes without close_notify still sent the whole response.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {
            Ok((response, tls.conn.handshake_kind()))
        }
        Err(e) => Err(format!("{:?}: {e}", e.kind())),
    }
}

fn https_get(addr: SocketAddr, name: &str, ca_pem: &str, path: &str) -> Result<String, String> {
    https(addr, name, ca_pem, "GET", path, "")
}

#[test]
fn serves_https_for_every_loopback_name_trusted_through_its_authority() {
    let emulator = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let ca = emulator.ca_pem().expect("an HTTPS emulator has an authority").to_owned();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
    for name in ["127.0.0.1", "localhost"] {
        let response = https_get(emulator.addr(), name, &ca, "/_emulator/health").unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{name}: {response}");
        assert!(response.ends_with(r#"{"ok":true}"#), "{name}: {response}");
    }
}

#[test]
fn another_emulators_authority_is_not_trusted() {
    let emulator = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    let other = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    assert_ne!(emulator.ca_pem(), other.ca_pem(), "each emulator makes its own authority");
    let error = https_get(emulator.addr(), "127.0.0.1", other.ca_pem().unwrap(), "/_emulator/health").unwrap_err();
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    // The emulator goes on serving clients that do trust it.
    let ok = https_get(emulator.addr(), "127.0.0.1", emulator.ca_pem().unwrap(), "/_emulator/health").unwrap();
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

#[test]
fn plain_http_has_no_authority() {
    let emulator = Emulator::start("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    assert!(emulator.url().starts_with("http://"));
    assert_eq!(emulator.ca_pem(), None);
}

/// The binary started with `--tls --cert-out FILE` and `args`: its address and the authority
/// read from FILE as soon as the listening line is out; killed when dropped.
struct Binary {
    child: Child,
    addr: SocketAddr,
    ca: String,
}

impl Binary {
    fn start(name: &str, args: &[&str]) -> Binary {
        let cert = std::env::temp_dir().join(format!("ut-emulator-{}-{name}-ca.pem", std::process::id()));
        let _ = std::fs::remove_file(&cert);
        let mut child = Command::new(BINARY)
            .args(["--tls", "--cert-out", cert.to_str().unwrap()])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr: SocketAddr = line
            .strip_prefix("listening on https://")
            .unwrap_or_else(|| panic!("unexpected line {line:?}"))
            .trim_end()
            .parse()
            .unwrap();
        let ca = std::fs::read_to_string(&cert).expect("the authority is written before the line");
        let _ = std::fs::remove_file(&cert);
        Binary { child, addr, ca }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_binary_serves_https_and_writes_the_authority_before_its_line() {
    let binary = Binary::start("serves", &[]);
    let response = https_get(binary.addr, "localhost", &binary.ca, "/_emulator/health");
    assert!(response.unwrap().starts_with("HTTP/1.1 200"));
}

#[test]
fn cert_out_without_tls_is_a_usage_error() {
    let output = Command::new(BINARY).args(["--cert-out", "/tmp/x.pem"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--cert-out needs --tls"));
    let output = Command::new(BINARY).args(["--tls=yes"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn no_tls_resumption_without_tls_is_a_usage_error() {
    let output = Command::new(BINARY).args(["--no-tls-resumption"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-tls-resumption needs --tls"));
    let output = Command::new(BINARY).args(["--tls", "--no-tls-resumption=yes"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn faults_act_on_https_connections_too() {
    let emulator = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    let (addr, ca) = (emulator.addr(), emulator.ca_pem().unwrap().to_owned());
    let faults = r#"{"faults":[{"kind":"drop"},{"kind":"status","status":503},{"kind":"hang"}]}"#;
    let queued = https(addr, "localhost", &ca, "POST", "/_emulator/faults", faults).unwrap();
    assert!(queued.ends_with(r#"{"queued":3,"pending":3}"#), "{queued}");
    let issue = |body: &str| https(addr, "localhost", &ca, "POST", "/public/v6/usertoken/issue", body);
    let credentials = r#"{"Username":"Siteowner","Password":"apitest1234"}"#;
    // drop: the TCP connection under the TLS session is reset before any answer.
    let dropped = issue(credentials).unwrap_err();
    assert!(dropped.contains("ConnectionReset") || dropped.contains("UnexpectedEof"), "{dropped}");
    assert!(issue(credentials).unwrap().starts_with("HTTP/1.1 503"));
    // hang: no answer at all within the client's read timeout.
    let hung = issue(credentials).unwrap_err();
    assert!(hung.contains("WouldBlock") || hung.contains("TimedOut"), "{hung}");
    assert!(issue(credentials).unwrap().starts_with("HTTP/1.1 200"), "served normally afterwards");
}

/// A TLS connection that has had one keep-alive exchange (the health endpoint) and is idle.
fn idle_tls_connection(emulator: &Emulator, path: &str, body: &str) -> StreamOwned<ClientConnection, TcpStream> {
    let ca = emulator.ca_pem().unwrap();
    let server = ServerName::try_from("localhost".to_owned()).unwrap();
    let connection = ClientConnection::new(client_config(ca), server).unwrap();
    let tcp = TcpStream::connect(emulator.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut tls = StreamOwned::new(connection, tcp);
    let method = if body.is_empty() { "GET" } else { "POST" };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAPI-Key: test-api-key\r\nSiteId: -99\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(request.as_bytes()).unwrap();
    // Read exactly one response: the head, then Content-Length bytes.
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    while !received.ends_with(b"\r\n\r\n") {
        assert_eq!(tls.read(&mut byte).unwrap(), 1, "closed before the whole head");
        received.push(byte[0]);
    }
    let head = String::from_utf8(received).unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
        .unwrap();
    let mut body = vec![0; length];
    tls.read_exact(&mut body).unwrap();
    tls
}

#[test]
fn an_idle_https_connection_is_closed_with_close_notify_then_a_fin() {
    let emulator = Emulator::builder().tls(true).idle_timeout(Duration::from_millis(300)).start("127.0.0.1:0").unwrap();
    let mut tls = idle_tls_connection(&emulator, "/_emulator/health", "");
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    // A clean end of stream: rustls saw close_notify before the TCP FIN.
    assert_eq!(tls.read_to_end(&mut rest).map_err(|e| e.kind()), Ok(0));
    let after = started.elapsed();
    assert!((Duration::from_millis(250)..Duration::from_millis(1500)).contains(&after), "closed after {after:?}");
}

#[test]
fn reset_when_idle_resets_an_https_connection() {
    let emulator = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    let fault = r#"{"kind":"reset_when_idle","idle_ms":200,"call":"issue"}"#;
    let queued = https(emulator.addr(), "localhost", emulator.ca_pem().unwrap(), "POST", "/_emulator/faults", fault);
    assert!(queued.unwrap().ends_with(r#"{"queued":1,"pending":1}"#));
    let credentials = r#"{"Username":"Siteowner","Password":"apitest1234"}"#;
    let mut tls = idle_tls_connection(&emulator, "/public/v6/usertoken/issue", credentials);
    let started = std::time::Instant::now();
    let error = tls.read_to_end(&mut Vec::new()).expect_err("a reset");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
}

#[test]
fn the_control_methods_work_over_https() {
    let emulator = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    assert_eq!(emulator.health().unwrap(), json!({"ok": true}));
    assert_eq!(emulator.add_faults(r#"{"kind":"drop"}"#).unwrap(), json!({"queued": 1, "pending": 1}));
    assert_eq!(emulator.faults().unwrap()["faults"][0]["kind"], "drop");
}

/// How the second of two connections from one client (TLS `version` only) was set up, the
/// first having read a whole answer, and with it whatever the server gave for resuming.
fn second_handshake(addr: SocketAddr, ca_pem: &str, version: &'static SupportedProtocolVersion) -> HandshakeKind {
    let config = client_config_for(ca_pem, &[version]);
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let (response, kind) = exchange(config.clone(), addr, "localhost", "GET", "/_emulator/health", "").unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        kinds.push(kind.expect("the handshake is done"));
    }
    assert_eq!(kinds[0], HandshakeKind::Full, "a first connection has nothing to resume");
    kinds[1]
}

const VERSIONS: [&SupportedProtocolVersion; 2] = [&rustls::version::TLS13, &rustls::version::TLS12];

#[test]
fn a_client_resumes_its_tls_session_by_default() {
    let emulator = Emulator::start_tls("127.0.0.1:0", EmulatorConfig::default()).unwrap();
    for version in VERSIONS {
        let kind = second_handshake(emulator.addr(), emulator.ca_pem().unwrap(), version);
        assert_eq!(kind, HandshakeKind::Resumed, "{version:?}");
    }
}

#[test]
fn without_tls_resumption_every_connection_is_a_full_handshake() {
    let emulator = Emulator::builder().tls(true).tls_resumption(false).start("127.0.0.1:0").unwrap();
    for version in VERSIONS {
        let kind = second_handshake(emulator.addr(), emulator.ca_pem().unwrap(), version);
        assert_eq!(kind, HandshakeKind::Full, "{version:?}");
    }
    // The binary's switch does the same.
    let binary = Binary::start("no-resumption", &["--no-tls-resumption"]);
    assert_eq!(second_handshake(binary.addr, &binary.ca, &rustls::version::TLS13), HandshakeKind::Full);
}

#[test]
fn without_keep_alive_an_https_connection_ends_with_close_notify_after_its_answer() {
    let binary = Binary::start("no-keep-alive", &["--no-keep-alive"]);
    let config = client_config(&binary.ca);
    // No Connection: close from the client: the server alone decides.
    let request = "GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let server = ServerName::try_from("localhost").unwrap();
    let mut tls =
        StreamOwned::new(ClientConnection::new(config, server).unwrap(), TcpStream::connect(binary.addr).unwrap());
    tls.sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    tls.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    // A clean end of stream: close_notify, then the FIN.
    tls.read_to_string(&mut response).expect("close_notify before the FIN");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("\r\nconnection: close\r\n"), "{response}");
}
