//! The provider interface.
//!
//! A provider declares a [`ProviderSchema`] (its own configuration, and one [`Schema`]
//! per resource and data source type), and, once configured, a [`ProviderClient`] that
//! reads, plans, creates, updates, deletes, imports and lists objects. Providers are compiled in.
//! They see values, never the graph or the configuration files. Their waits end when the
//! engine requests a [`Stop`] (module [`stop`]).

mod error;
pub mod intent;
pub mod list;
mod schema;
pub mod status;
pub mod stop;
pub mod timeouts;
pub mod typed;
pub mod values;

use std::sync::Arc;

use async_trait::async_trait;
use iac_value::Value;

pub use error::{ApplyError, Error, ValidationError};
pub use intent::{CreateToken, Found};
pub use list::{ListRequest, Listed};
pub use schema::{Attribute, NestedBlock, Nesting, ProviderSchema, Schema};
pub use stop::{Interrupted, Stop};

/// The Terraform provider whose schema a compiled-in provider follows, and the version
/// of it: what `required_providers` and lock-file constraints are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// The registry source address, `NAMESPACE/TYPE` (`hashicorp/aws`).
    pub source: &'static str,
    /// `MAJOR.MINOR.PATCH`.
    pub version: &'static str,
}

/// A provider, before configuration.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The provider's local name (`aws`), the prefix of its resource type names.
    fn name(&self) -> &'static str;

    /// Which Terraform provider, in which version, this one follows.
    fn release(&self) -> Release;

    /// What the provider accepts.
    fn schema(&self) -> &ProviderSchema;

    /// Checks a resource's configuration before any provider block is configured (`iac
    /// validate`): what can be told from it alone, every reference standing for an
    /// unknown value. The default accepts everything; the configured client checks
    /// again with the values known at plan time.
    fn validate(&self, _type_name: &str, _config: &Value) -> Vec<ValidationError> {
        Vec::new()
    }

    /// A client for one `provider` block's configuration (already evaluated; sensitive
    /// marks removed).
    async fn configure(&self, config: Value) -> Result<Arc<dyn ProviderClient>, Error>;
}

/// What the planner proposes and the provider settles.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedState {
    /// The planned new state, with [`Value::Unknown`] where only the apply will tell.
    pub planned: Value,
    /// Attribute paths whose change forces replacing the object, beyond those the schema
    /// marks `force_new`.
    pub requires_replace: Vec<iac_value::Path>,
}

/// A configured provider.
#[async_trait]
pub trait ProviderClient: Send + Sync {
    /// Checks a resource's or data source's configuration (which may hold unknowns)
    /// beyond what the schema says. The default accepts everything.
    fn validate(&self, _type_name: &str, _config: &Value) -> Vec<ValidationError> {
        Vec::new()
    }

    /// Settles the planned state of a resource from the proposal the engine made (config
    /// values, prior values for unset computed attributes, unknown for new ones). The
    /// default returns the proposal unchanged.
    fn plan(
        &self,
        _type_name: &str,
        _prior: Option<&Value>,
        proposed: Value,
    ) -> Result<PlannedState, Error> {
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    /// Reads the current state of an object, given its last known state. `None` means it
    /// no longer exists.
    async fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, Error>;

    /// Creates an object; returns its full state. `config` is the evaluated
    /// configuration the plan came from, for values the state keeps only a digest of.
    /// `token` is journaled before the call: the provider sends it as the API's
    /// idempotency token where there is one, and never resends a create that may have
    /// succeeded without first looking for its object.
    async fn create(
        &self,
        type_name: &str,
        planned: &Value,
        config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError>;

    /// Looks for what a create of `planned` carrying `token` made, when its answer was
    /// never recorded (the run was killed, or the answer lost): by the token where the
    /// API keeps it, else by what the create sent (names, tags, values). Every
    /// candidate is returned; none means nothing was made. An error means it cannot be
    /// told, and the plan stops.
    async fn find_created(
        &self,
        type_name: &str,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error>;

    /// Changes an object in place; returns its full new state.
    async fn update(
        &self,
        type_name: &str,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError>;

    /// Deletes an object.
    async fn delete(&self, type_name: &str, prior: &Value) -> Result<(), Error>;

    /// Reads an existing object by its import id into a full state.
    async fn import(&self, type_name: &str, id: &str) -> Result<Value, Error>;

    /// Reads a data source.
    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Error>;

    /// Lists the objects of a type that exist, following the API's pagination (see
    /// [`list`]). The default cannot list.
    async fn list(&self, type_name: &str, _request: &ListRequest) -> Result<Vec<Listed>, Error> {
        Err(list::cannot_list(type_name))
    }
}
