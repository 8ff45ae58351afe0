//! The droplets a create may have made, found by what it sent: DigitalOcean keeps no
//! token of a create, so a droplet is told by its name (`GET /v2/droplets?name=`, exact
//! and ignoring case), region, size, image and tags.

use iac_provider::Error;
use iac_provider::values::{string, strings};
use iac_value::Value;
use serde_json::Value as Json;

use crate::api::{Api, encode};

/// The droplets that match what a create of `planned` sent.
pub async fn matching(api: &Api, planned: &Value) -> Result<Vec<Json>, Error> {
    let Some(name) = string(planned, "name") else {
        return Ok(Vec::new());
    };
    let path = format!("/v2/droplets?name={}", encode(&name));
    let listed = api
        .list_all(&path, "droplets")
        .await
        .map_err(|f| f.into_error("GET /v2/droplets"))?;
    Ok(listed.into_iter().filter(|d| sent_by(d, planned)).collect())
}

/// Whether droplet `d` is what a create of `planned` makes. Its image is the one named,
/// by id or by slug; a droplet whose image no longer has a slug (DigitalOcean moved it
/// to a newer image) matches any slug.
fn sent_by(d: &Json, planned: &Value) -> bool {
    let same = |attr: &str, got: Option<&str>| string(planned, attr).as_deref() == got;
    let image = match string(planned, "image") {
        Some(i) if let Ok(id) = i.parse::<u64>() => d["image"]["id"].as_u64() == Some(id),
        Some(slug) => d["image"]["slug"].as_str().is_none_or(|s| s == slug),
        None => true,
    };
    let mut tags: Vec<String> = d["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    tags.sort();
    let mut planned_tags = strings(planned, "tags");
    planned_tags.sort();
    same("region", d["region"]["slug"].as_str())
        && same("size", d["size_slug"].as_str())
        && image
        && tags == planned_tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn planned(tags: &[&str]) -> Value {
        Value::object([
            ("name", Value::from("web-1")),
            ("region", Value::from("nyc3")),
            ("size", Value::from("s-1vcpu-1gb")),
            ("image", Value::from("ubuntu-24-04-x64")),
            (
                "tags",
                Value::set(tags.iter().map(|t| Value::from(*t)).collect()),
            ),
        ])
    }

    fn droplet(region: &str, slug: Json, tags: Json) -> Json {
        json!({"id": 1, "name": "web-1", "region": {"slug": region}, "size_slug": "s-1vcpu-1gb",
               "image": {"id": 42, "slug": slug}, "tags": tags})
    }

    #[test]
    fn a_droplet_matches_by_region_size_image_and_tags() {
        let p = planned(&["web", "prod"]);
        assert!(sent_by(
            &droplet("nyc3", json!("ubuntu-24-04-x64"), json!(["prod", "web"])),
            &p
        ));
        assert!(!sent_by(
            &droplet("sfo3", json!("ubuntu-24-04-x64"), json!(["prod", "web"])),
            &p
        ));
        assert!(!sent_by(
            &droplet("nyc3", json!("ubuntu-24-04-x64"), json!(["web"])),
            &p
        ));
        assert!(!sent_by(
            &droplet("nyc3", json!("debian-12-x64"), json!(["prod", "web"])),
            &p
        ));
        // Its image's slug moved on to a newer image.
        assert!(sent_by(
            &droplet("nyc3", Json::Null, json!(["prod", "web"])),
            &p
        ));
        let by_id = iac_provider::values::with(p, "image", Value::from("42"));
        assert!(sent_by(
            &droplet("nyc3", Json::Null, json!(["prod", "web"])),
            &by_id
        ));
    }

    #[test]
    fn names_are_encoded_for_the_query() {
        assert_eq!(encode("web-1.example"), "web-1.example");
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
