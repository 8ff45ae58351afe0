//! `aws_vpc_security_group_ingress_rule`: one ingress rule of a group, managed on its
//! own (AWS's security group rule objects, `sgr-...`).

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, UserIdGroupPair,
};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, PlannedState, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::rule::protocol;
use super::{arn, tag_map, tag_specification, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{Made, once, retry};
use crate::tags::read_tags;
use crate::values::{int, string, text, with};

pub struct IngressRule;

const NOT_FOUND: &[&str] = &[
    "InvalidSecurityGroupRuleId.NotFound",
    "InvalidGroup.NotFound",
];

/// The four ways to say where traffic comes from; exactly one must be set.
const SOURCES: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

/// Ports as EC2 takes them: none for all protocols.
fn ports(v: &Value) -> (Option<i32>, Option<i32>) {
    if protocol(&string(v, "ip_protocol").unwrap_or_default()) == "-1" {
        (None, None)
    } else {
        (
            int(v, "from_port").map(|n| n as i32),
            int(v, "to_port").map(|n| n as i32),
        )
    }
}

fn permission(v: &Value) -> IpPermission {
    let (from, to) = ports(v);
    let description = string(v, "description");
    let mut p = IpPermission::builder()
        .ip_protocol(protocol(&string(v, "ip_protocol").unwrap_or_default()))
        .set_from_port(from)
        .set_to_port(to);
    if let Some(c) = string(v, "cidr_ipv4") {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(description.clone())
                .build(),
        );
    }
    if let Some(c) = string(v, "cidr_ipv6") {
        p = p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(description.clone())
                .build(),
        );
    }
    if let Some(id) = string(v, "prefix_list_id") {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(id)
                .set_description(description.clone())
                .build(),
        );
    }
    if let Some(g) = string(v, "referenced_security_group_id") {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(description)
                .build(),
        );
    }
    p.build()
}

impl IngressRule {
    async fn describe(
        &self,
        aws: &AwsClients,
        id: &str,
    ) -> Result<Option<SecurityGroupRule>, Error> {
        let req = aws
            .ec2
            .describe_security_group_rules()
            .security_group_rule_ids(id);
        match retry("DescribeSecurityGroupRules", &[], || req.clone().send()).await {
            Ok(out) => Ok(out.security_group_rules().first().cloned()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
            Err(e) => Err(api("DescribeSecurityGroupRules", e)),
        }
    }
}

impl IngressRule {
    /// The group's ingress rule that is the planned one (EC2 refuses a second rule
    /// with the same protocol, ports and source, so there is at most one).
    async fn locate(&self, aws: &AwsClients, planned: &Value) -> Result<Option<String>, Error> {
        let Some(group) = string(planned, "security_group_id") else {
            return Ok(None);
        };
        let req = aws.ec2.describe_security_group_rules().filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .values(&group)
                .build(),
        );
        let out = match retry("DescribeSecurityGroupRules", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeSecurityGroupRules", e)),
        };
        let want_protocol = protocol(&string(planned, "ip_protocol").unwrap_or_default());
        let (from, to) = ports(planned);
        let same =
            |have: Option<&str>, name: &str| have.map(str::to_string) == string(planned, name);
        Ok(out
            .security_group_rules()
            .iter()
            .filter(|r| r.is_egress() != Some(true))
            .find(|r| {
                let proto = protocol(r.ip_protocol().unwrap_or("-1"));
                proto == want_protocol
                    && (proto == "-1" || (r.from_port() == from && r.to_port() == to))
                    && same(r.cidr_ipv4(), "cidr_ipv4")
                    && same(r.cidr_ipv6(), "cidr_ipv6")
                    && same(r.prefix_list_id(), "prefix_list_id")
                    && same(
                        r.referenced_group_info().and_then(|g| g.group_id()),
                        "referenced_security_group_id",
                    )
                    && same(r.description(), "description")
            })
            .and_then(|r| r.security_group_rule_id().map(str::to_string)))
    }
}

#[async_trait]
impl Resource<AwsClients> for IngressRule {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::ingress_rule_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::ingress_rules(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "security_group_id",
                    Attribute::required(Type::String).force_new(),
                ),
                ("ip_protocol", Attribute::required(Type::String)),
                ("from_port", Attribute::optional(Type::Number)),
                ("to_port", Attribute::optional(Type::Number)),
                ("cidr_ipv4", Attribute::optional(Type::String)),
                ("cidr_ipv6", Attribute::optional(Type::String)),
                ("prefix_list_id", Attribute::optional(Type::String)),
                (
                    "referenced_security_group_id",
                    Attribute::optional(Type::String),
                ),
                ("description", Attribute::optional(Type::String)),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("security_group_rule_id", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let set: Vec<&str> = SOURCES
            .into_iter()
            .filter(|s| !config.get(s).is_null())
            .collect();
        let mut out = Vec::new();
        if set.len() > 1 {
            out.push(invalid(
                set[1],
                format!("only one of {} may be set", SOURCES.join(", ")),
            ));
        }
        let all = config
            .get("ip_protocol")
            .as_str()
            .is_some_and(|p| protocol(p) == "-1");
        if !all
            && config.get("ip_protocol").is_wholly_known()
            && (config.get("from_port").is_null() || config.get("to_port").is_null())
        {
            out.push(invalid(
                "from_port",
                "from_port and to_port are required unless ip_protocol is \"-1\"",
            ));
        }
        out
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        _prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        if let Some(p) = proposed.get("ip_protocol").as_str() {
            let normalized = protocol(p);
            proposed = with(proposed, "ip_protocol", Value::from(normalized));
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
        let Some(r) = self.describe(aws, &id).await? else {
            return Ok(None);
        };
        let proto = protocol(r.ip_protocol().unwrap_or("-1"));
        let port = |p: Option<i32>| {
            if proto == "-1" {
                Value::Null
            } else {
                crate::values::num(p)
            }
        };
        let (tags, tags_all) =
            read_tags(&tag_map(r.tags()), current.get("tags"), &aws.default_tags);
        Ok(Some(Value::object([
            ("security_group_id", text(r.group_id())),
            ("ip_protocol", Value::from(proto.as_str())),
            ("from_port", port(r.from_port())),
            ("to_port", port(r.to_port())),
            ("cidr_ipv4", text(r.cidr_ipv4())),
            ("cidr_ipv6", text(r.cidr_ipv6())),
            ("prefix_list_id", text(r.prefix_list_id())),
            (
                "referenced_security_group_id",
                text(r.referenced_group_info().and_then(|g| g.group_id())),
            ),
            ("description", text(r.description())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(id.as_str())),
            (
                "arn",
                Value::from(arn(
                    aws,
                    r.group_owner_id().unwrap_or_default(),
                    "security-group-rule",
                    &id,
                )),
            ),
            ("security_group_rule_id", Value::from(id.as_str())),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let req = aws
            .ec2
            .authorize_security_group_ingress()
            .group_id(string(planned, "security_group_id").unwrap_or_default())
            .ip_permissions(permission(planned))
            .set_tag_specifications(
                tag_specification(ResourceType::SecurityGroupRule, planned).map(|t| vec![t]),
            );
        let made = crate::retry::create(
            "AuthorizeSecurityGroupIngress",
            &["InvalidGroup.NotFound"],
            &["InvalidPermission.Duplicate"],
            || once!(req.clone(), aws_sdk_ec2),
            || self.locate(aws, planned),
        )
        .await?;
        let id = match made {
            Made::Answered(out) => out
                .security_group_rules()
                .first()
                .and_then(|r| r.security_group_rule_id())
                .ok_or_else(|| {
                    Error::api("AuthorizeSecurityGroupIngress", "EC2 returned no rule id")
                })?
                .to_string(),
            Made::Found(id) => id,
        };
        let known = with(planned.clone(), "id", Value::from(id));
        read_back(self, aws, &known, "AuthorizeSecurityGroupIngress").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let ids = self.locate(aws, planned).await?;
        crate::found::read_all(self, aws, planned, "id", ids, |_| true).await
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
        let rule_of = |v: &Value| {
            let mut v = v.clone();
            for k in ["tags", "tags_all"] {
                v = with(v, k, Value::Null);
            }
            v
        };
        if rule_of(prior) != rule_of(planned) {
            let (from, to) = ports(planned);
            let request = SecurityGroupRuleRequest::builder()
                .ip_protocol(protocol(
                    &string(planned, "ip_protocol").unwrap_or_default(),
                ))
                .set_from_port(from.or(Some(-1)))
                .set_to_port(to.or(Some(-1)))
                .set_cidr_ipv4(string(planned, "cidr_ipv4"))
                .set_cidr_ipv6(string(planned, "cidr_ipv6"))
                .set_prefix_list_id(string(planned, "prefix_list_id"))
                .set_referenced_group_id(string(planned, "referenced_security_group_id"))
                .set_description(string(planned, "description"))
                .build();
            aws.ec2
                .modify_security_group_rules()
                .group_id(string(prior, "security_group_id").unwrap_or_default())
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(&id)
                        .security_group_rule(request)
                        .build(),
                )
                .send()
                .await
                .map_err(|e| api("ModifySecurityGroupRules", e))?;
        }
        read_back(self, aws, planned, "ModifySecurityGroupRules").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        match aws
            .ec2
            .revoke_security_group_ingress()
            .group_id(string(prior, "security_group_id").unwrap_or_default())
            .security_group_rule_ids(&id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("RevokeSecurityGroupIngress", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("id", Value::from(id))]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeSecurityGroupRules",
                format!("no security group rule \"{id}\" exists"),
            )
        })
    }
}
