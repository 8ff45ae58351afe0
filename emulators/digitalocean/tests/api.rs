//! The emulator on its own, over HTTP: DigitalOcean's shapes, status codes and
//! asynchronous behaviour.

mod common;

use std::time::Duration;

use common::{Api, OTHER_TOKEN as ANOTHER_TOKEN, TOKEN, quick};
use iac_do_emulator::Settings;
use serde_json::{Value, json};

fn droplet(name: &str) -> Value {
    json!({"name": name, "region": "nyc2", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64", "tags": ["web"]})
}

#[tokio::test]
async fn droplets_come_up_through_their_create_action() {
    let api = Api::new(quick()).await;
    let (status, created) = api.post("/v2/droplets", droplet("web-1")).await;
    assert_eq!(status, 202);
    assert_eq!(created["droplet"]["status"], "new");
    let id = created["droplet"]["id"].as_u64().unwrap();
    let action = created["links"]["actions"][0]["id"].as_u64().unwrap();

    let (status, refused) = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    assert_eq!(
        (status, refused["id"].as_str()),
        (422, Some("unprocessable_entity"))
    );

    assert_eq!(api.settle(action).await, "completed");
    let (_, got) = api.get(&format!("/v2/droplets/{id}")).await;
    assert_eq!(got["droplet"]["status"], "active");
    assert_eq!(got["droplet"]["locked"], false);
    assert_eq!(got["droplet"]["networks"]["v4"][0]["type"], "public");

    // Resizing needs the droplet off.
    let (status, _) = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "resize", "size": "s-2vcpu-4gb"}),
        )
        .await;
    assert_eq!(status, 422);
    let (_, off) = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "power_off"}),
        )
        .await;
    assert_eq!(
        api.settle(off["action"]["id"].as_u64().unwrap()).await,
        "completed"
    );
    let (status, resize) = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "resize", "size": "s-2vcpu-4gb"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        api.settle(resize["action"]["id"].as_u64().unwrap()).await,
        "completed"
    );
    let (_, got) = api.get(&format!("/v2/droplets/{id}")).await;
    assert_eq!(got["droplet"]["size_slug"], "s-2vcpu-4gb");
}

#[tokio::test]
async fn backups_follow_their_policy_from_create_through_actions() {
    let api = Api::new(quick()).await;
    let mut body = droplet("backed-up");
    body["backup_policy"] = json!({"plan": "weekly", "weekday": "TUE", "hour": 8});
    let (status, _) = api.post("/v2/droplets", body.clone()).await;
    assert_eq!(status, 422, "a policy needs backups on");
    body["backups"] = json!(true);
    body["private_networking"] = json!(true);
    let (status, created) = api.post("/v2/droplets", body).await;
    assert_eq!(status, 202);
    let id = created["droplet"]["id"].as_u64().unwrap();
    let action = created["links"]["actions"][0]["id"].as_u64().unwrap();
    assert_eq!(api.settle(action).await, "completed");

    let (_, got) = api.get(&format!("/v2/droplets/{id}")).await;
    let features = got["droplet"]["features"].as_array().unwrap();
    assert!(features.contains(&json!("backups")));
    assert!(features.contains(&json!("private_networking")));
    assert_eq!(got["droplet"]["backup_ids"], json!([]));
    let start = got["droplet"]["next_backup_window"]["start"]
        .as_str()
        .unwrap();
    assert!(start.ends_with("T08:00:00Z"), "{start}");
    let (_, policy) = api.get(&format!("/v2/droplets/{id}/backups/policy")).await;
    assert_eq!(policy["policy"]["backup_enabled"], true);
    assert_eq!(policy["policy"]["backup_policy"]["plan"], "weekly");
    assert_eq!(policy["policy"]["backup_policy"]["weekday"], "TUE");
    assert_eq!(policy["policy"]["backup_policy"]["hour"], 8);

    let change =
        json!({"type": "change_backup_policy", "backup_policy": {"plan": "daily", "hour": 20}});
    let (status, changed) = api
        .post(&format!("/v2/droplets/{id}/actions"), change.clone())
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        api.settle(changed["action"]["id"].as_u64().unwrap()).await,
        "completed"
    );
    let (_, policy) = api.get(&format!("/v2/droplets/{id}/backups/policy")).await;
    assert_eq!(policy["policy"]["backup_policy"]["plan"], "daily");
    assert_eq!(policy["policy"]["backup_policy"]["hour"], 20);

    let (_, off) = api
        .post(
            &format!("/v2/droplets/{id}/actions"),
            json!({"type": "disable_backups"}),
        )
        .await;
    assert_eq!(
        api.settle(off["action"]["id"].as_u64().unwrap()).await,
        "completed"
    );
    let (_, got) = api.get(&format!("/v2/droplets/{id}")).await;
    assert!(
        !got["droplet"]["features"]
            .as_array()
            .unwrap()
            .contains(&json!("backups"))
    );
    assert_eq!(got["droplet"]["next_backup_window"], Value::Null);
    let (status, _) = api
        .post(&format!("/v2/droplets/{id}/actions"), change)
        .await;
    assert_eq!(status, 422, "no policy to change with backups off");
    let (_, policy) = api.get(&format!("/v2/droplets/{id}/backups/policy")).await;
    assert_eq!(policy["policy"]["backup_enabled"], false);
}

#[tokio::test]
async fn errors_have_digitaloceans_bodies() {
    let api = Api::new(quick()).await;
    let (status, bad) = api
        .post("/v2/droplets", json!({"name": "x", "region": "mars1", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(bad["id"], "unprocessable_entity");
    assert!(bad["message"].as_str().unwrap().contains("region"));
    let (status, missing) = api.get("/v2/droplets/12345").await;
    assert_eq!((status, missing["id"].as_str()), (404, Some("not_found")));
    let anonymous = reqwest::get(format!("{}/v2/droplets", api.base))
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let malformed = api
        .http
        .get(format!("{}/v2/droplets", api.base))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status().as_u16(), 401);

    api.post("/emulator/fail-next-action", json!({"type": "create"}))
        .await;
    let (_, created) = api.post("/v2/droplets", droplet("doomed")).await;
    let action = created["links"]["actions"][0]["id"].as_u64().unwrap();
    assert_eq!(api.settle(action).await, "errored");
}

#[tokio::test]
async fn lists_are_paginated_and_filtered_by_tag() {
    let api = Api::new(quick()).await;
    let names: Vec<String> = (0..10).map(|i| format!("a-{i}")).collect();
    api.post("/v2/droplets", json!({"names": names, "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["a"]}))
        .await;
    let names: Vec<String> = (0..5).map(|i| format!("b-{i}")).collect();
    let (status, _) = api
        .post("/v2/droplets", json!({"names": names, "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}))
        .await;
    assert_eq!(status, 202);
    let (_, first) = api.get("/v2/droplets?per_page=10").await;
    assert_eq!(first["meta"]["total"], 15);
    assert_eq!(first["droplets"].as_array().unwrap().len(), 10);
    let next = first["links"]["pages"]["next"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        next.starts_with(&api.base) && next.contains("page=2"),
        "links are full URLs, as DigitalOcean's: {next}"
    );
    let (_, second) = api.get(&next).await;
    assert_eq!(second["droplets"].as_array().unwrap().len(), 5);
    assert!(second["links"]["pages"].get("next").is_none());
    let (_, tagged) = api.get("/v2/droplets?tag_name=a&per_page=200").await;
    assert_eq!(tagged["meta"]["total"], 10);
}

/// Every page of a listing, following `links.pages.next` from `path`.
async fn every_page(api: &Api, path: &str, key: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(url) = next.take() {
        let (status, page) = api.get(&url).await;
        assert_eq!(status, 200, "{url}: {page}");
        items.extend(page[key].as_array().unwrap().iter().cloned());
        next = page["links"]["pages"]["next"].as_str().map(str::to_string);
    }
    items
}

#[tokio::test]
async fn the_next_pages_of_a_filtered_listing_keep_its_filters() {
    let api = Api::new(quick()).await;
    let names: Vec<String> = (0..5).map(|i| format!("p-{i}")).collect();
    api.post("/v2/droplets", json!({"names": names, "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["env:prod"]}))
        .await;
    api.post("/v2/droplets", droplet("other")).await;
    let (_, first) = api.get("/v2/droplets?tag_name=env%3Aprod&per_page=2").await;
    let next = first["links"]["pages"]["next"].as_str().unwrap();
    assert!(next.contains("tag_name=env%3Aprod"), "{next}");
    let tagged = every_page(
        &api,
        "/v2/droplets?tag_name=env%3Aprod&per_page=2",
        "droplets",
    )
    .await;
    assert_eq!(tagged.len(), 5, "the tag is kept on every page");

    api.post("/v2/domains", json!({"name": "paged.example"}))
        .await;
    for (kind, name, data) in [
        ("A", "www", "192.0.2.1"),
        ("A", "www", "192.0.2.2"),
        ("A", "api", "192.0.2.3"),
        ("TXT", "@", "v=spf1 -all"),
    ] {
        let (status, _) = api
            .post(
                "/v2/domains/paged.example/records",
                json!({"type": kind, "name": name, "data": data, "ttl": 1800}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let path = "/v2/domains/paged.example/records?type=A&name=www.paged.example&per_page=1";
    let www = every_page(&api, path, "domain_records").await;
    assert_eq!(
        www.len(),
        2,
        "type and name are kept on every page: {www:?}"
    );
    assert!(www.iter().all(|r| r["name"] == "www" && r["type"] == "A"));
}

#[tokio::test]
async fn tokens_over_their_budget_get_429_with_rate_limit_headers() {
    let api = Api::new(Settings {
        rate_limit_per_minute: 3,
        ..quick()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(api.get("/v2/regions").await.0, 200);
    }
    let resp = api
        .http
        .get(format!("{}/v2/regions", api.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["ratelimit-remaining"], "0");
    assert_eq!(
        resp.headers()["ratelimit-limit"],
        "5000",
        "the hourly limit"
    );
    let retry_after: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let reset: u64 = resp.headers()["ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        reset > now + 3500,
        "the reset is when the oldest request of the hour expires"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["id"], "too_many_requests");
    assert_eq!(body["message"], "API Rate limit exceeded.");
    let other = api
        .http
        .get(format!("{}/v2/regions", api.base))
        .bearer_auth(ANOTHER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 200, "the budget is per token");
}

#[tokio::test]
async fn the_minute_slides_and_the_hour_is_counted_in_the_headers() {
    let api = Api::new(Settings {
        rate_limit_per_minute: 2,
        rate_limit_per_hour: 3,
        rate_limit_window: Duration::from_secs(1),
        ..quick()
    })
    .await;
    let get = || async {
        let resp = api
            .http
            .get(format!("{}/v2/regions", api.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        (
            resp.status().as_u16(),
            header("ratelimit-remaining"),
            header("retry-after"),
        )
    };
    assert_eq!(get().await, (200, Some("2".into()), None));
    assert_eq!(get().await, (200, Some("1".into()), None));
    assert_eq!(
        get().await,
        (429, Some("0".into()), Some("1".into())),
        "the minute's limit: retry after the oldest request expires"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        get().await,
        (200, Some("0".into()), None),
        "the refused one did not count"
    );
    assert_eq!(
        get().await,
        (429, Some("0".into()), None),
        "the hour (sixty of these short minutes) is spent: no retry-after"
    );
}
