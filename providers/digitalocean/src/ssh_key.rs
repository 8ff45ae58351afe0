//! `digitalocean_ssh_key`.

use async_trait::async_trait;
use iac_provider::values::{same_ssh_key, string, text, with};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, Schema};
use iac_value::{Type, Value};
use serde_json::{Value as Json, json};

use crate::api::Api;
use crate::listing;
use crate::lost::{self, Fresh};
use crate::resource::{Resource, imported, read_back};

pub struct SshKey;

pub fn key_value(k: &Json, current: &Value) -> Value {
    let stored = k["public_key"].as_str().unwrap_or_default();
    // Keep the configured text (comment and all) while it is the same key.
    let public_key = match current.get("public_key").as_str() {
        Some(known) if same_ssh_key(known, stored) => Value::from(known),
        _ => Value::from(stored),
    };
    Value::object([
        ("name", text(k["name"].as_str())),
        ("public_key", public_key),
        (
            "id",
            Value::from(k["id"].as_u64().unwrap_or_default().to_string()),
        ),
        ("fingerprint", text(k["fingerprint"].as_str())),
    ])
}

/// The account's keys with the planned public key (its comment aside): at most one, as
/// DigitalOcean holds a key once per account.
async fn matching(api: &Api, planned: &Value) -> Result<Vec<Json>, Error> {
    let Some(public_key) = string(planned, "public_key") else {
        return Ok(Vec::new());
    };
    Ok(api
        .list_all("/v2/account/keys", "ssh_keys")
        .await
        .map_err(|f| f.into_error("GET /v2/account/keys"))?
        .into_iter()
        .filter(|k| {
            k["public_key"]
                .as_str()
                .is_some_and(|stored| same_ssh_key(stored, &public_key))
        })
        .collect())
}

#[async_trait]
impl Resource<Api> for SshKey {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("name", Attribute::required(Type::String)),
                ("public_key", Attribute::required(Type::String).force_new()),
                ("id", Attribute::computed(Type::String)),
                ("fingerprint", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        Ok(api
            .get_if_exists(&format!("/v2/account/keys/{id}"))
            .await?
            .map(|out| key_value(&out["ssh_key"], current)))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let body =
            json!({"name": string(planned, "name"), "public_key": string(planned, "public_key")});
        // An account holds a key once (DigitalOcean refuses it again): the one found is
        // this create's.
        let made = lost::create(
            api,
            "/v2/account/keys",
            &body,
            "ssh_key",
            Fresh::Unique,
            || matching(api, planned),
        )
        .await?;
        let id = made.object["id"].as_u64().unwrap_or_default().to_string();
        let known = with(planned.clone(), "id", Value::from(id));
        read_back(self, api, &known, "POST /v2/account/keys").await
    }

    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        Ok(matching(api, planned)
            .await?
            .iter()
            .map(|k| Found {
                state: key_value(k, planned),
                complete: true,
            })
            .collect())
    }

    async fn update(
        &self,
        api: &Api,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        api.put(
            &format!("/v2/account/keys/{id}"),
            &json!({"name": string(planned, "name")}),
        )
        .await
        .map_err(|f| f.into_error("PUT /v2/account/keys"))?;
        read_back(self, api, planned, "PUT /v2/account/keys").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        api.delete_if_exists(&format!("/v2/account/keys/{id}"))
            .await
            .map(|_| ())
    }

    /// Filter: `name_prefix`.
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["name_prefix"], &[]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let keys = listing::pages(api, "/v2/account/keys", "ssh_keys", request, |k| {
            listing::has_prefix(request, k["name"].as_str())
        })
        .await?;
        Ok(keys
            .iter()
            .map(|k| {
                let id = k["id"].as_u64().unwrap_or_default().to_string();
                let seed = Value::object([("id", Value::from(id.as_str()))]);
                listing::found(request, id, k["name"].as_str(), || key_value(k, &seed))
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        imported(
            self,
            api,
            Value::object([("id", Value::from(id))]),
            "SSH key",
            id,
        )
        .await
    }
}
