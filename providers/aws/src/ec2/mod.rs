//! EC2: instances, Elastic IPs, security groups and their rules, key pairs; and the
//! data sources that look up AMIs, VPCs, subnets and availability zones.

mod ami;
mod eip;
mod eip_association;
mod instance;
mod key_pair;
mod list;
mod lookup;
mod rule;
mod security_group;
mod security_group_rule;

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use iac_provider::{Attribute, Error, NestedBlock, Schema};
use iac_value::{Type, Value};

use crate::client::AwsClients;
use crate::error::api;
use crate::values::{blocks, string, string_map};

/// The EC2 resource types by name.
pub fn resources() -> crate::resource::Resources {
    let mut m = crate::resource::Resources::new();
    m.insert("aws_instance", Box::new(instance::Instance));
    m.insert("aws_eip", Box::new(eip::Eip));
    m.insert(
        "aws_eip_association",
        Box::new(eip_association::EipAssociation),
    );
    m.insert(
        "aws_security_group",
        Box::new(security_group::SecurityGroup),
    );
    m.insert(
        "aws_vpc_security_group_ingress_rule",
        Box::new(security_group_rule::IngressRule),
    );
    m.insert("aws_key_pair", Box::new(key_pair::KeyPair));
    m
}

/// The EC2 data sources by name.
pub fn data_sources() -> crate::resource::DataSources {
    let mut m = crate::resource::DataSources::new();
    m.insert("aws_ami", Box::new(ami::Ami));
    m.insert("aws_vpc", Box::new(lookup::Vpc));
    m.insert("aws_subnets", Box::new(lookup::Subnets));
    m.insert(
        "aws_availability_zones",
        Box::new(lookup::AvailabilityZones),
    );
    m
}

/// Tags from EC2's list form.
fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

/// Tags from a planned `tags_all`, to create an object with.
fn tag_specification(kind: ResourceType, planned: &Value) -> Option<TagSpecification> {
    let tags = string_map(planned, "tags_all");
    (!tags.is_empty()).then(|| {
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(
                tags.iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect(),
            ))
            .build()
    })
}

/// Brings the tags of object `id` from the prior `tags_all` to the planned one,
/// touching only the keys that differ.
async fn update_tags(
    aws: &AwsClients,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), Error> {
    let changes = crate::tags::changes(prior, planned);
    let removed: Vec<Tag> = changes
        .removed
        .iter()
        .map(|k| Tag::builder().key(k).build())
        .collect();
    let set: Vec<Tag> = changes
        .set
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    if !removed.is_empty() {
        aws.ec2
            .delete_tags()
            .resources(id)
            .set_tags(Some(removed))
            .send()
            .await
            .map_err(|e| api("DeleteTags", e))?;
    }
    if !set.is_empty() {
        aws.ec2
            .create_tags()
            .resources(id)
            .set_tags(Some(set))
            .send()
            .await
            .map_err(|e| api("CreateTags", e))?;
    }
    Ok(())
}

/// The `filter { name, values }` blocks of the EC2 data sources.
fn filter_block() -> (&'static str, NestedBlock) {
    (
        "filter",
        NestedBlock::set(Schema::new(
            [
                ("name", Attribute::required(Type::String)),
                ("values", Attribute::required(Type::set(Type::String))),
            ],
            [],
        )),
    )
}

/// The configured `filter` blocks (and `tags`, as `tag:KEY` filters) as EC2 filters.
fn filters(config: &Value) -> Vec<Filter> {
    let mut out: Vec<Filter> = blocks(config, "filter")
        .iter()
        .filter_map(|f| {
            Some(
                Filter::builder()
                    .name(string(f, "name")?)
                    .set_values(Some(
                        f.get("values")
                            .as_items()
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect(),
                    ))
                    .build(),
            )
        })
        .collect();
    for (k, v) in string_map(config, "tags") {
        out.push(Filter::builder().name(format!("tag:{k}")).values(v).build());
    }
    out
}

/// The ARN of an EC2 object of `kind` (`instance`, `security-group`, ...).
fn arn(aws: &AwsClients, owner: &str, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{owner}:{kind}/{id}",
        crate::partition::of(&aws.region).id,
        aws.region
    )
}
