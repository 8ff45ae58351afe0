//! The AWS provider, on the official `aws-sdk-*` crates.
//!
//! Credentials and region come from `aws-config`'s standard chain (`AWS_PROFILE`,
//! `AWS_REGION`, environment keys, shared files), overridable in the provider block.
//! Endpoints come from the SDK's own settings (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_<SERVICE>`) or the provider block's `endpoints`; with a custom S3
//! endpoint, S3 uses path-style addressing.

mod client;
mod config;
mod error;
mod resource;
mod s3;
mod tags;
mod values;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use iac_provider::{Error, Provider, ProviderClient, ProviderSchema};
use iac_value::Value;

use crate::resource::Resource;

/// The AWS provider.
pub struct AwsProvider {
    schema: ProviderSchema,
    resources: Arc<BTreeMap<&'static str, Box<dyn Resource>>>,
}

impl AwsProvider {
    /// The provider with every resource type it supports.
    pub fn new() -> AwsProvider {
        let resources = s3::resources();
        let schema = ProviderSchema {
            provider: config::schema(),
            resources: resources
                .iter()
                .map(|(k, r)| (k.to_string(), r.schema()))
                .collect(),
            data_sources: BTreeMap::new(),
        };
        AwsProvider {
            schema,
            resources: Arc::new(resources),
        }
    }
}

impl Default for AwsProvider {
    fn default() -> AwsProvider {
        AwsProvider::new()
    }
}

#[async_trait]
impl Provider for AwsProvider {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&self, config: Value) -> Result<Arc<dyn ProviderClient>, Error> {
        let settings = config::Settings::from_value(&config)?;
        let aws = client::AwsClients::connect(&settings).await?;
        Ok(Arc::new(client::AwsClient {
            aws,
            resources: self.resources.clone(),
        }))
    }
}
