//! The v2 API over HTTP: bearer token, JSON, DigitalOcean's error bodies, pagination,
//! rate limits (paced by [`crate::pace`], 429s retried after their `retry-after`), and
//! waiting for actions (polled as [`crate::poll`] says). Every wait ends when iac is
//! stopped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use iac_provider::{Error, Interrupted};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::pace::{Budget, Pacer};
use crate::poll::Polling;

/// How long a call keeps retrying 429s and 5xx answers before giving up.
const RETRY_BUDGET: Duration = Duration::from_secs(10 * 60);

/// How many times a connection that cannot be made is tried before the call fails.
const CONNECT_ATTEMPTS: u32 = 3;

/// A configured API client.
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
    pacer: Arc<Pacer>,
}

/// A failed call: the HTTP status (0 when there was no answer) and DigitalOcean's `id`
/// and `message`.
#[derive(Debug)]
pub struct Failure {
    pub status: u16,
    pub id: String,
    pub message: String,
    /// Whether the request may have been carried out although no answer says so: it
    /// was sent, and then timed out, lost its connection, or met a 5xx. A create that
    /// fails so is looked for before it is sent again ([`crate::lost`]).
    pub lost: bool,
}

impl Failure {
    pub fn not_found(&self) -> bool {
        self.status == 404
    }

    fn interrupted() -> Failure {
        Failure {
            status: 0,
            id: "interrupted".into(),
            message: Interrupted.to_string(),
            lost: false,
        }
    }

    /// A request that was sent and whose answer never came (`message` says why).
    fn lost(status: u16, id: &str, message: String) -> Failure {
        Failure {
            status,
            id: id.into(),
            message,
            lost: true,
        }
    }

    /// A provider error for `operation` (`POST /v2/droplets`).
    pub fn into_error(self, operation: &str) -> Error {
        if self.status == 401 {
            return Error::api(
                operation,
                format!(
                    "DigitalOcean refused the API token (401 {}: {}). Set DIGITALOCEAN_TOKEN (or DIGITALOCEAN_ACCESS_TOKEN), or token in the provider \"digitalocean\" block, to a valid token.",
                    self.id, self.message
                ),
            );
        }
        if self.status == 0 {
            return Error::api(operation, self.message);
        }
        Error::api(
            operation,
            format!("{} {}: {}", self.status, self.id, self.message),
        )
    }
}

/// Whether a request may be sent again when its answer is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// A repeat changes nothing more than the first did: reads, deletes, updates that
    /// set a value, and the few POSTs that name what they make (tags). Retried on
    /// timeouts, lost connections and 5xx answers.
    Safe,
    /// A repeat may make a second object or run a second action (every other POST).
    /// Retried only where DigitalOcean cannot have acted on it: a 429, or a
    /// connection that was never made; otherwise the failure is returned `lost`.
    Never,
}

/// `retry-after`, in seconds, as DigitalOcean sends it with a 429.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

impl Api {
    pub fn new(base: &str, token: &str) -> Result<Api, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("iac/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(Api {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            pacer: Pacer::of_token(token),
        })
    }

    /// One call, with the [`Repeat`] policy of its method: POSTs are never repeated
    /// once they may have reached DigitalOcean.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let repeat = if method == Method::POST {
            Repeat::Never
        } else {
            Repeat::Safe
        };
        self.send(method, path, body, repeat).await
    }

    /// One call: `path` is `/v2/...` (or a full URL from `links`). Paced under the rate
    /// limits; retries a 429 after its `retry-after` (or, with the hour spent, once its
    /// oldest request expires), a connection that could not be made a few times (then
    /// fails naming the endpoint), and, where `repeat` allows it, timeouts, lost
    /// connections and 5xx answers with backoff, for up to `RETRY_BUDGET`. Once iac is
    /// stopped, a call that would wait fails instead.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Value, Failure> {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let start = Instant::now();
        let mut attempt: u32 = 0;
        let mut refused: u32 = 0;
        loop {
            self.pacer
                .admit()
                .await
                .map_err(|Interrupted| Failure::interrupted())?;
            let mut req = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let sent = req.send().await;
            let retry_budget_left = start.elapsed() < RETRY_BUDGET;
            let resp = match sent {
                Ok(r) => r,
                // Nothing reached DigitalOcean: any request may be sent again, a few times.
                Err(e) if e.is_connect() => {
                    self.pacer.answered(None);
                    refused += 1;
                    if refused >= CONNECT_ATTEMPTS {
                        return Err(Failure {
                            status: 0,
                            id: "network_error".into(),
                            message: format!(
                                "cannot connect to the DigitalOcean API at {}: {}. The endpoint is the provider's api_endpoint, else DIGITALOCEAN_API_URL, else {}.",
                                self.base,
                                error_chain(&e),
                                crate::DEFAULT_ENDPOINT
                            ),
                            lost: false,
                        });
                    }
                    tracing::debug!(%url, attempt = refused, error = %e, "retrying a connection that could not be made");
                    self.pause(backoff(refused)).await?;
                    continue;
                }
                Err(e) => {
                    self.pacer.answered(None);
                    let why = format!(
                        "the request was sent but its answer was lost ({})",
                        error_chain(&e)
                    );
                    if repeat == Repeat::Safe && retry_budget_left {
                        attempt += 1;
                        tracing::debug!(%url, attempt, error = %why, "retrying after a network error");
                        iac_provider::status::retrying("network error");
                        self.pause(backoff(attempt)).await?;
                        continue;
                    }
                    return Err(Failure::lost(0, "network_error", why));
                }
            };
            let status = resp.status();
            let retry_after = retry_after(resp.headers());
            // A 429 of the minute's limit says nothing of the hour (it gives
            // `ratelimit-remaining: 0` with its `retry-after`).
            let budget = Budget::from_headers(resp.headers())
                .filter(|_| !(status == StatusCode::TOO_MANY_REQUESTS && retry_after.is_some()));
            self.pacer.answered(budget);
            // DigitalOcean refuses a request over the limit before acting on it.
            if status == StatusCode::TOO_MANY_REQUESTS && retry_budget_left {
                attempt += 1;
                iac_provider::status::retrying("rate limited");
                match retry_after {
                    Some(wait) => {
                        tracing::debug!(%url, attempt, wait_s = wait.as_secs(), "rate limited (429); waiting as its retry-after says");
                        self.pacer.hold(wait);
                    }
                    // The hour is spent: the pacer waits for its oldest request to expire.
                    None if budget.is_some_and(|b| b.remaining == 0) => {
                        tracing::debug!(%url, attempt, "rate limited (429); the hourly budget is spent, waiting for its oldest request to expire");
                    }
                    None => {
                        let wait = backoff(attempt);
                        tracing::debug!(%url, attempt, wait_ms = wait.as_millis() as u64, "rate limited (429); backing off");
                        self.pacer.hold(wait);
                    }
                }
                continue;
            }
            if status.is_server_error() && repeat == Repeat::Safe && retry_budget_left {
                attempt += 1;
                tracing::debug!(%url, attempt, status = status.as_u16(), "retrying a server error");
                iac_provider::status::retrying(&format!("HTTP {}", status.as_u16()));
                self.pause(backoff(attempt)).await?;
                continue;
            }
            let text = match resp.text().await {
                Ok(text) => text,
                Err(e) if repeat == Repeat::Safe && retry_budget_left => {
                    attempt += 1;
                    tracing::debug!(%url, attempt, error = %e, "retrying an answer that was cut off");
                    self.pause(backoff(attempt)).await?;
                    continue;
                }
                Err(e) => {
                    return Err(Failure::lost(
                        status.as_u16(),
                        "network_error",
                        format!("the answer ({status}) was cut off: {}", error_chain(&e)),
                    ));
                }
            };
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if attempt > 0 {
                iac_provider::status::clear();
            }
            if status.is_success() {
                return Ok(json);
            }
            let id = json["id"].as_str().unwrap_or("error").to_string();
            let message = json["message"].as_str().map(str::to_string).unwrap_or(text);
            if status.is_server_error() {
                return Err(Failure::lost(status.as_u16(), &id, message));
            }
            return Err(Failure {
                status: status.as_u16(),
                id,
                message,
                lost: false,
            });
        }
    }

    /// Sleeps before a retry, unless iac is stopped.
    async fn pause(&self, wait: Duration) -> Result<(), Failure> {
        iac_provider::stop::sleep(wait)
            .await
            .map_err(|Interrupted| Failure::interrupted())
    }

    pub async fn get(&self, path: &str) -> Result<Value, Failure> {
        self.call(Method::GET, path, None).await
    }

    /// A POST that may make something or run an action: never repeated once it may
    /// have reached DigitalOcean (see [`Repeat::Never`]).
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.call(Method::POST, path, Some(body)).await
    }

    /// A POST whose repeat changes nothing (a tag, or tagging a resource).
    pub async fn post_repeatable(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.send(Method::POST, path, Some(body), Repeat::Safe)
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Value, Failure> {
        self.call(Method::DELETE, path, None).await
    }

    /// `GET path`, or `None` on a 404.
    pub async fn get_if_exists(&self, path: &str) -> Result<Option<Value>, Error> {
        match self.get(path).await {
            Ok(v) => Ok(Some(v)),
            Err(f) if f.not_found() => Ok(None),
            Err(f) => Err(f.into_error(&format!("GET {path}"))),
        }
    }

    /// `DELETE path`; whether there was something to delete (a 404 is not an error).
    pub async fn delete_if_exists(&self, path: &str) -> Result<bool, Error> {
        match self.delete(path).await {
            Ok(_) => Ok(true),
            Err(f) if f.not_found() => Ok(false),
            Err(f) => Err(f.into_error(&format!("DELETE {path}"))),
        }
    }

    /// Every item of a listing under `key`, following `links.pages.next` 200 at a time.
    pub async fn list_all(&self, path: &str, key: &str) -> Result<Vec<Value>, Failure> {
        self.list_pages(path, key, None, |_| true).await
    }

    /// The items of a listing under `key` that `keep` accepts, 200 a page, following
    /// `links.pages.next` until the last page or until `limit` are found.
    pub async fn list_pages(
        &self,
        path: &str,
        key: &str,
        limit: Option<usize>,
        keep: impl Fn(&Value) -> bool,
    ) -> Result<Vec<Value>, Failure> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{separator}per_page=200"));
        let mut items = Vec::new();
        while let Some(url) = next.take() {
            if limit.is_some_and(|l| items.len() >= l) {
                break;
            }
            let page = self.get(&url).await?;
            let found = page[key].as_array().into_iter().flatten();
            items.extend(found.filter(|item| keep(item)).cloned());
            next = page["links"]["pages"]["next"].as_str().map(str::to_string);
        }
        if let Some(l) = limit {
            items.truncate(l);
        }
        Ok(items)
    }

    /// Waits for action `id` to complete; an `errored` action, the timeout or a stop is
    /// an error naming the action.
    pub async fn wait_action(&self, id: u64, timeout: Duration) -> Result<(), Error> {
        let start = Instant::now();
        let mut polling = Polling::new();
        loop {
            polling.pause().await.map_err(|Interrupted| {
                Error::api(
                    "GET /v2/actions",
                    format!("stopped waiting for action {id}: {Interrupted}"),
                )
            })?;
            let a = self
                .get(&format!("/v2/actions/{id}"))
                .await
                .map_err(|f| f.into_error("GET /v2/actions"))?;
            let kind = a["action"]["type"].as_str().unwrap_or("action");
            match a["action"]["status"].as_str() {
                Some("completed") => return Ok(()),
                Some("errored") => {
                    return Err(Error::api(
                        "GET /v2/actions",
                        format!("the {kind} action {id} errored"),
                    ));
                }
                status => {
                    if start.elapsed() >= timeout {
                        return Err(Error::api(
                            "GET /v2/actions",
                            format!(
                                "timed out after {} waiting for the {kind} action {id}; its status was {}",
                                humantime::format_duration(timeout),
                                status.unwrap_or("unknown")
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// A value in a query string: unreserved characters as they are, the rest escaped.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An error and its causes, as one line (reqwest's own text leaves them out).
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Exponential backoff from half a second, capped at 30 seconds.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500)
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(Duration::from_secs(30))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A server answering its `n`th request with `answers[n]` (the last one from then
    /// on): `(status line, extra headers, body)`. Returns its URL and the request count.
    async fn serve(
        answers: Vec<(&'static str, &'static str, &'static str)>,
    ) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let (status, headers, body) = answers[n.min(answers.len() - 1)];
                let mut buf = vec![0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        (url, count)
    }

    #[tokio::test]
    async fn a_429_waits_for_its_retry_after_not_for_the_hourly_reset() {
        // The hour resets in 2100: waiting for it would never end.
        let (url, count) = serve(vec![
            (
                "429 Too Many Requests",
                "retry-after: 1\r\nratelimit-limit: 5000\r\nratelimit-remaining: 0\r\nratelimit-reset: 4102444800\r\n",
                r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
            ),
            (
                "200 OK",
                "ratelimit-limit: 5000\r\nratelimit-remaining: 4000\r\nratelimit-reset: 4102444800\r\n",
                r#"{"account":{}}"#,
            ),
        ])
        .await;
        let api = Api::new(&url, "dop_v1_retry_after_test").unwrap();
        let started = Instant::now();
        let answer = tokio::time::timeout(Duration::from_secs(10), api.get("/v2/account"))
            .await
            .expect("the call does not wait for ratelimit-reset");
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(count.load(Ordering::SeqCst), 2);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "it waited its retry-after"
        );
    }

    #[tokio::test]
    async fn a_read_is_retried_after_a_5xx_and_a_create_is_not() {
        let (url, log) = crate::fake::serve(|_, _, log| {
            if log.len() % 2 == 0 {
                (
                    "500 Internal Server Error",
                    r#"{"id":"server_error","message":"oops"}"#.into(),
                )
            } else {
                ("200 OK", r#"{"account":{}}"#.into())
            }
        })
        .await;
        let api = Api::new(&url, "dop_v1_retry_policy_test").unwrap();
        assert!(api.get("/v2/account").await.is_ok());
        assert_eq!(log.lock().unwrap().len(), 2, "the GET was sent again");
        let failure = api
            .post("/v2/droplets", &serde_json::json!({"name": "a"}))
            .await
            .expect_err("the create is not sent again");
        assert!(failure.lost && failure.status == 500, "{failure:?}");
        assert_eq!(log.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_create_refused_with_429_is_sent_again() {
        let (url, count) = serve(vec![
            (
                "429 Too Many Requests",
                "retry-after: 1\r\n",
                r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
            ),
            ("202 Accepted", "", r#"{"droplet":{"id":1}}"#),
        ])
        .await;
        let api = Api::new(&url, "dop_v1_post_429_test").unwrap();
        let made = api.post("/v2/droplets", &serde_json::json!({})).await;
        assert_eq!(made.unwrap()["droplet"]["id"], 1);
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_refused_connection_fails_fast_naming_the_endpoint() {
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let api = Api::new(&format!("http://127.0.0.1:{port}"), "dop_v1_refused_test").unwrap();
        let started = Instant::now();
        let failure = api.get("/v2/account").await.expect_err("nothing answers");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!failure.lost);
        let message = failure.into_error("GET /v2/account").message;
        assert!(
            message.contains(&format!("127.0.0.1:{port}"))
                && message.contains("DIGITALOCEAN_API_URL"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn an_action_wait_ends_on_stop() {
        let (url, _) = serve(vec![(
            "200 OK",
            "",
            r#"{"action":{"id":7,"type":"create","status":"in-progress"}}"#,
        )])
        .await;
        let api = Api::new(&url, "dop_v1_stop_test").unwrap();
        let stop = iac_provider::Stop::new();
        let requester = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(700)).await;
            requester.request();
        });
        let started = Instant::now();
        let waited = stop
            .scope(api.wait_action(7, Duration::from_secs(3600)))
            .await;
        let error = waited.expect_err("a stopped wait is an error");
        assert!(
            error.message.contains("stopped waiting for action 7"),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_rate_limited_call_ends_on_stop() {
        let (url, _) = serve(vec![(
            "429 Too Many Requests",
            "retry-after: 3600\r\n",
            r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#,
        )])
        .await;
        let api = Api::new(&url, "dop_v1_stopped_429_test").unwrap();
        let stop = iac_provider::Stop::new();
        let requester = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            requester.request();
        });
        let failure =
            tokio::time::timeout(Duration::from_secs(5), stop.scope(api.get("/v2/account")))
                .await
                .expect("the 429 wait ends on stop")
                .expect_err("an interrupted call fails");
        assert_eq!(failure.id, "interrupted");
    }
}
