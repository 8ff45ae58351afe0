//! Writing a provider as one type per resource: [`Resource`] and [`DataSource`] take
//! the provider's own configured client `C`, and [`Configured`] dispatches the
//! [`ProviderClient`] calls to them by type name.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use iac_value::Value;

use crate::{
    ApplyError, CreateToken, Error, Found, ListRequest, Listed, PlannedState, ProviderClient,
    Schema, ValidationError,
};

/// A provider's configured client: SDK handles, credentials, settings.
pub trait Client: Send + Sync {
    /// Fills what the provider adds to every planned object before the resource type
    /// settles it (the AWS provider's `tags_all`). The default adds nothing.
    fn settle(&self, _proposed: &mut Value) {}
}

/// One resource type of a provider whose client is `C`.
#[async_trait]
pub trait Resource<C: Client>: Send + Sync {
    /// Attributes and blocks, with Terraform's names.
    fn schema(&self) -> Schema;

    /// Plan-time checks of a configuration (which may hold unknowns).
    fn validate(&self, _config: &Value) -> Vec<ValidationError> {
        Vec::new()
    }

    /// Settles a proposed state (after [`Client::settle`]); the default keeps it.
    fn plan(
        &self,
        _client: &C,
        _prior: Option<&Value>,
        proposed: Value,
    ) -> Result<PlannedState, Error> {
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    /// The current state, or `None` when the object is gone.
    async fn read(&self, client: &C, current: &Value) -> Result<Option<Value>, Error>;

    /// Creates the object; `config` is the configuration the plan came from, `token`
    /// the create's journaled idempotency token (see [`ProviderClient::create`]).
    async fn create(
        &self,
        client: &C,
        planned: &Value,
        config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError>;

    /// What a create of `planned` carrying `token` made (see
    /// [`ProviderClient::find_created`]). The default cannot tell.
    async fn find_created(
        &self,
        _client: &C,
        _planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        Err(crate::intent::cannot_find())
    }

    /// Changes the object in place.
    async fn update(
        &self,
        client: &C,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError>;

    async fn delete(&self, client: &C, prior: &Value) -> Result<(), Error>;

    /// The state of an existing object by its import id.
    async fn import(&self, client: &C, id: &str) -> Result<Value, Error>;

    /// The filters a listing of this type takes, or `None` when it cannot be listed.
    fn list_schema(&self) -> Option<Schema> {
        None
    }

    /// The objects of this type that exist (see [`ProviderClient::list`]).
    async fn list(&self, _client: &C, _request: &ListRequest) -> Result<Vec<Listed>, Error> {
        Err(Error::new("this resource type cannot be listed"))
    }
}

/// One data source of a provider whose client is `C`.
#[async_trait]
pub trait DataSource<C: Client>: Send + Sync {
    /// Its arguments and the attributes it exports, with Terraform's names.
    fn schema(&self) -> Schema;

    /// Looks the object up from the evaluated configuration.
    async fn read(&self, client: &C, config: &Value) -> Result<Value, Error>;
}

/// Reads an object back after a write; one that cannot be read is reported with what
/// is known, so that the object is recorded and not lost.
pub async fn read_back<C: Client>(
    resource: &dyn Resource<C>,
    client: &C,
    known: &Value,
    operation: &str,
) -> Result<Value, ApplyError> {
    match resource.read(client, known).await {
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

/// A provider's resource types and data sources by name.
pub struct Catalog<C: Client> {
    pub provider: &'static str,
    pub resources: BTreeMap<&'static str, Box<dyn Resource<C>>>,
    pub data_sources: BTreeMap<&'static str, Box<dyn DataSource<C>>>,
}

impl<C: Client> Catalog<C> {
    /// The list schemas of every resource type that can be listed, by name.
    pub fn list_schemas(&self) -> BTreeMap<String, Schema> {
        self.resources
            .iter()
            .filter_map(|(k, r)| Some((k.to_string(), r.list_schema()?)))
            .collect()
    }

    /// The schemas of every resource type and data source, by name.
    pub fn schemas(&self) -> (BTreeMap<String, Schema>, BTreeMap<String, Schema>) {
        (
            self.resources
                .iter()
                .map(|(k, r)| (k.to_string(), r.schema()))
                .collect(),
            self.data_sources
                .iter()
                .map(|(k, d)| (k.to_string(), d.schema()))
                .collect(),
        )
    }

    fn resource(&self, type_name: &str) -> Result<&dyn Resource<C>, Error> {
        self.resources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| {
                Error::new(format!(
                    "the {} provider has no resource type \"{type_name}\"",
                    self.provider
                ))
            })
    }
}

/// A configured provider: its client and its catalogue.
pub struct Configured<C: Client> {
    pub client: C,
    pub catalog: Arc<Catalog<C>>,
}

#[async_trait]
impl<C: Client> ProviderClient for Configured<C> {
    fn validate(&self, type_name: &str, config: &Value) -> Vec<ValidationError> {
        self.catalog
            .resource(type_name)
            .map(|r| r.validate(config))
            .unwrap_or_default()
    }

    fn plan(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        let resource = self.catalog.resource(type_name)?;
        self.client.settle(&mut proposed);
        resource.plan(&self.client, prior, proposed)
    }

    async fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, Error> {
        self.catalog
            .resource(type_name)?
            .read(&self.client, current)
            .await
    }

    async fn create(
        &self,
        type_name: &str,
        planned: &Value,
        config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        self.catalog
            .resource(type_name)?
            .create(&self.client, planned, config, token)
            .await
    }

    async fn find_created(
        &self,
        type_name: &str,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        self.catalog
            .resource(type_name)?
            .find_created(&self.client, planned, token)
            .await
    }

    async fn update(
        &self,
        type_name: &str,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError> {
        self.catalog
            .resource(type_name)?
            .update(&self.client, prior, planned, config)
            .await
    }

    async fn delete(&self, type_name: &str, prior: &Value) -> Result<(), Error> {
        self.catalog
            .resource(type_name)?
            .delete(&self.client, prior)
            .await
    }

    async fn import(&self, type_name: &str, id: &str) -> Result<Value, Error> {
        self.catalog
            .resource(type_name)?
            .import(&self.client, id)
            .await
    }

    async fn list(&self, type_name: &str, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let resource = self.catalog.resource(type_name)?;
        if resource.list_schema().is_none() {
            return Err(crate::list::cannot_list(type_name));
        }
        resource.list(&self.client, request).await
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Error> {
        let data = self.catalog.data_sources.get(type_name).ok_or_else(|| {
            Error::new(format!(
                "the {} provider has no data source \"{type_name}\"",
                self.catalog.provider
            ))
        })?;
        data.read(&self.client, config).await
    }
}
