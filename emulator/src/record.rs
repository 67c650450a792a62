//! The requests the emulated API received, so tests can check what a client really sent.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use hyper::{HeaderMap, Method, Uri};
use serde::Serialize;

/// Only the newest requests are kept, so a long benchmark does not grow without bound.
pub(crate) const CAPACITY: usize = 10_000;

/// Kept raw; turning it into text is left to the rare moment a test asks for it.
pub(crate) struct Recorded {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
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
    fn view(&self) -> RecordView {
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| [name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()])
            .collect();
        RecordView {
            method: self.method.as_str().to_owned(),
            path: self.uri.path_and_query().map_or_else(|| self.uri.to_string(), |p| p.as_str().to_owned()),
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
