//! DigitalOcean's rate limits, per token (its API reference, "Rate Limit"): 250
//! requests in any minute and 5,000 in any hour, each request counting for a minute and
//! for an hour after it is made (no fixed windows that reset at once).
//!
//! Every answer carries the hour's `ratelimit-limit`, `ratelimit-remaining` and
//! `ratelimit-reset` (when the oldest request of the hour expires, in Unix time). Past
//! the minute's limit the answer is a 429 with `retry-after` (seconds until the oldest
//! request of the minute expires) and `ratelimit-remaining: 0`, as DigitalOcean sends
//! it; with the hour spent, a 429 without `retry-after`. Refused requests do not count.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::Settings;

/// How many minutes an hour has: tests that shorten the minute shorten the hour alike.
const MINUTES_PER_HOUR: u32 = 60;

/// The requests one token made in the last hour.
#[derive(Default)]
pub struct Usage {
    /// When each counted request of the last minute came.
    minute: VecDeque<Instant>,
    /// When each counted request of the last hour came, and its Unix time.
    hour: VecDeque<(Instant, u64)>,
}

/// Whether a request may be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the minute's limit: retry after this many seconds.
    OverMinute {
        retry_after: u64,
    },
    /// The hour is spent.
    OverHour,
}

/// What an answer's `ratelimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headers {
    pub limit: u64,
    pub remaining: u64,
    pub reset: u64,
}

impl Usage {
    /// Counts a request that came at `now` (Unix time `epoch`) if the limits allow it.
    pub fn admit(&mut self, settings: &Settings, now: Instant, epoch: u64) -> (Verdict, Headers) {
        let minute = settings.rate_limit_window;
        let hour = minute * MINUTES_PER_HOUR;
        while self
            .minute
            .front()
            .is_some_and(|t| now.duration_since(*t) >= minute)
        {
            self.minute.pop_front();
        }
        while self
            .hour
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= hour)
        {
            self.hour.pop_front();
        }
        let verdict = if self.hour.len() >= settings.rate_limit_per_hour as usize {
            Verdict::OverHour
        } else if self.minute.len() >= settings.rate_limit_per_minute as usize {
            let oldest = *self.minute.front().unwrap_or(&now);
            let left = (oldest + minute).saturating_duration_since(now);
            Verdict::OverMinute {
                retry_after: seconds_up(left).max(1),
            }
        } else {
            self.minute.push_back(now);
            self.hour.push_back((now, epoch));
            Verdict::Allowed
        };
        let reset = self
            .hour
            .front()
            .map_or(epoch, |(_, e)| *e)
            .saturating_add(seconds_up(hour));
        let remaining = match verdict {
            Verdict::Allowed => u64::from(settings.rate_limit_per_hour) - self.hour.len() as u64,
            _ => 0,
        };
        let headers = Headers {
            limit: settings.rate_limit_per_hour.into(),
            remaining,
            reset,
        };
        (verdict, headers)
    }
}

fn seconds_up(d: Duration) -> u64 {
    d.as_millis().div_ceil(1000) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32, per_hour: u32) -> Settings {
        Settings {
            rate_limit_per_minute: per_minute,
            rate_limit_per_hour: per_hour,
            ..Settings::default()
        }
    }

    #[test]
    fn the_minute_slides_request_by_request() {
        let settings = limits(250, 5000);
        let start = Instant::now();
        let mut usage = Usage::default();
        for i in 0..250u64 {
            let (verdict, headers) =
                usage.admit(&settings, start + Duration::from_millis(i * 100), 1_000);
            assert_eq!(verdict, Verdict::Allowed, "request {i}");
            assert_eq!(headers.remaining, 5000 - (i + 1));
            assert_eq!(
                headers.reset,
                1_000 + 3600,
                "the oldest request expires in an hour"
            );
        }
        let at = start + Duration::from_secs(30);
        assert_eq!(
            usage.admit(&settings, at, 1_030),
            (
                Verdict::OverMinute { retry_after: 30 },
                Headers {
                    limit: 5000,
                    remaining: 0,
                    reset: 1_000 + 3600
                }
            ),
            "the 251st request in a minute waits for the first to expire"
        );
        let first_expired = start + Duration::from_secs(60);
        assert_eq!(
            usage.admit(&settings, first_expired, 1_060).0,
            Verdict::Allowed
        );
        assert_eq!(
            usage.admit(&settings, first_expired, 1_060).0,
            Verdict::OverMinute { retry_after: 1 },
            "one slot came free, not the whole minute"
        );
    }

    #[test]
    fn the_hour_is_spent_without_a_retry_after() {
        let settings = limits(250, 3);
        let start = Instant::now();
        let mut usage = Usage::default();
        for i in 0..3u64 {
            let at = start + Duration::from_secs(i * 120);
            assert_eq!(
                usage.admit(&settings, at, 1_000 + i * 120).0,
                Verdict::Allowed
            );
        }
        let (verdict, headers) = usage.admit(&settings, start + Duration::from_secs(400), 1_400);
        assert_eq!(verdict, Verdict::OverHour);
        assert_eq!((headers.remaining, headers.reset), (0, 1_000 + 3600));
        let after_the_first = start + Duration::from_secs(3600);
        assert_eq!(
            usage.admit(&settings, after_the_first, 4_600).0,
            Verdict::Allowed
        );
    }

    #[test]
    fn refused_requests_do_not_count() {
        let settings = Settings {
            rate_limit_window: Duration::from_secs(2),
            ..limits(1, 100)
        };
        let start = Instant::now();
        let mut usage = Usage::default();
        assert_eq!(usage.admit(&settings, start, 0).0, Verdict::Allowed);
        for _ in 0..10 {
            assert!(matches!(
                usage.admit(&settings, start + Duration::from_secs(1), 1).0,
                Verdict::OverMinute { retry_after: 1 }
            ));
        }
        let (verdict, headers) = usage.admit(&settings, start + Duration::from_secs(2), 2);
        assert_eq!(verdict, Verdict::Allowed);
        assert_eq!(headers.remaining, 98);
    }
}
