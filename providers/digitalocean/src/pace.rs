//! Pacing one token's requests under DigitalOcean's rate limits (its API reference,
//! "Rate Limit"): at most 250 requests in any minute, each request counting for a minute
//! after it is made; and the hourly budget the `ratelimit-*` headers describe
//! (`ratelimit-remaining`, and `ratelimit-reset`, when the oldest request of the hour
//! expires), spread evenly over what remains of it once it runs low. A 429's
//! `retry-after` holds every request of the token for that long. Every wait ends when
//! iac is stopped.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use iac_provider::Interrupted;

/// Requests DigitalOcean allows a token in any minute.
pub const PER_MINUTE: usize = 250;

/// How long a request counts against the minute here: a second longer than on
/// DigitalOcean's side, for the time a request takes to get there.
const MINUTE: Duration = Duration::from_secs(61);

/// Below this many requests left in the hour, requests are spread over what remains of it.
const SPREAD_BELOW: u64 = 10;

/// The hourly budget as an answer's headers describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub remaining: u64,
    pub reset_epoch: u64,
}

impl Budget {
    /// `ratelimit-remaining` and `ratelimit-reset`, when the answer has both.
    pub fn from_headers(headers: &reqwest::header::HeaderMap) -> Option<Budget> {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        Some(Budget {
            remaining: number("ratelimit-remaining")?,
            reset_epoch: number("ratelimit-reset")?,
        })
    }
}

/// What one token has used.
#[derive(Default)]
struct Usage {
    /// When each answered request of the last minute was answered (the latest time it
    /// can have reached DigitalOcean).
    answered: VecDeque<Instant>,
    /// Requests sent and not answered yet.
    in_flight: usize,
    /// No request before this: a 429's `retry-after`.
    hold_until: Option<Instant>,
    /// The hourly budget from the latest answer, less the requests sent since.
    hourly: Option<Budget>,
    last_sent: Option<Instant>,
}

impl Usage {
    /// How long to wait before the next request, or `None` when it may go now.
    fn wait(&mut self, now: Instant, epoch: u64) -> Option<Duration> {
        while self
            .answered
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            self.answered.pop_front();
        }
        if let Some(hold) = self.hold_until
            && hold > now
        {
            return Some(hold - now);
        }
        if self.answered.len() + self.in_flight >= PER_MINUTE {
            // All in flight: one of them is answered soon.
            return Some(
                self.answered
                    .front()
                    .map_or(Duration::from_millis(100), |t| *t + MINUTE - now),
            );
        }
        if let (Some(budget), Some(last)) = (self.hourly, self.last_sent)
            && budget.remaining < SPREAD_BELOW
        {
            let left = Duration::from_secs(budget.reset_epoch.saturating_sub(epoch).max(1));
            let next = last + left / (budget.remaining as u32 + 1);
            if next > now {
                return Some(next - now);
            }
        }
        None
    }
}

/// The pacing of one token, shared by every client of it in this process.
#[derive(Default)]
pub struct Pacer {
    usage: Mutex<Usage>,
}

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

impl Pacer {
    /// The pacer of `token`.
    pub fn of_token(token: &str) -> Arc<Pacer> {
        static PACERS: OnceLock<Mutex<HashMap<String, Arc<Pacer>>>> = OnceLock::new();
        PACERS
            .get_or_init(Default::default)
            .lock()
            .expect("pacers lock")
            .entry(token.to_string())
            .or_default()
            .clone()
    }

    /// Waits until a request may be sent, then counts it as in flight.
    pub async fn admit(&self) -> Result<(), Interrupted> {
        loop {
            let wait = {
                let mut usage = self.usage.lock().expect("usage lock");
                let now = Instant::now();
                match usage.wait(now, now_epoch()) {
                    None => {
                        usage.in_flight += 1;
                        usage.last_sent = Some(now);
                        if let Some(budget) = &mut usage.hourly {
                            budget.remaining = budget.remaining.saturating_sub(1);
                        }
                        return Ok(());
                    }
                    Some(wait) => wait,
                }
            };
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "pacing under the rate limit"
            );
            iac_provider::stop::sleep(wait).await?;
        }
    }

    /// A request admitted by [`Pacer::admit`] ended; `budget` is what its answer said of
    /// the hour, if anything.
    pub fn answered(&self, budget: Option<Budget>) {
        let mut usage = self.usage.lock().expect("usage lock");
        usage.in_flight = usage.in_flight.saturating_sub(1);
        usage.answered.push_back(Instant::now());
        if budget.is_some() {
            usage.hourly = budget;
        }
    }

    /// Holds every request for `duration` (a 429's `retry-after`).
    pub fn hold(&self, duration: Duration) {
        let mut usage = self.usage.lock().expect("usage lock");
        let until = Instant::now() + duration;
        usage.hold_until = Some(usage.hold_until.map_or(until, |h| h.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered_at(usage: &mut Usage, t: Instant) {
        usage.answered.push_back(t);
    }

    #[test]
    fn the_minute_holds_250_requests_and_frees_the_oldest_first() {
        let start = Instant::now();
        let mut usage = Usage::default();
        for i in 0..PER_MINUTE {
            assert_eq!(usage.wait(start, 0), None, "request {i}");
            answered_at(&mut usage, start + Duration::from_millis(i as u64));
        }
        let later = start + Duration::from_secs(1);
        assert_eq!(
            usage.wait(later, 0),
            Some(MINUTE - Duration::from_secs(1)),
            "the 251st waits until the first leaves the minute"
        );
        assert_eq!(usage.wait(start + MINUTE, 0), None);
    }

    #[test]
    fn requests_in_flight_count() {
        let now = Instant::now();
        let mut usage = Usage {
            in_flight: PER_MINUTE,
            ..Usage::default()
        };
        assert_eq!(usage.wait(now, 0), Some(Duration::from_millis(100)));
    }

    #[test]
    fn a_hold_delays_everything() {
        let now = Instant::now();
        let mut usage = Usage {
            hold_until: Some(now + Duration::from_secs(2)),
            ..Usage::default()
        };
        assert_eq!(usage.wait(now, 0), Some(Duration::from_secs(2)));
        assert_eq!(usage.wait(now + Duration::from_secs(2), 0), None);
    }

    #[test]
    fn a_low_hourly_budget_is_spread_until_its_reset() {
        let now = Instant::now();
        let mut usage = Usage {
            hourly: Some(Budget {
                remaining: 3,
                reset_epoch: 1_000 + 40,
            }),
            last_sent: Some(now),
            ..Usage::default()
        };
        assert_eq!(usage.wait(now, 1_000), Some(Duration::from_secs(10)));
        usage.hourly = Some(Budget {
            remaining: 0,
            reset_epoch: 1_000 + 40,
        });
        assert_eq!(
            usage.wait(now, 1_000),
            Some(Duration::from_secs(40)),
            "with nothing left, the next request waits for the oldest to expire"
        );
        usage.hourly = Some(Budget {
            remaining: 4_000,
            reset_epoch: 1_000 + 40,
        });
        assert_eq!(usage.wait(now, 1_000), None);
    }

    #[tokio::test]
    async fn a_paced_wait_ends_on_stop() {
        let pacer = Pacer::default();
        pacer.hold(Duration::from_secs(3600));
        let stop = iac_provider::Stop::new();
        stop.request();
        assert_eq!(stop.scope(pacer.admit()).await, Err(Interrupted));
    }
}
