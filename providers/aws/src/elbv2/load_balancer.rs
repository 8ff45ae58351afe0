//! `aws_lb`: an application or network load balancer.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    IpAddressType, LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerStateEnum,
    LoadBalancerTypeEnum,
};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, PlannedState, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{arn_suffix, tag_list, tags_of, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::timeouts;
use crate::values::{flag, int, string, string_set, strings, text};
use crate::wait::{Look, until};

pub struct LoadBalancer;

const NOT_FOUND: &[&str] = &["LoadBalancerNotFound"];
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

type Description = aws_sdk_elasticloadbalancingv2::types::LoadBalancer;

impl LoadBalancer {
    async fn describe(&self, aws: &AwsClients, arn: &str) -> Result<Option<Description>, Error> {
        let req = aws.elbv2.describe_load_balancers().load_balancer_arns(arn);
        match retry("DescribeLoadBalancers", &[], || req.clone().send()).await {
            Ok(out) => Ok(out.load_balancers().first().cloned()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
            Err(e) => Err(api("DescribeLoadBalancers", e)),
        }
    }

    /// The load balancer named `name` (names are unique in a region), if it has the
    /// planned type and scheme.
    async fn locate(
        &self,
        aws: &AwsClients,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, Error> {
        let req = aws.elbv2.describe_load_balancers().names(name);
        let out = match retry("DescribeLoadBalancers", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeLoadBalancers", e)),
        };
        let kind = string(planned, "load_balancer_type").unwrap_or_else(|| "application".into());
        let scheme = if flag(planned, "internal") {
            LoadBalancerSchemeEnum::Internal
        } else {
            LoadBalancerSchemeEnum::InternetFacing
        };
        Ok(out
            .load_balancers()
            .iter()
            .find(|lb| {
                lb.r#type().map(|t| t.as_str()) == Some(kind.as_str())
                    && lb.scheme() == Some(&scheme)
            })
            .and_then(|lb| lb.load_balancer_arn().map(str::to_string)))
    }

    /// The attributes this resource manages, changed to the planned values where
    /// they differ from `prior` (all of them for a new load balancer).
    async fn set_attributes(
        &self,
        aws: &AwsClients,
        arn: &str,
        prior: Option<&Value>,
        planned: &Value,
    ) -> Result<(), Error> {
        let mut changes = Vec::new();
        let differs = |name| prior.is_none_or(|p| p.get(name) != planned.get(name));
        if differs("enable_deletion_protection") {
            changes.push((
                "deletion_protection.enabled",
                flag(planned, "enable_deletion_protection").to_string(),
            ));
        }
        if string(planned, "load_balancer_type").as_deref() == Some("application")
            && differs("idle_timeout")
        {
            changes.push((
                "idle_timeout.timeout_seconds",
                int(planned, "idle_timeout").unwrap_or(60).to_string(),
            ));
        }
        if changes.is_empty() {
            return Ok(());
        }
        aws.elbv2
            .modify_load_balancer_attributes()
            .load_balancer_arn(arn)
            .set_attributes(Some(
                changes
                    .into_iter()
                    .map(|(k, v)| LoadBalancerAttribute::builder().key(k).value(v).build())
                    .collect(),
            ))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| api("ModifyLoadBalancerAttributes", e))
    }

    async fn wait_active(
        &self,
        aws: &AwsClients,
        arn: &str,
        timeout: Duration,
    ) -> Result<(), Error> {
        until(
            "CreateLoadBalancer",
            &format!("load balancer {arn} to be active"),
            timeout,
            || async {
                let state = self
                    .describe(aws, arn)
                    .await?
                    .and_then(|lb| lb.state().and_then(|s| s.code()).cloned());
                Ok(match state {
                    Some(LoadBalancerStateEnum::Active) => Look::Ready(()),
                    Some(LoadBalancerStateEnum::Failed) => Look::Failed("failed".into()),
                    Some(s) => Look::Pending(s.as_str().to_string()),
                    None => Look::Pending("not yet visible".into()),
                })
            },
        )
        .await
    }
}

#[async_trait]
impl Resource<AwsClients> for LoadBalancer {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::load_balancer_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::load_balancers(aws, request)
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
                    "internal",
                    Attribute::optional(Type::Bool).default(false).force_new(),
                ),
                (
                    "load_balancer_type",
                    Attribute::optional(Type::String)
                        .default("application")
                        .force_new(),
                ),
                (
                    "security_groups",
                    Attribute::optional_computed(Type::set(Type::String)),
                ),
                (
                    "subnets",
                    Attribute::optional_computed(Type::set(Type::String)),
                ),
                (
                    "idle_timeout",
                    Attribute::optional(Type::Number).default(60.0),
                ),
                (
                    "enable_deletion_protection",
                    Attribute::optional(Type::Bool).default(false),
                ),
                (
                    "ip_address_type",
                    Attribute::optional_computed(Type::String),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("arn_suffix", Attribute::computed(Type::String)),
                ("dns_name", Attribute::computed(Type::String)),
                ("zone_id", Attribute::computed(Type::String)),
                ("vpc_id", Attribute::computed(Type::String)),
            ],
            [timeouts::block(&["create", "update", "delete"])],
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
        if let Some(n) = config.get("name").as_str()
            && (n.len() > 32
                || n.starts_with('-')
                || n.ends_with('-')
                || n.starts_with("internal-")
                || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            out.push(invalid(
                "name",
                "at most 32 letters, digits and hyphens, not beginning or ending with a hyphen or beginning with \"internal-\"",
            ));
        }
        if let Some(p) = config.get("name_prefix").as_str()
            && p.len() > 6
        {
            out.push(invalid("name_prefix", "at most 6 characters"));
        }
        timeouts::validate(config, &mut out);
        out
    }

    /// Only an application load balancer has an idle timeout: for the others the
    /// default is no change (as Terraform suppresses the difference).
    fn plan(
        &self,
        _aws: &AwsClients,
        prior: Option<&Value>,
        proposed: Value,
    ) -> Result<PlannedState, Error> {
        let kind = string(&proposed, "load_balancer_type");
        let planned = if kind.is_some_and(|k| k != "application") {
            let kept = prior.map_or(Value::Null, |p| p.get("idle_timeout").clone());
            crate::values::with(proposed, "idle_timeout", kept)
        } else {
            proposed
        };
        Ok(PlannedState {
            planned,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(arn) = string(current, "arn").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let Some(lb) = self.describe(aws, &arn).await? else {
            return Ok(None);
        };
        let req = aws
            .elbv2
            .describe_load_balancer_attributes()
            .load_balancer_arn(&arn);
        let attributes = retry("DescribeLoadBalancerAttributes", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeLoadBalancerAttributes", e))?;
        let attribute = |key: &str| {
            attributes
                .attributes()
                .iter()
                .find(|a| a.key() == Some(key))
                .and_then(|a| a.value())
                .map(str::to_string)
        };
        let (tags, tags_all) = read_tags(
            &tags_of(aws, &arn).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        Ok(Some(Value::object([
            ("name", text(lb.load_balancer_name())),
            ("name_prefix", current.get("name_prefix").clone()),
            (
                "internal",
                Value::Bool(lb.scheme() == Some(&LoadBalancerSchemeEnum::Internal)),
            ),
            ("load_balancer_type", text(lb.r#type().map(|t| t.as_str()))),
            ("security_groups", string_set(lb.security_groups())),
            (
                "subnets",
                string_set(lb.availability_zones().iter().filter_map(|z| z.subnet_id())),
            ),
            (
                "idle_timeout",
                match attribute("idle_timeout.timeout_seconds") {
                    Some(s) => Value::from(s.parse::<i64>().unwrap_or(60)),
                    None => current.get("idle_timeout").clone(),
                },
            ),
            (
                "enable_deletion_protection",
                Value::Bool(attribute("deletion_protection.enabled").as_deref() == Some("true")),
            ),
            (
                "ip_address_type",
                text(lb.ip_address_type().map(|t| t.as_str())),
            ),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(arn.as_str())),
            ("arn", Value::from(arn.as_str())),
            ("arn_suffix", Value::from(arn_suffix(&arn))),
            ("dns_name", text(lb.dns_name())),
            ("zone_id", text(lb.canonical_hosted_zone_id())),
            ("vpc_id", text(lb.vpc_id())),
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
        let name = crate::names::chosen(planned, "name", "name_prefix", "tf-lb-", token);
        let groups = strings(planned, "security_groups");
        let req = aws
            .elbv2
            .create_load_balancer()
            .name(&name)
            .set_subnets(Some(strings(planned, "subnets")))
            .set_security_groups(Some(groups).filter(|g| !g.is_empty()))
            .scheme(if flag(planned, "internal") {
                LoadBalancerSchemeEnum::Internal
            } else {
                LoadBalancerSchemeEnum::InternetFacing
            })
            .r#type(LoadBalancerTypeEnum::from(
                string(planned, "load_balancer_type")
                    .as_deref()
                    .unwrap_or("application"),
            ))
            .set_ip_address_type(
                string(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())),
            )
            .set_tags(tag_list(planned));
        let made = crate::retry::create(
            "CreateLoadBalancer",
            &[],
            &["DuplicateLoadBalancerName"],
            || once!(req.clone(), aws_sdk_elasticloadbalancingv2),
            || self.locate(aws, planned, &name),
        )
        .await?;
        let arn = made.id(|out| {
            let lb = out.load_balancers().first()?;
            lb.load_balancer_arn().map(str::to_string)
        });
        let known = crate::found::known_as(planned, "arn", &arn);
        let timeout = timeouts::get(planned, "create", DEFAULT_TIMEOUT);
        let settle = async {
            self.wait_active(aws, &arn, timeout).await?;
            self.set_attributes(aws, &arn, None, planned).await
        };
        if let Err(error) = settle.await {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "CreateLoadBalancer").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "tf-lb-", token);
        let Some(arn) = self.locate(aws, planned, &name).await? else {
            return Ok(Vec::new());
        };
        // The create sets the attributes after making it, then waits while it is
        // provisioned (which goes on by itself: that wait is not needed to finish).
        let failed = self
            .describe(aws, &arn)
            .await?
            .and_then(|lb| lb.state().and_then(|s| s.code()).cloned())
            == Some(LoadBalancerStateEnum::Failed);
        crate::found::read_all(self, aws, planned, "arn", [arn], |state| {
            !failed
                && crate::found::sent(
                    state,
                    planned,
                    &["enable_deletion_protection", "idle_timeout"],
                )
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
        let arn = string(prior, "arn").ok_or_else(|| Error::new("the prior state has no arn"))?;
        update_tags(aws, &arn, prior, planned).await?;
        if prior.get("security_groups") != planned.get("security_groups") {
            aws.elbv2
                .set_security_groups()
                .load_balancer_arn(&arn)
                .set_security_groups(Some(strings(planned, "security_groups")))
                .send()
                .await
                .map_err(|e| api("SetSecurityGroups", e))?;
        }
        if prior.get("subnets") != planned.get("subnets") {
            aws.elbv2
                .set_subnets()
                .load_balancer_arn(&arn)
                .set_subnets(Some(strings(planned, "subnets")))
                .send()
                .await
                .map_err(|e| api("SetSubnets", e))?;
        }
        self.set_attributes(aws, &arn, Some(prior), planned).await?;
        let timeout = timeouts::get(planned, "update", DEFAULT_TIMEOUT);
        self.wait_active(aws, &arn, timeout).await?;
        read_back(self, aws, planned, "ModifyLoadBalancerAttributes").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let arn = string(prior, "arn").ok_or_else(|| Error::new("the prior state has no arn"))?;
        match aws
            .elbv2
            .delete_load_balancer()
            .load_balancer_arn(&arn)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(()),
            Err(e) => return Err(api("DeleteLoadBalancer", e)),
        }
        let timeout = timeouts::get(prior, "delete", DEFAULT_TIMEOUT);
        until(
            "DeleteLoadBalancer",
            &format!("load balancer {arn} to be deleted"),
            timeout,
            || async {
                Ok(match self.describe(aws, &arn).await? {
                    None => Look::Ready(()),
                    Some(lb) => Look::Pending(
                        lb.state()
                            .and_then(|s| s.code())
                            .map(|c| c.as_str().to_string())
                            .unwrap_or_default(),
                    ),
                })
            },
        )
        .await
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("arn", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| {
                Error::api(
                    "DescribeLoadBalancers",
                    format!("no load balancer \"{id}\" exists"),
                )
            })
            .map(|v| crate::names::with_imported_prefix(v, "name_prefix", "name"))
    }
}
