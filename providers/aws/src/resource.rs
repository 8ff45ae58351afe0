//! What each AWS resource type implements.

use async_trait::async_trait;
use iac_provider::{ApplyError, Error, PlannedState, Schema, ValidationError};
use iac_value::Value;

use crate::client::AwsClients;

/// One resource type.
#[async_trait]
pub trait Resource: Send + Sync {
    /// Attributes and blocks, with Terraform's names.
    fn schema(&self) -> Schema;

    /// Plan-time checks of a configuration (which may hold unknowns).
    fn validate(&self, _config: &Value) -> Vec<ValidationError> {
        Vec::new()
    }

    /// Settles a proposed state; the default fills `tags_all` when the type has it.
    fn plan(
        &self,
        aws: &AwsClients,
        _prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        if proposed
            .as_map()
            .is_some_and(|m| m.contains_key("tags_all"))
        {
            crate::tags::plan_tags_all(&mut proposed, &aws.default_tags);
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    /// The current state, or `None` when the object is gone.
    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error>;

    /// Creates the object; `config` is the configuration the plan came from.
    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError>;

    /// Changes the object in place.
    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError>;

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error>;

    /// The state of an existing object by its import id.
    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error>;
}

/// One data source type.
#[async_trait]
pub trait DataSource: Send + Sync {
    /// Its arguments and the attributes it exports, with Terraform's names.
    fn schema(&self) -> Schema;

    /// Looks the object up from the evaluated configuration; the result holds every
    /// attribute of the schema.
    async fn read(&self, aws: &AwsClients, config: &Value) -> Result<Value, Error>;
}

/// A plan-time problem with the attribute at `name`.
pub fn invalid(name: &str, message: impl Into<String>) -> ValidationError {
    ValidationError {
        path: vec![iac_value::PathStep::Key(name.into())],
        message: message.into(),
    }
}

/// Reads an object back after a write; a write that succeeded but cannot be read back
/// is reported with what is known, so the object is recorded and not lost.
pub async fn read_back(
    resource: &dyn Resource,
    aws: &AwsClients,
    known: &Value,
    operation: &str,
) -> Result<Value, ApplyError> {
    match resource.read(aws, known).await {
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
