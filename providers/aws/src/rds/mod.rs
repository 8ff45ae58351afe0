//! RDS: database instances, their parameter groups and subnet groups.

mod instance;
mod list;
mod parameter_group;
mod subnet_group;

use std::collections::BTreeMap;

use aws_sdk_rds::types::Tag;
use iac_provider::Error;
use iac_value::Value;

use crate::client::AwsClients;
use crate::error::api;
use crate::values::string_map;

/// The RDS resource types by name.
pub fn resources() -> crate::resource::Resources {
    let mut m = crate::resource::Resources::new();
    m.insert("aws_db_instance", Box::new(instance::DbInstance));
    m.insert(
        "aws_db_parameter_group",
        Box::new(parameter_group::ParameterGroup),
    );
    m.insert("aws_db_subnet_group", Box::new(subnet_group::SubnetGroup));
    m
}

/// Tags from RDS's list form.
fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

/// The planned `tags_all` as RDS tags, to create an object with.
fn tag_list(planned: &Value) -> Option<Vec<Tag>> {
    let tags = string_map(planned, "tags_all");
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

/// The tags of the RDS object with ARN `arn`.
async fn tags_of(aws: &AwsClients, arn: &str) -> Result<BTreeMap<String, String>, Error> {
    let req = aws.rds.list_tags_for_resource().resource_name(arn);
    let out = crate::retry::retry("ListTagsForResource", &[], || req.clone().send())
        .await
        .map_err(|e| api("ListTagsForResource", e))?;
    Ok(tag_map(out.tag_list()))
}

/// Brings an object's tags from the prior `tags_all` to the planned one.
async fn update_tags(
    aws: &AwsClients,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), Error> {
    let changes = crate::tags::changes(prior, planned);
    let removed = changes.removed;
    let set: Vec<Tag> = changes
        .set
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    if !removed.is_empty() {
        aws.rds
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| api("RemoveTagsFromResource", e))?;
    }
    if !set.is_empty() {
        aws.rds
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(set))
            .send()
            .await
            .map_err(|e| api("AddTagsToResource", e))?;
    }
    Ok(())
}
