//! The process-wide log sink: one line per attempt, retry and failure, never a secret.

use arc_swap::ArcSwapOption;
use std::sync::{Arc, Mutex};

#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

pub type Sink = Box<dyn Fn(Level, &str) + Send + Sync>;

struct Logger {
    sink: Sink,
    max_level: Level,
}

// Lock-free to read, so a log line never waits on (or deadlocks with) a sink being swapped,
// and a fork in the middle of a swap leaves nothing locked in the child. Built at compile
// time: lazy initialisation could be caught half-way by a fork.
static LOGGER: ArcSwapOption<Logger> = ArcSwapOption::const_empty();

/// Installs `sink` for levels up to `max_level`, or removes the sink with `None`.
pub fn set(sink: Option<(Sink, Level)>) {
    LOGGER.store(sink.map(|(sink, max_level)| Arc::new(Logger { sink, max_level })));
}

/// Builds and sends the line only when a sink wants this level.
pub fn emit(level: Level, line: impl FnOnce() -> String) {
    let guard = LOGGER.load();
    if let Some(logger) = guard.as_ref() {
        if level <= logger.max_level {
            (logger.sink)(level, &line());
        }
    }
}

fn wanted(level: Level) -> bool {
    LOGGER.load().as_ref().is_some_and(|logger| level <= logger.max_level)
}

/// Where one call's log lines go: to the sink at once, or held back while their caller holds
/// a lock that a log callback could need (a session's refresh: the callback may ask that
/// session for its token), to be sent once the lock is released.
#[derive(Clone, Default)]
pub struct Lines(Option<Arc<Mutex<Vec<HeldLine>>>>);

type HeldLine = (Level, String);

impl Lines {
    pub fn held() -> Lines {
        Lines(Some(Arc::default()))
    }

    pub fn emit(&self, level: Level, line: impl FnOnce() -> String) {
        match &self.0 {
            None => emit(level, line),
            Some(held) if wanted(level) => held.lock().unwrap_or_else(|p| p.into_inner()).push((level, line())),
            Some(_) => {}
        }
    }

    /// Sends the lines held so far, in order.
    pub fn flush(&self) {
        if let Some(held) = &self.0 {
            let lines = std::mem::take(&mut *held.lock().unwrap_or_else(|p| p.into_inner()));
            for (level, line) in lines {
                emit(level, || line);
            }
        }
    }
}
