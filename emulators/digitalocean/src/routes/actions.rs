//! Actions: the account's (`/v2/actions`), a droplet's and a reserved IP's, newest
//! first as DigitalOcean lists them.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::session::Session;
use super::{Params, answer, listing};
use crate::cloud::{Cloud, ip_number};
use crate::http::not_found;

/// The account's actions on one resource (or on all, with `None`), newest first.
fn actions_of(cloud: &Cloud, resource: Option<(&str, u64)>) -> Vec<Value> {
    cloud
        .actions
        .values()
        .rev()
        .filter(|a| {
            resource.is_none_or(|(kind, id)| a.resource_type == kind && a.resource_id == id)
        })
        .map(|a| cloud.action_json(a))
        .collect()
}

/// One action of the account, if it concerns `resource` (any, with `None`).
fn one_action(cloud: &Cloud, id: &str, resource: Option<(&str, u64)>) -> Response {
    let action = id.parse().ok().and_then(|id: u64| cloud.actions.get(&id));
    match action.filter(|a| {
        resource.is_none_or(|(kind, id)| a.resource_type == kind && a.resource_id == id)
    }) {
        Some(a) => answer(StatusCode::OK, json!({"action": cloud.action_json(a)})),
        None => not_found(),
    }
}

/// `GET /v2/actions`.
pub async fn list(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    listing("/v2/actions", &query, "actions", actions_of(&cloud, None))
}

/// `GET /v2/actions/{id}`.
pub async fn get(cloud: Session, Path(id): Path<String>) -> Response {
    one_action(&cloud.lock().expect("cloud lock"), &id, None)
}

/// The droplet's number if the account has it.
fn droplet(cloud: &Cloud, id: &str) -> Option<u64> {
    id.parse().ok().filter(|id| cloud.droplets.contains_key(id))
}

/// `GET /v2/droplets/{id}/actions`.
pub async fn of_droplet(cloud: Session, Path(id): Path<String>, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let Some(number) = droplet(&cloud, &id) else {
        return not_found();
    };
    let items = actions_of(&cloud, Some(("droplet", number)));
    listing(
        &format!("/v2/droplets/{id}/actions"),
        &query,
        "actions",
        items,
    )
}

/// `GET /v2/droplets/{id}/actions/{action}`.
pub async fn one_of_droplet(
    cloud: Session,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match droplet(&cloud, &id) {
        Some(number) => one_action(&cloud, &action, Some(("droplet", number))),
        None => not_found(),
    }
}

/// `GET /v2/reserved_ips/{ip}/actions`.
pub async fn of_reserved_ip(cloud: Session, Path(ip): Path<String>, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    if !cloud.reserved_ips.contains_key(&ip) {
        return not_found();
    }
    let items = actions_of(&cloud, Some(("reserved_ip", ip_number(&ip))));
    listing(
        &format!("/v2/reserved_ips/{ip}/actions"),
        &query,
        "actions",
        items,
    )
}

/// `GET /v2/reserved_ips/{ip}/actions/{action}`.
pub async fn one_of_reserved_ip(
    cloud: Session,
    Path((ip, action)): Path<(String, String)>,
) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    if !cloud.reserved_ips.contains_key(&ip) {
        return not_found();
    }
    one_action(&cloud, &action, Some(("reserved_ip", ip_number(&ip))))
}
