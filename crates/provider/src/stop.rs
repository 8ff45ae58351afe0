//! Stopping: the engine's request that providers end their waits (Terraform's
//! `StopProvider`, which cancels the context of every call in flight).
//!
//! The engine runs its provider calls inside [`Stop::scope`]. Anything a provider waits
//! for — polling an asynchronous operation, backing off before a retry, pacing under a
//! rate limit — sleeps through [`sleep`], which returns [`Interrupted`] as soon as the
//! stop is requested. No provider needs the stop handed to it: [`current`] finds the one
//! of the call being run. A create interrupted after its object exists returns an
//! [`ApplyError`](crate::ApplyError) with the object as `partial`, so the engine records
//! it (tainted), exactly as for any other failure after the write.
//!
//! Only waits end early: a request already sent is answered (or times out) as usual, so
//! the provider always learns whether it made something.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// A request to stop, shared by everything that should end on it.
#[derive(Debug, Clone, Default)]
pub struct Stop(CancellationToken);

tokio::task_local! {
    static CURRENT: Stop;
}

impl Stop {
    /// A stop not yet requested.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Requests the stop: every wait under it ends with [`Interrupted`].
    pub fn request(&self) {
        self.0.cancel();
    }

    /// Whether the stop was requested.
    pub fn requested(&self) -> bool {
        self.0.is_cancelled()
    }

    /// Completes once the stop is requested.
    pub async fn wait(&self) {
        self.0.cancelled().await
    }

    /// Runs `work` with this stop as [`current`] (for every future it polls on its own
    /// task; a spawned task does not inherit it).
    pub async fn scope<F: Future>(&self, work: F) -> F::Output {
        CURRENT.scope(self.clone(), work).await
    }

    /// Sleeps for `duration`, or less when the stop is requested first.
    pub async fn sleep(&self, duration: Duration) -> Result<(), Interrupted> {
        if self.requested() {
            return Err(Interrupted);
        }
        tokio::select! {
            () = tokio::time::sleep(duration) => Ok(()),
            () = self.wait() => Err(Interrupted),
        }
    }
}

/// The stop of the provider call being run; outside [`Stop::scope`], one never requested.
pub fn current() -> Stop {
    CURRENT.try_with(Stop::clone).unwrap_or_default()
}

/// Sleeps for `duration` under the [`current`] stop.
pub async fn sleep(duration: Duration) -> Result<(), Interrupted> {
    current().sleep(duration).await
}

/// A wait that ended because iac was asked to stop (Ctrl-C or SIGTERM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted: iac was asked to stop")
    }
}

impl std::error::Error for Interrupted {}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn a_sleep_ends_when_the_stop_is_requested() {
        let stop = Stop::new();
        let requester = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            requester.request();
        });
        let started = Instant::now();
        let slept = stop.scope(sleep(Duration::from_secs(3600))).await;
        assert_eq!(slept, Err(Interrupted));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            stop.scope(sleep(Duration::from_secs(3600))).await,
            Err(Interrupted),
            "a stopped scope does not sleep at all"
        );
    }

    #[tokio::test]
    async fn outside_a_scope_sleeps_are_never_interrupted() {
        assert!(!current().requested());
        assert_eq!(sleep(Duration::from_millis(1)).await, Ok(()));
    }

    #[tokio::test]
    async fn the_scope_reaches_nested_futures() {
        let stop = Stop::new();
        stop.request();
        let nested = async {
            tokio::task::yield_now().await;
            current().requested()
        };
        assert!(stop.scope(nested).await);
    }
}
