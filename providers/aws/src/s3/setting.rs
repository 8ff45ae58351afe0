//! What the bucket's settings resources (versioning, public access block, lifecycle
//! rules) share: the id is the bucket's name, a create or update writes the whole
//! setting with one Put call and reads it back, and an import reads it by bucket name.

use async_trait::async_trait;
use iac_provider::{ApplyError, CreateToken, Error, Found, PlannedState, Schema, ValidationError};
use iac_value::Value;

use crate::client::AwsClients;
use crate::resource::{Resource, read_back};
use crate::values::string;

/// One kind of bucket setting.
#[async_trait]
pub trait BucketSetting: Send + Sync {
    /// The Put operation's name, for errors.
    fn put_operation(&self) -> &'static str;

    /// Attributes and blocks, with Terraform's names.
    fn schema(&self) -> Schema;

    /// Plan-time checks.
    fn validate(&self, _config: &Value) -> Vec<ValidationError> {
        Vec::new()
    }

    /// Fills computed attributes other than `id` in a planned value.
    fn settle(&self, _planned: &mut Value) {}

    /// Writes the whole setting.
    async fn put(&self, aws: &AwsClients, planned: &Value) -> Result<(), Error>;

    /// The setting on `bucket`, or `None` when the bucket or the setting is gone.
    async fn get(
        &self,
        aws: &AwsClients,
        bucket: &str,
        current: &Value,
    ) -> Result<Option<Value>, Error>;

    /// Removes the setting (a bucket already gone is fine).
    async fn remove(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error>;
}

/// A bucket setting as a resource type.
pub struct Setting<T>(pub T);

#[async_trait]
impl<T: BucketSetting> Resource<AwsClients> for Setting<T> {
    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        self.0.validate(config)
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        _prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        let bucket = proposed.get("bucket").clone();
        if let Value::Map(m) = &mut proposed {
            m.insert("id".into(), bucket);
        }
        self.0.settle(&mut proposed);
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(bucket) = string(current, "bucket").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        self.0.get(aws, &bucket, current).await
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        self.0.put(aws, planned).await?;
        read_back(self, aws, planned, self.0.put_operation()).await
    }

    /// A setting is written whole by one idempotent Put: found when the bucket holds
    /// it as planned, and else written again.
    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let Some(state) = self.read(aws, planned).await? else {
            return Ok(Vec::new());
        };
        let names: Vec<&str> = planned
            .as_map()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        Ok(if crate::found::sent(&state, planned, &names) {
            vec![Found {
                state,
                complete: true,
            }]
        } else {
            Vec::new()
        })
    }

    async fn update(
        &self,
        aws: &AwsClients,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        self.0.put(aws, planned).await?;
        read_back(self, aws, planned, self.0.put_operation()).await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        self.0.remove(aws, prior).await
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("bucket", Value::from(id))]);
        self.0.get(aws, id, &seed).await?.ok_or_else(|| {
            Error::new(format!(
                "bucket \"{id}\" does not exist or has no such setting"
            ))
        })
    }
}
