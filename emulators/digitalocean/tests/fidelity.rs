//! Where DigitalOcean differs from a naive reading of its API, the emulator does too:
//! image slugs move to newer images, host names in DNS records need their trailing dot
//! and come back without it, a droplet that is off cannot be powered off, and firewalls
//! and reserved IPs are refused as DigitalOcean refuses them.

mod common;

use common::{Api, quick};
use serde_json::{Value, json};

/// What these tests do with a droplet, beyond the shared client.
trait Droplets {
    async fn act(&self, droplet: u64, body: Value) -> String;
    async fn droplet(&self, name: &str, image: &str) -> u64;
}

impl Droplets for Api {
    /// Runs a droplet action to its end; its final status.
    async fn act(&self, droplet: u64, body: Value) -> String {
        let (status, action) = self
            .post(&format!("/v2/droplets/{droplet}/actions"), body)
            .await;
        assert_eq!(status, 201, "{action}");
        self.settle(action["action"]["id"].as_u64().unwrap()).await
    }

    /// A droplet made from `image`, once active; its id.
    async fn droplet(&self, name: &str, image: &str) -> u64 {
        let (status, made) = self
            .post(
                "/v2/droplets",
                json!({"name": name, "region": "nyc2", "size": "s-1vcpu-1gb", "image": image}),
            )
            .await;
        assert_eq!(status, 202, "{made}");
        let action = made["links"]["actions"][0]["id"].as_u64().unwrap();
        assert_eq!(self.settle(action).await, "completed");
        made["droplet"]["id"].as_u64().unwrap()
    }
}

/// DigitalOcean's 422 with `message`.
fn refused(answer: &(u16, Value), message: &str) {
    assert_eq!(answer.0, 422, "{}", answer.1);
    assert_eq!(answer.1["id"], "unprocessable_entity");
    assert!(
        answer.1["message"].as_str().unwrap().contains(message),
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn a_slug_moves_to_a_newer_image_and_old_droplets_report_theirs_by_id() {
    let api = Api::new(quick()).await;
    let (_, before) = api.get("/v2/images/ubuntu-22-04-x64").await;
    let old = before["image"]["id"].as_u64().unwrap();
    let id = api.droplet("old-web", "ubuntu-22-04-x64").await;

    let (status, moved) = api
        .post("/emulator/images/ubuntu-22-04-x64/successor", json!({}))
        .await;
    assert_eq!(status, 201);
    let new = moved["image"]["id"].as_u64().unwrap();
    assert_ne!(new, old);
    assert_eq!(moved["image"]["slug"], "ubuntu-22-04-x64");
    assert_eq!(
        moved["image"]["distribution"],
        before["image"]["distribution"]
    );
    assert!(moved["image"]["created_at"].as_str() > before["image"]["created_at"].as_str());

    // The droplet still runs its image, which has lost the slug.
    let (_, d) = api.get(&format!("/v2/droplets/{id}")).await;
    assert_eq!(d["droplet"]["image"]["id"], old);
    assert_eq!(d["droplet"]["image"]["slug"], Value::Null);
    let (_, slug) = api.get("/v2/images/ubuntu-22-04-x64").await;
    assert_eq!(slug["image"]["id"], new);
    let (_, retired) = api.get(&format!("/v2/images/{old}")).await;
    assert_eq!(retired["image"]["slug"], Value::Null);
    let (_, listed) = api.get("/v2/images?per_page=200").await;
    let ids: Vec<&Value> = listed["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert!(ids.contains(&&json!(new)) && !ids.contains(&&json!(old)));

    // New droplets get the new image; the old one is no longer offered.
    let fresh = api.droplet("new-web", "ubuntu-22-04-x64").await;
    let (_, d) = api.get(&format!("/v2/droplets/{fresh}")).await;
    assert_eq!(d["droplet"]["image"]["id"], new);
    let by_old_id = api
        .post(
            "/v2/droplets",
            json!({"name": "x", "region": "nyc2", "size": "s-1vcpu-1gb", "image": old}),
        )
        .await;
    refused(&by_old_id, "invalid image");

    let (status, _) = api
        .post("/emulator/images/no-such-slug/successor", json!({}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn host_names_in_records_need_their_trailing_dot_and_come_back_without_it() {
    let api = Api::new(quick()).await;
    let (status, _) = api
        .post("/v2/domains", json!({"name": "fidelity.example"}))
        .await;
    assert_eq!(status, 201);
    let records = "/v2/domains/fidelity.example/records";
    for (kind, extra) in [
        ("CNAME", json!({})),
        ("MX", json!({"priority": 10})),
        ("NS", json!({})),
        ("SRV", json!({"priority": 1, "port": 5060, "weight": 1})),
    ] {
        let mut body = json!({"type": kind, "name": "x", "data": "target.example.org"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        refused(
            &api.post(records, body.clone()).await,
            "Data needs to end with a dot (.)",
        );
        body["data"] = json!("target.example.org.");
        let (status, made) = api.post(records, body).await;
        assert_eq!(status, 201, "{kind}: {made}");
        assert_eq!(
            made["domain_record"]["data"], "target.example.org",
            "{kind}"
        );
        let id = made["domain_record"]["id"].as_u64().unwrap();
        let (_, got) = api.get(&format!("{records}/{id}")).await;
        assert_eq!(got["domain_record"]["data"], "target.example.org", "{kind}");
    }
    // `@` is the domain itself; an A record's data is an address, kept as given.
    let (status, apex) = api
        .post(
            records,
            json!({"type": "CNAME", "name": "www", "data": "@"}),
        )
        .await;
    assert_eq!((status, &apex["domain_record"]["data"]), (201, &json!("@")));
    let (status, a) = api
        .post(
            records,
            json!({"type": "A", "name": "a", "data": "192.0.2.1"}),
        )
        .await;
    assert_eq!(
        (status, &a["domain_record"]["data"]),
        (201, &json!("192.0.2.1"))
    );
    // An update that leaves the data out keeps the stored data, which has no dot: as on
    // DigitalOcean, it is refused.
    let id = apex["domain_record"]["id"].as_u64().unwrap();
    let (_, mx) = api
        .post(
            records,
            json!({"type": "MX", "name": "@", "data": "mx.example.org.", "priority": 5}),
        )
        .await;
    let mx = mx["domain_record"]["id"].as_u64().unwrap();
    let update = api
        .call("PUT", &format!("{records}/{mx}"), Some(json!({"ttl": 600})))
        .await;
    refused(&update, "Data needs to end with a dot (.)");
    let (status, _) = api
        .call("PUT", &format!("{records}/{id}"), Some(json!({"ttl": 600})))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_droplet_that_is_off_cannot_be_powered_off() {
    let api = Api::new(quick()).await;
    let id = api.droplet("sleepy", "debian-12-x64").await;
    assert_eq!(api.act(id, json!({"type": "power_off"})).await, "completed");
    let again = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    refused(&again, "Droplet is already powered off");
    // A shutdown of it is accepted, and a resize goes ahead.
    assert_eq!(api.act(id, json!({"type": "shutdown"})).await, "completed");
    assert_eq!(
        api.act(id, json!({"type": "resize", "size": "s-2vcpu-4gb"}))
            .await,
        "completed"
    );
}

#[tokio::test]
async fn firewalls_are_refused_as_digitalocean_refuses_them() {
    let api = Api::new(quick()).await;
    let ssh = json!({"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}});
    let firewall = |name: &str, rules: Value, tags: Value| json!({"name": name, "inbound_rules": rules, "outbound_rules": [], "tags": tags});
    refused(
        &api.post("/v2/firewalls", firewall("web_fw", json!([ssh]), json!([])))
            .await,
        "is invalid",
    );
    refused(
        &api.post("/v2/firewalls", firewall("web", json!([]), json!([])))
            .await,
        "At least one rule",
    );
    let portless = json!({"protocol": "udp", "sources": {"addresses": ["0.0.0.0/0"]}});
    refused(
        &api.post(
            "/v2/firewalls",
            firewall("web", json!([portless]), json!([])),
        )
        .await,
        "ports is required for udp rules",
    );
    refused(
        &api.post(
            "/v2/firewalls",
            firewall("web", json!([ssh]), json!(["nosuchtag"])),
        )
        .await,
        "tag \"nosuchtag\" does not exist",
    );
    let from_tag = json!({"protocol": "tcp", "ports": "22", "sources": {"tags": ["bastion"]}});
    refused(
        &api.post(
            "/v2/firewalls",
            firewall("web", json!([from_tag]), json!([])),
        )
        .await,
        "tag \"bastion\" does not exist",
    );
    let (status, _) = api.post("/v2/tags", json!({"name": "bastion"})).await;
    assert_eq!(status, 201);
    let (status, made) = api
        .post(
            "/v2/firewalls",
            firewall("web.fw-1", json!([from_tag, ssh]), json!(["bastion"])),
        )
        .await;
    assert_eq!(status, 202, "{made}");
    let id = made["firewall"]["id"].as_str().unwrap();
    let update = api
        .call(
            "PUT",
            &format!("/v2/firewalls/{id}"),
            Some(firewall("web_fw", json!([ssh]), json!([]))),
        )
        .await;
    refused(&update, "is invalid");
}

#[tokio::test]
async fn a_droplet_holds_one_reserved_ip() {
    let api = Api::new(quick()).await;
    let id = api.droplet("gateway", "debian-12-x64").await;
    let (status, first) = api
        .post("/v2/reserved_ips", json!({"droplet_id": id}))
        .await;
    assert_eq!(status, 202);
    let first = first["reserved_ip"]["ip"].as_str().unwrap().to_string();
    refused(
        &api.post("/v2/reserved_ips", json!({"droplet_id": id}))
            .await,
        "already has a reserved IP",
    );
    let (_, second) = api
        .post("/v2/reserved_ips", json!({"region": "nyc2"}))
        .await;
    let second = second["reserved_ip"]["ip"].as_str().unwrap().to_string();
    refused(
        &api.post(
            &format!("/v2/reserved_ips/{second}/actions"),
            json!({"type": "assign", "droplet_id": id}),
        )
        .await,
        "already has a reserved IP",
    );
    // Assigning the IP it already holds is no second IP.
    let (status, _) = api
        .post(
            &format!("/v2/reserved_ips/{first}/actions"),
            json!({"type": "assign", "droplet_id": id}),
        )
        .await;
    assert_eq!(status, 201);
}
