//! `aws_db_parameter_group`: database engine settings (`work_mem`, `shared_buffers`,
//! ...) for the instances that use the group.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_rds::types::{ApplyMethod, Parameter};
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
use crate::values::{blocks, string, text, with};

pub struct ParameterGroup;

const NOT_FOUND: &[&str] = &["DBParameterGroupNotFound", "DBParameterGroupNotFoundFault"];

/// RDS takes at most this many parameters per modify or reset call.
const PARAMETERS_PER_CALL: usize = 20;

const APPLY_METHODS: [&str; 2] = ["immediate", "pending-reboot"];

/// The configured parameters by name: (value, apply method).
fn parameters(v: &Value) -> BTreeMap<String, (String, String)> {
    blocks(v, "parameter")
        .iter()
        .filter_map(|p| {
            Some((
                string(p, "name")?,
                (
                    string(p, "value").unwrap_or_default(),
                    string(p, "apply_method").unwrap_or_else(|| "immediate".into()),
                ),
            ))
        })
        .collect()
}

fn to_parameter(name: &str, value: &str, method: &str) -> Parameter {
    Parameter::builder()
        .parameter_name(name)
        .parameter_value(value)
        .apply_method(ApplyMethod::from(method))
        .build()
}

impl ParameterGroup {
    /// The state of the group named `name` (names are unique in a region), if it has
    /// the planned family and description.
    async fn located(
        &self,
        aws: &AwsClients,
        planned: &Value,
        name: &str,
    ) -> Result<Option<Value>, Error> {
        let seed = with(planned.clone(), "name", Value::from(name));
        Ok(self
            .read(aws, &seed)
            .await?
            .filter(|state| crate::found::sent(state, planned, &["family", "description"])))
    }

    /// Sets `changed` parameters, twenty at a time.
    async fn modify(
        &self,
        aws: &AwsClients,
        name: &str,
        changed: Vec<Parameter>,
    ) -> Result<(), Error> {
        for chunk in changed.chunks(PARAMETERS_PER_CALL) {
            let req = aws
                .rds
                .modify_db_parameter_group()
                .db_parameter_group_name(name)
                .set_parameters(Some(chunk.to_vec()));
            retry(
                "ModifyDBParameterGroup",
                &["InvalidDBParameterGroupState"],
                || req.clone().send(),
            )
            .await
            .map_err(|e| api("ModifyDBParameterGroup", e))?;
        }
        Ok(())
    }

    /// The parameters set on the group (those whose source is `user`).
    async fn user_parameters(
        &self,
        aws: &AwsClients,
        name: &str,
    ) -> Result<Option<Vec<Parameter>>, Error> {
        let mut out = Vec::new();
        let mut marker = None;
        loop {
            let req = aws
                .rds
                .describe_db_parameters()
                .db_parameter_group_name(name)
                .source("user")
                .set_marker(marker.take());
            let page = match retry("DescribeDBParameters", &[], || req.clone().send()).await {
                Ok(p) => p,
                Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
                Err(e) => return Err(api("DescribeDBParameters", e)),
            };
            out.extend(page.parameters().iter().cloned());
            match page.marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => return Ok(Some(out)),
            }
        }
    }
}

#[async_trait]
impl Resource<AwsClients> for ParameterGroup {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::group_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::parameter_groups(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        let parameter = Schema::new(
            [
                ("name", Attribute::required(Type::String)),
                ("value", Attribute::required(Type::String)),
                (
                    "apply_method",
                    Attribute::optional(Type::String).default("immediate"),
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
                ("family", Attribute::required(Type::String).force_new()),
                (
                    "description",
                    Attribute::optional(Type::String)
                        .default("Managed by Terraform")
                        .force_new(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
            ],
            [("parameter", NestedBlock::set(parameter))],
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
            && n != n.to_lowercase()
        {
            out.push(invalid("name", "parameter group names are lowercase"));
        }
        for p in blocks(config, "parameter") {
            if let Some(m) = p.get("apply_method").as_str()
                && !APPLY_METHODS.contains(&m)
            {
                out.push(invalid(
                    "parameter",
                    format!(
                        "apply_method must be \"immediate\" or \"pending-reboot\", not \"{m}\""
                    ),
                ));
            }
        }
        out
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(name) = string(current, "name").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let req = aws
            .rds
            .describe_db_parameter_groups()
            .db_parameter_group_name(&name);
        let out = match retry("DescribeDBParameterGroups", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeDBParameterGroups", e)),
        };
        let Some(g) = out.db_parameter_groups().first() else {
            return Ok(None);
        };
        let Some(user) = self.user_parameters(aws, &name).await? else {
            return Ok(None);
        };
        // RDS does not keep how a value was applied; keep what the state says.
        let known = parameters(current);
        let parameter = Value::set(
            user.iter()
                .filter_map(|p| {
                    let n = p.parameter_name()?;
                    let method = known
                        .get(n)
                        .map(|(_, m)| m.clone())
                        .or_else(|| p.apply_method().map(|m| m.as_str().to_string()))
                        .unwrap_or_else(|| "immediate".into());
                    Some(Value::object([
                        ("name", Value::from(n)),
                        ("value", text(p.parameter_value())),
                        ("apply_method", Value::from(method)),
                    ]))
                })
                .collect(),
        );
        let arn = g.db_parameter_group_arn().unwrap_or_default().to_string();
        let (tags, tags_all) = read_tags(
            &tags_of(aws, &arn).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        Ok(Some(Value::object([
            ("name", Value::from(name.as_str())),
            ("name_prefix", current.get("name_prefix").clone()),
            ("family", text(g.db_parameter_group_family())),
            ("description", text(g.description())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(name.as_str())),
            ("arn", Value::from(arn)),
            ("parameter", parameter),
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
            .rds
            .create_db_parameter_group()
            .db_parameter_group_name(&name)
            .db_parameter_group_family(string(planned, "family").unwrap_or_default())
            .description(string(planned, "description").unwrap_or_default())
            .set_tags(tag_list(planned));
        crate::retry::create(
            "CreateDBParameterGroup",
            &[],
            &[
                "DBParameterGroupAlreadyExists",
                "DBParameterGroupAlreadyExistsFault",
            ],
            || once!(req.clone(), aws_sdk_rds),
            || async {
                Ok(self
                    .located(aws, planned, &name)
                    .await?
                    .map(|_| name.clone()))
            },
        )
        .await?;
        let known = crate::found::known_as(planned, "name", &name);
        let all = parameters(planned)
            .iter()
            .map(|(n, (v, m))| to_parameter(n, v, m))
            .collect();
        if let Err(error) = self.modify(aws, &name, all).await {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "CreateDBParameterGroup").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "terraform-", token);
        // The create sets the parameters after making the group.
        let state = self.located(aws, planned, &name).await?;
        Ok(crate::found::at_most_one(state, |state| {
            crate::found::sent(state, planned, &["parameter"])
        }))
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let name =
            string(prior, "name").ok_or_else(|| Error::new("the prior state has no name"))?;
        update_tags(
            aws,
            &string(prior, "arn").unwrap_or_default(),
            prior,
            planned,
        )
        .await?;
        let (old, new) = (parameters(prior), parameters(planned));
        let removed: Vec<Parameter> = old
            .iter()
            .filter(|(n, _)| !new.contains_key(*n))
            .map(|(n, (v, m))| to_parameter(n, v, m))
            .collect();
        for chunk in removed.chunks(PARAMETERS_PER_CALL) {
            aws.rds
                .reset_db_parameter_group()
                .db_parameter_group_name(&name)
                .set_parameters(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| api("ResetDBParameterGroup", e))?;
        }
        let changed = new
            .iter()
            .filter(|(n, p)| old.get(*n) != Some(p))
            .map(|(n, (v, m))| to_parameter(n, v, m))
            .collect();
        self.modify(aws, &name, changed).await?;
        read_back(self, aws, planned, "ModifyDBParameterGroup").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let name =
            string(prior, "name").ok_or_else(|| Error::new("the prior state has no name"))?;
        let req = aws
            .rds
            .delete_db_parameter_group()
            .db_parameter_group_name(&name);
        // A group stays in use while the instance that used it is being deleted.
        match retry(
            "DeleteDBParameterGroup",
            &["InvalidDBParameterGroupState"],
            || req.clone().send(),
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteDBParameterGroup", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("name", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| {
                Error::api(
                    "DescribeDBParameterGroups",
                    format!("no DB parameter group \"{id}\" exists"),
                )
            })
            .map(|v| crate::names::with_imported_prefix(v, "name_prefix", "name"))
    }
}
