//! Elastic Load Balancing v2: load balancers, target groups and their targets, and
//! listeners.

mod attachment;
mod list;
mod listener;
mod load_balancer;
mod target_group;

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::Tag;
use iac_provider::Error;
use iac_value::Value;

use crate::client::AwsClients;
use crate::error::api;
use crate::retry::retry;
use crate::values::string_map;

/// The ELBv2 resource types by name; `aws_alb*` are Terraform's older names.
pub fn resources() -> crate::resource::Resources {
    let mut m = crate::resource::Resources::new();
    m.insert("aws_lb", Box::new(load_balancer::LoadBalancer));
    m.insert("aws_lb_target_group", Box::new(target_group::TargetGroup));
    m.insert(
        "aws_lb_target_group_attachment",
        Box::new(attachment::Attachment),
    );
    m.insert("aws_lb_listener", Box::new(listener::Listener));
    m.insert("aws_alb", Box::new(load_balancer::LoadBalancer));
    m.insert("aws_alb_target_group", Box::new(target_group::TargetGroup));
    m.insert(
        "aws_alb_target_group_attachment",
        Box::new(attachment::Attachment),
    );
    m.insert("aws_alb_listener", Box::new(listener::Listener));
    m
}

/// The tags of an ELBv2 object.
async fn tags_of(aws: &AwsClients, arn: &str) -> Result<BTreeMap<String, String>, Error> {
    let req = aws.elbv2.describe_tags().resource_arns(arn);
    let out = retry("DescribeTags", &[], || req.clone().send())
        .await
        .map_err(|e| api("DescribeTags", e))?;
    Ok(out
        .tag_descriptions()
        .iter()
        .flat_map(|d| d.tags())
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect())
}

/// The planned `tags_all` as ELBv2 tags, to create an object with.
fn tag_list(planned: &Value) -> Option<Vec<Tag>> {
    let tags = string_map(planned, "tags_all");
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
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
        aws.elbv2
            .remove_tags()
            .resource_arns(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| api("RemoveTags", e))?;
    }
    if !set.is_empty() {
        aws.elbv2
            .add_tags()
            .resource_arns(arn)
            .set_tags(Some(set))
            .send()
            .await
            .map_err(|e| api("AddTags", e))?;
    }
    Ok(())
}

/// Terraform's `arn_suffix`: the ARN's resource part, without `loadbalancer/` for load
/// balancers (`app/web/50dc...`) and as is for target groups (`targetgroup/web/73e2...`).
fn arn_suffix(arn: &str) -> String {
    let resource = arn.rsplit(':').next().unwrap_or_default();
    resource
        .strip_prefix("loadbalancer/")
        .unwrap_or(resource)
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn suffixes_drop_the_resource_kind() {
        assert_eq!(
            super::arn_suffix(
                "arn:aws:elasticloadbalancing:eu-west-1:123:loadbalancer/app/web/50dc6c495c0c9188"
            ),
            "app/web/50dc6c495c0c9188"
        );
        assert_eq!(
            super::arn_suffix(
                "arn:aws:elasticloadbalancing:eu-west-1:123:targetgroup/web/73e2d6bc24d8a067"
            ),
            "targetgroup/web/73e2d6bc24d8a067"
        );
    }
}
