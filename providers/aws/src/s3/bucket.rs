//! `aws_s3_bucket`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag, Tagging,
};
use iac_provider::{ApplyError, Attribute, Error, PlannedState, Schema, ValidationError};
use iac_value::{PathStep, Type, Value};

use super::NO_BUCKET;
use crate::client::AwsClients;
use crate::client::partition;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, read_back};
use crate::tags::read_tags;
use crate::values::{flag, map_value, string, string_map};

pub struct Bucket;

/// S3's bucket naming rules, for the plan-time check.
fn check_name(name: &str) -> Result<(), String> {
    if !(3..=63).contains(&name.len()) {
        return Err(format!(
            "bucket names must be 3 to 63 characters long, \"{name}\" has {}",
            name.len()
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        return Err(format!(
            "bucket names may only contain lowercase letters, numbers, dots and hyphens: \"{name}\""
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(format!(
            "bucket names must begin and end with a letter or number: \"{name}\""
        ));
    }
    Ok(())
}

impl Bucket {
    async fn put_tags(
        &self,
        aws: &AwsClients,
        bucket: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        if tags.is_empty() {
            return aws
                .s3
                .delete_bucket_tagging()
                .bucket(bucket)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| api("DeleteBucketTagging", e));
        }
        let set = tags
            .iter()
            .map(|(k, v)| {
                Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .map_err(|e| Error::api("PutBucketTagging", e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tagging = Tagging::builder()
            .set_tag_set(Some(set))
            .build()
            .map_err(|e| Error::api("PutBucketTagging", e.to_string()))?;
        aws.s3
            .put_bucket_tagging()
            .bucket(bucket)
            .tagging(tagging)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| api("PutBucketTagging", e))
    }

    /// Deletes every object version and delete marker (for `force_destroy`).
    async fn empty(&self, aws: &AwsClients, bucket: &str) -> Result<(), Error> {
        loop {
            let page = aws
                .s3
                .list_object_versions()
                .bucket(bucket)
                .max_keys(1000)
                .send()
                .await
                .map_err(|e| api("ListObjectVersions", e))?;
            let mut ids = Vec::new();
            for v in page.versions() {
                ids.push((
                    v.key().unwrap_or_default().to_string(),
                    v.version_id().map(str::to_string),
                ));
            }
            for m in page.delete_markers() {
                ids.push((
                    m.key().unwrap_or_default().to_string(),
                    m.version_id().map(str::to_string),
                ));
            }
            if ids.is_empty() {
                let listing = aws
                    .s3
                    .list_objects_v2()
                    .bucket(bucket)
                    .max_keys(1000)
                    .send()
                    .await
                    .map_err(|e| api("ListObjectsV2", e))?;
                ids.extend(
                    listing
                        .contents()
                        .iter()
                        .map(|o| (o.key().unwrap_or_default().to_string(), None)),
                );
                if ids.is_empty() {
                    return Ok(());
                }
            }
            let objects = ids
                .into_iter()
                .map(|(k, v)| {
                    ObjectIdentifier::builder()
                        .key(k)
                        .set_version_id(v.filter(|v| v != "null"))
                        .build()
                        .map_err(|e| Error::api("DeleteObjects", e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| Error::api("DeleteObjects", e.to_string()))?;
            aws.s3
                .delete_objects()
                .bucket(bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|e| api("DeleteObjects", e))?;
        }
    }
}

#[async_trait]
impl Resource<AwsClients> for Bucket {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "bucket",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                (
                    "bucket_prefix",
                    Attribute::optional(Type::String).force_new(),
                ),
                (
                    "force_destroy",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                (
                    "object_lock_enabled",
                    Attribute::optional_computed(Type::Bool).force_new(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("bucket_domain_name", Attribute::computed(Type::String)),
                (
                    "bucket_regional_domain_name",
                    Attribute::computed(Type::String),
                ),
                ("region", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        if !config.get("bucket").is_null() && !config.get("bucket_prefix").is_null() {
            out.push(ValidationError {
                path: vec![PathStep::Key("bucket_prefix".into())],
                message: "\"bucket_prefix\" conflicts with \"bucket\"; set one of them".into(),
            });
        }
        if let Some(name) = config.get("bucket").as_str()
            && let Err(m) = check_name(name)
        {
            out.push(ValidationError {
                path: vec![PathStep::Key("bucket".into())],
                message: m,
            });
        }
        if let Some(prefix) = config.get("bucket_prefix").as_str()
            && prefix.len() > 37
        {
            out.push(ValidationError {
                path: vec![PathStep::Key("bucket_prefix".into())],
                message: "\"bucket_prefix\" can be at most 37 characters".into(),
            });
        }
        out
    }

    fn plan(
        &self,
        aws: &AwsClients,
        _prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        if let Value::Map(m) = &mut proposed {
            if m.get("object_lock_enabled").is_some_and(Value::is_unknown) {
                m.insert("object_lock_enabled".into(), Value::Bool(false));
            }
            if let Some(name) = m.get("bucket").and_then(Value::as_str).map(str::to_string) {
                m.insert("id".into(), Value::from(name.as_str()));
                m.insert(
                    "arn".into(),
                    Value::from(format!("arn:{}:s3:::{name}", partition(&aws.region))),
                );
                m.insert(
                    "bucket_domain_name".into(),
                    Value::from(format!("{name}.s3.amazonaws.com")),
                );
                m.insert(
                    "bucket_regional_domain_name".into(),
                    Value::from(format!("{name}.s3.{}.amazonaws.com", aws.region)),
                );
                if m.get("region").is_some_and(Value::is_unknown) {
                    m.insert("region".into(), Value::from(aws.region.as_str()));
                }
            }
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(name) = string(current, "bucket").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        match aws.s3.head_bucket().bucket(&name).send().await {
            Ok(_) => {}
            Err(e) if is_not_found(&e, NO_BUCKET) => return Ok(None),
            Err(e) => return Err(api("HeadBucket", e)),
        }
        let tags: BTreeMap<String, String> =
            match aws.s3.get_bucket_tagging().bucket(&name).send().await {
                Ok(out) => out
                    .tag_set()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
                Err(e) if crate::error::code(&e) == Some("NoSuchTagSet") => BTreeMap::new(),
                Err(e) if is_not_found(&e, NO_BUCKET) => return Ok(None),
                Err(e) => return Err(api("GetBucketTagging", e)),
            };
        let region = match aws.s3.get_bucket_location().bucket(&name).send().await {
            Ok(out) => match out
                .location_constraint()
                .map(BucketLocationConstraint::as_str)
            {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            },
            Err(e) if is_not_found(&e, NO_BUCKET) => return Ok(None),
            Err(e) => return Err(api("GetBucketLocation", e)),
        };
        let (tags, tags_all) = read_tags(&tags, current.get("tags"), &aws.default_tags);
        let object_lock = match aws
            .s3
            .get_object_lock_configuration()
            .bucket(&name)
            .send()
            .await
        {
            Ok(out) => out
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|s| s.as_str() == "Enabled"),
            Err(_) => false,
        };
        Ok(Some(Value::object([
            ("bucket", Value::from(name.as_str())),
            ("bucket_prefix", current.get("bucket_prefix").clone()),
            ("force_destroy", current.get("force_destroy").clone()),
            ("object_lock_enabled", Value::Bool(object_lock)),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(name.as_str())),
            (
                "arn",
                Value::from(format!("arn:{}:s3:::{name}", partition(&region))),
            ),
            (
                "bucket_domain_name",
                Value::from(format!("{name}.s3.amazonaws.com")),
            ),
            (
                "bucket_regional_domain_name",
                Value::from(format!("{name}.s3.{region}.amazonaws.com")),
            ),
            ("region", Value::from(region)),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let name = string(planned, "bucket").unwrap_or_else(|| {
            crate::names::generated(
                planned
                    .get("bucket_prefix")
                    .as_str()
                    .unwrap_or("terraform-"),
            )
        });
        let mut req = aws.s3.create_bucket().bucket(&name);
        if aws.region != "us-east-1" {
            req = req.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(aws.region.as_str()))
                    .build(),
            );
        }
        if flag(planned, "object_lock_enabled") {
            req = req.object_lock_enabled_for_bucket(true);
        }
        req.send().await.map_err(|e| api("CreateBucket", e))?;
        let mut known = planned.clone();
        if let Value::Map(m) = &mut known {
            m.insert("bucket".into(), Value::from(name.as_str()));
            m.insert("id".into(), Value::from(name.as_str()));
        }
        let tags = string_map(planned, "tags_all");
        if !tags.is_empty()
            && let Err(error) = self.put_tags(aws, &name, &tags).await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "CreateBucket").await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let name = string(prior, "bucket")
            .ok_or_else(|| Error::new("the prior state has no bucket name"))?;
        let tags = string_map(planned, "tags_all");
        if tags != string_map(prior, "tags_all") {
            self.put_tags(aws, &name, &tags).await?;
        }
        let mut known = planned.clone();
        if let Value::Map(m) = &mut known {
            m.insert("tags_all".into(), map_value(&tags));
        }
        read_back(self, aws, &known, "PutBucketTagging").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let name = string(prior, "bucket")
            .ok_or_else(|| Error::new("the prior state has no bucket name"))?;
        if flag(prior, "force_destroy") {
            match self.empty(aws, &name).await {
                Err(e) if e.message.contains("NoSuchBucket") => return Ok(()),
                other => other?,
            }
        }
        match aws.s3.delete_bucket().bucket(&name).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NO_BUCKET) => Ok(()),
            Err(e) if crate::error::code(&e) == Some("BucketNotEmpty") => Err(Error::api(
                "DeleteBucket",
                format!(
                    "BucketNotEmpty: the bucket {name} still holds objects. Empty it, or set force_destroy = true and apply before destroying."
                ),
            )),
            Err(e) => Err(api("DeleteBucket", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("bucket", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| Error::api("HeadBucket", format!("no bucket named \"{id}\" exists")))
            .map(|v| crate::names::with_imported_prefix(v, "bucket_prefix", "bucket"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(check_name("my-logs.example").is_ok());
        assert!(check_name("My_Logs").is_err());
        assert!(check_name("ab").is_err());
        assert!(check_name("-abc").is_err());
    }

    #[test]
    fn generated_names_keep_the_prefix() {
        let n = crate::names::generated("logs-");
        assert!(
            n.starts_with("logs-") && n.len() <= 63 && check_name(&n).is_ok(),
            "{n}"
        );
    }
}
