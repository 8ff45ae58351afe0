//! Domains and their records, firewalls, and reserved IPs.

use std::net::{Ipv4Addr, Ipv6Addr};

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::session::Session;
use super::{Params, answer, body, listing};
use crate::catalog;
use crate::cloud::{Cloud, Effect, ip_number, timestamp};
use crate::http::{no_content, not_found, unprocessable};

const RECORD_TYPES: [&str; 8] = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"];

fn add_record(cloud: &mut Cloud, domain: &str, mut record: Value) -> Value {
    let id = cloud.next_id();
    record["id"] = id.into();
    cloud
        .records
        .insert(id, (domain.to_string(), record.clone()));
    record
}

pub async fn create_domain(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(name) = req["name"].as_str().filter(|n| n.contains('.')) else {
        return unprocessable("Name is invalid.");
    };
    let name = name.to_lowercase();
    let mut cloud = cloud.lock().expect("cloud lock");
    if cloud.domains.contains_key(&name) {
        return unprocessable("Name already exists");
    }
    let domain = json!({"name": name, "ttl": 1800, "zone_file": ""});
    cloud.domains.insert(name.clone(), domain.clone());
    for ns in ["ns1", "ns2", "ns3"] {
        let r = json!({"type": "NS", "name": "@", "data": format!("{ns}.digitalocean.com"), "priority": null, "port": null, "ttl": 1800, "weight": null, "flags": null, "tag": null});
        add_record(&mut cloud, &name, r);
    }
    let soa = json!({"type": "SOA", "name": "@", "data": "1800", "priority": null, "port": null, "ttl": 1800, "weight": null, "flags": null, "tag": null});
    add_record(&mut cloud, &name, soa);
    if let Some(ip) = req["ip_address"].as_str() {
        let a = json!({"type": "A", "name": "@", "data": ip, "priority": null, "port": null, "ttl": 1800, "weight": null, "flags": null, "tag": null});
        add_record(&mut cloud, &name, a);
    }
    answer(StatusCode::CREATED, json!({"domain": domain}))
}

pub async fn get_domain(cloud: Session, Path(name): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match cloud.domains.get(&name) {
        Some(d) => answer(StatusCode::OK, json!({"domain": d})),
        None => not_found(),
    }
}

pub async fn list_domains(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let items = cloud.domains.values().cloned().collect();
    listing("/v2/domains", &query, "domains", items)
}

pub async fn delete_domain(cloud: Session, Path(name): Path<String>) -> Response {
    let mut cloud = cloud.lock().expect("cloud lock");
    if cloud.domains.remove(&name).is_none() {
        return not_found();
    }
    cloud.records.retain(|_, (d, _)| *d != name);
    no_content()
}

/// The data of a record whose data is a host name (CNAME, MX, NS, SRV, and CAA but for
/// `iodef`, whose data is a URL) as DigitalOcean keeps it: it must be fully qualified,
/// with the trailing dot (or `@`, the domain itself), and is stored and answered
/// without the dot. Other records' data is kept as given.
fn hostname_data(kind: &str, tag: Option<&str>, data: &str) -> Result<String, Box<Response>> {
    let host =
        matches!(kind, "CNAME" | "MX" | "NS" | "SRV") || (kind == "CAA" && tag != Some("iodef"));
    if !host || data == "@" {
        return Ok(data.to_string());
    }
    match data.strip_suffix('.') {
        Some(name) if !name.is_empty() => Ok(name.to_string()),
        _ => Err(Box::new(unprocessable("Data needs to end with a dot (.)"))),
    }
}

/// A record's fields checked against its type; the record to store, or a 422.
fn checked_record(req: &Value, prior: Option<&Value>) -> Result<Value, Box<Response>> {
    let field = |k: &str| match &req[k] {
        Value::Null => prior.map_or(Value::Null, |p| p[k].clone()),
        v => v.clone(),
    };
    let kind = field("type").as_str().unwrap_or_default().to_string();
    if !RECORD_TYPES.contains(&kind.as_str()) {
        return Err(Box::new(unprocessable(format!(
            "Type must be one of {}.",
            RECORD_TYPES.join(", ")
        ))));
    }
    let data = field("data").as_str().unwrap_or_default().to_string();
    let valid = match kind.as_str() {
        "A" => data.parse::<Ipv4Addr>().is_ok(),
        "AAAA" => data.parse::<Ipv6Addr>().is_ok(),
        _ => !data.is_empty(),
    };
    if !valid {
        return Err(Box::new(unprocessable(format!(
            "Data {data:?} is not valid for a {kind} record."
        ))));
    }
    let data = hostname_data(&kind, field("tag").as_str(), &data)?;
    if matches!(kind.as_str(), "MX" | "SRV") && field("priority").is_null() {
        return Err(Box::new(unprocessable(format!(
            "Priority is required for {kind} records."
        ))));
    }
    Ok(json!({
        "type": kind,
        "name": field("name").as_str().unwrap_or("@"),
        "data": data,
        "priority": field("priority"),
        "port": field("port"),
        "ttl": field("ttl").as_u64().unwrap_or(1800),
        "weight": field("weight"),
        "flags": field("flags"),
        "tag": field("tag"),
    }))
}

pub async fn create_record(cloud: Session, Path(name): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    if !cloud.domains.contains_key(&name) {
        return not_found();
    }
    let record = match checked_record(&req, None) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let record = add_record(&mut cloud, &name, record);
    answer(StatusCode::CREATED, json!({"domain_record": record}))
}

fn record_of<'a>(cloud: &'a Cloud, domain: &str, id: &str) -> Option<(u64, &'a Value)> {
    let id: u64 = id.parse().ok()?;
    match cloud.records.get(&id) {
        Some((d, r)) if d == domain => Some((id, r)),
        _ => None,
    }
}

pub async fn get_record(cloud: Session, Path((name, id)): Path<(String, String)>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match record_of(&cloud, &name, &id) {
        Some((_, r)) => answer(StatusCode::OK, json!({"domain_record": r})),
        None => not_found(),
    }
}

pub async fn update_record(
    cloud: Session,
    Path((name, id)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let Some((id, prior)) = record_of(&cloud, &name, &id) else {
        return not_found();
    };
    let mut record = match checked_record(&req, Some(prior)) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    record["id"] = id.into();
    cloud.records.insert(id, (name, record.clone()));
    answer(StatusCode::OK, json!({"domain_record": record}))
}

pub async fn delete_record(cloud: Session, Path((name, id)): Path<(String, String)>) -> Response {
    let mut cloud = cloud.lock().expect("cloud lock");
    match record_of(&cloud, &name, &id).map(|(id, _)| id) {
        Some(id) => {
            cloud.records.remove(&id);
            no_content()
        }
        None => not_found(),
    }
}

/// A record's fully qualified name, as `?name=` takes it: `@` is the domain itself.
fn fqdn(name: &str, domain: &str) -> String {
    if name == "@" {
        domain.to_string()
    } else {
        format!("{}.{domain}", name.to_lowercase())
    }
}

/// `GET /v2/domains/{name}/records`, optionally `?type=` and `?name=` (a fully qualified
/// record name, as DigitalOcean's specification says: `www.example.com`).
pub async fn list_records(cloud: Session, Path(name): Path<String>, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    if !cloud.domains.contains_key(&name) {
        return not_found();
    }
    let items = cloud
        .records
        .values()
        .filter(|(d, r)| {
            *d == name
                && query.get("type").is_none_or(|t| r["type"] == *t)
                && query.get("name").is_none_or(|n| {
                    fqdn(r["name"].as_str().unwrap_or("@"), &name)
                        == n.trim_end_matches('.').to_lowercase()
                })
        })
        .map(|(_, r)| r.clone())
        .collect();
    listing(
        &format!("/v2/domains/{name}/records"),
        &query,
        "domain_records",
        items,
    )
}

/// Rules with ports as DigitalOcean keeps them: every port (`all`, or none for ICMP)
/// is `"0"`.
fn stored_ports(mut rules: Value) -> Value {
    for rule in rules.as_array_mut().into_iter().flatten() {
        if rule["ports"].is_null() || rule["ports"] == "all" {
            rule["ports"] = "0".into();
        }
    }
    rules
}

/// A firewall from a create or update body, or a 422.
fn checked_firewall(req: &Value, id: &str, created_at: &str) -> Result<Value, Box<Response>> {
    let Some(name) = req["name"].as_str().filter(|n| !n.is_empty()) else {
        return Err(Box::new(unprocessable("Name is required.")));
    };
    for rule in req["inbound_rules"]
        .as_array()
        .into_iter()
        .chain(req["outbound_rules"].as_array())
        .flatten()
    {
        if !matches!(rule["protocol"].as_str(), Some("tcp" | "udp" | "icmp")) {
            return Err(Box::new(unprocessable(
                "Protocol must be tcp, udp or icmp.",
            )));
        }
    }
    let list = |k: &str| {
        if req[k].is_array() {
            req[k].clone()
        } else {
            json!([])
        }
    };
    Ok(json!({
        "id": id,
        "name": name,
        "status": "succeeded",
        "created_at": created_at,
        "pending_changes": [],
        "inbound_rules": stored_ports(list("inbound_rules")),
        "outbound_rules": stored_ports(list("outbound_rules")),
        "droplet_ids": list("droplet_ids"),
        "tags": list("tags"),
    }))
}

/// Whether a firewall name is one DigitalOcean takes: an alphanumeric character, then
/// at least one more of letters, digits, `.` and `-`.
fn valid_firewall_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// What DigitalOcean refuses in a firewall beyond its shape: a bad name, no rules, a
/// tcp or udp rule without ports, or a tag the account does not have.
fn firewall_refusal(cloud: &Cloud, req: &Value) -> Option<Response> {
    let name = req["name"].as_str().unwrap_or_default();
    if !name.is_empty() && !valid_firewall_name(name) {
        return Some(unprocessable(format!(
            "name {name:?} is invalid: it must begin with a letter or digit and contain only letters, digits, periods (.) and dashes (-)"
        )));
    }
    let rules: Vec<(&Value, &str)> = [
        ("inbound_rules", "sources"),
        ("outbound_rules", "destinations"),
    ]
    .into_iter()
    .flat_map(|(key, side)| {
        req[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(move |r| (r, side))
    })
    .collect();
    if rules.is_empty() {
        return Some(unprocessable("At least one rule must be specified."));
    }
    for (rule, _) in &rules {
        let protocol = rule["protocol"].as_str().unwrap_or_default();
        if matches!(protocol, "tcp" | "udp") && rule["ports"].as_str().is_none_or(str::is_empty) {
            return Some(unprocessable(format!(
                "ports is required for {protocol} rules"
            )));
        }
    }
    let tags = req["tags"].as_array().into_iter().flatten().chain(
        rules
            .iter()
            .flat_map(|(rule, side)| rule[*side]["tags"].as_array().into_iter().flatten()),
    );
    for tag in tags.filter_map(Value::as_str) {
        if !cloud.tags.contains_key(tag) {
            return Some(unprocessable(format!("tag {tag:?} does not exist")));
        }
    }
    None
}

pub async fn create_firewall(cloud: Session, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let id = uuid::Uuid::new_v4().to_string();
    let fw = match checked_firewall(&req, &id, &timestamp()) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    if let Some(refused) = firewall_refusal(&cloud, &req) {
        return refused;
    }
    cloud.firewalls.insert(id, fw.clone());
    answer(StatusCode::ACCEPTED, json!({"firewall": fw}))
}

pub async fn get_firewall(cloud: Session, Path(id): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match cloud.firewalls.get(&id) {
        Some(f) => answer(StatusCode::OK, json!({"firewall": f})),
        None => not_found(),
    }
}

pub async fn update_firewall(cloud: Session, Path(id): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let Some(created_at) = cloud
        .firewalls
        .get(&id)
        .map(|f| f["created_at"].to_string())
    else {
        return not_found();
    };
    let fw = match checked_firewall(&req, &id, created_at.trim_matches('"')) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    if let Some(refused) = firewall_refusal(&cloud, &req) {
        return refused;
    }
    cloud.firewalls.insert(id, fw.clone());
    answer(StatusCode::OK, json!({"firewall": fw}))
}

pub async fn delete_firewall(cloud: Session, Path(id): Path<String>) -> Response {
    match cloud.lock().expect("cloud lock").firewalls.remove(&id) {
        Some(_) => no_content(),
        None => not_found(),
    }
}

pub async fn list_firewalls(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let items = cloud.firewalls.values().cloned().collect();
    listing("/v2/firewalls", &query, "firewalls", items)
}

/// DigitalOcean's answer to a second reserved IP for one droplet.
const RESERVED_IP_TAKEN: &str = "The Droplet already has a reserved IP assigned to it.";

/// Whether a droplet has, or is being given, a reserved IP other than `ip` (a droplet
/// holds at most one).
fn holds_other_ip(cloud: &Cloud, droplet: u64, ip: &str) -> bool {
    let assigned = cloud
        .reserved_ips
        .iter()
        .any(|(other, (_, assigned))| other != ip && *assigned == Some(droplet));
    // An assignment still in progress counts: it completes on its own.
    let assigning = cloud.actions.values().any(|a| {
        a.status == "in-progress"
            && matches!(&a.effect, Some(Effect::AssignIp { ip: other, droplet: d }) if other != ip && *d == droplet)
    });
    assigned || assigning
}

/// `POST /v2/reserved_ips`: in a region, or for a droplet (then assigned by an action,
/// the IP's `droplet` set when it completes, as on DigitalOcean).
pub async fn create_reserved_ip(cloud: Session, query: Params, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let (region, droplet) = match (req["droplet_id"].as_u64(), req["region"].as_str()) {
        (Some(id), _) if holds_other_ip(&cloud, id, "") => {
            return unprocessable(RESERVED_IP_TAKEN);
        }
        (Some(id), _) => match cloud.droplets.get(&id) {
            Some(d) => (d.region.clone(), Some(id)),
            None => return unprocessable("The droplet does not exist."),
        },
        (None, Some(r)) if catalog::region(r).is_some() => (r.to_string(), None),
        _ => return unprocessable("Either droplet_id or a valid region is required."),
    };
    let n = cloud.next_id();
    let ip = format!("45.55.{}.{}", (n >> 8) & 0xff, n & 0xff);
    cloud
        .reserved_ips
        .insert(ip.clone(), (region.clone(), None));
    let actions: Vec<Value> = droplet
        .map(|id| {
            let effect = Effect::AssignIp {
                ip: ip.clone(),
                droplet: id,
            };
            let action =
                cloud.start_action("assign_ip", "reserved_ip", ip_number(&ip), &region, effect);
            query.action_link(action, "assign_ip")
        })
        .into_iter()
        .collect();
    let droplets: Vec<Value> = droplet
        .map(|id| json!({"id": id, "rel": "droplet", "href": format!("{}/v2/droplets/{id}", query.origin)}))
        .into_iter()
        .collect();
    let reserved = cloud.reserved_ip_json(&ip).expect("just inserted");
    answer(
        StatusCode::ACCEPTED,
        json!({"reserved_ip": reserved, "links": {"droplets": droplets, "actions": actions}}),
    )
}

pub async fn get_reserved_ip(cloud: Session, Path(ip): Path<String>) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    match cloud.reserved_ip_json(&ip) {
        Some(r) => answer(StatusCode::OK, json!({"reserved_ip": r})),
        None => not_found(),
    }
}

pub async fn delete_reserved_ip(cloud: Session, Path(ip): Path<String>) -> Response {
    match cloud.lock().expect("cloud lock").reserved_ips.remove(&ip) {
        Some(_) => no_content(),
        None => not_found(),
    }
}

pub async fn list_reserved_ips(cloud: Session, query: Params) -> Response {
    let cloud = cloud.lock().expect("cloud lock");
    let items = cloud
        .reserved_ips
        .keys()
        .filter_map(|ip| cloud.reserved_ip_json(ip))
        .collect();
    listing("/v2/reserved_ips", &query, "reserved_ips", items)
}

/// `POST /v2/reserved_ips/{ip}/actions`: `assign` (with `droplet_id`) or `unassign`.
pub async fn reserved_ip_action(cloud: Session, Path(ip): Path<String>, bytes: Bytes) -> Response {
    let req = match body(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut cloud = cloud.lock().expect("cloud lock");
    let Some((region, _)) = cloud.reserved_ips.get(&ip).cloned() else {
        return not_found();
    };
    let (kind, effect) = match req["type"].as_str() {
        Some("assign") => match req["droplet_id"].as_u64() {
            Some(id) if holds_other_ip(&cloud, id, &ip) => {
                return unprocessable(RESERVED_IP_TAKEN);
            }
            Some(id) if cloud.droplets.get(&id).is_some_and(|d| d.region == region) => (
                "assign_ip",
                Effect::AssignIp {
                    ip: ip.clone(),
                    droplet: id,
                },
            ),
            Some(_) => {
                return unprocessable("The Droplet must exist and be in the reserved IP's region.");
            }
            None => return unprocessable("droplet_id is required."),
        },
        Some("unassign") => ("unassign_ip", Effect::UnassignIp(ip.clone())),
        _ => return unprocessable("Type must be assign or unassign."),
    };
    let action = cloud.start_action(kind, "reserved_ip", ip_number(&ip), &region, effect);
    let json = cloud.action_json(&cloud.actions[&action]);
    answer(StatusCode::CREATED, json!({"action": json}))
}
