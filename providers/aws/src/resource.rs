//! What each AWS resource type and data source implements: the shared typed traits
//! over [`AwsClients`], and helpers.

use std::collections::BTreeMap;

use iac_provider::ValidationError;
pub use iac_provider::typed::{DataSource, Resource, read_back};

use crate::client::AwsClients;

/// Resource types by name.
pub type Resources = BTreeMap<&'static str, Box<dyn Resource<AwsClients>>>;

/// Data sources by name.
pub type DataSources = BTreeMap<&'static str, Box<dyn DataSource<AwsClients>>>;

/// A plan-time problem with the attribute at `name`.
pub fn invalid(name: &str, message: impl Into<String>) -> ValidationError {
    ValidationError {
        path: vec![iac_value::PathStep::Key(name.into())],
        message: message.into(),
    }
}
