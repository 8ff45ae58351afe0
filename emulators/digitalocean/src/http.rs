//! DigitalOcean's error bodies, pagination, authentication and rate limiting.

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::Shared;
use crate::rate_limit::Verdict;

/// DigitalOcean's error body: `{"id": ..., "message": ...}`.
pub fn error(status: StatusCode, id: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"id": id, "message": message.into(), "request_id": uuid::Uuid::new_v4().to_string()})),
    )
        .into_response()
}

/// DigitalOcean's 401 for a missing or malformed token.
pub fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "Unable to authenticate you",
    )
}

pub fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "The resource you were accessing could not be found.",
    )
}

pub fn unprocessable(message: impl Into<String>) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable_entity",
        message,
    )
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// One page of `items` under `key`, with `links.pages` and `meta.total` as
/// DigitalOcean gives them (`per_page` defaults to 20, at most 200).
pub fn page(path: &str, query: &HashMap<String, String>, key: &str, items: Vec<Value>) -> Value {
    let per_page: usize = query
        .get("per_page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(20)
        .clamp(1, 200);
    let page: usize = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let url = |n: usize| {
        let mut extra: Vec<String> = query
            .iter()
            .filter(|(k, _)| *k != "page" && *k != "per_page")
            .map(|(k, v)| format!("&{}={}", encode(k), encode(v)))
            .collect();
        extra.sort();
        format!("{path}?page={n}&per_page={per_page}{}", extra.concat())
    };
    let mut pages = serde_json::Map::new();
    if page > 1 {
        pages.insert("first".into(), url(1).into());
        pages.insert("prev".into(), url(page - 1).into());
    }
    if page < last {
        pages.insert("next".into(), url(page + 1).into());
        pages.insert("last".into(), url(last).into());
    }
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    json!({key: slice, "links": {"pages": pages}, "meta": {"total": total}})
}

/// A query-string component: unreserved characters as they are, the rest escaped (the
/// query was decoded, and its links must carry the filters as they were sent).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every request: a bearer token in DigitalOcean's format (401 without), the token's
/// rate limits ([`crate::rate_limit`]: 429 beyond them, `ratelimit-*` headers on every
/// answer), and actions brought up to date before the request is served.
pub async fn guard(State(cloud): State<Shared>, request: Request, next: Next) -> Response {
    let token = crate::auth::bearer(request.headers()).map(str::to_string);
    let Some(token) = token else {
        return unauthorized();
    };
    let (method, path) = (
        request.method().to_string(),
        request.uri().path().to_string(),
    );
    let (verdict, limits) = {
        let mut cloud = cloud.lock().expect("cloud lock");
        cloud.tick();
        let settings = cloud.settings.clone();
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        cloud
            .windows
            .entry(token.clone())
            .or_default()
            .admit(&settings, Instant::now(), epoch)
    };
    let mut response = match verdict {
        Verdict::Allowed => {
            let answer = next.run(request).await;
            let lost = cloud
                .lock()
                .expect("cloud lock")
                .account(&token)
                .lose_answer(&method, &path);
            match lost.and_then(|s| StatusCode::from_u16(s).ok()) {
                Some(status) => error(
                    status,
                    "server_error",
                    "Server was unable to give you a response.",
                ),
                None => answer,
            }
        }
        Verdict::OverMinute { .. } | Verdict::OverHour => error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "API Rate limit exceeded.",
        ),
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", limits.limit),
        ("ratelimit-remaining", limits.remaining),
        ("ratelimit-reset", limits.reset),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
    if let Verdict::OverMinute { retry_after } = verdict {
        headers.insert("retry-after", HeaderValue::from(retry_after));
    }
    response
}
