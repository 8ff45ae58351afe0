//! Listing ELBv2 objects: load balancers, target groups (`name_prefix` on the name),
//! listeners, and the targets registered in target groups. Tags are read one object
//! at a time, only when the request filters on them.

use aws_sdk_elasticloadbalancingv2::types::{LoadBalancer, TargetGroup};
use iac_provider::{Attribute, Error, ListRequest, Schema};
use iac_value::Type;

use super::tags_of;
use crate::client::AwsClients;
use crate::error::api;
use crate::listing::{self, Candidate, Filters, Found, pages, tagged};
use crate::retry::retry;
use crate::values::string;

pub fn load_balancer_schema() -> Schema {
    listing::schema([("vpc_id", Attribute::optional(Type::String))])
}

pub fn target_group_schema() -> Schema {
    listing::schema([
        ("vpc_id", Attribute::optional(Type::String)),
        ("load_balancer_arn", Attribute::optional(Type::String)),
    ])
}

pub fn listener_schema() -> Schema {
    listing::schema([("load_balancer_arn", Attribute::optional(Type::String))])
}

pub fn attachment_schema() -> Schema {
    Schema::new(
        [
            ("target_group_arn", Attribute::optional(Type::String)),
            ("target_id", Attribute::optional(Type::String)),
        ],
        [],
    )
}

/// Load balancers of the request's VPC, or all.
pub async fn load_balancers(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let vpc = string(&request.filter, "vpc_id");
    let candidates = all_load_balancers(aws)
        .await?
        .iter()
        .filter(|lb| vpc.is_none() || lb.vpc_id() == vpc.as_deref())
        .filter_map(|lb| {
            let name = lb.load_balancer_name()?;
            let arn = lb.load_balancer_arn()?;
            f.name(name).then(|| arn_named(arn, name))
        })
        .collect();
    tagged(request, &f, candidates, |arn| async move {
        tags_of(aws, &arn).await
    })
    .await
}

/// Target groups of the request's VPC or load balancer, or all.
pub async fn target_groups(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let vpc = string(&request.filter, "vpc_id");
    let candidates = all_target_groups(aws, string(&request.filter, "load_balancer_arn"))
        .await?
        .iter()
        .filter(|g| vpc.is_none() || g.vpc_id() == vpc.as_deref())
        .filter_map(|g| {
            let name = g.target_group_name()?;
            let arn = g.target_group_arn()?;
            f.name(name).then(|| arn_named(arn, name))
        })
        .collect();
    tagged(request, &f, candidates, |arn| async move {
        tags_of(aws, &arn).await
    })
    .await
}

/// Listeners of the request's load balancer, or of every one, named `LB:PORT`.
pub async fn listeners(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let balancers: Vec<(String, String)> = match string(&request.filter, "load_balancer_arn") {
        Some(arn) => vec![(arn.clone(), arn)],
        None => all_load_balancers(aws)
            .await?
            .iter()
            .filter_map(|lb| {
                Some((
                    lb.load_balancer_arn()?.to_string(),
                    lb.load_balancer_name()?.to_string(),
                ))
            })
            .collect(),
    };
    let mut candidates = Vec::new();
    for (lb, lb_name) in balancers {
        let req = aws.elbv2.describe_listeners().load_balancer_arn(&lb);
        pages(
            "DescribeListeners",
            |marker| req.clone().set_marker(marker).send(),
            |out| {
                for l in out.listeners() {
                    let name = format!("{lb_name}:{}", l.port().unwrap_or(0));
                    if let Some(arn) = l.listener_arn()
                        && f.name(&name)
                    {
                        candidates.push(arn_named(arn, &name));
                    }
                }
                listing::more(out.next_marker(), candidates.len(), &f, request)
            },
        )
        .await?;
    }
    tagged(request, &f, candidates, |arn| async move {
        tags_of(aws, &arn).await
    })
    .await
}

/// The targets registered in the request's target group, or in every one, with ids
/// as import takes them: `TARGET_GROUP_ARN,TARGET_ID`, and `,PORT` when the target's
/// port is not the group's.
pub async fn attachments(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let wanted_group = string(&request.filter, "target_group_arn");
    let wanted_target = string(&request.filter, "target_id");
    let mut found = Found::new(request);
    for g in all_target_groups(aws, None).await? {
        let (Some(arn), name) = (g.target_group_arn(), g.target_group_name().unwrap_or("")) else {
            continue;
        };
        if found.full() || wanted_group.as_deref().is_some_and(|w| w != arn) {
            continue;
        }
        let req = aws.elbv2.describe_target_health().target_group_arn(arn);
        let out = retry("DescribeTargetHealth", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeTargetHealth", e))?;
        for t in out
            .target_health_descriptions()
            .iter()
            .filter_map(|d| d.target())
        {
            let Some(target) = t.id() else { continue };
            if wanted_target.as_deref().is_some_and(|w| w != target) {
                continue;
            }
            let id = match t.port() {
                Some(p) if Some(p) != g.port() => format!("{arn},{target},{p}"),
                _ => format!("{arn},{target}"),
            };
            found.push(id, Some(format!("{name} -> {target}").as_str()));
        }
    }
    Ok(found)
}

fn arn_named(arn: &str, name: &str) -> Candidate {
    Candidate {
        id: arn.to_string(),
        name: name.to_string(),
        key: arn.to_string(),
    }
}

/// Every load balancer, page by page.
async fn all_load_balancers(aws: &AwsClients) -> Result<Vec<LoadBalancer>, Error> {
    let req = aws.elbv2.describe_load_balancers();
    let mut all = Vec::new();
    pages(
        "DescribeLoadBalancers",
        |marker| req.clone().set_marker(marker).send(),
        |out| {
            all.extend(out.load_balancers().iter().cloned());
            listing::token(out.next_marker())
        },
    )
    .await?;
    Ok(all)
}

/// Every target group, or those of load balancer `lb`, page by page.
async fn all_target_groups(
    aws: &AwsClients,
    lb: Option<String>,
) -> Result<Vec<TargetGroup>, Error> {
    let req = aws.elbv2.describe_target_groups().set_load_balancer_arn(lb);
    let mut all = Vec::new();
    pages(
        "DescribeTargetGroups",
        |marker| req.clone().set_marker(marker).send(),
        |out| {
            all.extend(out.target_groups().iter().cloned());
            listing::token(out.next_marker())
        },
    )
    .await?;
    Ok(all)
}
