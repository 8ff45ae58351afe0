//! The v2 API over HTTP: bearer token, JSON, DigitalOcean's error bodies, pagination,
//! rate limits, and waiting for actions.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use iac_provider::Error;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// How long a call keeps retrying 429s and 5xx answers before giving up.
const RETRY_BUDGET: Duration = Duration::from_secs(10 * 60);

/// Below this many requests left in the window, calls are spread out over what remains
/// of it instead of running into 429s.
const SLOW_DOWN_BELOW: u64 = 10;

/// The token's rate-limit window as the last answer described it.
#[derive(Default, Clone, Copy)]
struct Budget {
    remaining: Option<u64>,
    reset_epoch: Option<u64>,
}

/// A configured API client.
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
    budget: Mutex<Budget>,
}

/// A failed call: the HTTP status and DigitalOcean's `id` and `message`.
#[derive(Debug)]
pub struct Failure {
    pub status: u16,
    pub id: String,
    pub message: String,
}

impl Failure {
    pub fn not_found(&self) -> bool {
        self.status == 404
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
        Error::api(
            operation,
            format!("{} {}: {}", self.status, self.id, self.message),
        )
    }
}

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
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
            budget: Mutex::new(Budget::default()),
        })
    }

    /// Waits, when the window is nearly spent, for an even share of what remains of it.
    async fn pace(&self) {
        let budget = *self.budget.lock().expect("budget lock");
        if let (Some(remaining), Some(reset)) = (budget.remaining, budget.reset_epoch)
            && remaining < SLOW_DOWN_BELOW
        {
            let left = reset.saturating_sub(now_epoch()).max(1);
            let wait = Duration::from_secs(left) / (remaining as u32 + 1);
            tracing::debug!(
                remaining,
                wait_ms = wait.as_millis() as u64,
                "slowing down before the rate limit"
            );
            tokio::time::sleep(wait).await;
        }
    }

    fn record_budget(&self, headers: &reqwest::header::HeaderMap) {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
        };
        let mut budget = self.budget.lock().expect("budget lock");
        budget.remaining = number("ratelimit-remaining").or(budget.remaining);
        budget.reset_epoch = number("ratelimit-reset").or(budget.reset_epoch);
    }

    /// One call: `path` is `/v2/...` (or a full URL from `links`). Retries 429 after
    /// the window resets and 5xx with backoff, for up to `RETRY_BUDGET`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let start = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            self.pace().await;
            let mut req = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) if start.elapsed() < RETRY_BUDGET && (e.is_connect() || e.is_timeout()) => {
                    attempt += 1;
                    tracing::debug!(%url, attempt, error = %e, "retrying after a network error");
                    tokio::time::sleep(backoff(attempt)).await;
                    continue;
                }
                Err(e) => {
                    return Err(Failure {
                        status: 0,
                        id: "network_error".into(),
                        message: e.to_string(),
                    });
                }
            };
            self.record_budget(resp.headers());
            let status = resp.status();
            if status == StatusCode::TOO_MANY_REQUESTS && start.elapsed() < RETRY_BUDGET {
                attempt += 1;
                let reset = self.budget.lock().expect("budget lock").reset_epoch;
                let wait = reset
                    .map(|r| Duration::from_secs(r.saturating_sub(now_epoch()).max(1)))
                    .unwrap_or_else(|| backoff(attempt));
                tracing::debug!(%url, attempt, wait_ms = wait.as_millis() as u64, "rate limited (429); waiting for the window to reset");
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_server_error() && start.elapsed() < RETRY_BUDGET {
                attempt += 1;
                tracing::debug!(%url, attempt, status = status.as_u16(), "retrying a server error");
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            let text = resp.text().await.unwrap_or_default();
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if status.is_success() {
                return Ok(json);
            }
            return Err(Failure {
                status: status.as_u16(),
                id: json["id"].as_str().unwrap_or("error").to_string(),
                message: json["message"].as_str().map(str::to_string).unwrap_or(text),
            });
        }
    }

    pub async fn get(&self, path: &str) -> Result<Value, Failure> {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        self.call(Method::POST, path, Some(body)).await
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
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{separator}per_page=200"));
        let mut items = Vec::new();
        while let Some(url) = next.take() {
            let page = self.get(&url).await?;
            items.extend(page[key].as_array().cloned().unwrap_or_default());
            next = page["links"]["pages"]["next"].as_str().map(str::to_string);
        }
        Ok(items)
    }

    /// Waits for action `id` to complete; an `errored` action or the timeout is an error
    /// naming the action.
    pub async fn wait_action(&self, id: u64, timeout: Duration) -> Result<(), Error> {
        let start = Instant::now();
        let mut interval = Duration::from_millis(200);
        loop {
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
            tokio::time::sleep(interval).await;
            interval = (interval * 2).min(Duration::from_secs(5));
        }
    }
}

/// Exponential backoff from half a second, capped at 30 seconds.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500)
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(Duration::from_secs(30))
}
