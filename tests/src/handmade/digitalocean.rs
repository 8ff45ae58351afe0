//! Insync's 21 droplets as they were made by hand over HTTP on the DigitalOcean
//! emulator: an SSH key, role tags, the droplets (most in NYC2, radar-2 in SGP1), the
//! names of the notes in four domains, and the firewall that makes ct1 the way in.

use serde_json::{Value, json};

use super::Made;
use crate::Stack;

const PUBLIC_KEY: &str = include_str!("../../tests/e2e_key.pub");

/// Droplet name => role tag, as the team's notes list them.
pub const DROPLETS: [(&str, &str); 21] = [
    ("ct1", "gateway"),
    ("beanstalkd", "queue"),
    ("web-lb02", "web"),
    ("web02", "web"),
    ("license01", "license"),
    ("license02", "license"),
    ("db", "db"),
    ("db-slave02", "db"),
    ("redis", "redis"),
    ("dev", "dev"),
    ("sentry", "monitoring"),
    ("radar-2", "monitoring"),
    ("drone", "ci"),
    ("drone-test", "ci"),
    ("mrkr-web-lb", "web"),
    ("wiki", "web"),
    ("insynchq-support", "web"),
    ("staging", "staging"),
    ("insynchq-web-staging", "staging"),
    ("dev02", "dev"),
    ("sendy", "mail"),
];

/// Name in a domain => the droplet that serves it.
const RECORDS: [(&str, &str, &str); 8] = [
    ("insynchq.com", "jobs", "ct1"),
    ("insynchq.com", "blog", "ct1"),
    ("insynchq.com", "hg", "dev"),
    ("insynchq.com", "wiki", "wiki"),
    ("insynchq.com", "forums", "insynchq-support"),
    ("insynchq.com", "beta", "insynchq-web-staging"),
    ("insynchq-test.com", "www", "staging"),
    ("mrkr.io", "@", "mrkr-web-lb"),
];

fn ok(stack: &Stack, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = stack.digitalocean(method, path, Some(&body));
    assert!(
        (200..300).contains(&status),
        "{method} {path} answered {status}: {answer}"
    );
    answer
}

/// Makes Insync's system in `stack`'s account.
pub fn insync(stack: &Stack) -> Made {
    let mut made = Made::default();
    let key = ok(
        stack,
        "POST",
        "/v2/account/keys",
        json!({"name": "ops", "public_key": PUBLIC_KEY.trim()}),
    );
    made.id(key["ssh_key"]["id"].to_string());
    made.count("digitalocean_ssh_key", 1);
    let mut roles: Vec<&str> = DROPLETS.iter().map(|(_, role)| *role).collect();
    roles.sort();
    roles.dedup();
    for tag in roles.iter().copied().chain(["internal"]) {
        ok(stack, "POST", "/v2/tags", json!({"name": tag}));
        made.count("digitalocean_tag", 1);
    }
    let mut ids = Vec::new();
    for (name, role) in DROPLETS {
        let region = if name == "radar-2" { "sgp1" } else { "nyc2" };
        let mut tags = vec![role];
        if role != "gateway" {
            tags.push("internal");
        }
        let droplet = ok(
            stack,
            "POST",
            "/v2/droplets",
            json!({
                "name": name,
                "region": region,
                "size": if role == "db" { "s-4vcpu-8gb" } else { "s-1vcpu-1gb" },
                "image": "ubuntu-22-04-x64",
                "ssh_keys": [key["ssh_key"]["id"]],
                "tags": tags,
                "monitoring": role == "db" || name == "ct1",
                "backups": name == "db",
            }),
        );
        let id = droplet["droplet"]["id"].to_string();
        ids.push((name, made.id(id)));
        made.count("digitalocean_droplet", 1);
    }
    let address = |name: &str| -> String {
        let id = &ids.iter().find(|(n, _)| *n == name).unwrap().1;
        for _ in 0..200 {
            let (_, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
            if let Some(ip) = d["droplet"]["networks"]["v4"]
                .as_array()
                .and_then(|v| v.iter().find(|n| n["type"] == "public"))
            {
                return ip["ip_address"].as_str().unwrap().to_string();
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("droplet {name} got no public address");
    };
    let mut domains: Vec<&str> = RECORDS.iter().map(|(d, _, _)| *d).collect();
    domains.sort();
    domains.dedup();
    for domain in &domains {
        ok(stack, "POST", "/v2/domains", json!({"name": domain}));
        made.count("digitalocean_domain", 1);
    }
    for (domain, name, droplet) in RECORDS {
        let record = ok(
            stack,
            "POST",
            &format!("/v2/domains/{domain}/records"),
            json!({"type": "A", "name": name, "data": made.id(address(droplet)), "ttl": 1800}),
        );
        made.id(record["domain_record"]["id"].to_string());
        made.count("digitalocean_record", 1);
    }
    let ct1 = ids.iter().find(|(n, _)| *n == "ct1").unwrap().1.clone();
    let firewall = ok(
        stack,
        "POST",
        "/v2/firewalls",
        json!({
            "name": "ct1-ssh",
            "droplet_ids": [ct1.parse::<u64>().unwrap()],
            "inbound_rules": [
                {"protocol": "tcp", "ports": "58878", "sources": {"addresses": ["0.0.0.0/0", "::/0"]}}
            ],
            "outbound_rules": [
                {"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0", "::/0"]}}
            ],
        }),
    );
    made.id(firewall["firewall"]["id"].as_str().unwrap());
    made.count("digitalocean_firewall", 1);
    made
}
