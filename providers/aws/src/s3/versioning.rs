//! `aws_s3_bucket_versioning`.

use async_trait::async_trait;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDelete, VersioningConfiguration};
use iac_provider::{Attribute, Error, NestedBlock, Schema, ValidationError};
use iac_value::{PathStep, Type, Value};

use super::NO_BUCKET;
use super::setting::BucketSetting;
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::values::{block, one_block, required, string};

pub struct Versioning;

const STATUSES: &[&str] = &["Enabled", "Suspended", "Disabled"];

#[async_trait]
impl BucketSetting for Versioning {
    /// A bucket whose versioning was never enabled holds no versioning setting.
    fn present(&self, state: &Value) -> bool {
        crate::values::block(state, "versioning_configuration")
            .get("status")
            .as_str()
            != Some("Disabled")
    }

    fn put_operation(&self) -> &'static str {
        "PutBucketVersioning"
    }

    async fn put(&self, aws: &AwsClients, planned: &Value) -> Result<(), Error> {
        let bucket = required(planned, "bucket")?;
        let cfg = block(planned, "versioning_configuration");
        let status = cfg.get("status").as_str().unwrap_or("Enabled");
        if status == "Disabled" {
            return Ok(());
        }
        let mut vc =
            VersioningConfiguration::builder().status(BucketVersioningStatus::from(status));
        if let Some(m) = cfg.get("mfa_delete").as_str() {
            vc = vc.mfa_delete(MfaDelete::from(m));
        }
        let mut req = aws
            .s3
            .put_bucket_versioning()
            .bucket(&bucket)
            .versioning_configuration(vc.build());
        if let Some(owner) = string(planned, "expected_bucket_owner") {
            req = req.expected_bucket_owner(owner);
        }
        if let Some(mfa) = string(planned, "mfa") {
            req = req.mfa(mfa);
        }
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| api("PutBucketVersioning", e))
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("bucket", Attribute::required(Type::String).force_new()),
                (
                    "expected_bucket_owner",
                    Attribute::optional(Type::String).force_new(),
                ),
                ("mfa", Attribute::optional(Type::String)),
                ("id", Attribute::computed(Type::String)),
            ],
            [(
                "versioning_configuration",
                NestedBlock::list_max_one(Schema::new(
                    [
                        ("status", Attribute::required(Type::String)),
                        ("mfa_delete", Attribute::optional_computed(Type::String)),
                    ],
                    [],
                ))
                .min(1),
            )],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        match block(config, "versioning_configuration")
            .get("status")
            .as_str()
        {
            Some(s) if !STATUSES.contains(&s) => vec![ValidationError {
                path: vec![
                    PathStep::Key("versioning_configuration".into()),
                    PathStep::Index(0),
                    PathStep::Key("status".into()),
                ],
                message: format!("expected one of Enabled, Suspended, Disabled, got \"{s}\""),
            }],
            _ => Vec::new(),
        }
    }

    fn settle(&self, planned: &mut Value) {
        if let Value::Map(m) = planned
            && let Some(Value::List(items)) = m.get_mut("versioning_configuration")
            && let Some(Value::Map(cfg)) = items.first_mut()
            && cfg.get("mfa_delete").is_some_and(Value::is_unknown)
        {
            cfg.insert("mfa_delete".into(), Value::from("Disabled"));
        }
    }

    async fn get(
        &self,
        aws: &AwsClients,
        bucket: &str,
        current: &Value,
    ) -> Result<Option<Value>, Error> {
        let req = aws.s3.get_bucket_versioning().bucket(bucket);
        let out = match crate::retry::retry("GetBucketVersioning", &[], || req.clone().send()).await
        {
            Ok(o) => o,
            Err(e) if is_not_found(&e, NO_BUCKET) => return Ok(None),
            Err(e) => return Err(api("GetBucketVersioning", e)),
        };
        let status = out
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "Disabled".to_string());
        let mfa_delete = out
            .mfa_delete()
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "Disabled".to_string());
        Ok(Some(Value::object([
            ("bucket", Value::from(bucket)),
            (
                "expected_bucket_owner",
                current.get("expected_bucket_owner").clone(),
            ),
            ("mfa", current.get("mfa").clone()),
            ("id", Value::from(bucket)),
            (
                "versioning_configuration",
                one_block(Value::object([
                    ("status", Value::from(status)),
                    ("mfa_delete", Value::from(mfa_delete)),
                ])),
            ),
        ])))
    }

    async fn remove(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let bucket = required(prior, "bucket")?;
        if block(prior, "versioning_configuration")
            .get("status")
            .as_str()
            != Some("Enabled")
        {
            return Ok(());
        }
        let vc = VersioningConfiguration::builder()
            .status(BucketVersioningStatus::Suspended)
            .build();
        match aws
            .s3
            .put_bucket_versioning()
            .bucket(&bucket)
            .versioning_configuration(vc)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NO_BUCKET) => Ok(()),
            Err(e) => Err(api("PutBucketVersioning", e)),
        }
    }
}
