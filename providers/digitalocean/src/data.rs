//! Data sources: `digitalocean_droplet`, `digitalocean_ssh_key`, `digitalocean_image`.

use async_trait::async_trait;
use iac_provider::values::{num, string, text};
use iac_provider::{Attribute, Error, Schema};
use iac_value::{Type, Value};

use crate::api::Api;
use crate::resource::{DataSource, Resource};

/// The configuration with the looked-up attributes set.
fn merged(config: &Value, found: &Value) -> Value {
    let mut v = config.as_map().cloned().unwrap_or_default();
    if let Some(m) = found.as_map() {
        v.extend(m.iter().map(|(k, x)| (k.clone(), x.clone())));
    }
    Value::Map(v)
}

/// `data "digitalocean_droplet"`: one droplet by `id`, `name` or `tag`.
pub struct DropletLookup;

#[async_trait]
impl DataSource<Api> for DropletLookup {
    fn schema(&self) -> Schema {
        let mut schema = crate::droplet::Droplet.schema();
        schema.blocks.clear();
        for (name, a) in schema.attributes.iter_mut() {
            *a = if matches!(name.as_str(), "id" | "name" | "tag") {
                Attribute::optional_computed(a.ty.clone())
            } else {
                Attribute::computed(a.ty.clone())
            };
        }
        schema
            .attributes
            .insert("tag".into(), Attribute::optional(Type::String));
        schema
    }

    async fn read(&self, api: &Api, config: &Value) -> Result<Value, Error> {
        let id = match (
            string(config, "id"),
            string(config, "name"),
            string(config, "tag"),
        ) {
            (Some(id), _, _) => id,
            (None, name, tag) => {
                let path = match &tag {
                    Some(t) => format!("/v2/droplets?tag_name={t}"),
                    None => "/v2/droplets".to_string(),
                };
                let all = api
                    .list_all(&path, "droplets")
                    .await
                    .map_err(|f| f.into_error("GET /v2/droplets"))?;
                let found: Vec<_> = all
                    .iter()
                    .filter(|d| name.as_deref().is_none_or(|n| d["name"] == n))
                    .collect();
                match found.as_slice() {
                    [one] => one["id"].as_u64().unwrap_or_default().to_string(),
                    [] => return Err(Error::new("no droplet matches the given name or tag")),
                    many => {
                        return Err(Error::new(format!(
                            "{} droplets match; give an id, or a more specific name or tag",
                            many.len()
                        )));
                    }
                }
            }
        };
        let seed = Value::object([("id", Value::from(id.as_str()))]);
        let found = crate::droplet::Droplet
            .read(api, &seed)
            .await?
            .ok_or_else(|| Error::new(format!("no droplet \"{id}\" exists")))?;
        Ok(merged(config, &found))
    }
}

/// `data "digitalocean_ssh_key"`: a key of the account by name.
pub struct SshKeyLookup;

#[async_trait]
impl DataSource<Api> for SshKeyLookup {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("name", Attribute::required(Type::String)),
                ("id", Attribute::computed(Type::String)),
                ("public_key", Attribute::computed(Type::String)),
                ("fingerprint", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, api: &Api, config: &Value) -> Result<Value, Error> {
        let name = string(config, "name").unwrap_or_default();
        let keys = api
            .list_all("/v2/account/keys", "ssh_keys")
            .await
            .map_err(|f| f.into_error("GET /v2/account/keys"))?;
        let key = keys
            .iter()
            .find(|k| k["name"] == name.as_str())
            .ok_or_else(|| Error::new(format!("no SSH key named \"{name}\" exists")))?;
        Ok(merged(
            config,
            &crate::ssh_key::key_value(key, &Value::Null),
        ))
    }
}

/// `data "digitalocean_image"`: an image by `slug` or `id`.
pub struct ImageLookup;

#[async_trait]
impl DataSource<Api> for ImageLookup {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("slug", Attribute::optional_computed(Type::String)),
                ("id", Attribute::optional_computed(Type::String)),
                ("name", Attribute::computed(Type::String)),
                ("distribution", Attribute::computed(Type::String)),
                ("type", Attribute::computed(Type::String)),
                ("min_disk_size", Attribute::computed(Type::Number)),
                ("size_gigabytes", Attribute::computed(Type::Number)),
                ("public", Attribute::computed(Type::Bool)),
                ("regions", Attribute::computed(Type::list(Type::String))),
            ],
            [],
        )
    }

    async fn read(&self, api: &Api, config: &Value) -> Result<Value, Error> {
        let key = string(config, "id")
            .or_else(|| string(config, "slug"))
            .ok_or_else(|| Error::new("set slug or id"))?;
        let image = match api.get(&format!("/v2/images/{key}")).await {
            Ok(out) => out["image"].clone(),
            Err(f) if f.not_found() => {
                return Err(Error::new(format!("no image \"{key}\" exists")));
            }
            Err(f) => return Err(f.into_error("GET /v2/images")),
        };
        let found = Value::object([
            ("slug", text(image["slug"].as_str())),
            (
                "id",
                Value::from(image["id"].as_u64().unwrap_or_default().to_string()),
            ),
            ("name", text(image["name"].as_str())),
            ("distribution", text(image["distribution"].as_str())),
            ("type", text(image["type"].as_str())),
            ("min_disk_size", num(image["min_disk_size"].as_f64())),
            ("size_gigabytes", num(image["size_gigabytes"].as_f64())),
            (
                "public",
                Value::Bool(image["public"].as_bool().unwrap_or(false)),
            ),
            (
                "regions",
                iac_provider::values::string_list(
                    image["regions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|r| r.as_str()),
                ),
            ),
        ]);
        Ok(merged(config, &found))
    }
}
