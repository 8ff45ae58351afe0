//! Calling the AWS provider's listings in process, as `iac query` does: the provider
//! configured for a stack's account on its emulator, and helpers to compare what it
//! lists.

use std::sync::Arc;

use iac_provider::{ListRequest, Listed, Provider, ProviderClient};
use iac_value::Value;

use crate::Stack;

/// The provider configured as the engine configures it, for the stack's account.
pub async fn provider(stack: &Stack) -> Arc<dyn ProviderClient> {
    let endpoint = &stack.aws.running().endpoint;
    let services = ["s3", "ec2", "rds", "route53", "acm", "elbv2", "sts"];
    let endpoints = Value::object(services.map(|s| (s, Value::from(endpoint.as_str()))));
    let config = Value::object([
        ("region", Value::from("eu-west-1")),
        ("access_key", Value::from(stack.access_key.as_str())),
        ("secret_key", Value::from("test")),
        ("endpoints", Value::set(vec![endpoints])),
    ]);
    iac_provider_aws::AwsProvider::new()
        .configure(config)
        .await
        .expect("the provider configures")
}

/// Lists `type_name` with `filter` (pairs of the list block's `config`).
pub async fn list(
    aws: &dyn ProviderClient,
    type_name: &str,
    filter: &[(&str, Value)],
    limit: Option<usize>,
) -> Vec<Listed> {
    let request = ListRequest {
        filter: Value::object(filter.iter().cloned()),
        include_resource: false,
        limit,
    };
    aws.list(type_name, &request)
        .await
        .unwrap_or_else(|e| panic!("listing {type_name}: {}", e.message))
}

pub fn ids(listed: &[Listed]) -> Vec<String> {
    let mut ids: Vec<String> = listed.iter().map(|l| l.id.clone()).collect();
    ids.sort();
    ids
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}
