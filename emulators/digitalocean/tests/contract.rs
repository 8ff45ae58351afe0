//! Contract tests: every endpoint's answer, fetched over HTTP, validates against the
//! JSON Schema of that response in `tests/contract/`, written from DigitalOcean's
//! OpenAPI specification (`digitalocean/openapi`, `specification/resources/...`).

mod common;

use std::path::Path;

use common::{Api, PUBLIC_KEY, quick};
use serde_json::{Value, json};

const BASE: &str = "https://contract.test/digitalocean/";

/// The response schemas and the models they refer to.
struct Contract {
    registry: jsonschema::Registry<'static>,
}

impl Contract {
    fn load() -> Contract {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contract");
        let mut documents = Vec::new();
        for sub in ["", "models/"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let schema: Value =
                        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                    let name = path.file_name().unwrap().to_string_lossy();
                    documents.push((format!("{BASE}{sub}{name}"), schema));
                }
            }
        }
        let registry = jsonschema::Registry::new()
            .extend(documents)
            .unwrap()
            .prepare()
            .unwrap();
        Contract { registry }
    }

    /// Panics, naming every violation, unless `body` is what `operation` answers.
    fn check(&self, operation: &str, (status, body): &(u16, Value), expected: u16) {
        assert_eq!(*status, expected, "{operation}: {body}");
        let validator = jsonschema::options()
            .with_registry(&self.registry)
            .should_validate_formats(true)
            .build(&json!({"$ref": format!("{BASE}{operation}.json")}))
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| {
                let message: String = e.to_string().chars().take(160).collect();
                format!("at {} ({}): {message}", e.instance_path(), e.schema_path())
            })
            .collect();
        assert!(
            errors.is_empty(),
            "{operation} does not follow the specification:\n{}\n{body}",
            errors.join("\n")
        );
    }
}

fn droplet(name: &str) -> Value {
    json!({"name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64",
           "tags": ["web"], "ipv6": true, "backups": true})
}

#[tokio::test]
async fn droplets_and_their_actions_follow_the_specification() {
    let (api, contract) = (Api::new(quick()).await, Contract::load());
    contract.check("account_get", &api.get("/v2/account").await, 200);

    let created = api.post("/v2/droplets", droplet("web-1")).await;
    contract.check("droplets_create", &created, 202);
    let id = created.1["droplet"]["id"].as_u64().unwrap();
    let names = json!({"names": ["a-1", "a-2"], "region": "nyc3", "size": "s-1vcpu-1gb", "image": "debian-12-x64"});
    contract.check(
        "droplets_create",
        &api.post("/v2/droplets", names).await,
        202,
    );
    let create = created.1["links"]["actions"][0]["id"].as_u64().unwrap();
    api.settle(create).await;

    contract.check(
        "droplets_list",
        &api.get("/v2/droplets?per_page=2").await,
        200,
    );
    contract.check(
        "droplets_list",
        &api.get("/v2/droplets?page=2&per_page=2").await,
        200,
    );
    contract.check(
        "droplets_get",
        &api.get(&format!("/v2/droplets/{id}")).await,
        200,
    );
    let policy = api.get(&format!("/v2/droplets/{id}/backups/policy")).await;
    contract.check("droplets_get_backup_policy", &policy, 200);

    let off = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    contract.check("dropletActions_post", &off, 201);
    let actions = api.get(&format!("/v2/droplets/{id}/actions")).await;
    contract.check("dropletActions_list", &actions, 200);
    let action = api
        .get(&format!("/v2/droplets/{id}/actions/{create}"))
        .await;
    contract.check("dropletActions_get", &action, 200);
    contract.check(
        "actions_list",
        &api.get("/v2/actions?per_page=3").await,
        200,
    );
    contract.check(
        "actions_get",
        &api.get(&format!("/v2/actions/{create}")).await,
        200,
    );

    contract.check("regions_list", &api.get("/v2/regions").await, 200);
    contract.check("sizes_list", &api.get("/v2/sizes").await, 200);
    contract.check(
        "images_list",
        &api.get("/v2/images?type=distribution").await,
        200,
    );
    contract.check(
        "images_get",
        &api.get("/v2/images/ubuntu-22-04-x64").await,
        200,
    );
}

#[tokio::test]
async fn keys_tags_domains_firewalls_and_reserved_ips_follow_the_specification() {
    let (api, contract) = (Api::new(quick()).await, Contract::load());
    let key = api
        .post(
            "/v2/account/keys",
            json!({"name": "ops", "public_key": PUBLIC_KEY}),
        )
        .await;
    contract.check("sshKeys_create", &key, 201);
    let key_id = key.1["ssh_key"]["id"].as_u64().unwrap();
    contract.check(
        "sshKeys_get",
        &api.get(&format!("/v2/account/keys/{key_id}")).await,
        200,
    );
    let renamed = api
        .call(
            "PUT",
            &format!("/v2/account/keys/{key_id}"),
            Some(json!({"name": "ops-2"})),
        )
        .await;
    contract.check("sshKeys_update", &renamed, 200);
    contract.check("sshKeys_list", &api.get("/v2/account/keys").await, 200);

    contract.check(
        "tags_create",
        &api.post("/v2/tags", json!({"name": "web"})).await,
        201,
    );
    let created = api.post("/v2/droplets", droplet("web-1")).await;
    let id = created.1["droplet"]["id"].as_u64().unwrap();
    contract.check("tags_get", &api.get("/v2/tags/web").await, 200);
    contract.check("tags_list", &api.get("/v2/tags").await, 200);

    let domain = api
        .post(
            "/v2/domains",
            json!({"name": "example.com", "ip_address": "192.0.2.10"}),
        )
        .await;
    contract.check("domains_create", &domain, 201);
    contract.check(
        "domains_get",
        &api.get("/v2/domains/example.com").await,
        200,
    );
    contract.check("domains_list", &api.get("/v2/domains").await, 200);
    let record = api
        .post(
            "/v2/domains/example.com/records",
            json!({"type": "MX", "name": "@", "data": "mail.example.com.", "priority": 10, "ttl": 3600}),
        )
        .await;
    contract.check("domains_create_record", &record, 201);
    let record_id = record.1["domain_record"]["id"].as_u64().unwrap();
    let path = format!("/v2/domains/example.com/records/{record_id}");
    contract.check("domains_get_record", &api.get(&path).await, 200);
    // DigitalOcean checks a host name's dot on every update: the data goes with the TTL.
    let updated = api
        .call(
            "PUT",
            &path,
            Some(json!({"data": "mail.example.com.", "ttl": 1800})),
        )
        .await;
    contract.check("domains_update_record", &updated, 200);
    let records = api.get("/v2/domains/example.com/records").await;
    contract.check("domains_list_records", &records, 200);

    let rules = json!({
        "name": "web-fw",
        "inbound_rules": [
            {"protocol": "tcp", "ports": "22", "sources": {"addresses": ["0.0.0.0/0"]}},
            {"protocol": "icmp", "sources": {"addresses": ["0.0.0.0/0", "::/0"]}},
        ],
        "outbound_rules": [{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}],
        "droplet_ids": [id],
    });
    let firewall = api.post("/v2/firewalls", rules.clone()).await;
    contract.check("firewalls_create", &firewall, 202);
    let fw = format!(
        "/v2/firewalls/{}",
        firewall.1["firewall"]["id"].as_str().unwrap()
    );
    contract.check("firewalls_get", &api.get(&fw).await, 200);
    contract.check(
        "firewalls_update",
        &api.call("PUT", &fw, Some(rules)).await,
        200,
    );
    contract.check("firewalls_list", &api.get("/v2/firewalls").await, 200);

    api.settle(created.1["links"]["actions"][0]["id"].as_u64().unwrap())
        .await;
    let reserved = api
        .post("/v2/reserved_ips", json!({"droplet_id": id}))
        .await;
    contract.check("reservedIPs_create", &reserved, 202);
    let ip = reserved.1["reserved_ip"]["ip"]
        .as_str()
        .unwrap()
        .to_string();
    let assign = reserved.1["links"]["actions"][0]["id"].as_u64().unwrap();
    let path = format!("/v2/reserved_ips/{ip}");
    contract.check("reservedIPs_get", &api.get(&path).await, 200);
    api.settle(assign).await;
    contract.check("reservedIPs_get", &api.get(&path).await, 200);
    contract.check("reservedIPs_list", &api.get("/v2/reserved_ips").await, 200);
    let unassign = api
        .post(&format!("{path}/actions"), json!({"type": "unassign"}))
        .await;
    contract.check("reservedIPsActions_post", &unassign, 201);
    contract.check(
        "reservedIPsActions_list",
        &api.get(&format!("{path}/actions")).await,
        200,
    );
    let one = api.get(&format!("{path}/actions/{assign}")).await;
    contract.check("reservedIPsActions_get", &one, 200);
}

#[tokio::test]
async fn errors_are_digitaloceans_error_bodies() {
    let (api, contract) = (Api::new(quick()).await, Contract::load());
    let unauthorized = api.with_token("not-a-token").get("/v2/account").await;
    contract.check("error", &unauthorized, 401);
    contract.check("error", &api.get("/v2/droplets/404404").await, 404);
    contract.check("error", &api.get("/v2/no_such_collection").await, 404);
    contract.check("error", &api.call("PATCH", "/v2/droplets", None).await, 405);
    let invalid = api.post("/v2/droplets", json!({"region": "nyc3"})).await;
    contract.check("error", &invalid, 422);
    assert_eq!(invalid.1["id"], "unprocessable_entity");
    let malformed = api.call("POST", "/v2/tags", None).await;
    contract.check("error", &malformed, 400);
}
