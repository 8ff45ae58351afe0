//! `digitalocean_droplet`.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use iac_provider::values::{flag, string, string_set, strings, text, with};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, PlannedState, Schema,
    ValidationError, timeouts,
};
use iac_value::{PathStep, Type, Value};
use serde_json::{Value as Json, json};
use sha1::{Digest, Sha1};

use crate::api::{Api, encode};
use crate::listing;
use crate::lost::{self, Fresh};
use crate::poll::Polling;
use crate::resource::{Resource, imported, read_back};

mod backup_policy;
mod found;

pub struct Droplet;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// What DigitalOcean answers (422) a power-off of a droplet that is off with.
const ALREADY_OFF: &str = "Droplet is already powered off";

/// The digest kept in the state for `user_data`, as Terraform's provider does.
fn digest(user_data: &str) -> String {
    Sha1::digest(user_data.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `timeouts` value for `op`, else the default.
fn timeout(v: &Value, op: &str) -> Duration {
    timeouts::get(v, op, DEFAULT_TIMEOUT)
}

/// The address of the given `type` (public or private) among a droplet's networks.
fn address(d: &Json, family: &str, kind: &str) -> Value {
    d["networks"][family]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["type"] == kind)
        .and_then(|n| n["ip_address"].as_str())
        .map_or(Value::from(""), Value::from)
}

/// The image as the state names it; on import (nothing named yet) the slug of the
/// droplet's image. As in Terraform's provider, a named image is never read back:
/// DigitalOcean moves a slug (`ubuntu-22-04-x64`) to each newer image, and a droplet
/// made from an older one then reports that image by id, with no slug. For the same
/// reason an imported droplet whose image has no slug any more records none, and the
/// configuration's image is taken (the attribute is `config_only`).
fn image(d: &Json, current: &Value) -> Value {
    if current.get("image").as_str().is_some() {
        return current.get("image").clone();
    }
    text(d["image"]["slug"].as_str())
}

/// A droplet's state from the API's answer; what the API does not report (`ssh_keys`,
/// `user_data`, settings used only when changing it) is kept from `current`.
fn droplet_value(d: &Json, current: &Value) -> Value {
    let id = d["id"].as_u64().unwrap_or_default().to_string();
    let feature = |f: &str| {
        d["features"]
            .as_array()
            .is_some_and(|fs| fs.iter().any(|x| x == f))
    };
    Value::object([
        ("name", text(d["name"].as_str())),
        ("region", text(d["region"]["slug"].as_str())),
        ("size", text(d["size_slug"].as_str())),
        ("image", image(d, current)),
        ("ssh_keys", current.get("ssh_keys").clone()),
        ("backups", Value::Bool(feature("backups"))),
        // DigitalOcean's answer has no policy; as Terraform's provider, keep the one set.
        ("backup_policy", current.get("backup_policy").clone()),
        (
            "private_networking",
            Value::Bool(feature("private_networking")),
        ),
        ("monitoring", Value::Bool(feature("monitoring"))),
        ("ipv6", Value::Bool(feature("ipv6"))),
        ("droplet_agent", current.get("droplet_agent").clone()),
        (
            "graceful_shutdown",
            current.get("graceful_shutdown").clone(),
        ),
        ("resize_disk", current.get("resize_disk").clone()),
        ("vpc_uuid", text(d["vpc_uuid"].as_str())),
        ("user_data", current.get("user_data").clone()),
        (
            "tags",
            string_set(
                d["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str()),
            ),
        ),
        ("id", Value::from(id.as_str())),
        ("urn", Value::from(format!("do:droplet:{id}"))),
        ("status", text(d["status"].as_str())),
        (
            "locked",
            Value::Bool(d["locked"].as_bool().unwrap_or(false)),
        ),
        ("ipv4_address", address(d, "v4", "public")),
        ("ipv4_address_private", address(d, "v4", "private")),
        ("ipv6_address", address(d, "v6", "public")),
        ("created_at", text(d["created_at"].as_str())),
        ("memory", iac_provider::values::num(d["memory"].as_f64())),
        ("vcpus", iac_provider::values::num(d["vcpus"].as_f64())),
        ("disk", iac_provider::values::num(d["disk"].as_f64())),
        ("timeouts", current.get("timeouts").clone()),
    ])
}

/// The `ssh_keys` as the API takes them: numeric ids as numbers, fingerprints as text.
fn ssh_keys(planned: &Value) -> Vec<Json> {
    strings(planned, "ssh_keys")
        .into_iter()
        .map(|k| k.parse::<u64>().map_or(Json::from(k.clone()), Json::from))
        .collect()
}

impl Droplet {
    /// Runs one droplet action and waits for it.
    async fn act(&self, api: &Api, id: &str, body: Json, limit: Duration) -> Result<(), Error> {
        let action = lost::act(api, &format!("/v2/droplets/{id}/actions"), &body).await?;
        api.wait_action(action, limit).await
    }

    /// Waits for a new droplet to be built: its create action (`action`, else the one
    /// its action list holds) to complete, and the droplet to be `active`.
    async fn built(
        &self,
        api: &Api,
        id: &str,
        action: Option<u64>,
        limit: Duration,
    ) -> Result<(), Error> {
        let action = match action {
            Some(a) => Some(a),
            None => api
                .list_all(&format!("/v2/droplets/{id}/actions"), "actions")
                .await
                .map_err(|f| f.into_error("GET /v2/droplets/actions"))?
                .iter()
                .find(|a| a["type"] == "create")
                .and_then(|a| a["id"].as_u64()),
        };
        if let Some(action) = action {
            api.wait_action(action, limit).await?;
        }
        self.wait_status(api, id, "active", limit).await
    }

    /// Resizes: powers the droplet off (unless it is off already), resizes it, and
    /// powers it back on if it was on, also when the resize failed.
    async fn resize(
        &self,
        api: &Api,
        id: &str,
        planned: &Value,
        limit: Duration,
    ) -> Result<(), Error> {
        let was_on = self.status(api, id).await? != "off";
        if was_on {
            let off = if flag(planned, "graceful_shutdown") {
                "shutdown"
            } else {
                "power_off"
            };
            match self.act(api, id, json!({"type": off}), limit).await {
                // It went off between the look and the request.
                Err(e) if e.message.contains(ALREADY_OFF) => {}
                other => other?,
            }
            // A shutdown's action completes once it is asked for, not once it is done.
            self.wait_status(api, id, "off", limit).await?;
        }
        let resize = json!({
            "type": "resize",
            "size": string(planned, "size"),
            "disk": planned.get("resize_disk").as_bool().unwrap_or(true),
        });
        let resized = self.act(api, id, resize, limit).await;
        if was_on {
            self.act(api, id, json!({"type": "power_on"}), limit)
                .await?;
        }
        resized
    }

    /// The droplet's status now (`new`, `active`, `off`, `archive`).
    async fn status(&self, api: &Api, id: &str) -> Result<String, Error> {
        let d = api
            .get(&format!("/v2/droplets/{id}"))
            .await
            .map_err(|f| f.into_error("GET /v2/droplets"))?;
        Ok(d["droplet"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// Waits until the droplet reports `status`.
    async fn wait_status(
        &self,
        api: &Api,
        id: &str,
        status: &str,
        limit: Duration,
    ) -> Result<(), Error> {
        let start = Instant::now();
        let mut polling = Polling::new();
        loop {
            let d = api
                .get(&format!("/v2/droplets/{id}"))
                .await
                .map_err(|f| f.into_error("GET /v2/droplets"))?;
            let now = d["droplet"]["status"].as_str().unwrap_or_default();
            if now == status {
                return Ok(());
            }
            if start.elapsed() >= limit {
                return Err(Error::api(
                    "GET /v2/droplets",
                    format!("timed out waiting for droplet {id} to be {status}; it is {now}"),
                ));
            }
            polling.pause().await.map_err(|stopped| {
                Error::api(
                    "GET /v2/droplets",
                    format!(
                        "stopped waiting for droplet {id} to be {status} (it is {now}): {stopped}"
                    ),
                )
            })?;
        }
    }

    /// Adds and removes tags to go from `old` to `new`.
    async fn retag(
        &self,
        api: &Api,
        id: &str,
        old: &[String],
        new: &[String],
    ) -> Result<(), Error> {
        let resources = json!({"resources": [{"resource_id": id, "resource_type": "droplet"}]});
        for t in new.iter().filter(|t| !old.contains(t)) {
            api.post_repeatable("/v2/tags", &json!({"name": t}))
                .await
                .map_err(|f| f.into_error("POST /v2/tags"))?;
            api.post_repeatable(&format!("/v2/tags/{t}/resources"), &resources)
                .await
                .map_err(|f| f.into_error("POST /v2/tags/resources"))?;
        }
        for t in old.iter().filter(|t| !new.contains(t)) {
            match api
                .call(
                    reqwest::Method::DELETE,
                    &format!("/v2/tags/{t}/resources"),
                    Some(&resources),
                )
                .await
            {
                Ok(_) => {}
                Err(f) if f.not_found() => {}
                Err(f) => return Err(f.into_error("DELETE /v2/tags/resources")),
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Resource<Api> for Droplet {
    fn schema(&self) -> Schema {
        let strings = || Type::set(Type::String);
        Schema::new(
            [
                ("name", Attribute::required(Type::String)),
                ("region", Attribute::required(Type::String).force_new()),
                ("size", Attribute::required(Type::String)),
                (
                    "image",
                    Attribute::required(Type::String).force_new().config_only(),
                ),
                (
                    "ssh_keys",
                    Attribute::optional(strings()).force_new().config_only(),
                ),
                ("backups", Attribute::optional(Type::Bool).default(false)),
                (
                    "monitoring",
                    Attribute::optional(Type::Bool).default(false).force_new(),
                ),
                ("ipv6", Attribute::optional(Type::Bool).default(false)),
                // Deprecated by DigitalOcean (every droplet is in a VPC); accepted, and
                // turned on in place as Terraform's provider does.
                (
                    "private_networking",
                    Attribute::optional_computed(Type::Bool),
                ),
                (
                    "droplet_agent",
                    Attribute::optional(Type::Bool).force_new().config_only(),
                ),
                (
                    "graceful_shutdown",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                (
                    "resize_disk",
                    Attribute::optional(Type::Bool).default(true).config_only(),
                ),
                (
                    "vpc_uuid",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                // Never returned by the API: after an import it is taken from the
                // configuration (and recorded as its digest).
                (
                    "user_data",
                    Attribute::optional(Type::String).force_new().config_only(),
                ),
                ("tags", Attribute::optional(strings())),
                ("id", Attribute::computed(Type::String)),
                ("urn", Attribute::computed(Type::String)),
                ("status", Attribute::computed(Type::String)),
                ("locked", Attribute::computed(Type::Bool)),
                ("ipv4_address", Attribute::computed(Type::String)),
                ("ipv4_address_private", Attribute::computed(Type::String)),
                ("ipv6_address", Attribute::computed(Type::String)),
                ("created_at", Attribute::computed(Type::String)),
                ("memory", Attribute::computed(Type::Number)),
                ("vcpus", Attribute::computed(Type::Number)),
                ("disk", Attribute::computed(Type::Number)),
            ],
            [
                ("backup_policy", backup_policy::schema()),
                timeouts::block(&["create", "update", "delete"]),
            ],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        timeouts::validate(config, &mut out);
        backup_policy::validate(config, &mut out);
        out
    }

    fn plan(
        &self,
        _api: &Api,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        if let Some(raw) = proposed.get("user_data").as_str() {
            let hashed = digest(raw);
            proposed = with(proposed, "user_data", Value::from(hashed));
        }
        if proposed.get("tags").is_null() {
            proposed = with(proposed, "tags", Value::set(Vec::new()));
        }
        let mut requires_replace = Vec::new();
        if let Some(p) = prior {
            // DigitalOcean can turn IPv6 on, not off.
            if flag(p, "ipv6") && !flag(&proposed, "ipv6") {
                requires_replace.push(vec![PathStep::Key("ipv6".into())]);
            }
            let resized = p.get("size") != proposed.get("size");
            for (name, changes) in [
                ("memory", resized),
                ("vcpus", resized),
                ("disk", resized),
                ("ipv6_address", flag(&proposed, "ipv6") && !flag(p, "ipv6")),
            ] {
                if changes {
                    proposed = with(proposed, name, Value::Unknown);
                }
            }
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace,
        })
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        Ok(api
            .get_if_exists(&format!("/v2/droplets/{id}"))
            .await?
            .map(|out| droplet_value(&out["droplet"], current)))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let image = string(planned, "image").unwrap_or_default();
        let mut body = json!({
            "name": string(planned, "name"),
            "region": string(planned, "region"),
            "size": string(planned, "size"),
            "image": image.parse::<u64>().map_or(Json::from(image.clone()), Json::from),
            "ssh_keys": ssh_keys(planned),
            "backups": flag(planned, "backups"),
            "monitoring": flag(planned, "monitoring"),
            "ipv6": flag(planned, "ipv6"),
            "tags": strings(planned, "tags"),
        });
        if let Some(policy) = backup_policy::request(planned) {
            body["backup_policy"] = policy;
        }
        if let Some(private) = planned.get("private_networking").as_bool() {
            body["private_networking"] = private.into();
        }
        if let Some(vpc) = string(planned, "vpc_uuid") {
            body["vpc_uuid"] = vpc.into();
        }
        if let Some(agent) = planned.get("droplet_agent").as_bool() {
            body["with_droplet_agent"] = agent.into();
        }
        if let Some(user_data) = string(config, "user_data") {
            body["user_data"] = user_data.into();
        }
        let made = lost::create(
            api,
            "/v2/droplets",
            &body,
            "droplet",
            Fresh::CreatedAt,
            || found::matching(api, planned),
        )
        .await?;
        let id = made.object["id"].as_u64().unwrap_or_default().to_string();
        let known = with(planned.clone(), "id", Value::from(id.as_str()));
        let action = made
            .answer
            .as_ref()
            .and_then(|a| a["links"]["actions"][0]["id"].as_u64());
        if let Err(error) = self
            .built(api, &id, action, timeout(planned, "create"))
            .await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, api, &known, "POST /v2/droplets").await
    }

    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let mut found = Vec::new();
        for d in found::matching(api, planned).await? {
            let id = d["id"].as_u64().unwrap_or_default().to_string();
            let complete = match d["status"].as_str() {
                Some("new") => match self.built(api, &id, None, timeout(planned, "create")).await {
                    Ok(()) => true,
                    Err(e) if iac_provider::stop::current().requested() => return Err(e),
                    // Its create action errored, or it was not built in time.
                    Err(_) => false,
                },
                Some("archive") => false,
                _ => true,
            };
            // What the API does not report (`ssh_keys`, `user_data`, ...) is as planned.
            let known = with(planned.clone(), "id", Value::from(id.as_str()));
            if let Some(state) = self.read(api, &known).await? {
                found.push(Found { state, complete });
            }
        }
        Ok(found)
    }

    async fn update(
        &self,
        api: &Api,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        let limit = timeout(planned, "update");
        if prior.get("name") != planned.get("name") {
            self.act(
                api,
                &id,
                json!({"type": "rename", "name": string(planned, "name")}),
                limit,
            )
            .await?;
        }
        if prior.get("size") != planned.get("size") {
            self.resize(api, &id, planned, limit).await?;
        }
        let policy = backup_policy::request(planned);
        if prior.get("backups") != planned.get("backups") {
            let mut body = if flag(planned, "backups") {
                json!({"type": "enable_backups"})
            } else {
                json!({"type": "disable_backups"})
            };
            if let Some(policy) = &policy {
                body["backup_policy"] = policy.clone();
            }
            self.act(api, &id, body, limit).await?;
        } else if let Some(policy) = policy
            && prior.get("backup_policy") != planned.get("backup_policy")
        {
            let body = json!({"type": "change_backup_policy", "backup_policy": policy});
            self.act(api, &id, body, limit).await?;
        }
        // There is no way to turn private networking off.
        if !flag(prior, "private_networking") && flag(planned, "private_networking") {
            let body = json!({"type": "enable_private_networking"});
            self.act(api, &id, body, limit).await?;
        }
        if !flag(prior, "ipv6") && flag(planned, "ipv6") {
            self.act(api, &id, json!({"type": "enable_ipv6"}), limit)
                .await?;
        }
        if prior.get("tags") != planned.get("tags") {
            self.retag(api, &id, &strings(prior, "tags"), &strings(planned, "tags"))
                .await?;
        }
        read_back(self, api, planned, "POST /v2/droplets/actions").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        if !api.delete_if_exists(&format!("/v2/droplets/{id}")).await? {
            return Ok(());
        }
        let limit = timeout(prior, "delete");
        let start = Instant::now();
        let mut polling = Polling::new();
        loop {
            match api.get(&format!("/v2/droplets/{id}")).await {
                Err(f) if f.not_found() => return Ok(()),
                Err(f) => return Err(f.into_error("GET /v2/droplets")),
                Ok(_) if start.elapsed() >= limit => {
                    return Err(Error::api(
                        "DELETE /v2/droplets",
                        format!(
                            "droplet {id} still exists after {}",
                            humantime::format_duration(limit)
                        ),
                    ));
                }
                Ok(_) => polling.pause().await.map_err(|stopped| {
                    Error::api(
                        "DELETE /v2/droplets",
                        format!("stopped waiting for droplet {id} to be gone: {stopped}"),
                    )
                })?,
            }
        }
    }

    /// Filters: `tag_name` (asked of DigitalOcean), `region` and `name_prefix`.
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["tag_name", "region", "name_prefix"], &[]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let path = match listing::filter(request, "tag_name") {
            Some(tag) => format!("/v2/droplets?tag_name={}", encode(&tag)),
            None => "/v2/droplets".to_string(),
        };
        let region = listing::filter(request, "region");
        let droplets = listing::pages(api, &path, "droplets", request, |d| {
            region
                .as_ref()
                .is_none_or(|r| d["region"]["slug"] == r.as_str())
                && listing::has_prefix(request, d["name"].as_str())
        })
        .await?;
        Ok(droplets
            .iter()
            .map(|d| {
                let id = d["id"].as_u64().unwrap_or_default().to_string();
                let seed = Value::object([("id", Value::from(id.as_str()))]);
                listing::found(request, id, d["name"].as_str(), || droplet_value(d, &seed))
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        imported(
            self,
            api,
            Value::object([("id", Value::from(id))]),
            "droplet",
            id,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_image_is_kept_when_its_slug_moves() {
        let moved = json!({"image": {"id": 112929454, "slug": null}});
        let named = Value::object([("image", Value::from("ubuntu-22-04-x64"))]);
        assert_eq!(image(&moved, &named), Value::from("ubuntu-22-04-x64"));
        // On import nothing is named yet: the slug, else nothing (the configuration's
        // image is taken).
        let fresh = Value::object([("id", Value::from("1"))]);
        assert_eq!(image(&moved, &fresh), Value::Null);
        let current = json!({"image": {"id": 1, "slug": "debian-12-x64"}});
        assert_eq!(image(&current, &fresh), Value::from("debian-12-x64"));
    }

    #[test]
    fn user_data_is_kept_as_its_sha1() {
        assert_eq!(digest("hello"), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
    }
}
