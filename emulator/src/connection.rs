//! One connection as its requests and the server see it: whether a request is in progress,
//! since when it has been idle, and how it is to end: at once (the `drop` and `hang` faults),
//! or once it has been idle long enough (the idle timeout, the `close_when_idle` and
//! `reset_when_idle` faults).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio::time::sleep;

/// How long a keep-alive connection may sit idle before the emulator closes it, unless told
/// otherwise: 5 s, as common servers do (Node.js's `keepAliveTimeout`, for one).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// How a connection ends when the server, not the client, ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// A TCP reset (RST): what a crashed server or a middlebox cutting the connection looks
    /// like to the client.
    Reset,
    /// Silence until the client leaves, a limit passes, or the emulator stops.
    Hang,
    /// A graceful close: TLS `close_notify` when over TLS, then a FIN.
    Close,
}

/// A request in progress on a connection, until dropped (when its answer has been sent).
pub(crate) struct InProgress(Arc<Connection>);

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Release);
    }
}

/// While a request is in progress, how often the server looks again: a short busy spell ends
/// the idle wait at most this late.
const BUSY_RECHECK: Duration = Duration::from_millis(10);

pub(crate) struct Connection {
    started: Instant,
    /// The emulator's idle timeout; `None` never closes an idle connection.
    idle_timeout: Option<Duration>,
    busy: AtomicUsize,
    /// When the last request started or ended, in microseconds after `started`.
    last_active_us: AtomicU64,
    ending: Mutex<Endings>,
    changed: Notify,
}

#[derive(Default)]
struct Endings {
    now: Option<Ending>,
    when_idle: Option<(Duration, Ending)>,
}

impl Connection {
    pub(crate) fn new(idle_timeout: Option<Duration>) -> Connection {
        Connection {
            started: Instant::now(),
            idle_timeout,
            busy: AtomicUsize::new(0),
            last_active_us: AtomicU64::new(0),
            ending: Mutex::default(),
            changed: Notify::new(),
        }
    }

    /// Marks a request in progress until the guard is dropped.
    pub(crate) fn request_started(self: &Arc<Self>) -> InProgress {
        self.busy.fetch_add(1, Ordering::Acquire);
        self.touch();
        InProgress(Arc::clone(self))
    }

    /// Ends the connection at once, whatever is in progress.
    pub(crate) fn end_now(&self, ending: Ending) {
        self.endings().now = Some(ending);
        self.changed.notify_one();
    }

    /// Ends the connection once it has been idle for `after` (the emulator's idle timeout when
    /// `None`, or 5 s when that is off), instead of the idle timeout's close.
    pub(crate) fn end_when_idle(&self, after: Option<Duration>, ending: Ending) {
        let after = after.or(self.idle_timeout).unwrap_or(DEFAULT_IDLE_TIMEOUT);
        self.endings().when_idle = Some((after, ending));
        self.changed.notify_one();
    }

    /// How the connection is to end, once it is to: never returns while the client may go on.
    pub(crate) async fn ending(&self) -> Ending {
        loop {
            let (now, when_idle) = {
                let endings = self.endings();
                (endings.now, endings.when_idle)
            };
            if let Some(ending) = now {
                return ending;
            }
            let (limit, ending) = match when_idle {
                Some((after, ending)) => (Some(after), ending),
                None => (self.idle_timeout, Ending::Close),
            };
            let wait = match limit {
                None => None,
                Some(limit) if self.busy.load(Ordering::Acquire) > 0 => Some(limit.max(BUSY_RECHECK)),
                Some(limit) => match limit.checked_sub(self.idle_for()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return ending,
                },
            };
            match wait {
                Some(wait) => {
                    tokio::select! {
                        _ = self.changed.notified() => {}
                        _ = sleep(wait) => {}
                    }
                }
                None => self.changed.notified().await,
            }
        }
    }

    fn touch(&self) {
        let since = self.started.elapsed().as_micros() as u64;
        self.last_active_us.fetch_max(since, Ordering::Release);
    }

    fn idle_for(&self) -> Duration {
        let last = Duration::from_micros(self.last_active_us.load(Ordering::Acquire));
        self.started.elapsed().saturating_sub(last)
    }

    fn endings(&self) -> MutexGuard<'_, Endings> {
        self.ending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
