//! `aws_s3_bucket_lifecycle_configuration`.

use async_trait::async_trait;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleAndOperator, LifecycleRuleFilter,
    NoncurrentVersionExpiration, NoncurrentVersionTransition, Tag, Transition,
    TransitionStorageClass,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use iac_provider::{Attribute, Error, NestedBlock, Schema, ValidationError};
use iac_value::{PathStep, Type, Value};

use super::NO_BUCKET;
use super::setting::BucketSetting;
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::values::{block, blocks, int, num, one_block, required, string, string_map, text};

pub struct Lifecycle;

const OP: &str = "PutBucketLifecycleConfiguration";

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::api(OP, e.to_string())
}

fn date(v: &Value, name: &str) -> Result<Option<DateTime>, Error> {
    string(v, name)
        .map(|s| {
            DateTime::from_str(&s, Format::DateTime)
                .map_err(|e| Error::new(format!("{name} \"{s}\" is not an RFC 3339 date: {e}")))
        })
        .transpose()
}

fn tag(k: &str, v: &str) -> Result<Tag, Error> {
    Tag::builder().key(k).value(v).build().map_err(build_err)
}

fn filter_from(f: &Value) -> Result<LifecycleRuleFilter, Error> {
    let mut b = LifecycleRuleFilter::builder().set_prefix(string(f, "prefix"));
    if let Some(n) = int(f, "object_size_greater_than") {
        b = b.object_size_greater_than(n);
    }
    if let Some(n) = int(f, "object_size_less_than") {
        b = b.object_size_less_than(n);
    }
    let t = block(f, "tag");
    if !t.is_null() {
        b = b.tag(tag(&required(t, "key")?, &required(t, "value")?)?);
    }
    let and = block(f, "and");
    if !and.is_null() {
        let tags = string_map(and, "tags")
            .iter()
            .map(|(k, v)| tag(k, v))
            .collect::<Result<Vec<_>, _>>()?;
        let mut a = LifecycleRuleAndOperator::builder()
            .set_prefix(string(and, "prefix"))
            .set_tags(Some(tags));
        if let Some(n) = int(and, "object_size_greater_than") {
            a = a.object_size_greater_than(n);
        }
        if let Some(n) = int(and, "object_size_less_than") {
            a = a.object_size_less_than(n);
        }
        b = b.and(a.build());
    }
    Ok(b.build())
}

fn rule_from(r: &Value) -> Result<LifecycleRule, Error> {
    let mut b = LifecycleRule::builder()
        .id(required(r, "id")?)
        .status(ExpirationStatus::from(required(r, "status")?.as_str()));
    let filter = block(r, "filter");
    if !filter.is_null() {
        b = b.filter(filter_from(filter)?);
    } else if let Some(p) = string(r, "prefix") {
        #[allow(deprecated)]
        {
            b = b.prefix(p);
        }
    } else {
        b = b.filter(LifecycleRuleFilter::builder().prefix("").build());
    }
    let e = block(r, "expiration");
    if !e.is_null() {
        let mut x = LifecycleExpiration::builder().set_date(date(e, "date")?);
        if let Some(d) = int(e, "days") {
            x = x.days(d as i32);
        }
        if let Some(m) = e
            .get("expired_object_delete_marker")
            .as_bool()
            .filter(|m| *m)
        {
            x = x.expired_object_delete_marker(m);
        }
        b = b.expiration(x.build());
    }
    let n = block(r, "noncurrent_version_expiration");
    if !n.is_null() {
        let mut x = NoncurrentVersionExpiration::builder();
        if let Some(d) = int(n, "noncurrent_days") {
            x = x.noncurrent_days(d as i32);
        }
        if let Some(d) = int(n, "newer_noncurrent_versions") {
            x = x.newer_noncurrent_versions(d as i32);
        }
        b = b.noncurrent_version_expiration(x.build());
    }
    for t in blocks(r, "transition") {
        let mut x = Transition::builder()
            .set_date(date(t, "date")?)
            .storage_class(TransitionStorageClass::from(
                required(t, "storage_class")?.as_str(),
            ));
        if let Some(d) = int(t, "days") {
            x = x.days(d as i32);
        }
        b = b.transitions(x.build());
    }
    for t in blocks(r, "noncurrent_version_transition") {
        let mut x = NoncurrentVersionTransition::builder().storage_class(
            TransitionStorageClass::from(required(t, "storage_class")?.as_str()),
        );
        if let Some(d) = int(t, "noncurrent_days") {
            x = x.noncurrent_days(d as i32);
        }
        if let Some(d) = int(t, "newer_noncurrent_versions") {
            x = x.newer_noncurrent_versions(d as i32);
        }
        b = b.noncurrent_version_transitions(x.build());
    }
    let a = block(r, "abort_incomplete_multipart_upload");
    if !a.is_null() {
        let mut x = AbortIncompleteMultipartUpload::builder();
        if let Some(d) = int(a, "days_after_initiation") {
            x = x.days_after_initiation(d as i32);
        }
        b = b.abort_incomplete_multipart_upload(x.build());
    }
    b.build().map_err(build_err)
}

fn fmt_date(d: Option<&DateTime>) -> Value {
    text(d.and_then(|d| d.fmt(Format::DateTime).ok()))
}

fn int_value(n: Option<i64>) -> Value {
    num(n.map(|n| n as f64))
}

fn rule_value(r: &LifecycleRule) -> Value {
    let filter = one_block(r.filter().map_or(Value::Null, |f| {
        Value::object([
            ("prefix", text(f.prefix())),
            (
                "object_size_greater_than",
                int_value(f.object_size_greater_than()),
            ),
            (
                "object_size_less_than",
                int_value(f.object_size_less_than()),
            ),
            (
                "tag",
                one_block(f.tag().map_or(Value::Null, |t| {
                    Value::object([
                        ("key", Value::from(t.key())),
                        ("value", Value::from(t.value())),
                    ])
                })),
            ),
            (
                "and",
                one_block(f.and().map_or(Value::Null, |a| {
                    Value::object([
                        ("prefix", text(a.prefix())),
                        (
                            "object_size_greater_than",
                            int_value(a.object_size_greater_than()),
                        ),
                        (
                            "object_size_less_than",
                            int_value(a.object_size_less_than()),
                        ),
                        (
                            "tags",
                            Value::Map(
                                a.tags()
                                    .iter()
                                    .map(|t| (t.key().to_string(), Value::from(t.value())))
                                    .collect(),
                            ),
                        ),
                    ])
                })),
            ),
        ])
    }));
    #[allow(deprecated)]
    let prefix = text(r.prefix());
    Value::object([
        ("id", text(r.id())),
        ("status", Value::from(r.status().as_str())),
        ("prefix", prefix),
        ("filter", filter),
        (
            "expiration",
            one_block(r.expiration().map_or(Value::Null, |e| {
                Value::object([
                    ("date", fmt_date(e.date())),
                    ("days", num(e.days())),
                    (
                        "expired_object_delete_marker",
                        Value::Bool(e.expired_object_delete_marker().unwrap_or(false)),
                    ),
                ])
            })),
        ),
        (
            "noncurrent_version_expiration",
            one_block(r.noncurrent_version_expiration().map_or(Value::Null, |n| {
                Value::object([
                    ("noncurrent_days", num(n.noncurrent_days())),
                    (
                        "newer_noncurrent_versions",
                        num(n.newer_noncurrent_versions()),
                    ),
                ])
            })),
        ),
        (
            "transition",
            Value::set(
                r.transitions()
                    .iter()
                    .map(|t| {
                        Value::object([
                            ("date", fmt_date(t.date())),
                            ("days", num(t.days())),
                            ("storage_class", text(t.storage_class().map(|s| s.as_str()))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "noncurrent_version_transition",
            Value::set(
                r.noncurrent_version_transitions()
                    .iter()
                    .map(|t| {
                        Value::object([
                            ("noncurrent_days", num(t.noncurrent_days())),
                            (
                                "newer_noncurrent_versions",
                                num(t.newer_noncurrent_versions()),
                            ),
                            ("storage_class", text(t.storage_class().map(|s| s.as_str()))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "abort_incomplete_multipart_upload",
            one_block(
                r.abort_incomplete_multipart_upload()
                    .map_or(Value::Null, |a| {
                        Value::object([("days_after_initiation", num(a.days_after_initiation()))])
                    }),
            ),
        ),
    ])
}

fn size_filter() -> Schema {
    Schema::new(
        [
            ("prefix", Attribute::optional_computed(Type::String)),
            (
                "object_size_greater_than",
                Attribute::optional(Type::Number),
            ),
            ("object_size_less_than", Attribute::optional(Type::Number)),
        ],
        [],
    )
}

#[async_trait]
impl BucketSetting for Lifecycle {
    fn put_operation(&self) -> &'static str {
        OP
    }

    async fn put(&self, aws: &AwsClients, planned: &Value) -> Result<(), Error> {
        let bucket = required(planned, "bucket")?;
        let rules = blocks(planned, "rule")
            .iter()
            .map(rule_from)
            .collect::<Result<Vec<_>, _>>()?;
        let cfg = BucketLifecycleConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(build_err)?;
        let mut req = aws
            .s3
            .put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(cfg);
        if let Some(owner) = string(planned, "expected_bucket_owner") {
            req = req.expected_bucket_owner(owner);
        }
        req.send().await.map(|_| ()).map_err(|e| api(OP, e))
    }

    fn schema(&self) -> Schema {
        let mut filter = size_filter();
        filter.blocks.insert(
            "tag".into(),
            NestedBlock::list_max_one(Schema::new(
                [
                    ("key", Attribute::required(Type::String)),
                    ("value", Attribute::required(Type::String)),
                ],
                [],
            )),
        );
        let mut and = size_filter();
        and.attributes
            .insert("tags".into(), Attribute::optional(Type::map(Type::String)));
        filter
            .blocks
            .insert("and".into(), NestedBlock::list_max_one(and));
        let rule = Schema::new(
            [
                ("id", Attribute::required(Type::String)),
                ("status", Attribute::required(Type::String)),
                ("prefix", Attribute::optional(Type::String)),
            ],
            [
                ("filter", NestedBlock::list_max_one(filter)),
                (
                    "expiration",
                    NestedBlock::list_max_one(Schema::new(
                        [
                            ("date", Attribute::optional(Type::String)),
                            ("days", Attribute::optional(Type::Number)),
                            (
                                "expired_object_delete_marker",
                                Attribute::optional_computed(Type::Bool),
                            ),
                        ],
                        [],
                    )),
                ),
                (
                    "noncurrent_version_expiration",
                    NestedBlock::list_max_one(Schema::new(
                        [
                            ("noncurrent_days", Attribute::optional(Type::Number)),
                            (
                                "newer_noncurrent_versions",
                                Attribute::optional(Type::Number),
                            ),
                        ],
                        [],
                    )),
                ),
                (
                    "transition",
                    NestedBlock::set(Schema::new(
                        [
                            ("date", Attribute::optional(Type::String)),
                            ("days", Attribute::optional(Type::Number)),
                            ("storage_class", Attribute::required(Type::String)),
                        ],
                        [],
                    )),
                ),
                (
                    "noncurrent_version_transition",
                    NestedBlock::set(Schema::new(
                        [
                            ("noncurrent_days", Attribute::optional(Type::Number)),
                            (
                                "newer_noncurrent_versions",
                                Attribute::optional(Type::Number),
                            ),
                            ("storage_class", Attribute::required(Type::String)),
                        ],
                        [],
                    )),
                ),
                (
                    "abort_incomplete_multipart_upload",
                    NestedBlock::list_max_one(Schema::new(
                        [("days_after_initiation", Attribute::optional(Type::Number))],
                        [],
                    )),
                ),
            ],
        );
        Schema::new(
            [
                ("bucket", Attribute::required(Type::String).force_new()),
                (
                    "expected_bucket_owner",
                    Attribute::optional(Type::String).force_new(),
                ),
                ("id", Attribute::computed(Type::String)),
            ],
            [("rule", NestedBlock::list(rule).min(1))],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        for (i, r) in blocks(config, "rule").iter().enumerate() {
            if let Some(s) = r.get("status").as_str()
                && s != "Enabled"
                && s != "Disabled"
            {
                out.push(ValidationError {
                    path: vec![
                        PathStep::Key("rule".into()),
                        PathStep::Index(i),
                        PathStep::Key("status".into()),
                    ],
                    message: format!("expected Enabled or Disabled, got \"{s}\""),
                });
            }
        }
        out
    }

    async fn get(
        &self,
        aws: &AwsClients,
        bucket: &str,
        current: &Value,
    ) -> Result<Option<Value>, Error> {
        let req = aws.s3.get_bucket_lifecycle_configuration().bucket(bucket);
        let out = match crate::retry::retry("GetBucketLifecycleConfiguration", &[], || {
            req.clone().send()
        })
        .await
        {
            Ok(o) => o,
            Err(e) if is_not_found(&e, &["NoSuchLifecycleConfiguration", NO_BUCKET[0]]) => {
                return Ok(None);
            }
            Err(e) if crate::error::code(&e) == Some("NoSuchLifecycleConfiguration") => {
                return Ok(None);
            }
            Err(e) => return Err(api("GetBucketLifecycleConfiguration", e)),
        };
        Ok(Some(Value::object([
            ("bucket", Value::from(bucket)),
            (
                "expected_bucket_owner",
                current.get("expected_bucket_owner").clone(),
            ),
            ("id", Value::from(bucket)),
            (
                "rule",
                Value::List(out.rules().iter().map(rule_value).collect()),
            ),
        ])))
    }

    async fn remove(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let bucket = required(prior, "bucket")?;
        match aws.s3.delete_bucket_lifecycle().bucket(bucket).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NO_BUCKET) => Ok(()),
            Err(e) => Err(api("DeleteBucketLifecycle", e)),
        }
    }
}
