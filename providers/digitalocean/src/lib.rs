//! The DigitalOcean provider, on the public v2 API.
//!
//! The token comes from the provider block's `token`, else `DIGITALOCEAN_TOKEN`, else
//! `DIGITALOCEAN_ACCESS_TOKEN`; the API from `api_endpoint`, else `DIGITALOCEAN_API_URL`,
//! else `https://api.digitalocean.com`, as Terraform's DigitalOcean provider does.

mod api;
mod data;
mod domain;
mod droplet;
#[cfg(test)]
mod fake;
mod firewall;
mod listing;
mod lost;
mod pace;
mod poll;
mod reserved_ip;
mod resource;
mod ssh_key;
mod tag;

use std::sync::Arc;

use async_trait::async_trait;
use iac_provider::typed::{Catalog, Client, Configured};
use iac_provider::{Attribute, Error, Provider, ProviderClient, ProviderSchema, Schema};
use iac_value::{Type, Value};

use crate::api::Api;
use crate::resource::{DataSources, Resources};

const DEFAULT_ENDPOINT: &str = "https://api.digitalocean.com";

/// The DigitalOcean provider.
pub struct DigitalOceanProvider {
    schema: ProviderSchema,
    catalog: Arc<Catalog<Api>>,
}

impl DigitalOceanProvider {
    /// The provider with every resource type it supports.
    pub fn new() -> DigitalOceanProvider {
        let mut resources = Resources::new();
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
        let mut data_sources = DataSources::new();
        data_sources.insert("digitalocean_droplet", Box::new(data::DropletLookup));
        data_sources.insert("digitalocean_ssh_key", Box::new(data::SshKeyLookup));
        data_sources.insert("digitalocean_image", Box::new(data::ImageLookup));
        let catalog = Catalog {
            provider: "digitalocean",
            resources,
            data_sources,
        };
        let (resources, data_sources) = catalog.schemas();
        DigitalOceanProvider {
            schema: ProviderSchema {
                provider: Schema::new(
                    [
                        ("token", Attribute::optional(Type::String).sensitive()),
                        ("api_endpoint", Attribute::optional(Type::String)),
                    ],
                    [],
                ),
                resources,
                data_sources,
                lists: catalog.list_schemas(),
            },
            catalog: Arc::new(catalog),
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

    fn release(&self) -> iac_provider::Release {
        iac_provider::Release {
            source: "digitalocean/digitalocean",
            version: "2.55.0",
        }
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<iac_provider::ValidationError> {
        self.catalog
            .resources
            .get(type_name)
            .map(|r| r.validate(config))
            .unwrap_or_default()
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
        Ok(Arc::new(Configured {
            client: Api::new(&endpoint, &token)?,
            catalog: self.catalog.clone(),
        }))
    }
}

/// DigitalOcean adds nothing to every planned object.
impl Client for Api {}
