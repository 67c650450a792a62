//! Counters of the API requests served, for benchmarks to check against their own counts.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::call::Call;

#[derive(Serialize)]
pub(crate) struct StatsView {
    requests: u64,
    issue: u64,
    renew: u64,
    revoke: u64,
}

#[derive(Default)]
pub(crate) struct Stats {
    requests: AtomicU64,
    issue: AtomicU64,
    renew: AtomicU64,
    revoke: AtomicU64,
}

impl Stats {
    /// Counts one recorded request; `call` is the operation it was routed to, if any.
    pub(crate) fn count(&self, call: Option<Call>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Some(call) = call {
            self.counter(call).fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn view(&self) -> StatsView {
        StatsView {
            requests: self.requests.load(Ordering::Relaxed),
            issue: self.issue.load(Ordering::Relaxed),
            renew: self.renew.load(Ordering::Relaxed),
            revoke: self.revoke.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn reset(&self) {
        for counter in [&self.requests, &self.issue, &self.renew, &self.revoke] {
            counter.store(0, Ordering::Relaxed);
        }
    }

    fn counter(&self, call: Call) -> &AtomicU64 {
        match call {
            Call::Issue => &self.issue,
            Call::Renew => &self.renew,
            Call::Revoke => &self.revoke,
        }
    }
}
