//! Listing RDS objects: database instances, parameter groups and subnet groups, by name
//! (`name_prefix` on the identifier or name). The groups' tags are read only when the
//! request filters on tags; the groups AWS makes (`default`, `default.*`) are listed
//! only with `include_default`.

use iac_provider::{Attribute, Error, ListRequest, Schema};
use iac_value::Type;

use super::{tag_map, tags_of};
use crate::client::AwsClients;
use crate::listing::{self, Candidate, Filters, Found, pages, tagged};
use crate::values::{flag, string};

pub fn instance_schema() -> Schema {
    listing::schema([])
}

/// Database instances (their tags come with them).
pub async fn instances(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let req = aws.rds.describe_db_instances();
    let mut found = Found::new(request);
    pages(
        "DescribeDBInstances",
        |marker| req.clone().set_marker(marker).send(),
        |out| {
            for d in out.db_instances() {
                if let Some(id) = d.db_instance_identifier()
                    && f.name(id)
                    && f.tagged(&tag_map(d.tag_list()))
                {
                    found.push(id, Some(id));
                }
            }
            listing::next(out.marker(), &found)
        },
    )
    .await?;
    Ok(found)
}

pub fn group_schema() -> Schema {
    listing::schema([("include_default", Attribute::optional(Type::Bool))])
}

pub fn subnet_group_schema() -> Schema {
    listing::schema([
        ("vpc_id", Attribute::optional(Type::String)),
        ("include_default", Attribute::optional(Type::Bool)),
    ])
}

/// Parameter groups.
pub async fn parameter_groups(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let defaults = flag(&request.filter, "include_default");
    let req = aws.rds.describe_db_parameter_groups();
    let mut candidates: Vec<Candidate> = Vec::new();
    pages(
        "DescribeDBParameterGroups",
        |marker| req.clone().set_marker(marker).send(),
        |out| {
            candidates.extend(out.db_parameter_groups().iter().filter_map(|g| {
                let name = g.db_parameter_group_name()?;
                let keep = f.name(name) && (defaults || !name.starts_with("default."));
                keep.then_some(Candidate::named(name, g.db_parameter_group_arn()?))
            }));
            listing::more(out.marker(), candidates.len(), &f, request)
        },
    )
    .await?;
    tagged(request, &f, candidates, |arn| async move {
        tags_of(aws, &arn).await
    })
    .await
}

/// Subnet groups (`vpc_id` filters).
pub async fn subnet_groups(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let defaults = flag(&request.filter, "include_default");
    let vpc = string(&request.filter, "vpc_id");
    let req = aws.rds.describe_db_subnet_groups();
    let mut candidates: Vec<Candidate> = Vec::new();
    pages(
        "DescribeDBSubnetGroups",
        |marker| req.clone().set_marker(marker).send(),
        |out| {
            candidates.extend(out.db_subnet_groups().iter().filter_map(|g| {
                let name = g.db_subnet_group_name()?;
                let keep = f.name(name)
                    && (defaults || name != "default")
                    && vpc.as_deref().is_none_or(|v| g.vpc_id() == Some(v));
                keep.then_some(Candidate::named(name, g.db_subnet_group_arn()?))
            }));
            listing::more(out.marker(), candidates.len(), &f, request)
        },
    )
    .await?;
    tagged(request, &f, candidates, |arn| async move {
        tags_of(aws, &arn).await
    })
    .await
}
