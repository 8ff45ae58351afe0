//! `aws_lb_target_group`: where a load balancer sends traffic, and how it checks the
//! targets' health.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetGroup as Description, TargetTypeEnum,
};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, NestedBlock, PlannedState, Schema,
    ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{arn_suffix, tag_list, tags_of, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry, retry_for};
use crate::tags::read_tags;
use crate::values::{block, int, num, one_block, string, text, with};

pub struct TargetGroup;

const NOT_FOUND: &[&str] = &["TargetGroupNotFound"];

/// How long a group stays in use after the listener using it is deleted.
const IN_USE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2 * 60);

/// The health check settings as ELBv2 reports them.
fn health_check(tg: &Description) -> Value {
    Value::object([
        (
            "enabled",
            Value::Bool(tg.health_check_enabled().unwrap_or(true)),
        ),
        ("healthy_threshold", num(tg.healthy_threshold_count())),
        ("interval", num(tg.health_check_interval_seconds())),
        ("matcher", text(tg.matcher().and_then(|m| m.http_code()))),
        ("path", text(tg.health_check_path())),
        ("port", text(tg.health_check_port())),
        (
            "protocol",
            text(tg.health_check_protocol().map(|p| p.as_str())),
        ),
        ("timeout", num(tg.health_check_timeout_seconds())),
        ("unhealthy_threshold", num(tg.unhealthy_threshold_count())),
    ])
}

impl TargetGroup {
    /// The target group named `name` (names are unique in a region), if it has the
    /// planned port, protocol and VPC.
    async fn locate(
        &self,
        aws: &AwsClients,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, Error> {
        let req = aws.elbv2.describe_target_groups().names(name);
        let out = match retry("DescribeTargetGroups", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeTargetGroups", e)),
        };
        let port = int(planned, "port").map(|p| p as i32);
        let protocol = string(planned, "protocol");
        let vpc = string(planned, "vpc_id");
        Ok(out
            .target_groups()
            .iter()
            .find(|tg| {
                (port.is_none() || tg.port() == port)
                    && (protocol.is_none()
                        || tg.protocol().map(|p| p.as_str()) == protocol.as_deref())
                    && (vpc.is_none() || tg.vpc_id() == vpc.as_deref())
            })
            .and_then(|tg| tg.target_group_arn().map(str::to_string)))
    }

    async fn describe(&self, aws: &AwsClients, arn: &str) -> Result<Option<Description>, Error> {
        let req = aws.elbv2.describe_target_groups().target_group_arns(arn);
        match retry("DescribeTargetGroups", &[], || req.clone().send()).await {
            Ok(out) => Ok(out.target_groups().first().cloned()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
            Err(e) => Err(api("DescribeTargetGroups", e)),
        }
    }
}

/// A whole-number health check setting.
fn hc_int(hc: &Value, name: &str) -> Option<i32> {
    int(hc, name).map(|n| n as i32)
}

#[async_trait]
impl Resource<AwsClients> for TargetGroup {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::target_group_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::target_groups(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        let hc = Schema::new(
            [
                ("enabled", Attribute::optional(Type::Bool).default(true)),
                (
                    "healthy_threshold",
                    Attribute::optional_computed(Type::Number),
                ),
                ("interval", Attribute::optional_computed(Type::Number)),
                ("matcher", Attribute::optional_computed(Type::String)),
                ("path", Attribute::optional_computed(Type::String)),
                ("port", Attribute::optional_computed(Type::String)),
                ("protocol", Attribute::optional_computed(Type::String)),
                ("timeout", Attribute::optional_computed(Type::Number)),
                (
                    "unhealthy_threshold",
                    Attribute::optional_computed(Type::Number),
                ),
            ],
            [],
        );
        Schema::new(
            [
                (
                    "name",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("name_prefix", Attribute::optional(Type::String).force_new()),
                ("port", Attribute::optional(Type::Number).force_new()),
                ("protocol", Attribute::optional(Type::String).force_new()),
                ("vpc_id", Attribute::optional(Type::String).force_new()),
                (
                    "target_type",
                    Attribute::optional(Type::String)
                        .default("instance")
                        .force_new(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("arn_suffix", Attribute::computed(Type::String)),
            ],
            [("health_check", NestedBlock::list_max_one(hc))],
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
            && n.len() > 32
        {
            out.push(invalid("name", "at most 32 characters"));
        }
        let lambda = config.get("target_type").as_str() == Some("lambda");
        if !lambda
            && config.get("target_type").is_wholly_known()
            && ["port", "protocol", "vpc_id"]
                .iter()
                .any(|a| config.get(a).is_null())
        {
            out.push(invalid(
                "port",
                "port, protocol and vpc_id are required unless target_type is \"lambda\"",
            ));
        }
        out
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        // Without a health_check block, the group keeps whatever checks it has; a new
        // group's defaults are known once it exists.
        if block(&proposed, "health_check").is_null() {
            let checks = prior.map_or(Value::Unknown, |p| p.get("health_check").clone());
            proposed = with(proposed, "health_check", checks);
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(arn) = string(current, "arn").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let Some(tg) = self.describe(aws, &arn).await? else {
            return Ok(None);
        };
        let (tags, tags_all) = read_tags(
            &tags_of(aws, &arn).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        Ok(Some(Value::object([
            ("name", text(tg.target_group_name())),
            ("name_prefix", current.get("name_prefix").clone()),
            ("port", num(tg.port())),
            ("protocol", text(tg.protocol().map(|p| p.as_str()))),
            ("vpc_id", text(tg.vpc_id())),
            ("target_type", text(tg.target_type().map(|t| t.as_str()))),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(arn.as_str())),
            ("arn", Value::from(arn.as_str())),
            ("arn_suffix", Value::from(arn_suffix(&arn))),
            ("health_check", one_block(health_check(&tg))),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "tf-", token);
        let hc = block(planned, "health_check");
        let req = aws
            .elbv2
            .create_target_group()
            .name(&name)
            .set_port(int(planned, "port").map(|p| p as i32))
            .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
            .set_vpc_id(string(planned, "vpc_id"))
            .set_target_type(
                string(planned, "target_type").map(|t| TargetTypeEnum::from(t.as_str())),
            )
            .set_health_check_enabled(hc.get("enabled").as_bool())
            .set_health_check_path(string(hc, "path"))
            .set_health_check_port(string(hc, "port"))
            .set_health_check_protocol(
                string(hc, "protocol").map(|p| ProtocolEnum::from(p.as_str())),
            )
            .set_health_check_interval_seconds(hc_int(hc, "interval"))
            .set_health_check_timeout_seconds(hc_int(hc, "timeout"))
            .set_healthy_threshold_count(hc_int(hc, "healthy_threshold"))
            .set_unhealthy_threshold_count(hc_int(hc, "unhealthy_threshold"))
            .set_matcher(string(hc, "matcher").map(|m| Matcher::builder().http_code(m).build()))
            .set_tags(tag_list(planned));
        let made = crate::retry::create(
            "CreateTargetGroup",
            &[],
            &["DuplicateTargetGroupName"],
            || once!(req.clone(), aws_sdk_elasticloadbalancingv2),
            || self.locate(aws, planned, &name),
        )
        .await?;
        let arn = made.id(|out| {
            let tg = out.target_groups().first()?;
            tg.target_group_arn().map(str::to_string)
        });
        let known = crate::found::known_as(planned, "arn", &arn);
        read_back(self, aws, &known, "CreateTargetGroup").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "tf-", token);
        let arns = self.locate(aws, planned, &name).await?;
        crate::found::read_all(self, aws, planned, "arn", arns, |_| true).await
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
        let hc = block(planned, "health_check");
        if block(prior, "health_check") != hc && !hc.is_null() {
            aws.elbv2
                .modify_target_group()
                .target_group_arn(&arn)
                .set_health_check_enabled(hc.get("enabled").as_bool())
                .set_health_check_path(string(hc, "path"))
                .set_health_check_port(string(hc, "port"))
                .set_health_check_protocol(
                    string(hc, "protocol").map(|p| ProtocolEnum::from(p.as_str())),
                )
                .set_health_check_interval_seconds(hc_int(hc, "interval"))
                .set_health_check_timeout_seconds(hc_int(hc, "timeout"))
                .set_healthy_threshold_count(hc_int(hc, "healthy_threshold"))
                .set_unhealthy_threshold_count(hc_int(hc, "unhealthy_threshold"))
                .set_matcher(string(hc, "matcher").map(|m| Matcher::builder().http_code(m).build()))
                .send()
                .await
                .map_err(|e| api("ModifyTargetGroup", e))?;
        }
        read_back(self, aws, planned, "ModifyTargetGroup").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let arn = string(prior, "arn").ok_or_else(|| Error::new("the prior state has no arn"))?;
        let req = aws.elbv2.delete_target_group().target_group_arn(&arn);
        match retry_for(
            IN_USE_TIMEOUT,
            "DeleteTargetGroup",
            &["ResourceInUse"],
            || req.clone().send(),
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteTargetGroup", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("arn", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| {
                Error::api(
                    "DescribeTargetGroups",
                    format!("no target group \"{id}\" exists"),
                )
            })
            .map(|v| crate::names::with_imported_prefix(v, "name_prefix", "name"))
    }
}
