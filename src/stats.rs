//! What a client has done since it was made: per call, the calls, the requests they sent
//! (retries included) and their failures by result code. Mindbody counts calls per site and
//! key, so users want to see theirs.

use crate::result::Code;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};

/// The three calls, in the order of `Stats::calls`.
pub const CALLS: [&str; 3] = ["issue", "renew", "revoke"];

#[derive(Default)]
pub struct Stats {
    calls: [CallStats; 3],
}

#[derive(Default)]
pub struct CallStats {
    calls: AtomicU64,
    requests: AtomicU64,
    failures: [AtomicU64; Code::ALL.len()],
}

impl Stats {
    /// The counters of `call` (`issue`, `renew` or `revoke`).
    pub fn of(&self, call: &str) -> &CallStats {
        let i = CALLS.iter().position(|c| *c == call).unwrap_or(0);
        &self.calls[i]
    }

    /// `{"issue":{"calls":N,"requests":N,"failures":{"UT_DENIED":N,..}},"renew":..,"revoke":..}`;
    /// `failures` lists only the result codes that occurred.
    pub fn to_json(&self) -> String {
        let mut object = Map::new();
        for (name, stats) in CALLS.iter().zip(&self.calls) {
            let failures: Map<String, Value> = Code::ALL
                .iter()
                .zip(&stats.failures)
                .map(|(code, n)| (code.name().to_owned(), n.load(Ordering::Relaxed)))
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| (name, Value::from(n)))
                .collect();
            let calls = stats.calls.load(Ordering::Relaxed);
            let requests = stats.requests.load(Ordering::Relaxed);
            object.insert((*name).to_owned(), json!({"calls": calls, "requests": requests, "failures": failures}));
        }
        Value::Object(object).to_string()
    }
}

impl CallStats {
    /// A call begins; what it ends with is recorded by the guard (`UT_CANCELLED` when it is
    /// dropped unfinished: cancelled, or its client freed).
    pub fn begin(&self) -> CallGuard<'_> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        CallGuard { stats: self, ended: false }
    }

    /// A request goes out.
    pub fn sent(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn failed(&self, code: Code) {
        self.failures[code as usize].fetch_add(1, Ordering::Relaxed);
    }
}

pub struct CallGuard<'a> {
    stats: &'a CallStats,
    ended: bool,
}

impl CallGuard<'_> {
    pub fn end<T>(mut self, outcome: &Result<T, crate::error::Error>) {
        self.ended = true;
        if let Err(error) = outcome {
            self.stats.failed(error.code);
        }
    }
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.stats.failed(Code::Cancelled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn counts_calls_requests_and_failures() {
        let stats = Stats::default();
        let issue = stats.of("issue");
        let call = issue.begin();
        issue.sent();
        issue.sent();
        call.end(&Err::<(), _>(Error::new(Code::Denied, "no")));
        issue.begin().end(&Ok::<(), Error>(()));
        drop(stats.of("revoke").begin());
        let value: Value = serde_json::from_str(&stats.to_json()).unwrap();
        assert_eq!(value["issue"], json!({"calls": 2, "requests": 2, "failures": {"UT_DENIED": 1}}));
        assert_eq!(value["renew"], json!({"calls": 0, "requests": 0, "failures": {}}));
        assert_eq!(value["revoke"]["failures"], json!({"UT_CANCELLED": 1}));
    }
}
