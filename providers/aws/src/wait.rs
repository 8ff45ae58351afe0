//! Waiting for AWS to finish something asynchronous: an instance running, a database
//! available, a certificate issued, a DNS change in sync. A wait ends early, with an
//! error naming what it waited for, when iac is stopped (`iac_provider::stop`).

use std::future::Future;
use std::time::{Duration, Instant};

use iac_provider::Error;

/// What one look at the object found.
pub enum Look<T> {
    /// Finished, with the object.
    Ready(T),
    /// Still under way, with the status seen.
    Pending(String),
    /// Ended in a state it will not leave, with the status seen.
    Failed(String),
}

const FIRST_INTERVAL: Duration = Duration::from_millis(200);
const LONGEST_INTERVAL: Duration = Duration::from_secs(5);

/// Looks with `look` until it reports `Ready`, or fails with an error naming `what`
/// and the last status once it reports `Failed`, `timeout` passes or iac is stopped.
pub async fn until<T, F, Fut>(
    operation: &str,
    what: &str,
    timeout: Duration,
    mut look: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Look<T>, Error>>,
{
    let start = Instant::now();
    let mut interval = FIRST_INTERVAL;
    loop {
        match look().await? {
            Look::Ready(v) => return Ok(v),
            Look::Failed(status) => {
                return Err(Error::api(
                    operation,
                    format!("{what} ended with status \"{status}\""),
                ));
            }
            Look::Pending(status) if start.elapsed() >= timeout => {
                return Err(Error::api(
                    operation,
                    format!(
                        "timed out after {} waiting for {what}; the last status was \"{status}\"",
                        humantime::format_duration(timeout)
                    ),
                ));
            }
            Look::Pending(status) => {
                tracing::debug!(operation, what, status, "waiting");
                if let Err(stopped) = iac_provider::stop::sleep(interval).await {
                    return Err(Error::api(
                        operation,
                        format!(
                            "stopped waiting for {what}, whose status was \"{status}\": {stopped}"
                        ),
                    ));
                }
                interval = (interval * 2).min(LONGEST_INTERVAL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wait_ends_on_stop() {
        let stop = iac_provider::Stop::new();
        let requester = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            requester.request();
        });
        let started = Instant::now();
        let waited = stop
            .scope(until(
                "DescribeDBInstances",
                "database db-1 to be available",
                Duration::from_secs(75 * 60),
                || async { Ok(Look::<()>::Pending("creating".to_string())) },
            ))
            .await;
        let error = waited.expect_err("a stopped wait fails");
        assert_eq!(
            error.to_string(),
            "DescribeDBInstances: stopped waiting for database db-1 to be available, whose status was \"creating\": interrupted: iac was asked to stop"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_stop_still_lets_a_finished_wait_succeed() {
        let stop = iac_provider::Stop::new();
        stop.request();
        let ready = stop
            .scope(until(
                "GetChange",
                "the change",
                Duration::from_secs(60),
                || async { Ok(Look::Ready(7)) },
            ))
            .await;
        assert_eq!(ready, Ok(7));
    }
}
