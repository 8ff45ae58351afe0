//! The AWS provider, on the official `aws-sdk-*` crates.
//!
//! Credentials and region come from `aws-config`'s standard chain (`AWS_PROFILE`,
//! `AWS_REGION`, environment keys, shared files), overridable in the provider block.
//! Endpoints come from the SDK's own settings (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_<SERVICE>`) or the provider block's `endpoints`; with a custom S3
//! endpoint, S3 uses path-style addressing.

mod acm;
mod client;
mod config;
mod ec2;
mod elbv2;
mod endpoint;
mod error;
mod found;
mod listing;
mod names;
mod partition;
mod rds;
mod resource;
mod retry;
mod route53;
mod s3;
#[cfg(test)]
mod stand_in;
mod sts;
mod tags;
pub(crate) use iac_provider::timeouts;
pub(crate) use iac_provider::values;
mod wait;

use std::sync::Arc;

use async_trait::async_trait;
use iac_provider::typed::{Catalog, Configured};
use iac_provider::{Error, Provider, ProviderClient, ProviderSchema};
use iac_value::Value;

use crate::client::AwsClients;

/// The AWS provider.
pub struct AwsProvider {
    schema: ProviderSchema,
    catalog: Arc<Catalog<AwsClients>>,
}

impl AwsProvider {
    /// The provider with every resource type it supports.
    pub fn new() -> AwsProvider {
        let mut resources = s3::resources();
        resources.extend(ec2::resources());
        resources.extend(route53::resources());
        resources.extend(acm::resources());
        resources.extend(elbv2::resources());
        resources.extend(rds::resources());
        let mut data_sources = ec2::data_sources();
        data_sources.extend(route53::data_sources());
        data_sources.insert("aws_caller_identity", Box::new(sts::CallerIdentity));
        let catalog = Catalog {
            provider: "aws",
            resources,
            data_sources,
        };
        let (mut resources, data_sources) = catalog.schemas();
        // `settle` computes every `tags_all` from `tags` (and `default_tags`).
        for schema in resources.values_mut() {
            if schema.attributes.contains_key("tags")
                && let Some(all) = schema.attributes.get_mut("tags_all")
            {
                all.derived_from = Some("tags".to_string());
            }
        }
        AwsProvider {
            schema: ProviderSchema {
                provider: config::schema(),
                resources,
                data_sources,
                lists: catalog.list_schemas(),
            },
            catalog: Arc::new(catalog),
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

    fn release(&self) -> iac_provider::Release {
        iac_provider::Release {
            source: "hashicorp/aws",
            version: "5.100.0",
        }
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&self, config: Value) -> Result<Arc<dyn ProviderClient>, Error> {
        let settings = config::Settings::from_value(&config)?;
        let aws = client::AwsClients::connect(&settings).await?;
        Ok(Arc::new(Configured {
            client: aws,
            catalog: self.catalog.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use iac_provider::CreateToken;
    use iac_value::Value;

    /// A create of any type interrupted before its answer was recorded must be
    /// findable: the default `find_created` ("cannot tell") would block every later
    /// plan of the stack.
    #[tokio::test]
    async fn every_resource_type_can_look_for_what_its_create_made() {
        let provider = super::AwsProvider::new();
        let aws = crate::client::tests::offline();
        let cannot = iac_provider::intent::cannot_find().message;
        for (name, resource) in &provider.catalog.resources {
            let planned =
                Value::object([("tags_all", Value::object([("Name", Value::from("x"))]))]);
            if let Err(e) = resource
                .find_created(&aws, &planned, &CreateToken::new())
                .await
            {
                assert_ne!(e.message, cannot, "{name} cannot look for what it made");
            }
        }
    }

    /// `iac query` and `iac adopt` discover every type: each declares its filters.
    #[test]
    fn every_resource_type_can_be_listed() {
        let provider = super::AwsProvider::new();
        let schema = iac_provider::Provider::schema(&provider);
        for name in schema.resources.keys() {
            assert!(schema.lists.contains_key(name), "{name} cannot be listed");
        }
        let records = &schema.lists["aws_route53_record"];
        assert!(records.attributes["zone_id"].required);
    }
}
