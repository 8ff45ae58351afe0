//! `aws_lb_target_group_attachment`: one target (an instance, IP or Lambda)
//! registered with a target group.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{TargetDescription, TargetHealthReasonEnum};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, read_back};
use crate::retry::retry;
use crate::values::{int, num, string, with};

pub struct Attachment;

const NOT_FOUND: &[&str] = &["TargetGroupNotFound", "InvalidTarget"];

/// Codes ELBv2 answers while an instance it is given is not yet usable.
const TARGET_NOT_READY: &[&str] = &["InvalidTarget"];

fn target(v: &Value) -> TargetDescription {
    TargetDescription::builder()
        .id(string(v, "target_id").unwrap_or_default())
        .set_port(int(v, "port").map(|p| p as i32))
        .set_availability_zone(string(v, "availability_zone"))
        .build()
}

/// The id of an attachment: `TARGET_GROUP_ARN,TARGET_ID[,PORT]`, also its import id.
fn attachment_id(v: &Value) -> String {
    let mut id = format!(
        "{},{}",
        string(v, "target_group_arn").unwrap_or_default(),
        string(v, "target_id").unwrap_or_default()
    );
    if let Some(port) = int(v, "port") {
        id.push_str(&format!(",{port}"));
    }
    id
}

#[async_trait]
impl Resource<AwsClients> for Attachment {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::attachment_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::attachments(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "target_group_arn",
                    Attribute::required(Type::String).force_new(),
                ),
                ("target_id", Attribute::required(Type::String).force_new()),
                ("port", Attribute::optional(Type::Number).force_new()),
                (
                    "availability_zone",
                    Attribute::optional(Type::String).force_new(),
                ),
                ("id", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(group) = string(current, "target_group_arn") else {
            return Ok(None);
        };
        let req = aws
            .elbv2
            .describe_target_health()
            .target_group_arn(&group)
            .targets(target(current));
        let out = match retry("DescribeTargetHealth", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeTargetHealth", e)),
        };
        let Some(found) = out
            .target_health_descriptions()
            .iter()
            .find(|d| d.target().and_then(|t| t.id()) == string(current, "target_id").as_deref())
        else {
            return Ok(None);
        };
        if found.target_health().and_then(|h| h.reason())
            == Some(&TargetHealthReasonEnum::NotRegistered)
        {
            return Ok(None);
        }
        let port = found.target().and_then(|t| t.port());
        let registered = Value::object([
            ("target_group_arn", Value::from(group.as_str())),
            (
                "target_id",
                Value::from(found.target().and_then(|t| t.id()).unwrap_or_default()),
            ),
            (
                "port",
                if current.get("port").is_null() {
                    Value::Null
                } else {
                    num(port)
                },
            ),
            (
                "availability_zone",
                current.get("availability_zone").clone(),
            ),
        ]);
        let id = attachment_id(&registered);
        Ok(Some(with(registered, "id", Value::from(id))))
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
            .register_targets()
            .target_group_arn(string(planned, "target_group_arn").unwrap_or_default())
            .targets(target(planned));
        retry("RegisterTargets", TARGET_NOT_READY, || req.clone().send())
            .await
            .map_err(|e| api("RegisterTargets", e))?;
        let known = with(planned.clone(), "id", Value::from(attachment_id(planned)));
        read_back(self, aws, &known, "RegisterTargets").await
    }

    /// Registering is idempotent: found when the target is registered.
    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let state = self.read(aws, planned).await?;
        Ok(crate::found::at_most_one(state, |_| true))
    }

    async fn update(
        &self,
        aws: &AwsClients,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        read_back(self, aws, planned, "RegisterTargets").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        match aws
            .elbv2
            .deregister_targets()
            .target_group_arn(string(prior, "target_group_arn").unwrap_or_default())
            .targets(target(prior))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeregisterTargets", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let parts: Vec<&str> = id.split(',').collect();
        let (group, target_id, port) = match parts[..] {
            [g, t] => (g, t, Value::Null),
            [g, t, p] => (
                g,
                t,
                p.parse::<i64>().map(Value::from).map_err(|_| {
                    Error::new(format!("the port in import id \"{id}\" is not a number"))
                })?,
            ),
            _ => {
                return Err(Error::new(format!(
                    "import id \"{id}\" should be TARGET_GROUP_ARN,TARGET_ID or TARGET_GROUP_ARN,TARGET_ID,PORT"
                )));
            }
        };
        let seed = Value::object([
            ("target_group_arn", Value::from(group)),
            ("target_id", Value::from(target_id)),
            ("port", port),
        ]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeTargetHealth",
                format!("{target_id} is not registered with {group}"),
            )
        })
    }
}
