//! What each DigitalOcean resource type and data source implements: the shared typed
//! traits over [`Api`], and helpers.

use std::collections::BTreeMap;

use iac_provider::Error;
pub use iac_provider::typed::{DataSource, Resource, read_back};
use iac_value::Value;

use crate::api::Api;

/// Resource types by name.
pub type Resources = BTreeMap<&'static str, Box<dyn Resource<Api>>>;

/// Data sources by name.
pub type DataSources = BTreeMap<&'static str, Box<dyn DataSource<Api>>>;

/// The import result of `read`, or an error saying nothing has that id.
pub async fn imported(
    resource: &dyn Resource<Api>,
    api: &Api,
    seed: Value,
    what: &str,
    id: &str,
) -> Result<Value, Error> {
    resource
        .read(api, &seed)
        .await?
        .ok_or_else(|| Error::new(format!("no {what} \"{id}\" exists")))
}
