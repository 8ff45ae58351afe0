//! `iac adopt` on objects made by hand, over HTTP on the DigitalOcean emulator: the
//! written files parse, hold references where the objects name each other, the first
//! plan only imports, and after `apply` a plan with `-detailed-exitcode` exits 0.

use std::time::Duration;

use iac_e2e::{Emulator, Stack};
use serde_json::json;

/// Makes a droplet over HTTP and waits until it has its address.
fn droplet(stack: &Stack, name: &str, tags: &[&str]) -> (u64, String) {
    let body = json!({
        "name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
        "ssh_keys": [], "backups": false, "monitoring": false, "ipv6": false, "tags": tags,
    });
    let (status, made) = stack.digitalocean("POST", "/v2/droplets", Some(&body));
    assert_eq!(status, 202, "{made}");
    let id = made["droplet"]["id"].as_u64().expect("an id");
    for _ in 0..100 {
        let (_, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
        if d["droplet"]["status"] == "active"
            && let Some(ip) = d["droplet"]["networks"]["v4"]
                .as_array()
                .and_then(|n| n.iter().find(|a| a["type"] == "public"))
                .and_then(|a| a["ip_address"].as_str())
        {
            return (id, ip.to_string());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("droplet {name} never became active");
}

#[test]
fn adopting_hand_made_droplets_a_domain_and_a_firewall_plans_clean() {
    let stack = Stack::new(Emulator::DigitalOcean, &[]);
    let (web, web_ip) = droplet(&stack, "web-1", &["web"]);
    let (db, _) = droplet(&stack, "db-1", &["db"]);
    let (status, d) = stack.digitalocean(
        "POST",
        "/v2/domains",
        Some(&json!({"name": "adopt.example.com"})),
    );
    assert_eq!(status, 201, "{d}");
    let (status, r) = stack.digitalocean(
        "POST",
        "/v2/domains/adopt.example.com/records",
        Some(&json!({"type": "A", "name": "www", "data": web_ip, "ttl": 1800})),
    );
    assert_eq!(status, 201, "{r}");
    let rules = json!({
        "name": "web",
        "droplet_ids": [web, db],
        "inbound_rules": [{"protocol": "tcp", "ports": "443", "sources": {"addresses": ["0.0.0.0/0"]}}],
        "outbound_rules": [{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}],
    });
    let (status, f) = stack.digitalocean("POST", "/v2/firewalls", Some(&rules));
    assert_eq!(status, 202, "{f}");

    let adopt = stack
        .iac(&["adopt", ".", "--provider", "digitalocean"])
        .expect(0);
    assert!(adopt.stdout.contains("Adopted"), "{}", adopt.stdout);

    let read = |name: &str| {
        std::fs::read_to_string(stack.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", adopt.stdout))
    };
    let (network, dns, compute) = (read("network.tf"), read("dns.tf"), read("compute.tf"));
    for text in [
        &network,
        &dns,
        &compute,
        &read("imports.tf"),
        &read("providers.tf"),
    ] {
        hcl_edit::parser::parse_body(text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    }
    // References, never the ids or addresses of adopted objects, outside imports.tf.
    for literal in [web.to_string(), db.to_string(), web_ip.clone()] {
        for text in [&network, &dns, &compute] {
            assert!(
                !text.contains(&literal),
                "{literal} is written literally:\n{text}"
            );
        }
    }
    assert!(
        network.contains("digitalocean_droplet.web_1.id"),
        "{network}"
    );
    assert!(
        network.contains("digitalocean_droplet.db_1.id"),
        "{network}"
    );
    assert!(
        dns.contains("digitalocean_droplet.web_1.ipv4_address"),
        "{dns}"
    );
    assert!(
        dns.contains("digitalocean_domain.adopt_example_com.name"),
        "{dns}"
    );

    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout
            .contains("to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);

    // Adopting again into the same folder writes nothing.
    let again = stack
        .iac(&["adopt", ".", "--provider", "digitalocean"])
        .expect(1);
    assert!(again.stderr.contains("already exist"), "{}", again.stderr);
}
