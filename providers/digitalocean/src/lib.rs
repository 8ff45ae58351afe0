//! The DigitalOcean provider, on the public v2 API.
//!
//! The token comes from the provider block's `token`, else `DIGITALOCEAN_TOKEN`, else
//! `DIGITALOCEAN_ACCESS_TOKEN`; the API from `api_endpoint`, else `DIGITALOCEAN_API_URL`,
//! else `https://api.digitalocean.com`, as Terraform's DigitalOcean provider does.

mod api;
mod data;
mod domain;
mod droplet;
mod firewall;
mod reserved_ip;
mod resource;
mod ssh_key;
mod tag;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use iac_provider::{
    ApplyError, Attribute, Error, PlannedState, Provider, ProviderClient, ProviderSchema, Schema,
    ValidationError,
};
use iac_value::{Type, Value};

use crate::api::Api;
use crate::resource::{DataSource, Resource};

type Resources = BTreeMap<&'static str, Box<dyn Resource>>;
type DataSources = BTreeMap<&'static str, Box<dyn DataSource>>;

const DEFAULT_ENDPOINT: &str = "https://api.digitalocean.com";

/// The DigitalOcean provider.
pub struct DigitalOceanProvider {
    schema: ProviderSchema,
    resources: Arc<Resources>,
    data_sources: Arc<DataSources>,
}

impl DigitalOceanProvider {
    /// The provider with every resource type it supports.
    pub fn new() -> DigitalOceanProvider {
        let mut resources: Resources = BTreeMap::new();
        resources.insert("digitalocean_droplet", Box::new(droplet::Droplet));
        resources.insert("digitalocean_ssh_key", Box::new(ssh_key::SshKey));
        resources.insert("digitalocean_tag", Box::new(tag::Tag));
        resources.insert("digitalocean_domain", Box::new(domain::Domain));
        resources.insert("digitalocean_record", Box::new(domain::Record));
        resources.insert("digitalocean_firewall", Box::new(firewall::Firewall));
        resources.insert(
            "digitalocean_reserved_ip",
            Box::new(reserved_ip::ReservedIp),
        );
        resources.insert(
            "digitalocean_reserved_ip_assignment",
            Box::new(reserved_ip::Assignment),
        );
        let mut data_sources: DataSources = BTreeMap::new();
        data_sources.insert("digitalocean_droplet", Box::new(data::DropletLookup));
        data_sources.insert("digitalocean_ssh_key", Box::new(data::SshKeyLookup));
        data_sources.insert("digitalocean_image", Box::new(data::ImageLookup));
        let schema = ProviderSchema {
            provider: Schema::new(
                [
                    ("token", Attribute::optional(Type::String).sensitive()),
                    ("api_endpoint", Attribute::optional(Type::String)),
                ],
                [],
            ),
            resources: resources
                .iter()
                .map(|(k, r)| (k.to_string(), r.schema()))
                .collect(),
            data_sources: data_sources
                .iter()
                .map(|(k, d)| (k.to_string(), d.schema()))
                .collect(),
        };
        DigitalOceanProvider {
            schema,
            resources: Arc::new(resources),
            data_sources: Arc::new(data_sources),
        }
    }
}

impl Default for DigitalOceanProvider {
    fn default() -> DigitalOceanProvider {
        DigitalOceanProvider::new()
    }
}

/// The first of the provider block's `key` and the environment variables that is set.
fn setting(config: &Value, key: &str, env: &[&str]) -> Option<String> {
    config
        .get(key)
        .as_str()
        .map(str::to_string)
        .or_else(|| env.iter().find_map(|v| std::env::var(v).ok()))
        .filter(|s| !s.trim().is_empty())
}

#[async_trait]
impl Provider for DigitalOceanProvider {
    fn name(&self) -> &'static str {
        "digitalocean"
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&self, config: Value) -> Result<Arc<dyn ProviderClient>, Error> {
        let token = setting(
            &config,
            "token",
            &["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN"],
        )
        .ok_or_else(|| {
            Error::new(
                "No DigitalOcean API token is set. Set DIGITALOCEAN_TOKEN (or DIGITALOCEAN_ACCESS_TOKEN), or token in the provider \"digitalocean\" block.",
            )
        })?;
        let endpoint = setting(&config, "api_endpoint", &["DIGITALOCEAN_API_URL"])
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
        Ok(Arc::new(Client {
            api: Api::new(&endpoint, &token)?,
            resources: self.resources.clone(),
            data_sources: self.data_sources.clone(),
        }))
    }
}

/// The provider, configured.
struct Client {
    api: Api,
    resources: Arc<Resources>,
    data_sources: Arc<DataSources>,
}

impl Client {
    fn resource(&self, type_name: &str) -> Result<&dyn Resource, Error> {
        self.resources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| {
                Error::new(format!(
                    "the digitalocean provider has no resource type \"{type_name}\""
                ))
            })
    }
}

#[async_trait]
impl ProviderClient for Client {
    fn validate(&self, type_name: &str, config: &Value) -> Vec<ValidationError> {
        self.resource(type_name)
            .map(|r| r.validate(config))
            .unwrap_or_default()
    }

    fn plan(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        proposed: Value,
    ) -> Result<PlannedState, Error> {
        self.resource(type_name)?.plan(prior, proposed)
    }

    async fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, Error> {
        self.resource(type_name)?.read(&self.api, current).await
    }

    async fn create(
        &self,
        type_name: &str,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError> {
        self.resource(type_name)?
            .create(&self.api, planned, config)
            .await
    }

    async fn update(
        &self,
        type_name: &str,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        self.resource(type_name)?
            .update(&self.api, prior, planned)
            .await
    }

    async fn delete(&self, type_name: &str, prior: &Value) -> Result<(), Error> {
        self.resource(type_name)?.delete(&self.api, prior).await
    }

    async fn import(&self, type_name: &str, id: &str) -> Result<Value, Error> {
        self.resource(type_name)?.import(&self.api, id).await
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Error> {
        let data = self.data_sources.get(type_name).ok_or_else(|| {
            Error::new(format!(
                "the digitalocean provider has no data source \"{type_name}\""
            ))
        })?;
        data.read(&self.api, config).await
    }
}
