//! Waiting for AWS to finish something asynchronous: an instance running, a database
//! available, a certificate issued, a DNS change in sync.

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
/// and the last status once it reports `Failed` or `timeout` passes.
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
                tokio::time::sleep(interval).await;
                interval = (interval * 2).min(LONGEST_INTERVAL);
            }
        }
    }
}
