//! A client of the control endpoints, for tests and tools: one plain HTTP/1.1 request per
//! call on a fresh connection (over TLS when the emulator serves HTTPS), so it steers an
//! emulator in another process as well as one in this process, and a call never shares a
//! connection with the client under test.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use serde_json::Value;

/// A control call that gets no answer in this long fails rather than hangs.
const ANSWER_LIMIT: Duration = Duration::from_secs(10);

/// The name the emulator's certificate is checked against: one it is always valid for.
const TLS_NAME: &str = "localhost";

/// The control endpoints of the emulator at one address. Every method answers the endpoint's
/// JSON document as the README describes it, or an error when the emulator cannot be reached
/// or does not answer `200` with JSON (the error then carries the status and the body).
#[derive(Clone, Debug)]
pub struct Control {
    addr: SocketAddr,
    tls: Option<Arc<ClientConfig>>,
}

impl Control {
    /// An emulator serving plain HTTP at `addr`.
    pub fn new(addr: SocketAddr) -> Control {
        Control { addr, tls: None }
    }

    /// An emulator serving HTTPS at `addr` with a certificate issued by the authority
    /// `ca_pem` (what `Emulator::ca_pem` or `--cert-out` gives).
    pub fn with_ca(addr: SocketAddr, ca_pem: &str) -> io::Result<Control> {
        let invalid = |e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidInput, e.to_string());
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.map_err(|e| invalid(&e))?).map_err(|e| invalid(&e))?;
        }
        // ring, named explicitly, so the process-wide default provider never matters.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(&e))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Control { addr, tls: Some(Arc::new(config)) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `GET /_emulator/health`: `{"ok":true}`.
    pub fn health(&self) -> io::Result<Value> {
        self.call("GET", "health", "")
    }

    /// `POST /_emulator/reset`: the clock, tokens, faults, recorded requests and counters as
    /// at the start.
    pub fn reset(&self) -> io::Result<Value> {
        self.call("POST", "reset", "")
    }

    /// `GET /_emulator/clock`: `{"now":..,"offset_s":..}`.
    pub fn clock(&self) -> io::Result<Value> {
        self.call("GET", "clock", "")
    }

    /// `POST /_emulator/clock`: moves the clock by `seconds` (back when negative); the clock
    /// as [`Control::clock`] answers it.
    pub fn advance_clock(&self, seconds: i64) -> io::Result<Value> {
        self.call("POST", "clock", &format!(r#"{{"advance_s":{seconds}}}"#))
    }

    /// `GET /_emulator/faults`: `{"faults":[..]}`, the pending faults with their defaults.
    pub fn faults(&self) -> io::Result<Value> {
        self.call("GET", "faults", "")
    }

    /// `POST /_emulator/faults`: queues one fault object or `{"faults":[..]}`, given as JSON
    /// text; `{"queued":..,"pending":..}`.
    pub fn add_faults(&self, faults: &str) -> io::Result<Value> {
        self.call("POST", "faults", faults)
    }

    /// `DELETE /_emulator/faults`.
    pub fn clear_faults(&self) -> io::Result<Value> {
        self.call("DELETE", "faults", "")
    }

    /// `GET /_emulator/requests`: `{"requests":[..]}`, the API requests received, oldest first.
    pub fn requests(&self) -> io::Result<Value> {
        self.call("GET", "requests", "")
    }

    /// `DELETE /_emulator/requests`.
    pub fn clear_requests(&self) -> io::Result<Value> {
        self.call("DELETE", "requests", "")
    }

    /// `GET /_emulator/tokens`: `{"tokens":[..]}`, every token issued or renewed.
    pub fn tokens(&self) -> io::Result<Value> {
        self.call("GET", "tokens", "")
    }

    /// `GET /_emulator/stats`: `{"requests":..,"issue":..,"renew":..,"revoke":..}`.
    pub fn stats(&self) -> io::Result<Value> {
        self.call("GET", "stats", "")
    }

    /// `method /_emulator/endpoint` with `body`; the answer's JSON document.
    pub fn call(&self, method: &str, endpoint: &str, body: &str) -> io::Result<Value> {
        let request = format!(
            "{method} /_emulator/{endpoint} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let raw = self.exchange(request.as_bytes())?;
        let failed = |what: &str| io::Error::other(format!("{method} /_emulator/{endpoint}: {what}"));
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| failed("no complete answer"))?;
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|line| line.split(' ').nth(1)).unwrap_or_default();
        let json = lines.any(|line| {
            line.split_once(':').is_some_and(|(name, value)| {
                name.eq_ignore_ascii_case("content-type") && value.trim() == "application/json"
            })
        });
        if status != "200" || !json {
            return Err(failed(&format!("HTTP {status}{}: {body}", if json { "" } else { " (not JSON)" })));
        }
        serde_json::from_str(body).map_err(|e| failed(&format!("the answer is not JSON ({e}): {body}")))
    }

    /// Sends `request` on a fresh connection; everything the emulator answers until it closes.
    fn exchange(&self, request: &[u8]) -> io::Result<Vec<u8>> {
        let tcp = TcpStream::connect(self.addr)?;
        tcp.set_read_timeout(Some(ANSWER_LIMIT))?;
        tcp.set_write_timeout(Some(ANSWER_LIMIT))?;
        let mut raw = Vec::new();
        match &self.tls {
            None => {
                let mut tcp = tcp;
                tcp.write_all(request)?;
                tcp.read_to_end(&mut raw)?;
            }
            Some(config) => {
                let name = ServerName::try_from(TLS_NAME).map_err(io::Error::other)?;
                let connection = ClientConnection::new(Arc::clone(config), name).map_err(io::Error::other)?;
                let mut tls = StreamOwned::new(connection, tcp);
                tls.write_all(request)?;
                match tls.read_to_end(&mut raw) {
                    Ok(_) => {}
                    // A close without close_notify after the whole answer loses nothing here.
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(raw)
    }
}
