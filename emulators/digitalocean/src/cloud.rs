//! One account (a token's team) and how its actions run their course.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

use crate::backups::Policy;
use crate::catalog;
use crate::images::{self, Image};

/// A droplet as the emulator keeps it.
pub struct Droplet {
    pub id: u64,
    pub name: String,
    pub region: String,
    pub size: String,
    /// The id of the image it was made from.
    pub image: u64,
    /// `new`, `active` or `off`.
    pub status: String,
    pub created_at: String,
    pub tags: Vec<String>,
    /// The backup policy while backups are on.
    pub backups: Option<Policy>,
    pub monitoring: bool,
    pub ipv6: bool,
    pub agent: bool,
    pub vpc_uuid: String,
    pub public_ip: String,
    pub private_ip: String,
}

/// What an action does when it completes.
pub enum Effect {
    Create,
    PowerOff,
    PowerOn,
    Resize(String),
    Rename(String),
    /// Backups on with this policy, or off.
    Backups(Option<Policy>),
    EnableIpv6,
    /// No change: every droplet has private networking.
    PrivateNetworking,
    AssignIp {
        ip: String,
        droplet: u64,
    },
    UnassignIp(String),
    /// The droplet is gone: its reserved IP unassigned, its firewalls left.
    Destroy,
}

/// An action: `in-progress` for the configured delay, then `completed` (its effect
/// applied) or `errored`.
pub struct Action {
    pub id: u64,
    pub kind: String,
    pub resource_id: u64,
    pub resource_type: &'static str,
    pub region: String,
    pub started: Instant,
    pub started_at: String,
    pub completed_at: Option<String>,
    pub status: &'static str,
    pub fails: bool,
    pub effect: Option<Effect>,
}

/// Everything in one emulated account.
pub struct Cloud {
    /// The account's and its team's ids, and its email, made from its token.
    pub uuid: String,
    pub team_uuid: String,
    pub email: String,
    /// How many droplets the account may have at once (`/v2/account`'s `droplet_limit`).
    pub droplet_limit: u64,
    ids: Arc<AtomicU64>,
    pub droplets: BTreeMap<u64, Droplet>,
    pub images: BTreeMap<u64, Image>,
    pub actions: BTreeMap<u64, Action>,
    pub tags: BTreeMap<String, ()>,
    pub keys: BTreeMap<u64, Value>,
    pub domains: BTreeMap<String, Value>,
    pub records: BTreeMap<u64, (String, Value)>,
    pub firewalls: BTreeMap<String, Value>,
    /// Reserved IP -> (region, assigned droplet).
    pub reserved_ips: BTreeMap<String, (String, Option<u64>)>,
    /// Action types whose next action ends `errored` (set through `/emulator`).
    pub fail_next: Vec<String>,
    /// Requests whose answer is lost: carried out, then answered with an error status
    /// instead (set through `/emulator/lose-next-answer`).
    pub lose_next: Vec<LostAnswer>,
}

/// The next request of `method` to `path` is carried out and answered with `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostAnswer {
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// Now, as DigitalOcean writes times.
pub fn timestamp() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// A reserved IP as the number its actions name as their `resource_id`.
pub fn ip_number(ip: &str) -> u64 {
    ip.parse::<Ipv4Addr>()
        .map(|a| u64::from(u32::from(a)))
        .unwrap_or_default()
}

impl Cloud {
    /// The account a token opens, numbering what it makes from the shared `ids`.
    pub fn new(token: &str, ids: Arc<AtomicU64>, droplet_limit: u64) -> Cloud {
        let account = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, token.as_bytes());
        let team = uuid::Uuid::new_v5(&account, b"team");
        Cloud {
            uuid: account.simple().to_string(),
            team_uuid: team.simple().to_string(),
            email: format!("sammy+{}@example.com", &account.simple().to_string()[..8]),
            droplet_limit,
            ids,
            droplets: BTreeMap::new(),
            images: images::seeds(),
            actions: BTreeMap::new(),
            tags: BTreeMap::new(),
            keys: BTreeMap::new(),
            domains: BTreeMap::new(),
            records: BTreeMap::new(),
            firewalls: BTreeMap::new(),
            reserved_ips: BTreeMap::new(),
            fail_next: Vec::new(),
            lose_next: Vec::new(),
        }
    }

    /// The status to answer a request of `method` to `path` with, if its answer is to be
    /// lost (once).
    pub fn lose_answer(&mut self, method: &str, path: &str) -> Option<u16> {
        let i = self
            .lose_next
            .iter()
            .position(|l| l.method.eq_ignore_ascii_case(method) && l.path == path)?;
        Some(self.lose_next.remove(i).status)
    }

    pub fn next_id(&mut self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Whether a resource has an action in progress.
    pub fn busy(&self, resource_type: &str, id: u64) -> bool {
        self.actions.values().any(|a| {
            a.resource_type == resource_type && a.resource_id == id && a.status == "in-progress"
        })
    }

    /// Whether a droplet has an action in progress.
    pub fn locked(&self, droplet: u64) -> bool {
        self.busy("droplet", droplet)
    }

    /// Whether a droplet is being destroyed: still listed, but going.
    pub fn destroying(&self, droplet: u64) -> bool {
        self.actions
            .values()
            .any(|a| a.resource_id == droplet && a.kind == "destroy" && a.status == "in-progress")
    }

    /// Starts an action on a resource; it takes effect when it completes.
    pub fn start_action(
        &mut self,
        kind: &str,
        resource_type: &'static str,
        resource_id: u64,
        region: &str,
        effect: Effect,
    ) -> u64 {
        let id = self.next_id();
        let fails = match self.fail_next.iter().position(|t| t == kind) {
            Some(i) => {
                self.fail_next.remove(i);
                true
            }
            None => false,
        };
        self.actions.insert(
            id,
            Action {
                id,
                kind: kind.to_string(),
                resource_id,
                resource_type,
                region: region.to_string(),
                started: Instant::now(),
                started_at: timestamp(),
                completed_at: None,
                status: "in-progress",
                fails,
                effect: Some(effect),
            },
        );
        id
    }

    /// Completes every action that has run for `delay`.
    pub fn tick(&mut self, delay: Duration) {
        let due: Vec<u64> = self
            .actions
            .values()
            .filter(|a| a.status == "in-progress" && a.started.elapsed() >= delay)
            .map(|a| a.id)
            .collect();
        for id in due {
            let action = self.actions.get_mut(&id).expect("due actions exist");
            action.completed_at = Some(timestamp());
            let effect = action.effect.take();
            if action.fails {
                action.status = "errored";
                continue;
            }
            action.status = "completed";
            let resource = action.resource_id;
            if let Some(effect) = effect {
                self.apply(resource, effect);
            }
        }
    }

    fn apply(&mut self, droplet: u64, effect: Effect) {
        match effect {
            Effect::AssignIp { ip, droplet } => {
                if let Some(entry) = self.reserved_ips.get_mut(&ip) {
                    entry.1 = Some(droplet);
                }
                return;
            }
            Effect::UnassignIp(ip) => {
                if let Some(entry) = self.reserved_ips.get_mut(&ip) {
                    entry.1 = None;
                }
                return;
            }
            Effect::Destroy => return self.remove_droplet(droplet),
            _ => {}
        }
        let Some(d) = self.droplets.get_mut(&droplet) else {
            return;
        };
        match effect {
            Effect::Create | Effect::PowerOn => d.status = "active".into(),
            Effect::PowerOff => d.status = "off".into(),
            Effect::Resize(size) => d.size = size,
            Effect::Rename(name) => d.name = name,
            Effect::Backups(policy) => d.backups = policy,
            Effect::EnableIpv6 => d.ipv6 = true,
            Effect::PrivateNetworking
            | Effect::AssignIp { .. }
            | Effect::UnassignIp(_)
            | Effect::Destroy => {}
        }
    }

    fn remove_droplet(&mut self, id: u64) {
        self.droplets.remove(&id);
        for (_, assigned) in self.reserved_ips.values_mut() {
            if *assigned == Some(id) {
                *assigned = None;
            }
        }
        for fw in self.firewalls.values_mut() {
            if let Some(ids) = fw["droplet_ids"].as_array_mut() {
                ids.retain(|d| d.as_u64() != Some(id));
            }
        }
    }

    /// A droplet as DigitalOcean answers with it.
    pub fn droplet_json(&self, d: &Droplet) -> Value {
        let size = catalog::size(&d.size).unwrap_or(Value::Null);
        let mut v4 = vec![
            json!({"ip_address": d.public_ip, "netmask": "255.255.240.0", "gateway": "10.0.0.1", "type": "public"}),
            json!({"ip_address": d.private_ip, "netmask": "255.255.0.0", "gateway": "10.132.0.1", "type": "private"}),
        ];
        if let Some((ip, _)) = self
            .reserved_ips
            .iter()
            .find(|(_, (_, assigned))| *assigned == Some(d.id))
        {
            v4.push(json!({"ip_address": ip, "netmask": "255.255.240.0", "gateway": "10.0.0.1", "type": "public"}));
        }
        let v6 = if d.ipv6 {
            vec![
                json!({"ip_address": format!("2604:a880:400:d1::{:x}:{:x}", d.id >> 16, d.id & 0xffff), "netmask": 64, "gateway": "2604:a880:400:d1::1", "type": "public"}),
            ]
        } else {
            vec![]
        };
        let mut features = vec!["private_networking"];
        if d.backups.is_some() {
            features.push("backups");
        }
        if d.ipv6 {
            features.push("ipv6");
        }
        if d.monitoring {
            features.push("monitoring");
        }
        if d.agent {
            features.push("droplet_agent");
        }
        json!({
            "id": d.id,
            "name": d.name,
            "memory": size["memory"],
            "vcpus": size["vcpus"],
            "disk": size["disk"],
            "locked": self.locked(d.id),
            "status": d.status,
            "kernel": null,
            "created_at": d.created_at,
            "features": features,
            "backup_ids": [],
            "next_backup_window": d.backups.as_ref().map(|p| p.next_window(SystemTime::now())),
            "snapshot_ids": [],
            "image": self.images.get(&d.image).map(Image::json),
            "volume_ids": [],
            "size": size,
            "size_slug": d.size,
            "networks": {"v4": v4, "v6": v6},
            "region": catalog::region(&d.region),
            "tags": d.tags,
            "vpc_uuid": d.vpc_uuid,
        })
    }

    /// An action as DigitalOcean answers with it.
    pub fn action_json(&self, a: &Action) -> Value {
        json!({
            "id": a.id,
            "status": a.status,
            "type": a.kind,
            "started_at": a.started_at,
            "completed_at": a.completed_at,
            "resource_id": a.resource_id,
            "resource_type": a.resource_type,
            "region": catalog::region(&a.region),
            "region_slug": a.region,
        })
    }

    /// A reserved IP as DigitalOcean answers with it.
    pub fn reserved_ip_json(&self, ip: &str) -> Option<Value> {
        let (region, droplet) = self.reserved_ips.get(ip)?;
        Some(json!({
            "ip": ip,
            "region": catalog::region(region),
            "droplet": droplet
                .and_then(|id| self.droplets.get(&id))
                .map(|d| self.droplet_json(d)),
            "locked": self.busy("reserved_ip", ip_number(ip)),
            "project_id": "746c6152-2fa2-11ed-92d3-27aaa54e4988",
        }))
    }
}
