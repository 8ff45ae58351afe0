//! Retrying calls that AWS may refuse for a while: throttling, 5xx, and eventual
//! consistency (an object not yet visible, or a dependency not yet settled, right after
//! a write). The SDK's own retries handle short blips; this keeps trying, with
//! exponential backoff and full jitter, for up to a time budget. Once iac is stopped
//! (`iac_provider::stop`), a call that would wait to retry fails instead.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use iac_provider::Interrupted;

use iac_provider::Error;

use crate::error::{HttpStatus, api, code, status};

/// How long a call is retried before its last error is returned.
pub const BUDGET: Duration = Duration::from_secs(120);

/// Error codes that mean "slow down".
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "PriorRequestNotComplete",
    "SlowDown",
];

const FIRST_WAIT: Duration = Duration::from_millis(250);
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// What a failed call says about whether AWS carried it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// Refused before anything was done: throttling, or one of the call's "not yet"
    /// codes. Sending it again is safe.
    Refused,
    /// The connection was refused: the request never reached AWS.
    Unreachable,
    /// It may have been carried out: a 5xx, a timeout, a connection lost after sending.
    Ambiguous,
    /// Failed for good.
    Final,
}

fn classify<E: ProvideErrorMetadata, R: HttpStatus>(
    e: &SdkError<E, R>,
    transient: &[&str],
) -> Failure {
    if crate::endpoint::unreachable(e).is_some() {
        return Failure::Unreachable;
    }
    if let Some(c) = code(e) {
        return if THROTTLING.contains(&c) || transient.contains(&c) {
            Failure::Refused
        } else if status(e) >= Some(500) {
            Failure::Ambiguous
        } else {
            Failure::Final
        };
    }
    if status(e).is_some_and(|s| s >= 500)
        || matches!(
            e,
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_)
        )
    {
        Failure::Ambiguous
    } else {
        Failure::Final
    }
}

/// How many times a refused connection is tried again: once, quickly.
const UNREACHABLE_RETRIES: u32 = 1;

/// The wait before retry `attempt` (1-based): a random time up to an exponentially
/// growing cap.
fn backoff(attempt: u32) -> Duration {
    let cap = FIRST_WAIT
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(LONGEST_WAIT);
    let millis = cap.as_millis() as u64;
    Duration::from_millis(rand::random_range(millis / 4..=millis))
}

/// A retry given up because iac was stopped, with the error it would have retried.
#[derive(Debug)]
pub struct Stopped {
    pub last: String,
    pub stopped: Interrupted,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (while retrying after: {})", self.stopped, self.last)
    }
}

impl std::error::Error for Stopped {}

/// Runs `call` until it succeeds, fails for good, or `BUDGET` has passed; `transient`
/// lists the error codes that mean "not yet" for this call. Each retry is logged at
/// debug level.
pub async fn retry<T, E, R, F, Fut>(
    operation: &str,
    transient: &[&str],
    call: F,
) -> Result<T, SdkError<E, R>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata,
    R: HttpStatus,
{
    retry_for(BUDGET, operation, transient, call).await
}

/// [`retry`] with its own time budget (a resource's `timeouts`). A stop during the wait
/// before a retry ends it with an error that says so ([`crate::error::api`] shows it).
pub async fn retry_for<T, E, R, F, Fut>(
    budget: Duration,
    operation: &str,
    transient: &[&str],
    mut call: F,
) -> Result<T, SdkError<E, R>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata,
    R: HttpStatus,
{
    let start = Instant::now();
    let mut attempt = 0;
    let mut refusals = 0;
    loop {
        let e = match call().await {
            Ok(v) => {
                if attempt > 0 {
                    iac_provider::status::clear();
                }
                return Ok(v);
            }
            Err(e) => e,
        };
        let again = match classify(&e, transient) {
            Failure::Refused | Failure::Ambiguous => true,
            Failure::Unreachable => {
                refusals += 1;
                refusals <= UNREACHABLE_RETRIES
            }
            Failure::Final => false,
        };
        if !again || start.elapsed() >= budget {
            return Err(e);
        }
        attempt += 1;
        pause(operation, attempt, &e).await?;
    }
}

/// Waits before retry `attempt` of a call that failed with `e`; a stop ends the wait
/// with an error that says so.
async fn pause<E: ProvideErrorMetadata, R: HttpStatus>(
    operation: &str,
    attempt: u32,
    e: &SdkError<E, R>,
) -> Result<(), SdkError<E, R>> {
    let wait = backoff(attempt);
    tracing::debug!(
        operation,
        attempt,
        code = code(e).unwrap_or("none"),
        status = status(e).unwrap_or(0),
        wait_ms = wait.as_millis() as u64,
        "retrying AWS call"
    );
    let last = match (code(e), status(e)) {
        (Some(c), _) => c.to_string(),
        (None, Some(s)) => format!("HTTP {s}"),
        (None, None) => "a network error".to_string(),
    };
    if code(e).is_some_and(|c| THROTTLING.contains(&c)) {
        iac_provider::status::retrying("throttled");
    } else {
        iac_provider::status::retrying(&format!("{operation}: {last}"));
    }
    iac_provider::stop::sleep(wait)
        .await
        .map_err(|stopped| SdkError::construction_failure(Stopped { last, stopped }))
}

/// What a create that has no idempotency token came to.
#[derive(Debug)]
pub enum Made<T> {
    /// AWS answered it.
    Answered(T),
    /// Its answer was lost, and the object it made was found: its id.
    Found(String),
}

impl<T> Made<T> {
    /// The id of what was made: the one `answered` reads from the answer (empty if it
    /// names none), or the one found.
    pub fn id(self, answered: impl FnOnce(T) -> Option<String>) -> String {
        match self {
            Made::Answered(out) => answered(out).unwrap_or_default(),
            Made::Found(id) => id,
        }
    }
}

/// Sends a create that a repeat could duplicate (sent without the SDK's own retries:
/// [`once!`]). Throttling, `transient` codes and a refused connection are retried
/// as [`retry`] does; after an answer that leaves open whether AWS made the object (a
/// 5xx, a timeout, a connection lost), `look` searches for it first, and the create is
/// sent again only if nothing was found. A resend refused with one of `duplicate`
/// (the API's "already exists") looks again. `look` returns the id of what it found,
/// or an error when it cannot tell (then nothing is resent).
pub async fn create<T, E, R, F, Fut, L, LFut>(
    operation: &str,
    transient: &[&str],
    duplicate: &[&str],
    mut call: F,
    mut look: L,
) -> Result<Made<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    L: FnMut() -> LFut,
    LFut: Future<Output = Result<Option<String>, Error>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: HttpStatus + std::fmt::Debug,
{
    let start = Instant::now();
    let mut attempt = 0;
    let mut refusals = 0;
    let mut maybe_made = false;
    loop {
        let e = match call().await {
            Ok(v) => {
                if attempt > 0 {
                    iac_provider::status::clear();
                }
                return Ok(Made::Answered(v));
            }
            Err(e) => e,
        };
        let failure = classify(&e, transient);
        let is_duplicate = code(&e).is_some_and(|c| duplicate.contains(&c));
        if failure == Failure::Ambiguous || (maybe_made && is_duplicate) {
            maybe_made = true;
            let lost = api(operation, e);
            match look().await {
                Ok(Some(id)) => return Ok(Made::Found(id)),
                Ok(None) if !is_duplicate && start.elapsed() < BUDGET => {
                    attempt += 1;
                    let wait = backoff(attempt);
                    tracing::debug!(operation, attempt, error = %lost, "resending a create that made nothing");
                    iac_provider::stop::sleep(wait).await.map_err(|stopped| {
                        Error::api(
                            operation,
                            format!("{stopped} (while retrying after: {})", lost.message),
                        )
                    })?;
                    continue;
                }
                Ok(None) => return Err(lost),
                Err(cannot) => {
                    return Err(Error::api(
                        operation,
                        format!(
                            "{}; whether AWS made the object cannot be told ({}), so it is not sent again: the next plan looks for it",
                            lost.message, cannot.message
                        ),
                    ));
                }
            }
        }
        let again = match failure {
            Failure::Refused => true,
            Failure::Unreachable => {
                refusals += 1;
                refusals <= UNREACHABLE_RETRIES
            }
            Failure::Ambiguous | Failure::Final => false,
        };
        if !again || start.elapsed() >= BUDGET {
            return Err(api(operation, e));
        }
        attempt += 1;
        pause(operation, attempt, &e)
            .await
            .map_err(|stopped| api(operation, stopped))?;
    }
}

/// Sends a request without the SDK's own retries, for a create that only
/// [`create`] may send again: `once!(request, aws_sdk_ec2)`.
macro_rules! once {
    ($req:expr, $krate:ident) => {
        $req.customize()
            .config_override(
                $krate::config::Builder::default()
                    .retry_config(aws_config::retry::RetryConfig::disabled()),
            )
            .send()
    };
}
pub(crate) use once;

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use aws_sdk_ec2::operation::describe_instances::DescribeInstancesError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;

    type Failure = SdkError<DescribeInstancesError, Response>;

    fn failure(code: &str, status: u16) -> Failure {
        SdkError::service_error(
            DescribeInstancesError::generic(ErrorMetadata::builder().code(code).build()),
            Response::new(StatusCode::try_from(status).unwrap(), SdkBody::empty()),
        )
    }

    /// Runs `retry` over a call that fails with `errors` in turn, then succeeds;
    /// returns whether it succeeded and how many calls were made.
    async fn calls(transient: &[&str], errors: &[(&str, u16)]) -> (bool, u32) {
        let made = AtomicU32::new(0);
        let result = retry("DescribeInstances", transient, || async {
            let n = made.fetch_add(1, Ordering::SeqCst) as usize;
            match errors.get(n) {
                Some((code, status)) => Err(failure(code, *status)),
                None => Ok(()),
            }
        })
        .await;
        (result.is_ok(), made.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn not_yet_throttled_and_5xx_are_retried() {
        let not_found = ("InvalidInstanceID.NotFound", 400);
        assert_eq!(
            calls(&["InvalidInstanceID.NotFound"], &[not_found, not_found]).await,
            (true, 3)
        );
        assert_eq!(
            calls(
                &[],
                &[("RequestLimitExceeded", 400), ("InternalError", 500)]
            )
            .await,
            (true, 3)
        );
    }

    #[tokio::test]
    async fn other_errors_are_returned_at_once() {
        assert_eq!(
            calls(&[], &[("InvalidInstanceID.NotFound", 400)]).await,
            (false, 1),
            "not found is final unless the call says it may be transient"
        );
        assert_eq!(
            calls(&[], &[("UnauthorizedOperation", 403)]).await,
            (false, 1)
        );
    }

    #[tokio::test]
    async fn a_retry_wait_ends_on_stop() {
        let stop = iac_provider::Stop::new();
        let requester = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            requester.request();
        });
        let started = Instant::now();
        let result: Result<(), Failure> = stop
            .scope(retry_for(
                Duration::from_secs(3600),
                "DescribeInstances",
                &["InvalidInstanceID.NotFound"],
                || async { Err(failure("InvalidInstanceID.NotFound", 400)) },
            ))
            .await;
        let error = crate::error::api("DescribeInstances", result.unwrap_err());
        assert!(
            error
                .message
                .starts_with("interrupted: iac was asked to stop (while retrying after: "),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    /// Runs `create` over a call that fails with `errors` in turn (None: a timeout),
    /// then succeeds, and a look that answers `found` in turn; returns the outcome and
    /// how many sends and looks were made.
    async fn creates(
        errors: &[Option<(&str, u16)>],
        found: &[Result<Option<&str>, &str>],
    ) -> (Result<String, String>, u32, u32) {
        let (sent, looked) = (AtomicU32::new(0), AtomicU32::new(0));
        let result = create(
            "AllocateAddress",
            &[],
            &["InvalidGroup.Duplicate"],
            || async {
                let n = sent.fetch_add(1, Ordering::SeqCst) as usize;
                match errors.get(n) {
                    Some(Some((code, status))) => Err(failure(code, *status)),
                    Some(None) => Err(SdkError::timeout_error("timed out")),
                    None => Ok("answered"),
                }
            },
            || async {
                let n = looked.fetch_add(1, Ordering::SeqCst) as usize;
                match found.get(n).copied().unwrap_or(Ok(None)) {
                    Ok(id) => Ok(id.map(str::to_string)),
                    Err(why) => Err(Error::new(why)),
                }
            },
        )
        .await;
        let outcome = match result {
            Ok(Made::Answered(a)) => Ok(a.to_string()),
            Ok(Made::Found(id)) => Ok(format!("found {id}")),
            Err(e) => Err(e.message),
        };
        (outcome, sent.into_inner(), looked.into_inner())
    }

    #[tokio::test]
    async fn a_create_whose_answer_was_lost_is_looked_for_before_it_is_resent() {
        assert_eq!(
            creates(&[Some(("InternalError", 500))], &[Ok(Some("eipalloc-1"))]).await,
            (Ok("found eipalloc-1".into()), 1, 1),
            "a 5xx may have made it: found, not resent"
        );
        assert_eq!(
            creates(&[None], &[Ok(None)]).await,
            (Ok("answered".into()), 2, 1),
            "a timeout that made nothing is resent after looking"
        );
        let (outcome, sent, looked) =
            creates(&[Some(("ServiceUnavailable", 503))], &[Err("no tags")]).await;
        assert_eq!((sent, looked), (1, 1), "not resent when it cannot be told");
        assert!(outcome.unwrap_err().contains("no tags"));
    }

    #[tokio::test]
    async fn a_duplicate_after_a_lost_answer_is_looked_for_and_a_first_one_is_final() {
        assert_eq!(
            creates(
                &[None, Some(("InvalidGroup.Duplicate", 400))],
                &[Ok(None), Ok(Some("sg-1"))]
            )
            .await,
            (Ok("found sg-1".into()), 2, 2)
        );
        let (outcome, sent, looked) = creates(&[Some(("InvalidGroup.Duplicate", 400))], &[]).await;
        assert_eq!(
            (sent, looked),
            (1, 0),
            "someone else's object is not adopted"
        );
        assert!(outcome.unwrap_err().contains("InvalidGroup.Duplicate"));
    }

    #[tokio::test]
    async fn throttled_creates_are_resent_without_looking_and_refusals_end_fast() {
        assert_eq!(
            creates(&[Some(("RequestLimitExceeded", 400))], &[]).await,
            (Ok("answered".into()), 2, 0)
        );
        let (outcome, sent, looked) = creates(&[Some(("InvalidParameterValue", 400))], &[]).await;
        assert_eq!((sent, looked), (1, 0));
        assert!(outcome.is_err());
        // A refused connection: tried once more, quickly, then reported.
        let made = AtomicU32::new(0);
        let started = Instant::now();
        let result: Result<(), Failure> = retry("DescribeInstances", &[], || async {
            made.fetch_add(1, Ordering::SeqCst);
            Err(SdkError::dispatch_failure(
                aws_smithy_runtime_api::client::result::ConnectorError::other(
                    Box::new(crate::endpoint::Unreachable {
                        endpoint: "http://127.0.0.1:9".into(),
                        set_by: "AWS_ENDPOINT_URL".into(),
                    }),
                    None,
                ),
            ))
        })
        .await;
        assert_eq!(made.into_inner(), 2);
        assert!(started.elapsed() < Duration::from_secs(1));
        let message = crate::error::api("DescribeInstances", result.unwrap_err()).message;
        assert!(
            message.starts_with("could not connect to http://127.0.0.1:9"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn reads_are_retried_after_timeouts() {
        let made = AtomicU32::new(0);
        let result: Result<(), Failure> = retry("DescribeInstances", &[], || async {
            match made.fetch_add(1, Ordering::SeqCst) {
                0 => Err(SdkError::timeout_error("timed out")),
                _ => Ok(()),
            }
        })
        .await;
        assert!(result.is_ok());
        assert_eq!(made.into_inner(), 2);
    }

    /// A server answering every request with a 500; returns its endpoint and the
    /// number of requests it got.
    fn always_failing() -> (String, std::sync::Arc<AtomicU32>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(AtomicU32::new(0));
        let seen = count.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let mut conn = conn.unwrap();
                let mut buf = [0u8; 16384];
                let _ = conn.read(&mut buf);
                seen.fetch_add(1, Ordering::SeqCst);
                let body = "<Response><Errors><Error><Code>InternalError</Code><Message>boom</Message></Error></Errors><RequestID>1</RequestID></Response>";
                let _ = write!(
                    conn,
                    "HTTP/1.1 500 Oops\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (endpoint, count)
    }

    #[tokio::test]
    async fn once_sends_a_request_without_the_sdk_retries() {
        let (endpoint, count) = always_failing();
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_ec2::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .retry_config(
                aws_config::retry::RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(5)),
            )
            .endpoint_url(&endpoint)
            .build();
        let ec2 = aws_sdk_ec2::Client::from_conf(conf);
        assert!(ec2.describe_vpcs().send().await.is_err());
        assert_eq!(count.swap(0, Ordering::SeqCst), 3, "the SDK retries a 500");
        assert!(once!(ec2.describe_vpcs(), aws_sdk_ec2).await.is_err());
        assert_eq!(count.load(Ordering::SeqCst), 1, "once! does not");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let w = backoff(attempt);
            assert!(w <= LONGEST_WAIT, "{attempt}: {w:?}");
        }
        let first = FIRST_WAIT.as_millis();
        assert!(backoff(1).as_millis() <= first);
        assert!(backoff(1).as_millis() >= first / 4);
        assert!(backoff(12).as_millis() >= LONGEST_WAIT.as_millis() / 4);
    }
}
