//! `aws_s3_bucket_public_access_block`.

use async_trait::async_trait;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use iac_provider::{ApplyError, Attribute, Error, Schema};
use iac_value::{Type, Value};

use super::NO_BUCKET;
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, read_back};
use crate::values::{flag, required, string};

pub struct PublicAccessBlock;

const FLAGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

impl PublicAccessBlock {
    async fn put(&self, aws: &AwsClients, planned: &Value) -> Result<(), Error> {
        let bucket = required(planned, "bucket")?;
        let cfg = PublicAccessBlockConfiguration::builder()
            .block_public_acls(flag(planned, "block_public_acls"))
            .block_public_policy(flag(planned, "block_public_policy"))
            .ignore_public_acls(flag(planned, "ignore_public_acls"))
            .restrict_public_buckets(flag(planned, "restrict_public_buckets"))
            .build();
        aws.s3
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(cfg)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| api("PutPublicAccessBlock", e))
    }
}

#[async_trait]
impl Resource for PublicAccessBlock {
    fn schema(&self) -> Schema {
        let mut s = Schema::new(
            [
                ("bucket", Attribute::required(Type::String).force_new()),
                ("id", Attribute::computed(Type::String)),
            ],
            [],
        );
        for f in FLAGS {
            s.attributes.insert(
                f.to_string(),
                Attribute::optional(Type::Bool).default(false),
            );
        }
        s
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        _prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<iac_provider::PlannedState, Error> {
        let bucket = proposed.get("bucket").clone();
        if let Value::Map(m) = &mut proposed {
            m.insert("id".into(), bucket);
        }
        Ok(iac_provider::PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(bucket) = string(current, "bucket").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let out = match aws
            .s3
            .get_public_access_block()
            .bucket(&bucket)
            .send()
            .await
        {
            Ok(o) => o,
            Err(e)
                if is_not_found(
                    &e,
                    &["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"],
                ) =>
            {
                return Ok(None);
            }
            Err(e) if crate::error::code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => {
                return Ok(None);
            }
            Err(e) => return Err(api("GetPublicAccessBlock", e)),
        };
        let Some(cfg) = out.public_access_block_configuration() else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("bucket", Value::from(bucket.as_str())),
            ("id", Value::from(bucket.as_str())),
            (
                "block_public_acls",
                Value::Bool(cfg.block_public_acls().unwrap_or(false)),
            ),
            (
                "block_public_policy",
                Value::Bool(cfg.block_public_policy().unwrap_or(false)),
            ),
            (
                "ignore_public_acls",
                Value::Bool(cfg.ignore_public_acls().unwrap_or(false)),
            ),
            (
                "restrict_public_buckets",
                Value::Bool(cfg.restrict_public_buckets().unwrap_or(false)),
            ),
        ])))
    }

    async fn create(&self, aws: &AwsClients, planned: &Value) -> Result<Value, ApplyError> {
        self.put(aws, planned).await?;
        read_back(self, aws, planned, "PutPublicAccessBlock").await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        self.put(aws, planned).await?;
        read_back(self, aws, planned, "PutPublicAccessBlock").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let bucket = required(prior, "bucket")?;
        match aws
            .s3
            .delete_public_access_block()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NO_BUCKET) => Ok(()),
            Err(e) => Err(api("DeletePublicAccessBlock", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("bucket", Value::from(id))]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "GetPublicAccessBlock",
                format!("bucket \"{id}\" has no public access block"),
            )
        })
    }
}
