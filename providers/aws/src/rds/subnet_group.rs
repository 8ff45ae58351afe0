//! `aws_db_subnet_group`: the subnets a database may be placed in.

use async_trait::async_trait;
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema, ValidationError};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{tag_list, tags_of, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::values::{string, string_set, strings, text, with};

pub struct SubnetGroup;

const NOT_FOUND: &[&str] = &["DBSubnetGroupNotFoundFault", "DBSubnetGroupNotFound"];

impl SubnetGroup {
    /// The state of the group named `name` (names are unique in a region), if it has
    /// the planned subnets.
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
            .filter(|state| crate::found::sent(state, planned, &["subnet_ids"])))
    }
}

#[async_trait]
impl Resource<AwsClients> for SubnetGroup {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::subnet_group_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::subnet_groups(aws, request)
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
                    Attribute::optional(Type::String).default("Managed by Terraform"),
                ),
                ("subnet_ids", Attribute::required(Type::set(Type::String))),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("vpc_id", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        if let Some(n) = config.get("name").as_str()
            && (n != n.to_lowercase() || n.len() > 255)
        {
            out.push(invalid("name", "lowercase, at most 255 characters"));
        }
        if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
            out.push(invalid(
                "name_prefix",
                "\"name_prefix\" conflicts with \"name\"",
            ));
        }
        out
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(name) = string(current, "name").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let req = aws
            .rds
            .describe_db_subnet_groups()
            .db_subnet_group_name(&name);
        let out = match retry("DescribeDBSubnetGroups", &[], || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(None),
            Err(e) => return Err(api("DescribeDBSubnetGroups", e)),
        };
        let Some(g) = out.db_subnet_groups().first() else {
            return Ok(None);
        };
        let arn = g.db_subnet_group_arn().unwrap_or_default().to_string();
        let (tags, tags_all) = read_tags(
            &tags_of(aws, &arn).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        Ok(Some(Value::object([
            ("name", Value::from(name.as_str())),
            ("name_prefix", current.get("name_prefix").clone()),
            ("description", text(g.db_subnet_group_description())),
            (
                "subnet_ids",
                string_set(g.subnets().iter().filter_map(|s| s.subnet_identifier())),
            ),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(name.as_str())),
            ("arn", Value::from(arn)),
            ("vpc_id", text(g.vpc_id())),
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
            .create_db_subnet_group()
            .db_subnet_group_name(&name)
            .db_subnet_group_description(string(planned, "description").unwrap_or_default())
            .set_subnet_ids(Some(strings(planned, "subnet_ids")))
            .set_tags(tag_list(planned));
        crate::retry::create(
            "CreateDBSubnetGroup",
            &[],
            &[
                "DBSubnetGroupAlreadyExists",
                "DBSubnetGroupAlreadyExistsFault",
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
        read_back(self, aws, &known, "CreateDBSubnetGroup").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = crate::names::chosen(planned, "name", "name_prefix", "terraform-", token);
        let state = self.located(aws, planned, &name).await?;
        Ok(crate::found::at_most_one(state, |_| true))
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
        if prior.get("subnet_ids") != planned.get("subnet_ids")
            || prior.get("description") != planned.get("description")
        {
            aws.rds
                .modify_db_subnet_group()
                .db_subnet_group_name(&name)
                .set_db_subnet_group_description(string(planned, "description"))
                .set_subnet_ids(Some(strings(planned, "subnet_ids")))
                .send()
                .await
                .map_err(|e| api("ModifyDBSubnetGroup", e))?;
        }
        read_back(self, aws, planned, "ModifyDBSubnetGroup").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let name =
            string(prior, "name").ok_or_else(|| Error::new("the prior state has no name"))?;
        let req = aws.rds.delete_db_subnet_group().db_subnet_group_name(&name);
        match retry(
            "DeleteDBSubnetGroup",
            &["InvalidDBSubnetGroupStateFault"],
            || req.clone().send(),
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteDBSubnetGroup", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("name", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| {
                Error::api(
                    "DescribeDBSubnetGroups",
                    format!("no DB subnet group \"{id}\" exists"),
                )
            })
            .map(|v| crate::names::with_imported_prefix(v, "name_prefix", "name"))
    }
}
