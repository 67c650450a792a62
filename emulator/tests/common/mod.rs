//! A deliberately small HTTP/1.1 client over a plain socket, so the tests see exactly what the
//! emulator puts on the wire, plus helpers for the calls most tests make. The control
//! endpoints, where the wire is not what is tested, go through `Emulator`'s own methods.

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;
use ut_emulator::{Emulator, EmulatorConfig};

pub const API_KEY: &str = "test-api-key";
pub const ISSUE: &str = "/public/v6/usertoken/issue";
pub const RENEW: &str = "/public/v6/usertoken/renew";
pub const REVOKE: &str = "/public/v6/usertoken/revoke";

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The API error envelope's code, asserting the envelope's shape on the way.
    pub fn error_code(&self) -> String {
        let body = self.json();
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert!(body["Error"]["Message"].is_string(), "no Error.Message in {body}");
        body["Error"]["Code"].as_str().unwrap_or_else(|| panic!("no Error.Code in {body}")).to_owned()
    }

    pub fn error_message(&self) -> String {
        self.json()["Error"]["Message"].as_str().unwrap_or_default().to_owned()
    }
}

/// One keep-alive connection.
pub struct Http {
    reader: BufReader<TcpStream>,
}

impl Http {
    pub fn connect(addr: SocketAddr) -> Http {
        let stream = TcpStream::connect(addr).expect("connect to the emulator");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.set_nodelay(true).unwrap();
        Http { reader: BufReader::new(stream) }
    }

    pub fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }

    pub fn write_request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: emulator\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
    }

    /// Status line and headers only.
    pub fn read_head(&mut self) -> io::Result<(u16, Vec<(String, String)>)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a status line"));
        }
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed inside the headers"));
            }
            let line = line.trim_end();
            if line.is_empty() {
                return Ok((status, headers));
            }
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }

    pub fn read_response(&mut self) -> io::Result<Response> {
        let (status, headers) = self.read_head()?;
        let body = self.read_body(&headers)?;
        Ok(Response { status, headers, body })
    }

    /// The body that follows `headers`, by its Content-Length.
    pub fn read_body(&mut self, headers: &[(String, String)]) -> io::Result<Vec<u8>> {
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map(|(_, v)| v.parse().expect("numeric content-length"))
            .expect("the emulator always sends Content-Length");
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok(body)
    }

    /// What has arrived (or arrives first), as `Read::read` gives it.
    pub fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }

    /// Everything until the server closes the connection (or an error such as a reset).
    pub fn read_to_close(&mut self) -> (Vec<u8>, io::Result<()>) {
        let mut data = Vec::new();
        let result = self.reader.read_to_end(&mut data).map(drop);
        (data, result)
    }

    pub fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        self.write_request(method, path, headers, body);
        self.read_response().unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub fn issue(&mut self, username: &str, password: &str) -> Response {
        let body = serde_json::json!({ "Username": username, "Password": password }).to_string();
        let headers = [("API-Key", API_KEY), ("SiteId", "-99"), ("Content-Type", "application/json")];
        self.send("POST", ISSUE, &headers, body.as_bytes())
    }

    pub fn renew(&mut self, authorization: &str) -> Response {
        self.send("POST", RENEW, &[("API-Key", API_KEY), ("SiteId", "-99"), ("Authorization", authorization)], b"")
    }

    pub fn revoke(&mut self, authorization: &str) -> Response {
        self.send("DELETE", REVOKE, &[("API-Key", API_KEY), ("SiteId", "-99"), ("Authorization", authorization)], b"")
    }

    /// Issues a token for the site owner and returns it.
    pub fn token(&mut self) -> String {
        let response = self.issue("Siteowner", "apitest1234");
        assert_eq!(response.status, 200);
        response.json()["AccessToken"].as_str().unwrap().to_owned()
    }
}

pub fn start() -> Emulator {
    Emulator::start("127.0.0.1:0", EmulatorConfig::default()).expect("start the emulator")
}

/// A fresh connection to `emulator`.
pub fn connect(emulator: &Emulator) -> Http {
    Http::connect(emulator.addr())
}

/// A JWT's header and payload.
pub fn jwt(token: &str) -> (Value, Value) {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a JWT: {token}");
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap_or_else(|e| panic!("{part}: {e}"))).unwrap()
    };
    (decode(parts[0]), decode(parts[1]))
}

/// Seconds since 1970 of an RFC 3339 UTC date.
pub fn unix_s(rfc3339: &str) -> u64 {
    humantime::parse_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339:?}: {e}"))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
