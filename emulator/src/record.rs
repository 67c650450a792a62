//! The requests the emulated API received, so tests can check what a client really sent.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use hyper::{HeaderMap, Method, Uri};
use serde::Serialize;

/// Only the newest requests are kept, so a long benchmark does not grow without bound.
pub(crate) const CAPACITY: usize = 10_000;

/// Copied out of the connection's read buffer: a slice of it would keep the whole buffer, some
/// kilobytes, alive for as long as the record lasts.
pub(crate) struct Recorded {
    method: Method,
    /// Path and query.
    target: Box<str>,
    /// `name:value\n` per header in arrival order, in one allocation. Neither a header name
    /// nor a value can hold a newline, nor a name a colon, so the split is unambiguous.
    headers: Box<[u8]>,
    body: Box<[u8]>,
}

/// A recorded request as `/_emulator/requests` lists it.
#[derive(Serialize)]
pub(crate) struct RecordView {
    method: String,
    path: String,
    headers: Vec<[String; 2]>,
    body: String,
    body_hex: String,
}

impl Recorded {
    pub(crate) fn new(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Recorded {
        let size = headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 2).sum();
        let mut packed = Vec::with_capacity(size);
        for (name, value) in headers {
            packed.extend_from_slice(name.as_str().as_bytes());
            packed.push(b':');
            packed.extend_from_slice(value.as_bytes());
            packed.push(b'\n');
        }
        Recorded {
            method: method.clone(),
            target: uri.path_and_query().map_or_else(|| uri.path(), |p| p.as_str()).into(),
            headers: packed.into(),
            body: body.into(),
        }
    }

    fn view(&self) -> RecordView {
        let headers = self
            .headers
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| {
                let colon = line.iter().position(|&b| b == b':').unwrap_or(line.len());
                let value = line.get(colon + 1..).unwrap_or_default();
                [String::from_utf8_lossy(&line[..colon]).into_owned(), String::from_utf8_lossy(value).into_owned()]
            })
            .collect();
        RecordView {
            method: self.method.as_str().to_owned(),
            path: self.target.to_string(),
            headers,
            body: String::from_utf8_lossy(&self.body).into_owned(),
            body_hex: hex(&self.body),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[derive(Default)]
pub(crate) struct Recorder {
    ring: Mutex<VecDeque<Recorded>>,
}

impl Recorder {
    pub(crate) fn push(&self, request: Recorded) {
        let mut ring = self.lock();
        if ring.len() == CAPACITY {
            ring.pop_front();
        }
        ring.push_back(request);
    }

    /// Oldest first.
    pub(crate) fn list(&self) -> Vec<RecordView> {
        self.lock().iter().map(Recorded::view).collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Recorded>> {
        self.ring.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
