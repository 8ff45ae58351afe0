//! An endpoint that refuses connections: the SDK would retry it (and the provider's own
//! retries after it) for minutes. An interceptor on every client turns a refused
//! connection into [`Unreachable`], which names the endpoint and what set it, and which
//! neither the SDK nor [`crate::retry`] retries more than once.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut,
};
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::result::{ConnectorError, SdkError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// A connection the endpoint refused: the request never reached AWS.
#[derive(Debug)]
pub struct Unreachable {
    /// The endpoint's scheme, host and port.
    pub endpoint: String,
    /// Where that endpoint comes from.
    pub set_by: String,
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not connect to {}: connection refused. The endpoint is set by {}; check that it is right and that the service is running there.",
            self.endpoint, self.set_by
        )
    }
}

impl std::error::Error for Unreachable {}

/// Where the endpoint of `service` comes from, in words, for [`Unreachable`].
pub fn set_by(service: &str, in_block: bool, region: Option<&str>) -> String {
    let service_var = format!("AWS_ENDPOINT_URL_{}", service.to_uppercase());
    if in_block {
        format!("endpoints {{ {service} = ... }} in the provider \"aws\" block")
    } else if std::env::var_os(&service_var).is_some() {
        format!("the environment variable {service_var}")
    } else if std::env::var_os("AWS_ENDPOINT_URL").is_some() {
        "the environment variable AWS_ENDPOINT_URL".to_string()
    } else {
        format!(
            "the region ({}); set AWS_ENDPOINT_URL or endpoints {{}} in the provider \"aws\" block to use another",
            region.unwrap_or("not set")
        )
    }
}

/// The interceptor that recognises refused connections.
#[derive(Debug)]
pub struct DetectRefused {
    pub set_by: String,
}

/// Where the attempt under way is sent (the request is gone once the connection fails).
#[derive(Debug, Clone)]
struct Target(String);

impl Storable for Target {
    type Storer = StoreReplace<Target>;
}

impl Intercept for DetectRefused {
    fn name(&self) -> &'static str {
        "DetectRefused"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state()
            .store_put(Target(origin(context.request().uri())));
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let endpoint = cfg.load::<Target>().map(|t| t.0.clone());
        if let Some(Err(error)) = context.output_or_error_mut()
            && error.as_connector_error().is_some_and(refused)
        {
            // "Other" with no kind: the SDK's classifiers do not retry it.
            *error = OrchestratorError::connector(ConnectorError::other(
                Box::new(Unreachable {
                    endpoint: endpoint.unwrap_or_else(|| "the endpoint".to_string()),
                    set_by: self.set_by.clone(),
                }),
                None,
            ));
        }
        Ok(())
    }
}

/// Whether a connector error is a refused connection.
fn refused(e: &ConnectorError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        if s.to_string().contains("Connection refused") {
            return true;
        }
        source = s.source();
    }
    false
}

/// `scheme://host:port` of a URI.
fn origin(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?']).next().unwrap_or(rest);
            format!("{scheme}://{host}")
        }
        None => uri.to_string(),
    }
}

/// The refused connection behind a failed call, if that is what it is.
pub fn unreachable<E, R>(e: &SdkError<E, R>) -> Option<&Unreachable> {
    let SdkError::DispatchFailure(failure) = e else {
        return None;
    };
    let connector = failure.as_connector_error()?;
    std::error::Error::source(connector).and_then(|s| s.downcast_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_drops_path_and_query() {
        assert_eq!(
            origin("http://127.0.0.1:4566/?Action=DescribeInstances"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(
            origin("https://ec2.eu-west-1.amazonaws.com/"),
            "https://ec2.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn the_message_names_the_endpoint_and_its_setting() {
        let e = Unreachable {
            endpoint: "http://127.0.0.1:9".into(),
            set_by: set_by("ec2", true, Some("eu-west-1")),
        };
        let text = e.to_string();
        assert!(text.contains("http://127.0.0.1:9"), "{text}");
        assert!(text.contains("endpoints { ec2 = ... }"), "{text}");
    }
}
