//! `aws_security_group`.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, IpPermission, ResourceType};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, PlannedState, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::rule::{self, from_permissions, to_permission};
use super::{arn, tag_map, tag_specification, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry, retry_for};
use crate::tags::read_tags;
use crate::values::{string, with};

pub struct SecurityGroup;

const NOT_FOUND: &[&str] = &["InvalidGroup.NotFound", "InvalidGroupId.NotFound"];

/// A group is still in use for a while after the instances using it terminate.
const IN_USE: &[&str] = &["DependencyViolation"];

impl SecurityGroup {
    async fn describe(
        &self,
        aws: &AwsClients,
        id: &str,
    ) -> Result<Option<aws_sdk_ec2::types::SecurityGroup>, Error> {
        let req = aws.ec2.describe_security_groups().group_ids(id);
        match retry("DescribeSecurityGroups", &[], || req.clone().send()).await {
            Ok(out) => Ok(out.security_groups().first().cloned()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
            Err(e) => Err(api("DescribeSecurityGroups", e)),
        }
    }

    /// The group named `name` in the planned VPC (names are unique in a VPC) with the
    /// planned description; an error when several VPCs hold one and none was planned.
    async fn locate(
        &self,
        aws: &AwsClients,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, Error> {
        let mut filters = vec![Filter::builder().name("group-name").values(name).build()];
        if let Some(vpc) = string(planned, "vpc_id") {
            filters.push(Filter::builder().name("vpc-id").values(vpc).build());
        }
        let req = aws
            .ec2
            .describe_security_groups()
            .set_filters(Some(filters));
        let out = retry("DescribeSecurityGroups", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeSecurityGroups", e))?;
        let description = string(planned, "description");
        let ids: Vec<&str> = out
            .security_groups()
            .iter()
            .filter(|g| description.is_none() || g.description() == description.as_deref())
            .filter_map(|g| g.group_id())
            .collect();
        match ids[..] {
            [] => Ok(None),
            [id] => Ok(Some(id.to_string())),
            _ => Err(Error::api(
                "DescribeSecurityGroups",
                format!(
                    "groups named \"{name}\" exist in several VPCs ({}) and the plan did not know which VPC it asked for",
                    ids.join(", ")
                ),
            )),
        }
    }

    /// Revokes the rules in `old` but not in `new`, then authorizes the reverse.
    async fn sync_rules(
        &self,
        aws: &AwsClients,
        id: &str,
        ingress: bool,
        old: &Value,
        new: &Value,
    ) -> Result<(), Error> {
        let items = |v: &Value| v.as_items().unwrap_or(&[]).to_vec();
        let (old, new) = (items(old), items(new));
        let revoke: Vec<IpPermission> = old
            .iter()
            .filter(|r| !new.contains(r))
            .map(|r| to_permission(r, id))
            .collect();
        let grant: Vec<IpPermission> = new
            .iter()
            .filter(|r| !old.contains(r))
            .map(|r| to_permission(r, id))
            .collect();
        match (ingress, revoke.is_empty()) {
            (_, true) => {}
            (true, false) => {
                let req = aws
                    .ec2
                    .revoke_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(Some(revoke));
                settled(
                    retry("RevokeSecurityGroupIngress", NOT_FOUND, || {
                        req.clone().send()
                    })
                    .await,
                    "RevokeSecurityGroupIngress",
                    GONE,
                )?;
            }
            (false, false) => {
                let req = aws
                    .ec2
                    .revoke_security_group_egress()
                    .group_id(id)
                    .set_ip_permissions(Some(revoke));
                settled(
                    retry("RevokeSecurityGroupEgress", NOT_FOUND, || {
                        req.clone().send()
                    })
                    .await,
                    "RevokeSecurityGroupEgress",
                    GONE,
                )?;
            }
        }
        match (ingress, grant.is_empty()) {
            (_, true) => {}
            (true, false) => {
                let req = aws
                    .ec2
                    .authorize_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(Some(grant));
                settled(
                    retry("AuthorizeSecurityGroupIngress", NOT_FOUND, || {
                        req.clone().send()
                    })
                    .await,
                    "AuthorizeSecurityGroupIngress",
                    THERE,
                )?;
            }
            (false, false) => {
                let req = aws
                    .ec2
                    .authorize_security_group_egress()
                    .group_id(id)
                    .set_ip_permissions(Some(grant));
                settled(
                    retry("AuthorizeSecurityGroupEgress", NOT_FOUND, || {
                        req.clone().send()
                    })
                    .await,
                    "AuthorizeSecurityGroupEgress",
                    THERE,
                )?;
            }
        }
        Ok(())
    }
}

/// A rule change is a setting: authorizing a rule already there (or revoking one
/// already gone), as a retry after a lost answer does, has reached what was asked.
const THERE: &[&str] = &["InvalidPermission.Duplicate"];
const GONE: &[&str] = &["InvalidPermission.NotFound"];

/// The result of a rule change, with `done` codes counted as success.
fn settled<T, E>(
    result: Result<T, aws_sdk_ec2::error::SdkError<E, aws_smithy_runtime_api::http::Response>>,
    operation: &str,
    done: &[&str],
) -> Result<(), Error>
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code(&e).is_some_and(|c| done.contains(&c)) => Ok(()),
        Err(e) => Err(api(operation, e)),
    }
}

/// Normalises each configured rule so that it compares equal to what EC2 reports.
fn normalize_rules(v: &Value) -> Value {
    match v.as_items() {
        Some(items) => Value::set(items.iter().map(rule::normalize).collect()),
        None => v.clone(),
    }
}

#[async_trait]
impl Resource<AwsClients> for SecurityGroup {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::security_group_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::security_groups(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "name",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("name_prefix", Attribute::optional(Type::String).force_new()),
                (
                    "description",
                    Attribute::optional(Type::String)
                        .default("Managed by Terraform")
                        .force_new(),
                ),
                (
                    "vpc_id",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("owner_id", Attribute::computed(Type::String)),
            ],
            [
                ("ingress", rule::block()),
                ("egress", rule::block()),
                crate::timeouts::block(&["create", "delete"]),
            ],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
            out.push(invalid(
                "name_prefix",
                "\"name_prefix\" conflicts with \"name\"",
            ));
        }
        if let Some(d) = config.get("description").as_str()
            && d.len() > 255
        {
            out.push(invalid("description", "at most 255 characters"));
        }
        crate::timeouts::validate(config, &mut out);
        out
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        for direction in ["ingress", "egress"] {
            let configured = normalize_rules(proposed.get(direction));
            // With no blocks at all, the rules are left to whatever manages them
            // (separate rule resources, or the console): the group does not own them.
            let planned = match prior {
                Some(p) if configured.as_items().is_some_and(<[Value]>::is_empty) => {
                    p.get(direction).clone()
                }
                _ => configured,
            };
            proposed = with(proposed, direction, planned);
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        let Some(g) = self.describe(aws, &id).await? else {
            return Ok(None);
        };
        let owner = g.owner_id().unwrap_or_default().to_string();
        let (tags, tags_all) =
            read_tags(&tag_map(g.tags()), current.get("tags"), &aws.default_tags);
        Ok(Some(Value::object([
            ("name", Value::from(g.group_name().unwrap_or_default())),
            ("name_prefix", current.get("name_prefix").clone()),
            (
                "description",
                Value::from(g.description().unwrap_or_default()),
            ),
            ("vpc_id", crate::values::text(g.vpc_id())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(id.as_str())),
            ("arn", Value::from(arn(aws, &owner, "security-group", &id))),
            ("owner_id", Value::from(owner)),
            ("ingress", from_permissions(g.ip_permissions(), &id)),
            ("egress", from_permissions(g.ip_permissions_egress(), &id)),
            ("timeouts", current.get("timeouts").clone()),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "terraform-", token);
        let req = aws
            .ec2
            .create_security_group()
            .group_name(&name)
            .description(string(planned, "description").unwrap_or_default())
            .set_vpc_id(string(planned, "vpc_id"))
            .set_tag_specifications(
                tag_specification(ResourceType::SecurityGroup, planned).map(|t| vec![t]),
            );
        let made = crate::retry::create(
            "CreateSecurityGroup",
            &[],
            &["InvalidGroup.Duplicate"],
            || once!(req.clone(), aws_sdk_ec2),
            || self.locate(aws, planned, &name),
        )
        .await?;
        let id = made.id(|out| out.group_id().map(str::to_string));
        let known = with(
            with(planned.clone(), "id", Value::from(id.as_str())),
            "name",
            Value::from(name),
        );
        let partial = |error| ApplyError {
            error,
            partial: Some(known.clone()),
        };
        // AWS gives a new group an allow-all egress rule; as in Terraform, the group
        // then has only the rules its configuration lists.
        let Some(created) = self.describe(aws, &id).await.map_err(partial)? else {
            return Err(partial(Error::api(
                "DescribeSecurityGroups",
                "the group was not found right after it was created",
            )));
        };
        let default_egress = from_permissions(created.ip_permissions_egress(), &id);
        self.sync_rules(aws, &id, false, &default_egress, planned.get("egress"))
            .await
            .map_err(partial)?;
        self.sync_rules(aws, &id, true, &Value::Null, planned.get("ingress"))
            .await
            .map_err(partial)?;
        read_back(self, aws, &known, "CreateSecurityGroup").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "terraform-", token);
        let ids = self.locate(aws, planned, &name).await?;
        // The create sets the rules after making the group: the planned ones are
        // there, and the allow-all egress rule AWS gives a new group is gone unless
        // planned (rules other resources add may be there too).
        crate::found::read_all(self, aws, planned, "id", ids, |state| {
            let has_all =
                |v: &Value, rule: &Value| v.as_items().is_some_and(|items| items.contains(rule));
            let default_egress = rule::allow_all_egress();
            ["ingress", "egress"].iter().all(|d| {
                planned
                    .get(d)
                    .as_items()
                    .unwrap_or(&[])
                    .iter()
                    .all(|r| has_all(state.get(d), r))
            }) && (has_all(planned.get("egress"), &default_egress)
                || !has_all(state.get("egress"), &default_egress))
                && crate::found::tagged(state, planned)
        })
        .await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        update_tags(aws, &id, prior, planned).await?;
        self.sync_rules(aws, &id, true, prior.get("ingress"), planned.get("ingress"))
            .await?;
        self.sync_rules(aws, &id, false, prior.get("egress"), planned.get("egress"))
            .await?;
        read_back(self, aws, planned, "AuthorizeSecurityGroupIngress").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        let timeout = crate::timeouts::get(prior, "delete", Duration::from_secs(15 * 60));
        let req = aws.ec2.delete_security_group().group_id(&id);
        match retry_for(timeout, "DeleteSecurityGroup", IN_USE, || {
            req.clone().send()
        })
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteSecurityGroup", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("id", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| {
                Error::api(
                    "DescribeSecurityGroups",
                    format!("no security group \"{id}\" exists"),
                )
            })
            .map(|v| crate::names::with_imported_prefix(v, "name_prefix", "name"))
    }
}
