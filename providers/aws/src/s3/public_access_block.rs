//! `aws_s3_bucket_public_access_block`.

use async_trait::async_trait;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use iac_provider::{Attribute, Error, Schema};
use iac_value::{Type, Value};

use super::NO_BUCKET;
use super::setting::BucketSetting;
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::values::{flag, required};

pub struct PublicAccessBlock;

const FLAGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

#[async_trait]
impl BucketSetting for PublicAccessBlock {
    fn put_operation(&self) -> &'static str {
        "PutPublicAccessBlock"
    }

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

    async fn get(
        &self,
        aws: &AwsClients,
        bucket: &str,
        _current: &Value,
    ) -> Result<Option<Value>, Error> {
        let req = aws.s3.get_public_access_block().bucket(bucket);
        let out = match crate::retry::retry("GetPublicAccessBlock", &[], || req.clone().send())
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
            ("bucket", Value::from(bucket)),
            ("id", Value::from(bucket)),
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

    async fn remove(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
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
}
