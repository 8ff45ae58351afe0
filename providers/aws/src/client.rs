//! The configured provider's client: one SDK client per service, the region, the
//! default tags, and the caller's identity once asked for.

use std::collections::BTreeMap;

use aws_config::{BehaviorVersion, Region};
use iac_provider::Error;
use iac_provider::typed::Client;
use iac_value::Value;

use crate::config::Settings;

/// SDK clients for one provider configuration.
pub struct AwsClients {
    pub s3: aws_sdk_s3::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
    pub route53: aws_sdk_route53::Client,
    pub acm: aws_sdk_acm::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
    pub default_tags: BTreeMap<String, String>,
    /// The caller's account, ARN and user id, once asked for.
    pub identity: tokio::sync::OnceCell<(String, String, String)>,
}

/// A service client from the shared SDK configuration, with the provider block's
/// endpoint for `service` if it sets one, and refused connections reported at once.
macro_rules! service_client {
    ($sdk:expr, $settings:expr, $krate:ident, $service:literal) => {{
        let mut conf = $krate::config::Builder::from($sdk);
        if let Some(url) = $settings.endpoints.get($service) {
            conf = conf.endpoint_url(url);
        }
        conf = conf.interceptor(detect_refused($sdk, $settings, $service));
        $krate::Client::from_conf(conf.build())
    }};
}

/// The interceptor that reports a refused connection to `service`'s endpoint.
fn detect_refused(
    sdk: &aws_config::SdkConfig,
    settings: &Settings,
    service: &str,
) -> crate::endpoint::DetectRefused {
    crate::endpoint::DetectRefused {
        set_by: crate::endpoint::set_by(
            service,
            settings.endpoints.contains_key(service),
            sdk.region().map(|r| r.as_ref()),
        ),
    }
}

/// Attempts per call (the first and four retries) for throttling, 5xx and network
/// errors, with the SDK's exponential backoff and jitter, unless `max_retries` says.
const DEFAULT_ATTEMPTS: u32 = 5;

/// Whether an endpoint for `service` is set outside the provider block, in the SDK's
/// environment settings.
fn env_endpoint(service: &str) -> bool {
    std::env::var_os("AWS_ENDPOINT_URL").is_some()
        || std::env::var_os(format!("AWS_ENDPOINT_URL_{}", service.to_uppercase())).is_some()
}

impl AwsClients {
    /// Builds the clients from the standard chain and the provider block.
    pub async fn connect(s: &Settings) -> Result<AwsClients, Error> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(p) = &s.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &s.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some((key, secret, token)) = &s.static_credentials {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                key,
                secret,
                token.clone(),
                None,
                "iac-provider-block",
            ));
        }
        loader = loader.retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(s.max_retries.map_or(DEFAULT_ATTEMPTS, |n| n + 1)),
        );
        let sdk = loader.load().await;
        let region = sdk.region().map(|r| r.to_string()).ok_or_else(|| {
            Error::new("No AWS region is set. Set region in the provider \"aws\" block, the AWS_REGION environment variable, or a profile's region.")
        })?;
        let mut s3 = aws_sdk_s3::config::Builder::from(&sdk);
        if let Some(url) = s.endpoints.get("s3") {
            s3 = s3.endpoint_url(url);
        }
        if s.s3_path_style || s.endpoints.contains_key("s3") || env_endpoint("s3") {
            s3 = s3.force_path_style(true);
        }
        s3 = s3.interceptor(detect_refused(&sdk, s, "s3"));
        Ok(AwsClients {
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            ec2: service_client!(&sdk, s, aws_sdk_ec2, "ec2"),
            rds: service_client!(&sdk, s, aws_sdk_rds, "rds"),
            route53: service_client!(&sdk, s, aws_sdk_route53, "route53"),
            acm: service_client!(&sdk, s, aws_sdk_acm, "acm"),
            elbv2: service_client!(&sdk, s, aws_sdk_elasticloadbalancingv2, "elbv2"),
            sts: service_client!(&sdk, s, aws_sdk_sts, "sts"),
            region,
            default_tags: s.default_tags.clone(),
            identity: tokio::sync::OnceCell::new(),
        })
    }
}

impl Client for AwsClients {
    /// Every resource type with `tags_all` gets the provider's `default_tags` in it.
    fn settle(&self, proposed: &mut Value) {
        if proposed
            .as_map()
            .is_some_and(|m| m.contains_key("tags_all"))
        {
            crate::tags::plan_tags_all(proposed, &self.default_tags);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Clients for `region` that send every request to `endpoint`, with test
    /// credentials and no SDK retries (the provider's own retries are what tests see),
    /// and refused connections reported as the provider's clients report them.
    pub fn at(endpoint: &str, region: &str) -> AwsClients {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(
                aws_sdk_s3::config::Credentials::new("test", "test", None, None, "test"),
            ))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .endpoint_url(endpoint)
            .build();
        let settings = Settings::default();
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .interceptor(detect_refused(&sdk, &settings, "s3"))
            .build();
        AwsClients {
            s3: aws_sdk_s3::Client::from_conf(s3),
            ec2: service_client!(&sdk, &settings, aws_sdk_ec2, "ec2"),
            rds: service_client!(&sdk, &settings, aws_sdk_rds, "rds"),
            route53: service_client!(&sdk, &settings, aws_sdk_route53, "route53"),
            acm: service_client!(&sdk, &settings, aws_sdk_acm, "acm"),
            elbv2: service_client!(&sdk, &settings, aws_sdk_elasticloadbalancingv2, "elbv2"),
            sts: service_client!(&sdk, &settings, aws_sdk_sts, "sts"),
            region: region.to_string(),
            default_tags: BTreeMap::new(),
            identity: tokio::sync::OnceCell::new(),
        }
    }

    /// Clients for planning only: nothing listens at their endpoint.
    pub fn offline() -> AwsClients {
        at("http://127.0.0.1:9", "eu-west-1")
    }
}
