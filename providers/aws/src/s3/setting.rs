//! What the bucket's settings resources (versioning, public access block, lifecycle
//! rules) share: the id is the bucket's name, a create or update writes the whole
//! setting with one Put call and reads it back, and an import reads it by bucket name.

use async_trait::async_trait;
use iac_provider::{
    ApplyError, CreateToken, Error, Found, ListRequest, Listed, PlannedState, Schema,
    ValidationError,
};
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

    /// Whether a bucket's setting as `get` read it is one the bucket holds (a listing
    /// leaves out the others).
    fn present(&self, _state: &Value) -> bool {
        true
    }

    /// Removes the setting (a bucket already gone is fine).
    async fn remove(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error>;
}

/// A bucket setting as a resource type.
pub struct Setting<T>(pub T);

#[async_trait]
impl<T: BucketSetting> Resource<AwsClients> for Setting<T> {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::bucket_schema())
    }

    /// The buckets of the region (as `aws_s3_bucket` lists them) that hold the setting,
    /// with the setting read on the way.
    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let every = ListRequest {
            limit: None,
            ..request.clone()
        };
        let mut found = crate::listing::Found::new(request);
        for bucket in super::list::buckets(aws, &every).await?.ids() {
            if found.full() {
                break;
            }
            let seed = Value::object([("bucket", Value::from(bucket.as_str()))]);
            if let Some(state) = self.0.get(aws, &bucket, &seed).await?
                && self.0.present(&state)
            {
                found.push_with_state(bucket.as_str(), Some(bucket.as_str()), state);
            }
        }
        found.finish(self, aws, request).await
    }

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
