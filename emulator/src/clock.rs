//! The emulator's notion of "now": the wall clock moved by an offset tests can advance.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The latest moment the clock may show, leaving room for a token's expiry and its seven
/// renewals to stay printable as four-digit-year RFC 3339 dates.
const LATEST_UNIX_S: i64 = 253_402_300_799 - 9 * 86_400;

#[derive(Default)]
pub(crate) struct Clock {
    offset_s: AtomicI64,
}

impl Clock {
    pub(crate) fn now(&self) -> SystemTime {
        shift(SystemTime::now(), self.offset_s())
    }

    pub(crate) fn offset_s(&self) -> i64 {
        self.offset_s.load(Ordering::Relaxed)
    }

    /// Moves the clock by `seconds` (backwards when negative), keeping it between 1970 and 9999.
    pub(crate) fn advance(&self, seconds: i64) -> Result<(), String> {
        let wall = unix_s(SystemTime::now());
        self.offset_s
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                let offset = offset.checked_add(seconds)?;
                let now = wall.checked_add(offset)?;
                (0..=LATEST_UNIX_S).contains(&now).then_some(offset)
            })
            .map(drop)
            .map_err(|_| "advance_s would move the clock outside the years 1970 to 9999".to_owned())
    }

    pub(crate) fn reset(&self) {
        self.offset_s.store(0, Ordering::Relaxed);
    }
}

fn shift(time: SystemTime, seconds: i64) -> SystemTime {
    let by = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        time + by
    } else {
        time - by
    }
}

/// Whole seconds since 1970, rounded down; the clock never shows an earlier time.
pub(crate) fn unix_s(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs() as i64)
}

pub(crate) fn from_unix_s(seconds: i64) -> SystemTime {
    shift(UNIX_EPOCH, seconds)
}

/// `2026-11-29T01:15:23Z`: UTC, whole seconds, as the real API writes `Expires`.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_add_up_and_stay_within_printable_years() {
        let clock = Clock::default();
        clock.advance(86_400 * 8).unwrap();
        clock.advance(-86_400).unwrap();
        assert_eq!(clock.offset_s(), 86_400 * 7);
        assert!(clock.advance(i64::MAX).is_err());
        assert!(clock.advance(-unix_s(SystemTime::now()) - 86_400 * 8).is_err(), "before 1970");
        assert!(clock.advance(LATEST_UNIX_S).is_err(), "after 9999");
        assert_eq!(clock.offset_s(), 86_400 * 7, "a refused advance changes nothing");
        let now = unix_s(clock.now());
        assert!(now.abs_diff(unix_s(SystemTime::now()) + 86_400 * 7) <= 1);
        clock.reset();
        assert_eq!(clock.offset_s(), 0);
    }

    #[test]
    fn dates_print_as_utc_seconds() {
        assert_eq!(rfc3339(from_unix_s(1_795_914_923)), "2026-11-29T01:15:23Z");
    }
}
