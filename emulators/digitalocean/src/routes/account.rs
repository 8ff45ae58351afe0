//! The account, its tags and SSH keys, the catalogue, and the emulator's own controls.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::session::Session;
use super::{Params, answer, body, listing};
use crate::Shared;
use crate::catalog;
use crate::cloud::Cloud;
use crate::http::{no_content, not_found, unprocessable};
use crate::images::Image;

/// The reserved IPs an account may hold, as `/v2/account` reports them (not enforced).
const FLOATING_IP_LIMIT: u64 = 3;

fn valid_tag(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'))
}

fn tag_json(cloud: &Cloud, name: &str) -> Value {
    let count = cloud
        .droplets
        .values()
        .filter(|d| d.tags.iter().any(|t| t == name))
        .count();
    json!({
        "name": name,
        "resources": {"count": count, "droplets": {"count": count}},
    })
}

pub async fn create_tag(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let name = req["name"].as_str().unwrap_or_default();
    if !valid_tag(name) {
        return unprocessable(
            "Name may only contain letters, numbers, colons, dashes and underscores.",
        );
    }
    let mut cloud = cloud.lock().expect("cloud lock");
    cloud.tags.insert(name.to_string(), ());
    answer(StatusCode::CREATED, json!({"tag": tag_json(&cloud, name)}))
}

pub async fn get_tag(cloud: Session, Path(name): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    if !cloud.tags.contains_key(&name) {
        return not_found();
    }
    answer(StatusCode::OK, json!({"tag": tag_json(&cloud, &name)}))
}

pub async fn list_tags(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let items = cloud.tags.keys().map(|t| tag_json(&cloud, t)).collect();
    listing("/v2/tags", &query, "tags", items)
}

pub async fn delete_tag(cloud: Session, Path(name): Path<String>) -> Response {
    let mut cloud = cloud.lock().expect("cloud lock");
    if cloud.tags.remove(&name).is_none() {
        return not_found();
    }
    for d in cloud.droplets.values_mut() {
        d.tags.retain(|t| *t != name);
    }
    no_content()
}

/// The droplet ids of a tagging request's `resources`.
fn droplet_ids(req: &Value) -> Vec<u64> {
    req["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["resource_type"] == "droplet")
        .filter_map(|r| match &r["resource_id"] {
            Value::String(s) => s.parse().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .collect()
}

pub async fn tag_resources(cloud: Session, Path(name): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    if !cloud.tags.contains_key(&name) {
        return not_found();
    }
    for id in droplet_ids(&req) {
        let Some(d) = cloud.droplets.get_mut(&id) else {
            return not_found();
        };
        if !d.tags.contains(&name) {
            d.tags.push(name.clone());
        }
    }
    no_content()
}

pub async fn untag_resources(cloud: Session, Path(name): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    if !cloud.tags.contains_key(&name) {
        return not_found();
    }
    for id in droplet_ids(&req) {
        if let Some(d) = cloud.droplets.get_mut(&id) {
            d.tags.retain(|t| *t != name);
        }
    }
    no_content()
}

/// The MD5 fingerprint of an OpenSSH public key, as DigitalOcean shows it.
fn fingerprint(public_key: &str) -> Option<String> {
    let blob = public_key.split_whitespace().nth(1)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    let digest = Md5::digest(bytes);
    Some(
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

fn find_key<'a>(cloud: &'a Cloud, key: &str) -> Option<(u64, &'a Value)> {
    cloud
        .keys
        .iter()
        .find(|(id, k)| id.to_string() == key || k["fingerprint"] == key)
        .map(|(id, k)| (*id, k))
}

pub async fn create_key(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let (Some(name), Some(public_key)) = (req["name"].as_str(), req["public_key"].as_str()) else {
        return unprocessable("Name and public_key are required.");
    };
    let Some(fp) = fingerprint(public_key)
        .filter(|_| public_key.starts_with("ssh-") || public_key.starts_with("ecdsa-"))
    else {
        return unprocessable("Key invalid, key should be of the format `type key [comment]`");
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    if cloud.keys.values().any(|k| k["fingerprint"] == fp) {
        return unprocessable("SSH Key is already in use on your account");
    }
    let id = cloud.next_id();
    let key = json!({"id": id, "fingerprint": fp, "public_key": public_key, "name": name});
    cloud.keys.insert(id, key.clone());
    answer(StatusCode::CREATED, json!({"ssh_key": key}))
}

pub async fn get_key(cloud: Session, Path(key): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match find_key(&cloud, &key) {
        Some((_, k)) => answer(StatusCode::OK, json!({"ssh_key": k})),
        None => not_found(),
    }
}

pub async fn update_key(cloud: Session, Path(key): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let Some((id, _)) = find_key(&cloud, &key) else {
        return not_found();
    };
    let k = cloud.keys.get_mut(&id).expect("found");
    if let Some(name) = req["name"].as_str() {
        k["name"] = name.into();
    }
    answer(StatusCode::OK, json!({"ssh_key": k}))
}

pub async fn delete_key(cloud: Session, Path(key): Path<String>) -> Response {
    let mut cloud = cloud.lock().expect("cloud lock");
    match find_key(&cloud, &key).map(|(id, _)| id) {
        Some(id) => {
            cloud.keys.remove(&id);
            no_content()
        }
        None => not_found(),
    }
}

pub async fn list_keys(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let items = cloud.keys.values().cloned().collect();
    listing("/v2/account/keys", &query, "ssh_keys", items)
}

pub async fn regions(query: Params) -> Response {
    let items = catalog::REGIONS
        .iter()
        .filter_map(|r| catalog::region(r.0))
        .collect();
    listing("/v2/regions", &query, "regions", items)
}

pub async fn sizes(query: Params) -> Response {
    let items = catalog::SIZES
        .iter()
        .filter_map(|s| catalog::size(s.0))
        .collect();
    listing("/v2/sizes", &query, "sizes", items)
}

/// `GET /v2/images`: the images offered now.
pub async fn images(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let items = cloud
        .images
        .values()
        .filter(|i| i.public)
        .map(Image::json)
        .collect();
    listing("/v2/images", &query, "images", items)
}

/// `GET /v2/images/{id or slug}`.
pub async fn image(cloud: Session, Path(id): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match cloud.image(&id) {
        Some(i) => answer(StatusCode::OK, json!({"image": i.json()})),
        None => not_found(),
    }
}

/// `POST /emulator/images/{slug}/successor`: DigitalOcean refreshing a base image. A new
/// image (new id, same distribution, later `created_at`) takes the slug; the old one
/// keeps its id, loses its slug and is no longer offered, and droplets made from it go
/// on reporting it, with `"slug": null`. Each account has its own catalogue, so a test's
/// move touches only its own token's images.
pub async fn image_successor(cloud: Session, Path(slug): Path<String>) -> Response {
    let mut cloud = cloud.lock().expect("cloud lock");
    match cloud.supersede(&slug) {
        Some(i) => answer(StatusCode::CREATED, json!({"image": i.json()})),
        None => not_found(),
    }
}

/// `POST /emulator/fail-next-action {"type": "resize"}`, with an account's token: that
/// account's next action of that type ends `errored`, its effect not applied.
pub async fn fail_next_action(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(kind) = req["type"].as_str() else {
        return unprocessable("type is required");
    };
    cloud
        .lock()
        .expect("cloud lock")
        .fail_next
        .push(kind.to_string());
    no_content()
}

/// `POST /emulator/lose-next-answer {"method": "POST", "path": "/v2/droplets", "status":
/// 500}`, with an account's token: that account's next such request is carried out,
/// and answered with `status` (a 5xx) as if its answer had been lost on the way.
pub async fn lose_next_answer(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let (Some(method), Some(path)) = (req["method"].as_str(), req["path"].as_str()) else {
        return unprocessable("method and path are required");
    };
    let status = req["status"].as_u64().unwrap_or(500);
    if !(500..600).contains(&status) {
        return unprocessable("status must be a 5xx");
    }
    cloud
        .lock()
        .expect("cloud lock")
        .lose_next
        .push(crate::cloud::LostAnswer {
            method: method.to_string(),
            path: path.to_string(),
            status: status as u16,
        });
    no_content()
}

/// `GET /v2/account`: the token's account, as DigitalOcean describes a team member's.
pub async fn account(cloud: Session) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let account = json!({
        "droplet_limit": cloud.droplet_limit,
        "floating_ip_limit": FLOATING_IP_LIMIT,
        "email": cloud.email,
        "name": "Sammy the Shark",
        "uuid": cloud.uuid,
        "email_verified": true,
        "status": "active",
        "status_message": "",
        "team": {"uuid": cloud.team_uuid, "name": "My Team"},
    });
    answer(StatusCode::OK, json!({"account": account}))
}

/// `POST /emulator/account {"droplet_limit": N}`, with the account's token.
pub async fn change_account(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(limit) = req["droplet_limit"].as_u64() else {
        return unprocessable("droplet_limit is required");
    };
    cloud.lock().expect("cloud lock").droplet_limit = limit;
    no_content()
}

/// `POST /emulator/settings {"action_delay_ms": N, "rate_limit_per_minute": N,
/// "rate_limit_per_hour": N, "rate_limit_window_seconds": N}`.
pub async fn change_settings(State(cloud): State<Shared>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    if let Some(ms) = req["action_delay_ms"].as_u64() {
        cloud.settings.action_delay = Duration::from_millis(ms);
    }
    if let Some(s) = req["rate_limit_window_seconds"].as_u64() {
        cloud.settings.rate_limit_window = Duration::from_secs(s.max(1));
        cloud.windows.clear();
    }
    if let Some(n) = req["rate_limit_per_minute"].as_u64() {
        cloud.settings.rate_limit_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        cloud.windows.clear();
    }
    if let Some(n) = req["rate_limit_per_hour"].as_u64() {
        cloud.settings.rate_limit_per_hour = u32::try_from(n).unwrap_or(u32::MAX);
        cloud.windows.clear();
    }
    no_content()
}
