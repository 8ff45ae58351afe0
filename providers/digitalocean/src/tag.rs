//! `digitalocean_tag`.

use async_trait::async_trait;
use iac_provider::values::{num, string};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, Schema};
use iac_value::{Type, Value};
use serde_json::{Value as Json, json};

use crate::api::Api;
use crate::listing;
use crate::resource::{Resource, imported, read_back};

pub struct Tag;

/// A tag as the state holds it, from DigitalOcean's JSON.
fn tag_value(name: &str, t: &Json) -> Value {
    Value::object([
        ("name", Value::from(name)),
        ("id", Value::from(name)),
        (
            "total_resource_count",
            num(t["resources"]["count"].as_f64()),
        ),
        (
            "droplets_count",
            num(t["resources"]["droplets"]["count"].as_f64()),
        ),
    ])
}

#[async_trait]
impl Resource<Api> for Tag {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("name", Attribute::required(Type::String).force_new()),
                ("id", Attribute::computed(Type::String)),
                ("total_resource_count", Attribute::computed(Type::Number)),
                ("droplets_count", Attribute::computed(Type::Number)),
            ],
            [],
        )
    }

    fn validate(&self, config: &Value) -> Vec<iac_provider::ValidationError> {
        match config.get("name").as_str() {
            Some(n)
                if n.is_empty()
                    || n.len() > 255
                    || !n
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')) =>
            {
                vec![iac_provider::ValidationError {
                    path: vec![iac_value::PathStep::Key("name".into())],
                    message:
                        "tag names are 1 to 255 letters, digits, colons, dashes and underscores"
                            .into(),
                }]
            }
            _ => Vec::new(),
        }
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let Some(name) = string(current, "name").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let Some(out) = api.get_if_exists(&format!("/v2/tags/{name}")).await? else {
            return Ok(None);
        };
        Ok(Some(tag_value(&name, &out["tag"])))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        // A tag is its name: creating it again makes nothing more.
        api.post_repeatable("/v2/tags", &json!({"name": string(planned, "name")}))
            .await
            .map_err(|f| f.into_error("POST /v2/tags"))?;
        read_back(self, api, planned, "POST /v2/tags").await
    }

    /// A tag is its name: the one of that name is what the create made.
    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        Ok(self
            .read(api, planned)
            .await?
            .map(|state| Found {
                state,
                complete: true,
            })
            .into_iter()
            .collect())
    }

    async fn update(
        &self,
        api: &Api,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        read_back(self, api, planned, "GET /v2/tags").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let name =
            string(prior, "name").ok_or_else(|| Error::new("the prior state has no name"))?;
        api.delete_if_exists(&format!("/v2/tags/{name}"))
            .await
            .map(|_| ())
    }

    /// Filter: `name_prefix`.
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["name_prefix"], &[]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let tags = listing::pages(api, "/v2/tags", "tags", request, |t| {
            listing::has_prefix(request, t["name"].as_str())
        })
        .await?;
        Ok(tags
            .iter()
            .map(|t| {
                let name = t["name"].as_str().unwrap_or_default();
                listing::found(request, name.to_string(), Some(name), || tag_value(name, t))
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        imported(
            self,
            api,
            Value::object([("name", Value::from(id))]),
            "tag",
            id,
        )
        .await
    }
}
