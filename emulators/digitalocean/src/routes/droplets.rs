//! Droplets and their actions.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::session::Session;
use super::{Params, answer, body, listing};
use crate::backups::Policy;
use crate::catalog;
use crate::cloud::{Cloud, Droplet, Effect, timestamp};
use crate::http::{no_content, not_found, unprocessable};

fn valid_hostname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// An image named by slug or numeric id.
fn image_key(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The id of an SSH key named by id or fingerprint, if the account has it.
fn ssh_key_id(cloud: &Cloud, v: &Value) -> Option<u64> {
    cloud.keys.iter().find_map(|(id, key)| {
        let matches = match v {
            Value::Number(n) => n.as_u64() == Some(*id),
            Value::String(s) => key["fingerprint"] == *s || s.parse::<u64>().ok() == Some(*id),
            _ => false,
        };
        matches.then_some(*id)
    })
}

/// `POST /v2/droplets`: one (`name`) or several (`names`).
pub async fn create(cloud: Session, query: Params, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let names: Vec<String> = match (&req["name"], &req["names"]) {
        (Value::String(n), _) => vec![n.clone()],
        (_, Value::Array(ns)) => ns
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        _ => return unprocessable("Name is required."),
    };
    if names.is_empty() || names.len() > 10 {
        return unprocessable("You may create between 1 and 10 Droplets at a time.");
    }
    if let Some(bad) = names.iter().find(|n| !valid_hostname(n)) {
        return unprocessable(format!(
            "Name {bad:?} is invalid: only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
        ));
    }
    let region = req["region"].as_str().unwrap_or_default().to_string();
    if catalog::region(&region).is_none() {
        return unprocessable("You specified an invalid region for Droplet creation.");
    }
    let size = req["size"].as_str().unwrap_or_default().to_string();
    if catalog::size(&size).is_none() {
        return unprocessable("You specified an invalid size for Droplet creation.");
    }
    // Only images offered now: a superseded one is no longer available to new droplets.
    let Some(image) = image_key(&req["image"])
        .and_then(|key| cloud.image(&key))
        .filter(|i| i.public)
        .map(|i| i.id)
    else {
        return unprocessable("You specified an invalid image for Droplet creation.");
    };
    for key in req["ssh_keys"].as_array().into_iter().flatten() {
        if ssh_key_id(&cloud, key).is_none() {
            return unprocessable(format!("The SSH key {key} does not exist on your account."));
        }
    }
    let backups = match (
        req["backups"].as_bool().unwrap_or(false),
        &req["backup_policy"],
    ) {
        (false, Value::Null) => None,
        (false, _) => {
            return unprocessable("backup_policy can only be set when backups are enabled.");
        }
        (true, policy) => match Policy::from_request(policy) {
            Ok(p) => Some(p),
            Err(message) => return unprocessable(message),
        },
    };
    let tags: Vec<String> = req["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    for t in &tags {
        cloud.tags.insert(t.clone(), ());
    }
    if cloud.droplets.len() + names.len() > cloud.droplet_limit as usize {
        return unprocessable("creating this/these droplet(s) will exceed your droplet limit");
    }
    let mut droplets = Vec::new();
    let mut actions = Vec::new();
    for name in names {
        let id = cloud.next_id();
        let droplet = Droplet {
            id,
            name,
            region: region.clone(),
            size: size.clone(),
            image,
            status: "new".into(),
            created_at: timestamp(),
            tags: tags.clone(),
            backups: backups.clone(),
            monitoring: req["monitoring"].as_bool().unwrap_or(false),
            ipv6: req["ipv6"].as_bool().unwrap_or(false),
            agent: req["with_droplet_agent"].as_bool().unwrap_or(true),
            vpc_uuid: req["vpc_uuid"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("5a4981aa-0000-4000-8000-{region:0>12}")),
            public_ip: format!("159.89.{}.{}", (id >> 8) & 0xff, id & 0xff),
            private_ip: format!("10.132.{}.{}", (id >> 8) & 0xff, id & 0xff),
        };
        let action = cloud.start_action("create", "droplet", id, &region, Effect::Create);
        droplets.push(cloud.droplet_json(&droplet));
        cloud.droplets.insert(id, droplet);
        actions.push(query.action_link(action, "create"));
    }
    let body = if droplets.len() == 1 && req["name"].is_string() {
        json!({"droplet": droplets[0], "links": {"actions": actions}})
    } else {
        json!({"droplets": droplets, "links": {"actions": actions}})
    };
    answer(StatusCode::ACCEPTED, body)
}

/// `GET /v2/droplets`, optionally `?tag_name=` or `?name=` (exact, ignoring case).
pub async fn list(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let tag = query.get("tag_name");
    let name = query.get("name");
    let items = cloud
        .droplets
        .values()
        .filter(|d| tag.is_none_or(|t| d.tags.contains(t)))
        .filter(|d| name.is_none_or(|n| d.name.eq_ignore_ascii_case(n)))
        .map(|d| cloud.droplet_json(d))
        .collect();
    listing("/v2/droplets", &query, "droplets", items)
}

/// `GET /v2/droplets/{id}`.
pub async fn get(cloud: Session, Path(id): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match id.parse().ok().and_then(|id: u64| cloud.droplets.get(&id)) {
        Some(d) => answer(StatusCode::OK, json!({"droplet": cloud.droplet_json(d)})),
        None => not_found(),
    }
}

/// `GET /v2/droplets/{id}/backups/policy`.
pub async fn backup_policy(cloud: Session, Path(id): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let Some(d) = id.parse().ok().and_then(|id: u64| cloud.droplets.get(&id)) else {
        return not_found();
    };
    let mut policy = json!({"droplet_id": d.id, "backup_enabled": d.backups.is_some()});
    if let Some(p) = &d.backups {
        policy["backup_policy"] = p.json();
        policy["next_backup_window"] = p.next_window(std::time::SystemTime::now());
    }
    answer(StatusCode::OK, json!({"policy": policy}))
}

/// Starts destroying a droplet: DigitalOcean answers 204 at once, and the droplet
/// stays listed (locked, its status as it was) until its `destroy` action completes.
fn destroy(cloud: &mut Cloud, id: u64) {
    if cloud.destroying(id) {
        return;
    }
    let region = cloud.droplets[&id].region.clone();
    cloud.start_action("destroy", "droplet", id, &region, Effect::Destroy);
}

/// `DELETE /v2/droplets/{id}`.
pub async fn delete(cloud: Session, Path(id): Path<String>) -> Response {
    let mut cloud = cloud.lock().expect("cloud lock");
    match id
        .parse::<u64>()
        .ok()
        .filter(|id| cloud.droplets.contains_key(id))
    {
        Some(id) => {
            destroy(&mut cloud, id);
            no_content()
        }
        None => not_found(),
    }
}

/// `DELETE /v2/droplets?tag_name=`.
pub async fn delete_by_tag(cloud: Session, query: Params) -> Response {
    let Some(tag) = query.get("tag_name") else {
        return unprocessable("tag_name is required to delete Droplets in bulk.");
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let ids: Vec<u64> = cloud
        .droplets
        .values()
        .filter(|d| d.tags.contains(tag))
        .map(|d| d.id)
        .collect();
    for id in ids {
        destroy(&mut cloud, id);
    }
    no_content()
}

/// `POST /v2/droplets/{id}/actions`.
pub async fn action(cloud: Session, Path(id): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let Some(d) = id.parse().ok().and_then(|id: u64| cloud.droplets.get(&id)) else {
        return not_found();
    };
    let (id, region, status, size) = (d.id, d.region.clone(), d.status.clone(), d.size.clone());
    let backups_on = d.backups.is_some();
    if cloud.locked(id) {
        return unprocessable("Droplet already has a pending event.");
    }
    let kind = req["type"].as_str().unwrap_or_default().to_string();
    let effect = match kind.as_str() {
        "rename" => match req["name"].as_str().filter(|n| valid_hostname(n)) {
            Some(n) => Effect::Rename(n.to_string()),
            None => return unprocessable("Name is invalid."),
        },
        "resize" => {
            let new = req["size"].as_str().unwrap_or_default();
            let (Some(to), Some(from)) = (catalog::size(new), catalog::size(&size)) else {
                return unprocessable("You specified an invalid size for Droplet resize.");
            };
            if status != "off" {
                return unprocessable("Droplet must be powered off before resizing.");
            }
            if req["disk"].as_bool() == Some(true) && to["disk"].as_u64() < from["disk"].as_u64() {
                return unprocessable("This size is not available because it has a smaller disk.");
            }
            Effect::Resize(new.to_string())
        }
        // DigitalOcean refuses to power off a droplet that is off (Terraform's provider
        // looks for this message); a shutdown of one is accepted.
        "power_off" if status == "off" => {
            return unprocessable("Droplet is already powered off.");
        }
        "power_off" | "shutdown" => Effect::PowerOff,
        "power_on" => Effect::PowerOn,
        "enable_backups" | "change_backup_policy" => {
            if kind == "change_backup_policy" && !backups_on {
                return unprocessable("Backups are not enabled for this Droplet.");
            }
            match Policy::from_request(&req["backup_policy"]) {
                Ok(p) => Effect::Backups(Some(p)),
                Err(message) => return unprocessable(message),
            }
        }
        "disable_backups" => Effect::Backups(None),
        // Every droplet is in a VPC with a private address already.
        "enable_private_networking" => Effect::PrivateNetworking,
        "enable_ipv6" => Effect::EnableIpv6,
        _ => return unprocessable(format!("Type {kind:?} is not included in the list.")),
    };
    let action = cloud.start_action(&kind, "droplet", id, &region, effect);
    let json = cloud.action_json(&cloud.actions[&action]);
    answer(StatusCode::CREATED, json!({"action": json}))
}
