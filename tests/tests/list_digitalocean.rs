//! Listing every DigitalOcean type through the provider crate (`ProviderClient::list`)
//! on the emulator: objects made over plain HTTP, each filter, pagination past 200,
//! limits, ids that `import` takes, and states as `import` reads them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use iac_e2e::{Emulator, Stack};
use iac_provider::{ListRequest, Listed, Provider, ProviderClient};
use iac_provider_digitalocean::DigitalOceanProvider;
use iac_value::Value;
use serde_json::{Value as Json, json};

const PUBLIC_KEY: &str = include_str!("e2e_key.pub");
const OTHER_KEY: &str = include_str!("e2e_lookup_key.pub");

/// The provider configured for `stack`'s account on the emulator.
async fn client(stack: &Stack) -> Arc<dyn ProviderClient> {
    DigitalOceanProvider::new()
        .configure(Value::object([
            ("token", Value::from(stack.token())),
            ("api_endpoint", Value::from(stack.endpoint())),
        ]))
        .await
        .expect("the provider is configured")
}

/// A request with `filters` (the others null, as a decoded `config` block has them).
fn request(type_name: &str, filters: &[(&str, Value)]) -> ListRequest {
    let schema = DigitalOceanProvider::new().schema().lists[type_name].clone();
    let filter = Value::object(schema.attributes.keys().map(|k| {
        let set = filters.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
        (k.as_str(), set.unwrap_or(Value::Null))
    }));
    ListRequest {
        filter,
        include_resource: false,
        limit: None,
    }
}

async fn list(
    client: &dyn ProviderClient,
    type_name: &str,
    filters: &[(&str, Value)],
) -> Vec<Listed> {
    client
        .list(type_name, &request(type_name, filters))
        .await
        .unwrap_or_else(|e| panic!("listing {type_name}: {e}"))
}

fn names(found: &[Listed]) -> Vec<String> {
    let mut names: Vec<String> = found.iter().map(|l| l.display_name.clone()).collect();
    names.sort();
    names
}

fn ids(found: &[Listed]) -> Vec<String> {
    let mut ids: Vec<String> = found.iter().map(|l| l.id.clone()).collect();
    ids.sort();
    ids
}

/// POSTs `body` to `path` over plain HTTP, expecting `status`.
fn post(stack: &Stack, path: &str, body: Json, status: u16) -> Json {
    let (got, answer) = stack.digitalocean("POST", path, Some(&body));
    assert_eq!(got, status, "POST {path}: {answer}");
    answer
}

/// Waits until `GET path` answers something `ready` accepts.
fn wait_for(stack: &Stack, path: &str, ready: impl Fn(&Json) -> bool) -> Json {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let (_, got) = stack.digitalocean("GET", path, None);
        if ready(&got) {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("GET {path} never became ready");
}

fn droplets(stack: &Stack, names: &[&str], region: &str, tags: &[&str]) -> Vec<u64> {
    let made = post(
        stack,
        "/v2/droplets",
        json!({"names": names, "region": region, "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": tags}),
        202,
    );
    made["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn droplets_are_listed_by_tag_region_and_name_prefix_past_one_page() {
    let stack = Stack::new(Emulator::DigitalOcean, &[]);
    // An account of more droplets than DigitalOcean's default limit of 25.
    post(
        &stack,
        "/emulator/account",
        json!({"droplet_limit": 300}),
        204,
    );
    for batch in 0..21 {
        let names: Vec<String> = (0..10).map(|i| format!("fleet-{batch:02}-{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        droplets(&stack, &names, "nyc3", &["fleet"]);
    }
    let web = droplets(&stack, &["web-1", "web-2"], "nyc3", &["web", "env:prod"]);
    droplets(&stack, &["web-3"], "sfo3", &["web"]);
    droplets(&stack, &["db-1"], "sfo3", &["env:prod"]);
    let client = client(&stack).await;
    let client = client.as_ref();

    let all = list(client, "digitalocean_droplet", &[]).await;
    assert_eq!(all.len(), 214, "every page is followed past the first 200");
    let tagged = list(
        client,
        "digitalocean_droplet",
        &[("tag_name", "web".into())],
    )
    .await;
    assert_eq!(names(&tagged), ["web-1", "web-2", "web-3"]);
    let prod = list(
        client,
        "digitalocean_droplet",
        &[("tag_name", "env:prod".into())],
    )
    .await;
    assert_eq!(
        names(&prod),
        ["db-1", "web-1", "web-2"],
        "a tag with a colon is escaped"
    );
    let in_sfo3 = list(client, "digitalocean_droplet", &[("region", "sfo3".into())]).await;
    assert_eq!(names(&in_sfo3), ["db-1", "web-3"]);
    let both = list(
        client,
        "digitalocean_droplet",
        &[("tag_name", "web".into()), ("region", "nyc3".into())],
    )
    .await;
    let mut expected: Vec<String> = web.iter().map(u64::to_string).collect();
    expected.sort();
    assert_eq!(ids(&both), expected, "ids are the droplet ids import takes");
    let prefixed = list(
        client,
        "digitalocean_droplet",
        &[("name_prefix", "fleet-20-".into())],
    )
    .await;
    assert_eq!(prefixed.len(), 10);

    let mut limited = request("digitalocean_droplet", &[("name_prefix", "fleet-".into())]);
    limited.limit = Some(205);
    assert_eq!(
        client
            .list("digitalocean_droplet", &limited)
            .await
            .unwrap()
            .len(),
        205
    );
    limited.limit = Some(3);
    assert_eq!(
        client
            .list("digitalocean_droplet", &limited)
            .await
            .unwrap()
            .len(),
        3
    );

    // With include_resource, each state is what import reads.
    let mut full = request("digitalocean_droplet", &[("tag_name", "web".into())]);
    full.include_resource = true;
    for found in client.list("digitalocean_droplet", &full).await.unwrap() {
        let imported = client
            .import("digitalocean_droplet", &found.id)
            .await
            .unwrap();
        assert_eq!(
            found.state.as_ref(),
            Some(&imported),
            "{}",
            found.display_name
        );
    }
    assert!(
        tagged.iter().all(|l| l.state.is_none()),
        "no state unless asked"
    );
}

#[tokio::test]
async fn keys_tags_domains_and_firewalls_are_listed_by_name_prefix() {
    let stack = Stack::new(Emulator::DigitalOcean, &[]);
    for (name, key) in [("ops-laptop", PUBLIC_KEY), ("ci", OTHER_KEY)] {
        post(
            &stack,
            "/v2/account/keys",
            json!({"name": name, "public_key": key.trim()}),
            201,
        );
    }
    for i in 0..203 {
        post(
            &stack,
            "/v2/tags",
            json!({"name": format!("team-{i:03}")}),
            201,
        );
    }
    post(&stack, "/v2/tags", json!({"name": "web"}), 201);
    for name in ["shop.example", "shop-eu.example", "blog.example"] {
        post(&stack, "/v2/domains", json!({"name": name}), 201);
    }
    let droplet = droplets(&stack, &["web-1"], "nyc3", &["web"])[0];
    let rule = json!([{"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}}]);
    let tagged_fw = post(
        &stack,
        "/v2/firewalls",
        json!({"name": "web-ssh", "inbound_rules": rule, "tags": ["web"]}),
        202,
    );
    post(
        &stack,
        "/v2/firewalls",
        json!({"name": "db-ssh", "inbound_rules": rule, "droplet_ids": [droplet]}),
        202,
    );
    let client = client(&stack).await;
    let client = client.as_ref();

    let keys = list(client, "digitalocean_ssh_key", &[]).await;
    assert_eq!(names(&keys), ["ci", "ops-laptop"]);
    let ops = list(
        client,
        "digitalocean_ssh_key",
        &[("name_prefix", "ops".into())],
    )
    .await;
    assert_eq!(names(&ops), ["ops-laptop"]);
    assert_eq!(
        client
            .import("digitalocean_ssh_key", &ops[0].id)
            .await
            .unwrap()
            .get("name"),
        &Value::from("ops-laptop"),
        "the id is the key's, as import takes it"
    );

    let tags = list(client, "digitalocean_tag", &[]).await;
    assert_eq!(tags.len(), 204, "every page is followed");
    let teams = list(
        client,
        "digitalocean_tag",
        &[("name_prefix", "team-20".into())],
    )
    .await;
    assert_eq!(ids(&teams), ["team-200", "team-201", "team-202"]);
    let mut full = request("digitalocean_tag", &[("name_prefix", "web".into())]);
    full.include_resource = true;
    let web = client.list("digitalocean_tag", &full).await.unwrap();
    assert_eq!(web.len(), 1);
    let imported = client.import("digitalocean_tag", "web").await.unwrap();
    assert_eq!(web[0].state.as_ref(), Some(&imported));
    assert_eq!(imported.get("droplets_count"), &Value::from(1.0));

    let shops = list(
        client,
        "digitalocean_domain",
        &[("name_prefix", "shop".into())],
    )
    .await;
    assert_eq!(ids(&shops), ["shop-eu.example", "shop.example"]);
    assert_eq!(list(client, "digitalocean_domain", &[]).await.len(), 3);

    let mut full = request("digitalocean_firewall", &[("tag", "web".into())]);
    full.include_resource = true;
    let by_tag = client.list("digitalocean_firewall", &full).await.unwrap();
    assert_eq!(names(&by_tag), ["web-ssh"]);
    assert_eq!(by_tag[0].id, tagged_fw["firewall"]["id"].as_str().unwrap());
    let imported = client
        .import("digitalocean_firewall", &by_tag[0].id)
        .await
        .unwrap();
    assert_eq!(by_tag[0].state.as_ref(), Some(&imported));
    let db = list(
        client,
        "digitalocean_firewall",
        &[("name_prefix", "db-".into())],
    )
    .await;
    assert_eq!(names(&db), ["db-ssh"]);
}

#[tokio::test]
async fn records_are_listed_by_domain_type_and_name() {
    let stack = Stack::new(Emulator::DigitalOcean, &[]);
    post(&stack, "/v2/domains", json!({"name": "zone.example"}), 201);
    for (kind, name, data) in [
        ("A", "www", "192.0.2.1"),
        ("A", "www", "192.0.2.2"),
        ("A", "@", "192.0.2.3"),
        ("TXT", "@", "v=spf1 -all"),
    ] {
        post(
            &stack,
            "/v2/domains/zone.example/records",
            json!({"type": kind, "name": name, "data": data, "ttl": 300}),
            201,
        );
    }
    let client = client(&stack).await;
    let client = client.as_ref();
    let zone = ("domain", Value::from("zone.example"));

    let all = list(client, "digitalocean_record", std::slice::from_ref(&zone)).await;
    // The four, and the domain's own records that DigitalOcean makes with it: three NS
    // and the SOA.
    let own = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|n| !n.starts_with("NS ") && !n.starts_with("SOA "))
            .cloned()
            .collect()
    };
    let all_names = names(&all);
    assert_eq!(own(&all_names).len(), 4, "{all_names:?}");
    assert_eq!(all.len(), 8, "{all_names:?}");
    assert!(
        all.iter().all(|r| r.id.starts_with("zone.example,")),
        "ids are DOMAIN,ID"
    );
    let a = list(
        client,
        "digitalocean_record",
        &[zone.clone(), ("type", "A".into())],
    )
    .await;
    assert_eq!(a.len(), 3);
    let www = list(
        client,
        "digitalocean_record",
        &[zone.clone(), ("type", "A".into()), ("name", "www".into())],
    )
    .await;
    assert_eq!(names(&www), ["A www.zone.example", "A www.zone.example"]);
    let apex = list(
        client,
        "digitalocean_record",
        &[zone.clone(), ("name", "@".into())],
    )
    .await;
    assert_eq!(own(&names(&apex)), ["A zone.example", "TXT zone.example"]);

    let mut full = request(
        "digitalocean_record",
        &[zone.clone(), ("type", "TXT".into())],
    );
    full.include_resource = true;
    let txt = client.list("digitalocean_record", &full).await.unwrap();
    let imported = client
        .import("digitalocean_record", &txt[0].id)
        .await
        .unwrap();
    assert_eq!(txt[0].state.as_ref(), Some(&imported));
    assert_eq!(imported.get("value"), &Value::from("v=spf1 -all"));

    let missing = client
        .list(
            "digitalocean_record",
            &request(
                "digitalocean_record",
                &[("domain", "nowhere.example".into())],
            ),
        )
        .await
        .expect_err("a domain that does not exist");
    assert!(
        missing.message.contains("no domain \"nowhere.example\""),
        "{missing}"
    );
    let bad = client
        .list(
            "digitalocean_record",
            &request("digitalocean_record", &[zone, ("type", "AXFR".into())]),
        )
        .await
        .expect_err("a type DigitalOcean does not hold");
    assert!(bad.message.contains("AXFR"), "{bad}");
    let unknown = client
        .list("digitalocean_volume", &request("digitalocean_tag", &[]))
        .await
        .expect_err("a type the provider does not have");
    assert!(unknown.message.contains("digitalocean_volume"), "{unknown}");
}

#[tokio::test]
async fn reserved_ips_and_their_assignments_are_listed_by_region_and_droplet() {
    let stack = Stack::new(Emulator::DigitalOcean, &[]);
    let droplet = droplets(&stack, &["edge-1"], "nyc3", &[])[0];
    wait_for(&stack, &format!("/v2/droplets/{droplet}"), |d| {
        d["droplet"]["status"] == "active"
    });
    let assigned = post(
        &stack,
        "/v2/reserved_ips",
        json!({"droplet_id": droplet}),
        202,
    )["reserved_ip"]["ip"]
        .as_str()
        .unwrap()
        .to_string();
    wait_for(&stack, &format!("/v2/reserved_ips/{assigned}"), |r| {
        r["reserved_ip"]["droplet"]["id"] == droplet && r["reserved_ip"]["locked"] != true
    });
    let spare =
        post(&stack, "/v2/reserved_ips", json!({"region": "nyc3"}), 202)["reserved_ip"]["ip"]
            .as_str()
            .unwrap()
            .to_string();
    let far = post(&stack, "/v2/reserved_ips", json!({"region": "sgp1"}), 202)["reserved_ip"]["ip"]
        .as_str()
        .unwrap()
        .to_string();
    let client = client(&stack).await;
    let client = client.as_ref();

    let all = list(client, "digitalocean_reserved_ip", &[]).await;
    let mut expected = vec![assigned.clone(), spare.clone(), far.clone()];
    expected.sort();
    assert_eq!(ids(&all), expected, "ids are the addresses import takes");
    let nyc3 = list(
        client,
        "digitalocean_reserved_ip",
        &[("region", "nyc3".into())],
    )
    .await;
    let mut expected = vec![assigned.clone(), spare];
    expected.sort();
    assert_eq!(ids(&nyc3), expected);

    let mut full = request("digitalocean_reserved_ip_assignment", &[]);
    full.include_resource = true;
    let assignments = client
        .list("digitalocean_reserved_ip_assignment", &full)
        .await
        .unwrap();
    let id = format!("{assigned},{droplet}");
    assert_eq!(
        ids(&assignments),
        std::slice::from_ref(&id),
        "only assigned IPs, as IP,DROPLET_ID"
    );
    assert_eq!(assignments[0].display_name, format!("{assigned} -> edge-1"));
    let imported = client
        .import("digitalocean_reserved_ip_assignment", &id)
        .await
        .unwrap();
    assert_eq!(assignments[0].state.as_ref(), Some(&imported));
    let other = list(
        client,
        "digitalocean_reserved_ip_assignment",
        &[("droplet_id", Value::from(droplet as f64 + 1.0))],
    )
    .await;
    assert!(other.is_empty(), "{other:?}");
    let mut full = request("digitalocean_reserved_ip", &[("region", "sgp1".into())]);
    full.include_resource = true;
    let found = client
        .list("digitalocean_reserved_ip", &full)
        .await
        .unwrap();
    let imported = client
        .import("digitalocean_reserved_ip", &far)
        .await
        .unwrap();
    assert_eq!(found[0].state.as_ref(), Some(&imported));
}
