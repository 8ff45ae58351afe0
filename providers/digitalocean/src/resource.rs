//! What each DigitalOcean resource type and data source implements.

use async_trait::async_trait;
use iac_provider::{ApplyError, Error, PlannedState, Schema, ValidationError};
use iac_value::Value;

use crate::api::Api;

/// One resource type.
#[async_trait]
pub trait Resource: Send + Sync {
    /// Attributes and blocks, with Terraform's names.
    fn schema(&self) -> Schema;

    /// Plan-time checks of a configuration (which may hold unknowns).
    fn validate(&self, _config: &Value) -> Vec<ValidationError> {
        Vec::new()
    }

    /// Settles a proposed state.
    fn plan(&self, _prior: Option<&Value>, proposed: Value) -> Result<PlannedState, Error> {
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    /// The current state, or `None` when the object is gone (a 404).
    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error>;

    /// Creates the object; `config` is the configuration the plan came from.
    async fn create(&self, api: &Api, planned: &Value, config: &Value)
    -> Result<Value, ApplyError>;

    /// Changes the object in place.
    async fn update(&self, api: &Api, prior: &Value, planned: &Value) -> Result<Value, ApplyError>;

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error>;

    /// The state of an existing object by its import id.
    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error>;
}

/// One data source.
#[async_trait]
pub trait DataSource: Send + Sync {
    fn schema(&self) -> Schema;

    /// Looks the object up from the evaluated configuration.
    async fn read(&self, api: &Api, config: &Value) -> Result<Value, Error>;
}

/// Reads an object back after a write; one that cannot be read is reported with what
/// is known, so that it is recorded and not lost.
pub async fn read_back(
    resource: &dyn Resource,
    api: &Api,
    known: &Value,
    operation: &str,
) -> Result<Value, ApplyError> {
    match resource.read(api, known).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(ApplyError {
            error: Error::api(
                operation,
                "the object was not found right after it was written",
            ),
            partial: Some(known.clone()),
        }),
        Err(error) => Err(ApplyError {
            error,
            partial: Some(known.clone()),
        }),
    }
}

/// The import result of `read`, or an error saying nothing has that id.
pub async fn imported(
    resource: &dyn Resource,
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
