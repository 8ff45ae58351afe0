//! `aws_s3_bucket`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag, Tagging,
};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, PlannedState, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{PathStep, Type, Value};

use super::NO_BUCKET;
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::partition;
use crate::resource::{Resource, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::values::{flag, map_value, string, string_map};

pub struct Bucket;

/// What any bucket name is, new or from before S3's DNS naming rules (such as a legacy
/// us-east-1 `insync_db_backups`): checked when the configuration is validated.
fn check_any_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 255 {
        return Err(format!(
            "bucket names are 1 to 255 characters long, \"{name}\" has {}",
            name.len()
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(format!(
            "bucket names may only contain letters, numbers, dots, hyphens and underscores: \"{name}\""
        ));
    }
    Ok(())
}

/// S3's naming rules for the buckets it creates today (since March 2018 in every
/// region): checked before a bucket is created, as Terraform's provider does; a bucket
/// with an older name can still be imported and managed.
fn check_new_name(name: &str) -> Result<(), String> {
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
            "bucket names may only contain lowercase letters, numbers, dots and hyphens: \"{name}\" (an existing bucket with an older name can be imported)"
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

/// Whether Object Lock is enabled on the bucket (`None`: the bucket is gone). Only "this
/// bucket has no Object Lock configuration" means disabled: any other failure
/// (throttling, access denied, a 5xx) is an error of the read, never a `false` that
/// would plan the bucket's replacement.
async fn object_lock_enabled(aws: &AwsClients, bucket: &str) -> Result<Option<bool>, Error> {
    let req = aws.s3.get_object_lock_configuration().bucket(bucket);
    match retry("GetObjectLockConfiguration", &[], || req.clone().send()).await {
        Ok(out) => Ok(Some(
            out.object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|s| s.as_str() == "Enabled"),
        )),
        Err(e) if crate::error::code(&e) == Some(NO_LOCK_CONFIGURATION) => Ok(Some(false)),
        Err(e) if crate::error::code(&e).is_some_and(|c| NO_BUCKET.contains(&c)) => Ok(None),
        Err(e) => Err(api("GetObjectLockConfiguration", e)),
    }
}

/// S3's answer for a bucket without Object Lock.
const NO_LOCK_CONFIGURATION: &str = "ObjectLockConfigurationNotFoundError";

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

impl Bucket {
    /// The state of the bucket named `name` (names are global), if this account holds
    /// it in the provider's region.
    async fn located(
        &self,
        aws: &AwsClients,
        planned: &Value,
        name: &str,
    ) -> Result<Option<Value>, Error> {
        let seed = crate::values::with(planned.clone(), "bucket", Value::from(name));
        Ok(self
            .read(aws, &seed)
            .await?
            .filter(|state| state.get("region").as_str() == Some(aws.region.as_str())))
    }
}

#[async_trait]
impl Resource<AwsClients> for Bucket {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::bucket_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::buckets(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

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
            && let Err(m) = check_any_name(name)
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
                let region = aws.region.as_str();
                m.insert(
                    "arn".into(),
                    Value::from(format!("arn:{}:s3:::{name}", partition::of(region).id)),
                );
                m.insert(
                    "bucket_domain_name".into(),
                    Value::from(partition::s3_domain(region, &name)),
                );
                m.insert(
                    "bucket_regional_domain_name".into(),
                    Value::from(partition::s3_regional_domain(region, &name)),
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
        let head = aws.s3.head_bucket().bucket(&name);
        match retry("HeadBucket", &[], || head.clone().send()).await {
            Ok(_) => {}
            Err(e) if is_not_found(&e, NO_BUCKET) => return Ok(None),
            Err(e) => return Err(api("HeadBucket", e)),
        }
        let tagging = aws.s3.get_bucket_tagging().bucket(&name);
        let tags: BTreeMap<String, String> =
            match retry("GetBucketTagging", &[], || tagging.clone().send()).await {
                Ok(out) => out
                    .tag_set()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
                Err(e) if crate::error::code(&e) == Some("NoSuchTagSet") => BTreeMap::new(),
                Err(e) if is_not_found(&e, NO_BUCKET) => return Ok(None),
                Err(e) => return Err(api("GetBucketTagging", e)),
            };
        let location = aws.s3.get_bucket_location().bucket(&name);
        let region = match retry("GetBucketLocation", &[], || location.clone().send()).await {
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
        let Some(object_lock) = object_lock_enabled(aws, &name).await? else {
            return Ok(None);
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
                Value::from(format!("arn:{}:s3:::{name}", partition::of(&region).id)),
            ),
            (
                "bucket_domain_name",
                Value::from(partition::s3_domain(&region, &name)),
            ),
            (
                "bucket_regional_domain_name",
                Value::from(partition::s3_regional_domain(&region, &name)),
            ),
            ("region", Value::from(region)),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let name = crate::names::chosen(planned, "bucket", "bucket_prefix", "terraform-", token);
        check_new_name(&name).map_err(|m| Error::api("CreateBucket", m))?;
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
        crate::retry::create(
            "CreateBucket",
            &[],
            &["BucketAlreadyOwnedByYou"],
            || once!(req.clone(), aws_sdk_s3),
            || async {
                Ok(self
                    .located(aws, planned, &name)
                    .await?
                    .map(|_| name.clone()))
            },
        )
        .await?;
        let mut known = planned.clone();
        if let Value::Map(m) = &mut known {
            m.insert("bucket".into(), Value::from(name.as_str()));
            m.insert("id".into(), Value::from(name.as_str()));
        }
        // A new bucket may answer "no such bucket" for a moment.
        let head = aws.s3.head_bucket().bucket(&name);
        if let Err(e) = retry("HeadBucket", NO_BUCKET, || head.clone().send()).await {
            return Err(ApplyError {
                error: api("HeadBucket", e),
                partial: Some(known),
            });
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

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = crate::names::chosen(planned, "bucket", "bucket_prefix", "terraform-", token);
        // The create tags the bucket after making it.
        let state = self.located(aws, planned, &name).await?;
        Ok(crate::found::at_most_one(state, |state| {
            crate::found::tagged(state, planned)
        }))
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
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::stand_in;

    /// An S3 stand-in on a local port: answers HeadBucket, GetBucketTagging and
    /// GetBucketLocation for bucket `logs` as S3 does, and GetObjectLockConfiguration
    /// with `lock` in turn (status, XML body; the last one repeats). Returns the
    /// endpoint and the requests it got.
    fn s3_answering(lock: Vec<(u16, &'static str)>) -> (String, Arc<Mutex<Vec<String>>>) {
        s3_answering_heads(vec![200], lock)
    }

    /// [`s3_answering`], with HeadBucket answering the statuses of `heads` in turn (the
    /// last one repeats), and CreateBucket succeeding.
    fn s3_answering_heads(
        heads: Vec<u16>,
        lock: Vec<(u16, &'static str)>,
    ) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            let mut lock_answers = lock.into_iter().peekable();
            let mut head_answers = heads.into_iter().peekable();
            for conn in listener.incoming() {
                let mut conn = conn.unwrap();
                let request = stand_in::read(&mut conn);
                let line = request.line.clone();
                log.lock().unwrap().push(line.clone());
                let (status, body) = if line.starts_with("HEAD") {
                    let status = head_answers.next().unwrap();
                    if head_answers.peek().is_none() {
                        head_answers = vec![status].into_iter().peekable();
                    }
                    (status, "")
                } else if line.starts_with("PUT") {
                    (200, "")
                } else if line.contains("tagging") {
                    (404, NO_TAG_SET)
                } else if line.contains("location") {
                    (200, LOCATION)
                } else if line.contains("object-lock") {
                    let answer = lock_answers.next().unwrap();
                    if lock_answers.peek().is_none() {
                        lock_answers = vec![answer].into_iter().peekable();
                    }
                    answer
                } else {
                    (400, "")
                };
                let headers = "Content-Type: application/xml\r\nx-amz-request-id: 4442587FB7D0A2F9\r\nx-amz-bucket-region: eu-west-1\r\n";
                stand_in::answer(&mut conn, &request, status, headers, body);
            }
        });
        (endpoint, seen)
    }

    const NO_TAG_SET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchTagSet</Code><Message>The TagSet does not exist</Message><BucketName>logs</BucketName><RequestId>4442587FB7D0A2F9</RequestId><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>"#;
    const LOCATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>"#;
    const LOCK_ENABLED: (u16, &str) = (
        200,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"#,
    );
    const NO_LOCK: (u16, &str) = (
        404,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>ObjectLockConfigurationNotFoundError</Code><Message>Object Lock configuration does not exist for this bucket</Message><BucketName>logs</BucketName><RequestId>4442587FB7D0A2F9</RequestId><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>"#,
    );
    const ACCESS_DENIED: (u16, &str) = (
        403,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>"#,
    );
    const SLOW_DOWN: (u16, &str) = (
        503,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>"#,
    );

    async fn read_logs(lock: Vec<(u16, &'static str)>) -> (Result<Option<Value>, Error>, usize) {
        let (endpoint, seen) = s3_answering(lock);
        let aws = crate::client::tests::at(&endpoint, "eu-west-1");
        let seed = Value::object([("bucket", Value::from("logs"))]);
        let read = Bucket.read(&aws, &seed).await;
        let lock_calls = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("object-lock"))
            .count();
        (read, lock_calls)
    }

    #[tokio::test]
    async fn only_no_lock_configuration_reads_as_unlocked() {
        let (read, _) = read_logs(vec![NO_LOCK]).await;
        let bucket = read.unwrap().unwrap();
        assert_eq!(bucket.get("object_lock_enabled"), &Value::Bool(false));
        assert_eq!(
            bucket.get("bucket_domain_name"),
            &Value::from("logs.s3.amazonaws.com")
        );
        let (read, _) = read_logs(vec![LOCK_ENABLED]).await;
        assert_eq!(
            read.unwrap().unwrap().get("object_lock_enabled"),
            &Value::Bool(true)
        );
    }

    #[tokio::test]
    async fn access_denied_on_object_lock_fails_the_read() {
        let (read, calls) = read_logs(vec![ACCESS_DENIED]).await;
        let error = read.expect_err("an access-denied read is an error, not `false`");
        assert!(
            error.to_string().contains("GetObjectLockConfiguration")
                && error.to_string().contains("AccessDenied"),
            "{error}"
        );
        assert_eq!(calls, 1, "access denied is not retried");
    }

    #[tokio::test]
    async fn a_new_bucket_not_yet_visible_is_waited_for() {
        let (endpoint, seen) = s3_answering_heads(vec![404, 404, 200], vec![NO_LOCK]);
        let aws = crate::client::tests::at(&endpoint, "eu-west-1");
        let planned = Value::object([
            ("bucket", Value::from("logs")),
            ("object_lock_enabled", Value::Bool(false)),
        ]);
        let made = Bucket
            .create(&aws, &planned, &planned, &CreateToken::new())
            .await
            .unwrap_or_else(|e| panic!("{}", e.error));
        assert_eq!(made.get("bucket"), &Value::from("logs"));
        let heads = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("HEAD"))
            .count();
        assert_eq!(heads, 4, "two 404s waited out, then the read's own");
    }

    #[tokio::test]
    async fn slow_down_on_object_lock_is_retried() {
        let (read, calls) = read_logs(vec![SLOW_DOWN, SLOW_DOWN, LOCK_ENABLED]).await;
        assert_eq!(
            read.unwrap().unwrap().get("object_lock_enabled"),
            &Value::Bool(true)
        );
        assert_eq!(calls, 3);
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(check_new_name("my-logs.example").is_ok());
        assert!(check_new_name("My_Logs").is_err());
        assert!(check_new_name("ab").is_err());
        assert!(check_new_name("-abc").is_err());
        // Names from before the DNS rules exist, and are managed once imported.
        assert!(check_any_name("insync_db_backups").is_ok());
        assert!(check_any_name("My_Logs").is_ok());
        assert!(check_any_name("logs/2024").is_err());
        assert!(check_any_name("").is_err());
    }

    #[test]
    fn generated_names_keep_the_prefix() {
        let n = crate::names::for_create("logs-", &CreateToken::new());
        assert!(
            n.starts_with("logs-") && n.len() <= 63 && check_new_name(&n).is_ok(),
            "{n}"
        );
    }
}
