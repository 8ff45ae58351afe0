//! The routes: DigitalOcean's paths under `/v2`, and the emulator's own `/emulator`.

mod account;
mod actions;
mod droplets;
mod network;
mod session;

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::Shared;
use crate::http::{error, guard, not_found, page};
use axum::http::StatusCode;

/// A request's query parameters, and the origin (`http://host:port`) that links in the
/// answer point back to, as DigitalOcean's `links.pages` give full URLs.
pub struct Params {
    query: HashMap<String, String>,
    origin: String,
}

impl std::ops::Deref for Params {
    type Target = HashMap<String, String>;

    fn deref(&self) -> &HashMap<String, String> {
        &self.query
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Params, Self::Rejection> {
        let query = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|q| q.0)
            .unwrap_or_default();
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        Ok(Params {
            query,
            origin: format!("http://{host}"),
        })
    }
}

impl Params {
    /// A `links.actions` entry, its `href` a full URL as DigitalOcean gives it.
    fn action_link(&self, id: u64, rel: &str) -> Value {
        json!({"id": id, "rel": rel, "href": format!("{}/v2/actions/{id}", self.origin)})
    }
}

/// DigitalOcean's 405 for a path that exists under another method.
fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "The method is not allowed for the requested URL.",
    )
}

/// A request body as JSON, or DigitalOcean's 400.
fn body(bytes: &Bytes) -> Result<Value, Box<Response>> {
    serde_json::from_slice(bytes).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("The request body is not valid JSON: {e}"),
        ))
    })
}

/// A status and a JSON body.
fn answer(status: StatusCode, v: Value) -> Response {
    (status, Json(v)).into_response()
}

pub fn router(cloud: Shared) -> Router {
    let api = Router::new()
        .route(
            "/v2/droplets",
            get(droplets::list)
                .post(droplets::create)
                .delete(droplets::delete_by_tag),
        )
        .route(
            "/v2/droplets/{id}",
            get(droplets::get).delete(droplets::delete),
        )
        .route(
            "/v2/droplets/{id}/actions",
            get(actions::of_droplet).post(droplets::action),
        )
        .route(
            "/v2/droplets/{id}/actions/{action}",
            get(actions::one_of_droplet),
        )
        .route(
            "/v2/droplets/{id}/backups/policy",
            get(droplets::backup_policy),
        )
        .route("/v2/actions", get(actions::list))
        .route("/v2/actions/{id}", get(actions::get))
        .route("/v2/account", get(account::account))
        .route(
            "/v2/tags",
            get(account::list_tags).post(account::create_tag),
        )
        .route(
            "/v2/tags/{name}",
            get(account::get_tag).delete(account::delete_tag),
        )
        .route(
            "/v2/tags/{name}/resources",
            post(account::tag_resources).delete(account::untag_resources),
        )
        .route(
            "/v2/account/keys",
            get(account::list_keys).post(account::create_key),
        )
        .route(
            "/v2/account/keys/{key}",
            get(account::get_key)
                .put(account::update_key)
                .delete(account::delete_key),
        )
        .route(
            "/v2/domains",
            get(network::list_domains).post(network::create_domain),
        )
        .route(
            "/v2/domains/{name}",
            get(network::get_domain).delete(network::delete_domain),
        )
        .route(
            "/v2/domains/{name}/records",
            get(network::list_records).post(network::create_record),
        )
        .route(
            "/v2/domains/{name}/records/{id}",
            get(network::get_record)
                .put(network::update_record)
                .patch(network::update_record)
                .delete(network::delete_record),
        )
        .route(
            "/v2/firewalls",
            get(network::list_firewalls).post(network::create_firewall),
        )
        .route(
            "/v2/firewalls/{id}",
            get(network::get_firewall)
                .put(network::update_firewall)
                .delete(network::delete_firewall),
        )
        .route(
            "/v2/reserved_ips",
            get(network::list_reserved_ips).post(network::create_reserved_ip),
        )
        .route(
            "/v2/reserved_ips/{ip}",
            get(network::get_reserved_ip).delete(network::delete_reserved_ip),
        )
        .route(
            "/v2/reserved_ips/{ip}/actions",
            get(actions::of_reserved_ip).post(network::reserved_ip_action),
        )
        .route(
            "/v2/reserved_ips/{ip}/actions/{action}",
            get(actions::one_of_reserved_ip),
        )
        .route("/v2/regions", get(account::regions))
        .route("/v2/sizes", get(account::sizes))
        .route("/v2/images", get(account::images))
        .route("/v2/images/{id}", get(account::image))
        .fallback(|| async { not_found() })
        .method_not_allowed_fallback(|| async { method_not_allowed() })
        .layer(from_fn_with_state(cloud.clone(), guard));
    let control = Router::new()
        .route("/emulator/health", get(|| async { "ok" }))
        .route(
            "/emulator/fail-next-action",
            post(account::fail_next_action),
        )
        .route(
            "/emulator/lose-next-answer",
            post(account::lose_next_answer),
        )
        .route("/emulator/settings", post(account::change_settings))
        .route(
            "/emulator/images/{slug}/successor",
            post(account::image_successor),
        )
        .route("/emulator/account", post(account::change_account));
    api.merge(control).with_state(cloud)
}

/// Items of a listing, paginated, with links back to `path` on the request's origin.
fn listing(path: &str, params: &Params, key: &str, items: Vec<Value>) -> Response {
    let url = format!("{}{path}", params.origin);
    answer(StatusCode::OK, page(&url, &params.query, key, items))
}
