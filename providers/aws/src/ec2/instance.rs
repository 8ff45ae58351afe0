//! `aws_instance`.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, AttributeValue, BlockDeviceMapping, EbsBlockDevice, Filter,
    InstanceAttributeName, InstanceNetworkInterfaceSpecification, InstanceStateName, InstanceType,
    Placement, ResourceType, SecureBlobAttributeValue, VolumeType,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, NestedBlock, PlannedState, Schema,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{PathStep, Type, Value};
use sha1::{Digest, Sha1};

use super::{arn, tag_map, tag_specification, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, read_back};
use crate::retry::retry;
use crate::tags::read_tags;
use crate::timeouts;
use crate::values::{block, flag, int, one_block, string, string_set, strings, text, with};
use crate::wait::{Look, until};

pub struct Instance;

/// Codes EC2 answers for an instance it does not know (or does not know yet).
const NOT_FOUND: &[&str] = &["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"];

/// The digest Terraform keeps of `user_data` in the state.
fn user_data_digest(user_data: &str) -> String {
    Sha1::digest(user_data.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether attribute `name` differs between two objects.
fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    prior.get(name) != planned.get(name)
}

impl Instance {
    async fn describe(
        &self,
        aws: &AwsClients,
        id: &str,
    ) -> Result<Option<(aws_sdk_ec2::types::Instance, String)>, Error> {
        let req = aws.ec2.describe_instances().instance_ids(id);
        match retry("DescribeInstances", &[], || req.clone().send()).await {
            Ok(out) => Ok(out.reservations().iter().find_map(|r| {
                let i = r.instances().first()?;
                Some((i.clone(), r.owner_id().unwrap_or_default().to_string()))
            })),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
            Err(e) => Err(api("DescribeInstances", e)),
        }
    }

    /// Waits for instance `id` to reach `wanted`; right after a launch EC2 may not
    /// know the instance yet, which counts as pending.
    async fn wait_for(
        &self,
        aws: &AwsClients,
        id: &str,
        wanted: InstanceStateName,
        timeout: Duration,
        operation: &str,
    ) -> Result<(), Error> {
        let what = format!("instance {id} to be {}", wanted.as_str());
        until(operation, &what, timeout, || async {
            let Some((i, _)) = self.describe(aws, id).await? else {
                return Ok(if wanted == InstanceStateName::Terminated {
                    Look::Ready(())
                } else {
                    Look::Pending("not yet visible".into())
                });
            };
            let state = i
                .state()
                .and_then(|s| s.name())
                .cloned()
                .unwrap_or(InstanceStateName::Pending);
            Ok(if state == wanted {
                Look::Ready(())
            } else if wanted != InstanceStateName::Terminated
                && matches!(
                    state,
                    InstanceStateName::Terminated | InstanceStateName::ShuttingDown
                )
            {
                let reason = i.state_reason().and_then(|r| r.message()).unwrap_or("");
                Look::Failed(format!("{} {reason}", state.as_str()).trim().to_string())
            } else {
                Look::Pending(state.as_str().to_string())
            })
        })
        .await
    }

    /// The instance's state, and its user data as given (the state keeps its digest).
    async fn read_with_user_data(
        &self,
        aws: &AwsClients,
        current: &Value,
    ) -> Result<Option<(Value, Option<String>)>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        let Some((i, owner)) = self.describe(aws, &id).await? else {
            return Ok(None);
        };
        let state = i.state().and_then(|s| s.name()).cloned();
        if matches!(
            state,
            Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
        ) {
            return Ok(None);
        }
        let raw_user_data = self.user_data(aws, &id).await?;
        let user_data = raw_user_data.as_deref().map(user_data_digest);
        let termination_protected = self
            .attribute(aws, &id, InstanceAttributeName::DisableApiTermination)
            .await?
            .disable_api_termination()
            .and_then(|a| a.value())
            .unwrap_or(false);
        let (tags, tags_all) =
            read_tags(&tag_map(i.tags()), current.get("tags"), &aws.default_tags);
        let public_ip = i.public_ip_address().unwrap_or_default();
        let state = Value::object([
            ("ami", text(i.image_id())),
            ("instance_type", text(i.instance_type().map(|t| t.as_str()))),
            ("subnet_id", text(i.subnet_id())),
            (
                "vpc_security_group_ids",
                string_set(i.security_groups().iter().filter_map(|g| g.group_id())),
            ),
            ("key_name", text(i.key_name())),
            ("user_data", text(user_data)),
            (
                "user_data_replace_on_change",
                current.get("user_data_replace_on_change").clone(),
            ),
            (
                "associate_public_ip_address",
                Value::Bool(!public_ip.is_empty()),
            ),
            (
                "disable_api_termination",
                Value::Bool(termination_protected),
            ),
            (
                "availability_zone",
                text(i.placement().and_then(|p| p.availability_zone())),
            ),
            ("private_ip", text(i.private_ip_address())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(id.as_str())),
            ("arn", Value::from(arn(aws, &owner, "instance", &id))),
            ("public_ip", Value::from(public_ip)),
            (
                "public_dns",
                Value::from(i.public_dns_name().unwrap_or_default()),
            ),
            (
                "private_dns",
                Value::from(i.private_dns_name().unwrap_or_default()),
            ),
            ("instance_state", text(state.as_ref().map(|s| s.as_str()))),
            (
                "root_block_device",
                one_block(self.root_device(aws, &i).await?),
            ),
            ("timeouts", current.get("timeouts").clone()),
        ]);
        Ok(Some((state, raw_user_data)))
    }

    /// The instance's user data as it was given (the state keeps its digest).
    async fn user_data(&self, aws: &AwsClients, id: &str) -> Result<Option<String>, Error> {
        Ok(self
            .attribute(aws, id, InstanceAttributeName::UserData)
            .await?
            .user_data()
            .and_then(|u| u.value())
            .and_then(|b64| BASE64.decode(b64).ok())
            .map(|raw| String::from_utf8_lossy(&raw).into_owned()))
    }

    async fn attribute(
        &self,
        aws: &AwsClients,
        id: &str,
        name: InstanceAttributeName,
    ) -> Result<
        aws_sdk_ec2::operation::describe_instance_attribute::DescribeInstanceAttributeOutput,
        Error,
    > {
        let req = aws
            .ec2
            .describe_instance_attribute()
            .instance_id(id)
            .attribute(name);
        retry("DescribeInstanceAttribute", NOT_FOUND, || {
            req.clone().send()
        })
        .await
        .map_err(|e| api("DescribeInstanceAttribute", e))
    }

    /// The root volume as a `root_block_device` object, or null.
    async fn root_device(
        &self,
        aws: &AwsClients,
        i: &aws_sdk_ec2::types::Instance,
    ) -> Result<Value, Error> {
        let root = i.root_device_name().unwrap_or_default();
        let Some(mapping) = i
            .block_device_mappings()
            .iter()
            .find(|m| m.device_name() == Some(root))
        else {
            return Ok(Value::Null);
        };
        let Some(ebs) = mapping.ebs() else {
            return Ok(Value::Null);
        };
        let volume_id = ebs.volume_id().unwrap_or_default();
        let req = aws.ec2.describe_volumes().volume_ids(volume_id);
        let out = retry("DescribeVolumes", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeVolumes", e))?;
        let volume = out.volumes().first();
        Ok(Value::object([
            ("device_name", Value::from(root)),
            ("volume_id", Value::from(volume_id)),
            (
                "volume_size",
                crate::values::num(volume.and_then(|v| v.size())),
            ),
            (
                "volume_type",
                text(volume.and_then(|v| v.volume_type()).map(|t| t.as_str())),
            ),
            (
                "encrypted",
                Value::Bool(volume.and_then(|v| v.encrypted()).unwrap_or(false)),
            ),
            (
                "delete_on_termination",
                Value::Bool(ebs.delete_on_termination().unwrap_or(true)),
            ),
        ]))
    }

    /// The block device mapping for a configured `root_block_device`.
    async fn root_mapping(
        &self,
        aws: &AwsClients,
        ami: &str,
        root: &Value,
    ) -> Result<Option<BlockDeviceMapping>, Error> {
        if root.is_null() {
            return Ok(None);
        }
        let req = aws.ec2.describe_images().image_ids(ami);
        let images = retry("DescribeImages", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeImages", e))?;
        let device = images
            .images()
            .first()
            .and_then(|i| i.root_device_name())
            .ok_or_else(|| {
                Error::api(
                    "DescribeImages",
                    format!("the AMI {ami} was not found, or has no root device"),
                )
            })?;
        let ebs = EbsBlockDevice::builder()
            .set_volume_size(int(root, "volume_size").map(|n| n as i32))
            .set_volume_type(string(root, "volume_type").map(|t| VolumeType::from(t.as_str())))
            .set_encrypted(root.get("encrypted").as_bool())
            .delete_on_termination(root.get("delete_on_termination").as_bool().unwrap_or(true))
            .build();
        Ok(Some(
            BlockDeviceMapping::builder()
                .device_name(device)
                .ebs(ebs)
                .build(),
        ))
    }

    /// Stops the instance, runs `change`, and starts it again whatever happened in
    /// between (a failed change, a failed or interrupted wait): the instance is never
    /// left stopped by an update. The first error is returned, with what the restart
    /// could not do added to it.
    async fn while_stopped(
        &self,
        aws: &AwsClients,
        id: &str,
        timeout: Duration,
        change: impl std::future::Future<Output = Result<(), Error>>,
    ) -> Result<(), Error> {
        let stopped = async {
            let req = aws.ec2.stop_instances().instance_ids(id);
            retry("StopInstances", &[], || req.clone().send())
                .await
                .map_err(|e| api("StopInstances", e))?;
            self.wait_for(
                aws,
                id,
                InstanceStateName::Stopped,
                timeout,
                "StopInstances",
            )
            .await?;
            change.await
        }
        .await;
        let started = self.start_again(aws, id, timeout).await;
        match (stopped, started) {
            (Ok(()), started) => started,
            (Err(e), Ok(())) => Err(e),
            (Err(e), Err(start)) => Err(Error::api(
                e.operation
                    .clone()
                    .unwrap_or_else(|| "StopInstances".into()),
                format!(
                    "{}; and starting the instance again failed: {}",
                    e.message, start
                ),
            )),
        }
    }

    /// Starts a stopped (or stopping) instance and waits for it to run.
    async fn start_again(
        &self,
        aws: &AwsClients,
        id: &str,
        timeout: Duration,
    ) -> Result<(), Error> {
        let req = aws.ec2.start_instances().instance_ids(id);
        retry("StartInstances", &[], || req.clone().send())
            .await
            .map_err(|e| {
                let error = api("StartInstances", e);
                Error::api(
                    "StartInstances",
                    format!(
                        "{}. The instance {id} may be left stopped: start it (aws ec2 start-instances --instance-ids {id}) or apply again",
                        error.message
                    ),
                )
            })?;
        self.wait_for(
            aws,
            id,
            InstanceStateName::Running,
            timeout,
            "StartInstances",
        )
        .await
    }
}

#[async_trait]
impl Resource<AwsClients> for Instance {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::instance_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        // Each instance is read once, for its state and its user data as given.
        let names_only = ListRequest {
            include_resource: false,
            ..request.clone()
        };
        let mut listed = super::list::instances(aws, request)
            .await?
            .finish(self, aws, &names_only)
            .await?;
        if request.include_resource {
            for item in &mut listed {
                let seed = Value::object([("id", Value::from(item.id.as_str()))]);
                let Some((state, raw)) = self.read_with_user_data(aws, &seed).await? else {
                    continue;
                };
                item.state = Some(state);
                if let Some(raw) = raw {
                    item.written = Value::object([("user_data", Value::from(raw))]);
                }
            }
        }
        Ok(listed)
    }

    fn schema(&self) -> Schema {
        let root = Schema::new(
            [
                ("volume_size", Attribute::optional_computed(Type::Number)),
                ("volume_type", Attribute::optional_computed(Type::String)),
                (
                    "encrypted",
                    Attribute::optional_computed(Type::Bool).force_new(),
                ),
                (
                    "delete_on_termination",
                    Attribute::optional(Type::Bool).default(true),
                ),
                ("device_name", Attribute::computed(Type::String)),
                ("volume_id", Attribute::computed(Type::String)),
            ],
            [],
        );
        Schema::new(
            [
                ("ami", Attribute::required(Type::String).force_new()),
                ("instance_type", Attribute::required(Type::String)),
                (
                    "subnet_id",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                (
                    "vpc_security_group_ids",
                    Attribute::optional_computed(Type::set(Type::String)),
                ),
                (
                    "key_name",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("user_data", Attribute::optional(Type::String)),
                (
                    "user_data_replace_on_change",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                (
                    "associate_public_ip_address",
                    Attribute::optional_computed(Type::Bool).force_new(),
                ),
                (
                    "disable_api_termination",
                    Attribute::optional_computed(Type::Bool),
                ),
                (
                    "availability_zone",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                (
                    "private_ip",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("public_ip", Attribute::computed(Type::String)),
                ("public_dns", Attribute::computed(Type::String)),
                ("private_dns", Attribute::computed(Type::String)),
                ("instance_state", Attribute::computed(Type::String)),
            ],
            [
                ("root_block_device", NestedBlock::list_max_one(root)),
                timeouts::block(&["create", "update", "delete"]),
            ],
        )
    }

    fn validate(&self, config: &Value) -> Vec<iac_provider::ValidationError> {
        let mut out = Vec::new();
        timeouts::validate(config, &mut out);
        out
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        if let Some(raw) = proposed.get("user_data").as_str() {
            let digest = user_data_digest(raw);
            proposed = with(proposed, "user_data", Value::from(digest));
        }
        let mut requires_replace = Vec::new();
        // Without a root_block_device block, the instance keeps the root volume it has;
        // a new one's is known once it runs.
        if block(&proposed, "root_block_device").is_null() {
            let root = prior.map_or(Value::Unknown, |p| p.get("root_block_device").clone());
            proposed = with(proposed, "root_block_device", root);
        }
        if let Some(p) = prior {
            let user_data_changed = changed(p, &proposed, "user_data");
            if user_data_changed && flag(&proposed, "user_data_replace_on_change") {
                requires_replace.push(vec![PathStep::Key("user_data".into())]);
            }
            // A stop and start may move the instance to other public addresses.
            if user_data_changed || changed(p, &proposed, "instance_type") {
                for name in ["public_ip", "public_dns"] {
                    proposed = with(proposed, name, Value::Unknown);
                }
            }
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace,
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        Ok(self
            .read_with_user_data(aws, current)
            .await?
            .map(|(state, _)| state))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let ami = string(planned, "ami").unwrap_or_default();
        let subnet = string(planned, "subnet_id");
        let groups = (!planned.get("vpc_security_group_ids").is_unknown())
            .then(|| strings(planned, "vpc_security_group_ids"))
            .filter(|g| !g.is_empty());
        let mut req = aws
            .ec2
            .run_instances()
            .image_id(&ami)
            .instance_type(InstanceType::from(
                string(planned, "instance_type")
                    .unwrap_or_default()
                    .as_str(),
            ))
            .min_count(1)
            .max_count(1)
            // EC2 makes one instance per token: the SDK's retries, and a create sent
            // again after a crash, cannot launch a second one.
            .client_token(token.as_str())
            .set_key_name(string(planned, "key_name"))
            .set_user_data(string(config, "user_data").map(|u| BASE64.encode(u)))
            .set_disable_api_termination(planned.get("disable_api_termination").as_bool())
            .set_block_device_mappings(
                self.root_mapping(aws, &ami, block(planned, "root_block_device"))
                    .await?
                    .map(|m| vec![m]),
            )
            .set_tag_specifications(
                tag_specification(ResourceType::Instance, planned).map(|t| vec![t]),
            );
        if let Some(zone) = string(planned, "availability_zone") {
            req = req.placement(Placement::builder().availability_zone(zone).build());
        }
        match planned.get("associate_public_ip_address").as_bool() {
            Some(public) => {
                req = req.network_interfaces(
                    InstanceNetworkInterfaceSpecification::builder()
                        .device_index(0)
                        .associate_public_ip_address(public)
                        .set_subnet_id(subnet)
                        .set_groups(groups)
                        .set_private_ip_address(string(planned, "private_ip"))
                        .build(),
                );
            }
            None => {
                req = req
                    .set_subnet_id(subnet)
                    .set_security_group_ids(groups)
                    .set_private_ip_address(string(planned, "private_ip"));
            }
        }
        let out = req.send().await.map_err(|e| api("RunInstances", e))?;
        let id = out
            .instances()
            .first()
            .and_then(|i| i.instance_id())
            .ok_or_else(|| Error::api("RunInstances", "EC2 returned no instance"))?
            .to_string();
        let known = with(planned.clone(), "id", Value::from(id.as_str()));
        let timeout = timeouts::get(planned, "create", Duration::from_secs(10 * 60));
        if let Err(error) = self
            .wait_for(
                aws,
                &id,
                InstanceStateName::Running,
                timeout,
                "RunInstances",
            )
            .await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "RunInstances").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let req = aws.ec2.describe_instances().filters(
            Filter::builder()
                .name("client-token")
                .values(token.as_str())
                .build(),
        );
        let out = retry("DescribeInstances", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeInstances", e))?;
        let ids = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| {
                !matches!(
                    i.state().and_then(|s| s.name()),
                    Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
                )
            })
            .filter_map(|i| i.instance_id().map(str::to_string));
        // The create waits for `running`; one still pending did not finish.
        crate::found::read_all(self, aws, planned, "id", ids.collect::<Vec<_>>(), |s| {
            s.get("instance_state").as_str() == Some("running")
        })
        .await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        let timeout = timeouts::get(planned, "update", Duration::from_secs(10 * 60));
        // What is done so far: recorded if a later step fails.
        let done = std::sync::Mutex::new(prior.clone());
        let record = |names: &[&str]| {
            let mut d = done.lock().expect("done lock");
            for name in names {
                *d = with(d.clone(), name, planned.get(name).clone());
            }
        };
        let partial = |error: Error| ApplyError {
            error,
            partial: Some(done.lock().expect("done lock").clone()),
        };
        update_tags(aws, &id, prior, planned).await?;
        record(&["tags", "tags_all"]);
        let modify = || aws.ec2.modify_instance_attribute().instance_id(&id);
        if changed(prior, planned, "instance_type") || changed(prior, planned, "user_data") {
            let change = async {
                if changed(prior, planned, "instance_type") {
                    modify()
                        .instance_type(
                            AttributeValue::builder()
                                .set_value(string(planned, "instance_type"))
                                .build(),
                        )
                        .send()
                        .await
                        .map_err(|e| api("ModifyInstanceAttribute", e))?;
                    record(&["instance_type"]);
                }
                if changed(prior, planned, "user_data") {
                    let raw = string(config, "user_data").unwrap_or_default();
                    modify()
                        .user_data(
                            SecureBlobAttributeValue::builder()
                                .value(Blob::new(raw.into_bytes()))
                                .build(),
                        )
                        .send()
                        .await
                        .map_err(|e| api("ModifyInstanceAttribute", e))?;
                    record(&["user_data"]);
                }
                Ok(())
            };
            self.while_stopped(aws, &id, timeout, change)
                .await
                .map_err(partial)?;
        }
        if changed(prior, planned, "vpc_security_group_ids") {
            modify()
                .set_groups(Some(strings(planned, "vpc_security_group_ids")))
                .send()
                .await
                .map_err(|e| partial(api("ModifyInstanceAttribute", e)))?;
            record(&["vpc_security_group_ids"]);
        }
        if changed(prior, planned, "disable_api_termination") {
            modify()
                .disable_api_termination(
                    AttributeBooleanValue::builder()
                        .value(flag(planned, "disable_api_termination"))
                        .build(),
                )
                .send()
                .await
                .map_err(|e| partial(api("ModifyInstanceAttribute", e)))?;
            record(&["disable_api_termination"]);
        }
        let (old_root, new_root) = (
            block(prior, "root_block_device"),
            block(planned, "root_block_device"),
        );
        if old_root.get("volume_size") != new_root.get("volume_size")
            || old_root.get("volume_type") != new_root.get("volume_type")
        {
            aws.ec2
                .modify_volume()
                .volume_id(string(old_root, "volume_id").unwrap_or_default())
                .set_size(int(new_root, "volume_size").map(|n| n as i32))
                .set_volume_type(
                    string(new_root, "volume_type").map(|t| VolumeType::from(t.as_str())),
                )
                .send()
                .await
                .map_err(|e| partial(api("ModifyVolume", e)))?;
        }
        read_back(self, aws, planned, "ModifyInstanceAttribute").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        match aws.ec2.terminate_instances().instance_ids(&id).send().await {
            Ok(_) => {}
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(()),
            Err(e) if crate::error::code(&e) == Some("OperationNotPermitted") => {
                return Err(Error::api(
                    "TerminateInstances",
                    format!(
                        "{}; the instance has termination protection: set disable_api_termination = false and apply before destroying it",
                        api("TerminateInstances", e).message
                    ),
                ));
            }
            Err(e) => return Err(api("TerminateInstances", e)),
        }
        let timeout = timeouts::get(prior, "delete", Duration::from_secs(20 * 60));
        self.wait_for(
            aws,
            &id,
            InstanceStateName::Terminated,
            timeout,
            "TerminateInstances",
        )
        .await
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("id", Value::from(id))]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeInstances",
                format!("no running instance \"{id}\" exists"),
            )
        })
    }
}

#[cfg(test)]
mod tests;
