//! `aws_key_pair`: an SSH public key EC2 installs on new instances.

use async_trait::async_trait;
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::ResourceType;
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema, ValidationError};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{arn, tag_map, tag_specification, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::values::{same_ssh_key, string, text, with};

pub struct KeyPair;

const NOT_FOUND: &[&str] = &["InvalidKeyPair.NotFound"];

impl KeyPair {
    /// The key pair named `name`, if it holds the planned public key (a key of that
    /// name with another key is not what a create of this plan made).
    async fn locate(
        &self,
        aws: &AwsClients,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, Error> {
        let seed = with(planned.clone(), "key_name", Value::from(name));
        Ok(self
            .read(aws, &seed)
            .await?
            .filter(|found| {
                match (
                    found.get("public_key").as_str(),
                    planned.get("public_key").as_str(),
                ) {
                    (Some(a), Some(b)) => same_ssh_key(a, b),
                    _ => true,
                }
            })
            .map(|_| name.to_string()))
    }
}

#[async_trait]
impl Resource<AwsClients> for KeyPair {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::key_pair_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::key_pairs(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "key_name",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                (
                    "key_name_prefix",
                    Attribute::optional(Type::String).force_new(),
                ),
                ("public_key", Attribute::required(Type::String).force_new()),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("fingerprint", Attribute::computed(Type::String)),
                ("key_pair_id", Attribute::computed(Type::String)),
                ("key_type", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        if !config.get("key_name").is_null() && !config.get("key_name_prefix").is_null() {
            out.push(invalid(
                "key_name_prefix",
                "\"key_name_prefix\" conflicts with \"key_name\"",
            ));
        }
        if let Some(k) = config.get("public_key").as_str()
            && !k.starts_with("ssh-")
            && !k.starts_with("ecdsa-")
        {
            out.push(invalid(
                "public_key",
                "expected an OpenSSH public key (\"ssh-rsa AAAA...\", \"ssh-ed25519 AAAA...\")",
            ));
        }
        out
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(name) = string(current, "key_name").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let req = aws
            .ec2
            .describe_key_pairs()
            .key_names(&name)
            .include_public_key(true);
        let out = match retry("DescribeKeyPairs", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeKeyPairs", e)),
        };
        let Some(k) = out.key_pairs().first() else {
            return Ok(None);
        };
        // EC2 drops the key's comment; keep the configured text while the key matches.
        let public_key = match (current.get("public_key").as_str(), k.public_key()) {
            (Some(known), Some(stored)) if same_ssh_key(known, stored) => Value::from(known),
            (_, Some(stored)) => Value::from(stored.trim()),
            (known, None) => text(known),
        };
        let (tags, tags_all) =
            read_tags(&tag_map(k.tags()), current.get("tags"), &aws.default_tags);
        let key_pair_id = k.key_pair_id().unwrap_or_default();
        let account = crate::sts::account_id(aws).await?;
        Ok(Some(Value::object([
            ("key_name", Value::from(name.as_str())),
            ("key_name_prefix", current.get("key_name_prefix").clone()),
            ("public_key", public_key),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(name.as_str())),
            ("arn", Value::from(arn(aws, &account, "key-pair", &name))),
            ("fingerprint", text(k.key_fingerprint())),
            ("key_pair_id", Value::from(key_pair_id)),
            ("key_type", text(k.key_type().map(|t| t.as_str()))),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let name =
            crate::names::chosen(planned, "key_name", "key_name_prefix", "terraform-", token);
        let key = string(planned, "public_key").unwrap_or_default();
        let req = aws
            .ec2
            .import_key_pair()
            .key_name(&name)
            .public_key_material(Blob::new(key.into_bytes()))
            .set_tag_specifications(
                tag_specification(ResourceType::KeyPair, planned).map(|t| vec![t]),
            );
        crate::retry::create(
            "ImportKeyPair",
            &[],
            &["InvalidKeyPair.Duplicate"],
            || once!(req.clone(), aws_sdk_ec2),
            || self.locate(aws, planned, &name),
        )
        .await?;
        let known = with(
            with(planned.clone(), "key_name", Value::from(name.as_str())),
            "id",
            Value::from(name),
        );
        read_back(self, aws, &known, "ImportKeyPair").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name =
            crate::names::chosen(planned, "key_name", "key_name_prefix", "terraform-", token);
        let ids = self.locate(aws, planned, &name).await?;
        crate::found::read_all(self, aws, planned, "key_name", ids, |_| true).await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "key_pair_id")
            .ok_or_else(|| Error::new("the prior state has no key_pair_id"))?;
        update_tags(aws, &id, prior, planned).await?;
        read_back(self, aws, planned, "CreateTags").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let name = string(prior, "key_name")
            .ok_or_else(|| Error::new("the prior state has no key_name"))?;
        match aws.ec2.delete_key_pair().key_name(&name).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteKeyPair", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("key_name", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| Error::api("DescribeKeyPairs", format!("no key pair \"{id}\" exists")))
            .map(|v| crate::names::with_imported_prefix(v, "key_name_prefix", "key_name"))
    }
}
