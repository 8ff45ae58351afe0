//! Where DigitalOcean behaves in ways a client must cope with: accounts per token,
//! the droplet limit, deletion and reserved-IP assignment that take time, absolute
//! action links, and error bodies for every refusal.

mod common;

use std::time::Duration;

use common::{Api, OTHER_TOKEN, PUBLIC_KEY, quick};
use serde_json::{Value, json};

fn droplet(name: &str) -> Value {
    json!({"name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64", "tags": ["web"]})
}

/// Creates a droplet and waits for it to be active; its id.
async fn active_droplet(api: &Api, name: &str) -> u64 {
    let (status, created) = api.post("/v2/droplets", droplet(name)).await;
    assert_eq!(status, 202, "{created}");
    api.settle(created["links"]["actions"][0]["id"].as_u64().unwrap())
        .await;
    created["droplet"]["id"].as_u64().unwrap()
}

#[tokio::test]
async fn each_token_is_its_own_account() {
    let api = Api::new(quick()).await;
    let other = api.with_token(OTHER_TOKEN);
    let id = active_droplet(&api, "web-1").await;
    api.post(
        "/v2/account/keys",
        json!({"name": "ops", "public_key": PUBLIC_KEY}),
    )
    .await;
    api.post("/v2/domains", json!({"name": "example.com"}))
        .await;

    let (_, mine) = api.get("/v2/account").await;
    let (_, theirs) = other.get("/v2/account").await;
    assert_ne!(mine["account"]["uuid"], theirs["account"]["uuid"]);
    assert_eq!(other.get("/v2/droplets").await.1["meta"]["total"], 0);
    assert_eq!(other.get(&format!("/v2/droplets/{id}")).await.0, 404);
    assert_eq!(other.get("/v2/account/keys").await.1["meta"]["total"], 0);
    assert_eq!(other.get("/v2/domains/example.com").await.0, 404);
    // Another team may hold the same key and domain.
    let (status, _) = other
        .post(
            "/v2/account/keys",
            json!({"name": "ops", "public_key": PUBLIC_KEY}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        other
            .post("/v2/domains", json!({"name": "example.com"}))
            .await
            .0,
        201
    );
    // Ids stay unique across accounts, as DigitalOcean's do.
    let theirs = active_droplet(&other, "web-1").await;
    assert_ne!(theirs, id);
    assert_eq!(api.get("/v2/droplets").await.1["meta"]["total"], 1);
    let (_, named) = api.get("/v2/droplets?name=WEB-1").await;
    assert_eq!(named["droplets"][0]["id"], id, "names match ignoring case");
    assert_eq!(api.get("/v2/droplets?name=web").await.1["meta"]["total"], 0);
}

#[tokio::test]
async fn only_tokens_shaped_as_digitaloceans_authenticate() {
    let api = Api::new(quick()).await;
    let hex = "0123456789abcdef".repeat(4);
    for token in [format!("dop_v1_{hex}"), format!("doo_v1_{hex}")] {
        assert_eq!(
            api.with_token(&token).get("/v2/account").await.0,
            200,
            "{token}"
        );
    }
    for token in [
        format!("dor_v1_{hex}"),
        format!("dop_v1_{}", &hex[..63]),
        "dop_v1_e2e1234".to_string(),
        hex.clone(),
    ] {
        let (status, body) = api.with_token(&token).get("/v2/account").await;
        assert_eq!(status, 401, "{token}");
        assert_eq!(body["message"], "Unable to authenticate you");
    }
}

#[tokio::test]
async fn creating_past_the_droplet_limit_is_refused() {
    let api = Api::new(quick()).await;
    let (_, account) = api.get("/v2/account").await;
    assert_eq!(account["account"]["droplet_limit"], 25);
    let (status, _) = api
        .post("/emulator/account", json!({"droplet_limit": 2}))
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        api.get("/v2/account").await.1["account"]["droplet_limit"],
        2
    );

    let first = active_droplet(&api, "web-1").await;
    let (status, refused) = api
        .post("/v2/droplets", json!({"names": ["web-2", "web-3"], "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(refused["id"], "unprocessable_entity");
    assert_eq!(
        refused["message"],
        "creating this/these droplet(s) will exceed your droplet limit"
    );
    active_droplet(&api, "web-2").await;

    // A droplet being destroyed still counts until it is gone.
    assert_eq!(
        api.call("DELETE", &format!("/v2/droplets/{first}"), None)
            .await
            .0,
        204
    );
    assert_eq!(api.post("/v2/droplets", droplet("web-3")).await.0, 422);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(api.post("/v2/droplets", droplet("web-3")).await.0, 202);
    // Other accounts have their own limit.
    let other = api.with_token(OTHER_TOKEN);
    assert_eq!(
        other.get("/v2/account").await.1["account"]["droplet_limit"],
        25
    );
}

#[tokio::test]
async fn a_deleted_droplet_stays_until_its_destroy_action_completes() {
    let api = Api::new(slow()).await;
    let id = active_droplet(&api, "web-1").await;
    let (_, ip) = api
        .post("/v2/reserved_ips", json!({"region": "nyc3"}))
        .await;
    let ip = ip["reserved_ip"]["ip"].as_str().unwrap().to_string();
    let (_, assign) = api
        .post(
            &format!("/v2/reserved_ips/{ip}/actions"),
            json!({"type": "assign", "droplet_id": id}),
        )
        .await;
    api.settle(assign["action"]["id"].as_u64().unwrap()).await;

    let (status, body) = api
        .call("DELETE", &format!("/v2/droplets/{id}"), None)
        .await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, going) = api.get(&format!("/v2/droplets/{id}")).await;
    assert_eq!(
        status, 200,
        "the droplet is still there right after its DELETE"
    );
    assert_eq!(going["droplet"]["status"], "active");
    assert_eq!(going["droplet"]["locked"], true);
    let (_, listed) = api.get("/v2/droplets?tag_name=web").await;
    assert_eq!(listed["meta"]["total"], 1);
    let (status, _) = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    assert_eq!(
        status, 422,
        "a droplet being destroyed takes no other action"
    );
    let (_, actions) = api.get(&format!("/v2/droplets/{id}/actions")).await;
    let destroy = &actions["actions"][0];
    assert_eq!(
        (destroy["type"].as_str(), destroy["status"].as_str()),
        (Some("destroy"), Some("in-progress"))
    );
    assert_eq!(
        api.call("DELETE", &format!("/v2/droplets/{id}"), None)
            .await
            .0,
        204
    );

    assert_eq!(
        api.settle(destroy["id"].as_u64().unwrap()).await,
        "completed"
    );
    assert_eq!(api.get(&format!("/v2/droplets/{id}")).await.0, 404);
    assert_eq!(
        api.call("DELETE", &format!("/v2/droplets/{id}"), None)
            .await
            .0,
        404
    );
    let (_, reserved) = api.get(&format!("/v2/reserved_ips/{ip}")).await;
    assert_eq!(reserved["reserved_ip"]["droplet"], Value::Null);
}

fn slow() -> iac_do_emulator::Settings {
    iac_do_emulator::Settings {
        action_delay: Duration::from_millis(300),
        ..quick()
    }
}

#[tokio::test]
async fn reserved_ips_move_when_their_action_completes() {
    let api = Api::new(slow()).await;
    let id = active_droplet(&api, "web-1").await;
    let (status, created) = api
        .post("/v2/reserved_ips", json!({"droplet_id": id}))
        .await;
    assert_eq!(status, 202);
    assert_eq!(
        created["reserved_ip"]["droplet"],
        Value::Null,
        "assigned by an action"
    );
    let link = &created["links"]["actions"][0];
    assert_eq!(link["rel"], "assign_ip");
    let ip = created["reserved_ip"]["ip"].as_str().unwrap().to_string();
    let (_, pending) = api.get(&format!("/v2/reserved_ips/{ip}")).await;
    assert_eq!(pending["reserved_ip"]["locked"], true);
    assert_eq!(api.settle(link["id"].as_u64().unwrap()).await, "completed");
    let (_, assigned) = api.get(&format!("/v2/reserved_ips/{ip}")).await;
    assert_eq!(assigned["reserved_ip"]["droplet"]["id"], id);
    assert_eq!(assigned["reserved_ip"]["locked"], false);

    let (status, unassign) = api
        .post(
            &format!("/v2/reserved_ips/{ip}/actions"),
            json!({"type": "unassign"}),
        )
        .await;
    assert_eq!(status, 201);
    let action = unassign["action"]["id"].as_u64().unwrap();
    let (_, still) = api.get(&format!("/v2/reserved_ips/{ip}")).await;
    assert_eq!(
        still["reserved_ip"]["droplet"]["id"], id,
        "until the action completes"
    );
    let (status, one) = api
        .get(&format!("/v2/reserved_ips/{ip}/actions/{action}"))
        .await;
    assert_eq!(
        (status, one["action"]["type"].as_str()),
        (200, Some("unassign_ip"))
    );
    api.settle(action).await;
    let (_, free) = api.get(&format!("/v2/reserved_ips/{ip}")).await;
    assert_eq!(free["reserved_ip"]["droplet"], Value::Null);
    let (_, all) = api.get(&format!("/v2/reserved_ips/{ip}/actions")).await;
    assert_eq!(all["meta"]["total"], 2);
    // An action of another resource is not this IP's.
    let create = api.get(&format!("/v2/droplets/{id}/actions")).await.1["actions"][0]["id"].clone();
    assert_eq!(
        api.get(&format!("/v2/reserved_ips/{ip}/actions/{create}"))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn action_links_are_full_urls_and_actions_are_listed_newest_first() {
    let api = Api::new(quick()).await;
    let (_, created) = api.post("/v2/droplets", droplet("web-1")).await;
    let href = created["links"]["actions"][0]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        href.starts_with(&format!("{}/v2/actions/", api.base)),
        "{href}"
    );
    let (status, action) = api.get(&href).await;
    assert_eq!(
        (status, action["action"]["type"].as_str()),
        (200, Some("create"))
    );
    let id = created["droplet"]["id"].as_u64().unwrap();
    api.settle(action["action"]["id"].as_u64().unwrap()).await;
    api.post(
        &format!("/v2/droplets/{id}/actions"),
        json!({"type": "power_off"}),
    )
    .await;
    let (_, all) = api.get("/v2/actions?per_page=1").await;
    assert_eq!(all["meta"]["total"], 2);
    assert_eq!(all["actions"][0]["type"], "power_off");
    assert!(
        all["links"]["pages"]["next"]
            .as_str()
            .unwrap()
            .starts_with(&api.base)
    );
    assert_eq!(
        api.with_token(OTHER_TOKEN).get("/v2/actions").await.1["meta"]["total"],
        0
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_digitaloceans_errors() {
    let api = Api::new(quick()).await;
    let (status, body) = api.get("/v2/no_such_collection").await;
    assert_eq!((status, body["id"].as_str()), (404, Some("not_found")));
    assert!(body["request_id"].is_string());
    let (status, body) = api.call("PUT", "/v2/droplets", None).await;
    assert_eq!(
        (status, body["id"].as_str()),
        (405, Some("method_not_allowed"))
    );
    let (status, body) = api.with_token("nope").get("/v2/nothing").await;
    assert_eq!((status, body["id"].as_str()), (401, Some("Unauthorized")));
}

#[tokio::test]
async fn an_injected_failure_hits_only_its_account() {
    let api = Api::new(quick()).await;
    let other = api.with_token(OTHER_TOKEN);
    api.post("/emulator/fail-next-action", json!({"type": "create"}))
        .await;
    let (_, theirs) = other.post("/v2/droplets", droplet("theirs")).await;
    let (_, mine) = api.post("/v2/droplets", droplet("mine")).await;
    let action = |v: &Value| v["links"]["actions"][0]["id"].as_u64().unwrap();
    assert_eq!(other.settle(action(&theirs)).await, "completed");
    assert_eq!(api.settle(action(&mine)).await, "errored");
}

#[tokio::test]
async fn a_lost_answer_is_carried_out_and_answered_with_a_5xx_once() {
    let api = Api::new(quick()).await;
    let (status, _) = api
        .post(
            "/emulator/lose-next-answer",
            json!({"method": "POST", "path": "/v2/droplets", "status": 504}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, lost) = api.post("/v2/droplets", droplet("lost")).await;
    assert_eq!(status, 504);
    assert!(lost["message"].is_string() && lost["droplet"].is_null());
    let (_, listed) = api.get("/v2/droplets?name=lost").await;
    assert_eq!(listed["meta"]["total"], 1, "the create was carried out");
    let (status, _) = api.post("/v2/droplets", droplet("second")).await;
    assert_eq!(status, 202, "only the next answer is lost");
    let (status, _) = api
        .post(
            "/emulator/lose-next-answer",
            json!({"method": "POST", "path": "/v2/droplets", "status": 404}),
        )
        .await;
    assert_eq!(status, 422, "only a 5xx stands for a lost answer");
}

#[tokio::test]
async fn records_are_listed_by_type_and_fully_qualified_name() {
    let api = Api::new(quick()).await;
    api.post("/v2/domains", json!({"name": "example.com"}))
        .await;
    for (name, data) in [
        ("www", "192.0.2.1"),
        ("@", "192.0.2.2"),
        ("api", "192.0.2.3"),
    ] {
        let record = json!({"type": "A", "name": name, "data": data});
        let (status, _) = api.post("/v2/domains/example.com/records", record).await;
        assert_eq!(status, 201);
    }
    let data = |v: &Value| -> Vec<String> {
        v["domain_records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["data"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, www) = api
        .get("/v2/domains/example.com/records?name=www.example.com")
        .await;
    assert_eq!(data(&www), ["192.0.2.1"]);
    let (_, apex) = api
        .get("/v2/domains/example.com/records?name=example.com&type=A")
        .await;
    assert_eq!(data(&apex), ["192.0.2.2"]);
    let (_, relative) = api.get("/v2/domains/example.com/records?name=www").await;
    assert_eq!(
        relative["meta"]["total"], 0,
        "a relative name matches nothing"
    );
    let (_, a) = api.get("/v2/domains/example.com/records?type=A").await;
    assert_eq!(a["meta"]["total"], 3);
}
