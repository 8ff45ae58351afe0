//! `aws_lb_listener`: a port on a load balancer and what it does with requests
//! (forward to a target group, redirect, or answer itself).

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, FixedResponseActionConfig, ProtocolEnum,
    RedirectActionConfig, RedirectActionStatusCodeEnum,
};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, NestedBlock, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{tag_list, tags_of, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::values::{block, blocks, int, num, one_block, string, text, with};

pub struct Listener;

const NOT_FOUND: &[&str] = &["ListenerNotFound", "LoadBalancerNotFound"];

/// A certificate ACM has just issued may not be visible to ELBv2 yet.
const CERTIFICATE_NOT_READY: &[&str] = &["CertificateNotFound"];

const ACTION_TYPES: [&str; 3] = ["forward", "redirect", "fixed-response"];

fn action_schema() -> Schema {
    let redirect = Schema::new(
        [
            ("host", Attribute::optional(Type::String).default("#{host}")),
            (
                "path",
                Attribute::optional(Type::String).default("/#{path}"),
            ),
            ("port", Attribute::optional(Type::String).default("#{port}")),
            (
                "protocol",
                Attribute::optional(Type::String).default("#{protocol}"),
            ),
            (
                "query",
                Attribute::optional(Type::String).default("#{query}"),
            ),
            ("status_code", Attribute::required(Type::String)),
        ],
        [],
    );
    let fixed_response = Schema::new(
        [
            ("content_type", Attribute::required(Type::String)),
            ("message_body", Attribute::optional(Type::String)),
            ("status_code", Attribute::optional_computed(Type::String)),
        ],
        [],
    );
    Schema::new(
        [
            ("type", Attribute::required(Type::String)),
            ("target_group_arn", Attribute::optional(Type::String)),
            ("order", Attribute::optional_computed(Type::Number)),
        ],
        [
            ("redirect", NestedBlock::list_max_one(redirect)),
            ("fixed_response", NestedBlock::list_max_one(fixed_response)),
        ],
    )
}

/// The ELBv2 action a `default_action` block stands for.
fn to_action(v: &Value, index: usize) -> Action {
    let kind = string(v, "type").unwrap_or_default();
    let mut a = Action::builder()
        .r#type(ActionTypeEnum::from(kind.as_str()))
        .order(int(v, "order").map_or(index as i32 + 1, |o| o as i32));
    if kind == "forward" {
        a = a.set_target_group_arn(string(v, "target_group_arn"));
    }
    let r = block(v, "redirect");
    if kind == "redirect" && !r.is_null() {
        a = a.redirect_config(
            RedirectActionConfig::builder()
                .set_host(string(r, "host"))
                .set_path(string(r, "path"))
                .set_port(string(r, "port"))
                .set_protocol(string(r, "protocol"))
                .set_query(string(r, "query"))
                .status_code(RedirectActionStatusCodeEnum::from(
                    string(r, "status_code").unwrap_or_default().as_str(),
                ))
                .build(),
        );
    }
    let f = block(v, "fixed_response");
    if kind == "fixed-response" && !f.is_null() {
        a = a.fixed_response_config(
            FixedResponseActionConfig::builder()
                .set_content_type(string(f, "content_type"))
                .set_message_body(string(f, "message_body"))
                .set_status_code(string(f, "status_code"))
                .build(),
        );
    }
    a.build()
}

/// A `default_action` block from what ELBv2 reports.
fn from_action(a: &Action) -> Value {
    let redirect = a.redirect_config().map_or(Value::Null, |r| {
        Value::object([
            ("host", text(r.host())),
            ("path", text(r.path())),
            ("port", text(r.port())),
            ("protocol", text(r.protocol())),
            ("query", text(r.query())),
            ("status_code", text(r.status_code().map(|s| s.as_str()))),
        ])
    });
    let fixed = a.fixed_response_config().map_or(Value::Null, |f| {
        Value::object([
            ("content_type", text(f.content_type())),
            ("message_body", text(f.message_body())),
            ("status_code", text(f.status_code())),
        ])
    });
    let target_group = a.target_group_arn().map(str::to_string).or_else(|| {
        a.forward_config()
            .and_then(|f| f.target_groups().first())
            .and_then(|t| t.target_group_arn())
            .map(str::to_string)
    });
    Value::object([
        ("type", text(a.r#type().map(|t| t.as_str()))),
        ("target_group_arn", text(target_group)),
        ("order", num(a.order())),
        ("redirect", one_block(redirect)),
        ("fixed_response", one_block(fixed)),
    ])
}

fn actions(planned: &Value) -> Vec<Action> {
    blocks(planned, "default_action")
        .iter()
        .enumerate()
        .map(|(i, a)| to_action(a, i))
        .collect()
}

fn certificates(planned: &Value) -> Option<Vec<Certificate>> {
    string(planned, "certificate_arn")
        .map(|arn| vec![Certificate::builder().certificate_arn(arn).build()])
}

/// The planned load balancer's listener on the planned port (a load balancer has at
/// most one listener per port).
async fn locate(aws: &AwsClients, planned: &Value) -> Result<Option<String>, Error> {
    let Some(lb) = string(planned, "load_balancer_arn") else {
        return Ok(None);
    };
    let port = int(planned, "port").map(|p| p as i32);
    let mut marker: Option<String> = None;
    loop {
        let req = aws
            .elbv2
            .describe_listeners()
            .load_balancer_arn(&lb)
            .set_marker(marker.clone());
        let page = match retry("DescribeListeners", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeListeners", e)),
        };
        if let Some(l) = page.listeners().iter().find(|l| l.port() == port) {
            return Ok(l.listener_arn().map(str::to_string));
        }
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

#[async_trait]
impl Resource<AwsClients> for Listener {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::listener_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::listeners(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "load_balancer_arn",
                    Attribute::required(Type::String).force_new(),
                ),
                ("port", Attribute::optional(Type::Number)),
                ("protocol", Attribute::optional_computed(Type::String)),
                ("ssl_policy", Attribute::optional_computed(Type::String)),
                ("certificate_arn", Attribute::optional(Type::String)),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
            ],
            [("default_action", NestedBlock::list(action_schema()).min(1))],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        for a in blocks(config, "default_action") {
            let Some(kind) = a.get("type").as_str() else {
                continue;
            };
            if !ACTION_TYPES.contains(&kind) {
                out.push(invalid(
                    "default_action",
                    format!(
                        "type must be one of {}, not \"{kind}\"",
                        ACTION_TYPES.join(", ")
                    ),
                ));
            }
            let needs = match kind {
                "forward" => Some("target_group_arn"),
                "redirect" => Some("redirect"),
                "fixed-response" => Some("fixed_response"),
                _ => None,
            };
            let absent = |field: &str| {
                let v = a.get(field);
                v.is_null() || v.as_items().is_some_and(<[Value]>::is_empty)
            };
            if let Some(field) = needs
                && absent(field)
            {
                out.push(invalid(
                    "default_action",
                    format!("a \"{kind}\" action needs {field}"),
                ));
            }
        }
        if config.get("protocol").as_str() == Some("HTTPS")
            && config.get("certificate_arn").is_null()
        {
            out.push(invalid(
                "certificate_arn",
                "an HTTPS listener needs certificate_arn",
            ));
        }
        out
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(arn) = string(current, "arn").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let req = aws.elbv2.describe_listeners().listener_arns(&arn);
        let out = match retry("DescribeListeners", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeListeners", e)),
        };
        let Some(l) = out.listeners().first() else {
            return Ok(None);
        };
        let mut default_actions: Vec<&Action> = l.default_actions().iter().collect();
        default_actions.sort_by_key(|a| a.order());
        let (tags, tags_all) = read_tags(
            &tags_of(aws, &arn).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        Ok(Some(Value::object([
            ("load_balancer_arn", text(l.load_balancer_arn())),
            ("port", num(l.port())),
            ("protocol", text(l.protocol().map(|p| p.as_str()))),
            ("ssl_policy", text(l.ssl_policy())),
            (
                "certificate_arn",
                text(l.certificates().first().and_then(|c| c.certificate_arn())),
            ),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(arn.as_str())),
            ("arn", Value::from(arn.as_str())),
            (
                "default_action",
                Value::List(default_actions.into_iter().map(from_action).collect()),
            ),
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
            .elbv2
            .create_listener()
            .load_balancer_arn(string(planned, "load_balancer_arn").unwrap_or_default())
            .set_port(int(planned, "port").map(|p| p as i32))
            .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
            .set_ssl_policy(string(planned, "ssl_policy"))
            .set_certificates(certificates(planned))
            .set_default_actions(Some(actions(planned)))
            .set_tags(tag_list(planned));
        let made = crate::retry::create(
            "CreateListener",
            CERTIFICATE_NOT_READY,
            &["DuplicateListener"],
            || once!(req.clone(), aws_sdk_elasticloadbalancingv2),
            || locate(aws, planned),
        )
        .await?;
        let arn = made.id(|out| {
            let listener = out.listeners().first()?;
            listener.listener_arn().map(str::to_string)
        });
        let known = with(
            with(planned.clone(), "arn", Value::from(arn.as_str())),
            "id",
            Value::from(arn.as_str()),
        );
        read_back(self, aws, &known, "CreateListener").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let arns = locate(aws, planned).await?;
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
        let settings = [
            "port",
            "protocol",
            "ssl_policy",
            "certificate_arn",
            "default_action",
        ];
        if settings.iter().any(|s| prior.get(s) != planned.get(s)) {
            let req = aws
                .elbv2
                .modify_listener()
                .listener_arn(&arn)
                .set_port(int(planned, "port").map(|p| p as i32))
                .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
                .set_ssl_policy(string(planned, "ssl_policy"))
                .set_certificates(certificates(planned))
                .set_default_actions(Some(actions(planned)));
            retry("ModifyListener", CERTIFICATE_NOT_READY, || {
                req.clone().send()
            })
            .await
            .map_err(|e| api("ModifyListener", e))?;
        }
        read_back(self, aws, planned, "ModifyListener").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let arn = string(prior, "arn").ok_or_else(|| Error::new("the prior state has no arn"))?;
        match aws.elbv2.delete_listener().listener_arn(&arn).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteListener", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("arn", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| Error::api("DescribeListeners", format!("no listener \"{id}\" exists")))
    }
}
