//! The process-wide log sink: one line per attempt, retry and failure, never a secret.

use arc_swap::ArcSwapOption;
use once_cell::sync::Lazy;
use std::sync::Arc;

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
// and a fork in the middle of a swap leaves nothing locked in the child.
static LOGGER: Lazy<ArcSwapOption<Logger>> = Lazy::new(ArcSwapOption::empty);

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
