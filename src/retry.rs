//! When to retry and how long to wait: full-jitter backoff and `Retry-After`.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base: Duration,
    pub max: Duration,
}

/// What the policy says after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    RetryAfter(Duration),
    /// No retries left, or the server asked for a wait longer than `retry_max_ms`.
    GiveUp,
}

/// Statuses that are worth another attempt; every other 4xx is final.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

impl RetryPolicy {
    /// `retries_done` retries have already been made; `retry_after` is the server's hint.
    pub fn decide(&self, retries_done: u32, retry_after: Option<Duration>) -> Decision {
        if retries_done >= self.max_retries {
            return Decision::GiveUp;
        }
        match retry_after {
            Some(wait) if wait > self.max => Decision::GiveUp,
            Some(wait) => Decision::RetryAfter(wait),
            None => Decision::RetryAfter(self.backoff(retries_done)),
        }
    }

    /// Full jitter: uniform in `[0, min(max, base * 2^n)]`, where `n` counts from 0 for the
    /// first retry.
    pub fn backoff(&self, n: u32) -> Duration {
        let ceiling = self.ceiling(n).as_millis() as u64;
        Duration::from_millis(fastrand::u64(0..=ceiling))
    }

    pub fn ceiling(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n).unwrap_or(u32::MAX);
        self.base.checked_mul(factor).unwrap_or(Duration::MAX).min(self.max)
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP date (a past date means now).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long digit strings saturate instead of failing: they are "too long" anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max_retries: u32, base_ms: u64, max_ms: u64) -> RetryPolicy {
        RetryPolicy { max_retries, base: Duration::from_millis(base_ms), max: Duration::from_millis(max_ms) }
    }

    #[test]
    fn retryable_statuses_are_exactly_the_documented_ones() {
        let retryable: Vec<u16> = (100..600).filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retryable, vec![408, 429, 500, 502, 503, 504]);
    }

    #[test]
    fn backoff_stays_within_the_doubling_ceiling() {
        let p = policy(10, 100, 1_000);
        assert_eq!(p.ceiling(0), Duration::from_millis(100));
        assert_eq!(p.ceiling(1), Duration::from_millis(200));
        assert_eq!(p.ceiling(3), Duration::from_millis(800));
        assert_eq!(p.ceiling(4), Duration::from_millis(1_000));
        assert_eq!(p.ceiling(40), Duration::from_millis(1_000));
        for n in 0..8 {
            for _ in 0..200 {
                assert!(p.backoff(n) <= p.ceiling(n));
            }
        }
    }

    #[test]
    fn backoff_is_jittered_over_the_whole_range() {
        let p = policy(10, 1_000, 10_000);
        let samples: Vec<Duration> = (0..400).map(|_| p.backoff(0)).collect();
        assert!(samples.iter().any(|d| *d < Duration::from_millis(250)));
        assert!(samples.iter().any(|d| *d > Duration::from_millis(750)));
    }

    #[test]
    fn zero_base_never_waits() {
        assert_eq!(policy(3, 0, 10_000).backoff(5), Duration::ZERO);
    }

    #[test]
    fn decide_counts_retries_and_honours_the_cap() {
        let p = policy(2, 100, 1_000);
        assert!(matches!(p.decide(0, None), Decision::RetryAfter(_)));
        assert!(matches!(p.decide(1, None), Decision::RetryAfter(_)));
        assert_eq!(p.decide(2, None), Decision::GiveUp);
        let second = Duration::from_secs(1);
        assert_eq!(p.decide(0, Some(second)), Decision::RetryAfter(second));
        assert_eq!(p.decide(0, Some(Duration::from_millis(1_001))), Decision::GiveUp);
        assert_eq!(policy(0, 100, 1_000).decide(0, None), Decision::GiveUp);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("99999999999999999999999", now), Some(Duration::from_secs(u64::MAX)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(5)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
