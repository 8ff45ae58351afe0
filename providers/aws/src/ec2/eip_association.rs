//! `aws_eip_association`: an Elastic IP attached to an instance, managed apart from
//! the address itself.

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::eip::{associate, disassociate};
use crate::client::AwsClients;
use crate::error::api;
use crate::resource::{Resource, read_back};
use crate::retry::retry;
use crate::values::{string, with};

pub struct EipAssociation;

#[async_trait]
impl Resource<AwsClients> for EipAssociation {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::eip_association_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::eip_associations(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "allocation_id",
                    Attribute::required(Type::String).force_new(),
                ),
                ("instance_id", Attribute::required(Type::String).force_new()),
                ("id", Attribute::computed(Type::String)),
                ("public_ip", Attribute::computed(Type::String)),
                ("private_ip_address", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        let req = aws
            .ec2
            .describe_addresses()
            .filters(Filter::builder().name("association-id").values(&id).build());
        let out = retry("DescribeAddresses", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeAddresses", e))?;
        let Some(a) = out.addresses().first() else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            (
                "allocation_id",
                Value::from(a.allocation_id().unwrap_or_default()),
            ),
            (
                "instance_id",
                Value::from(a.instance_id().unwrap_or_default()),
            ),
            ("id", Value::from(id.as_str())),
            ("public_ip", Value::from(a.public_ip().unwrap_or_default())),
            (
                "private_ip_address",
                Value::from(a.private_ip_address().unwrap_or_default()),
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
        let allocation = string(planned, "allocation_id").unwrap_or_default();
        let instance = string(planned, "instance_id").unwrap_or_default();
        let id = associate(aws, &allocation, &instance).await?;
        let known = with(planned.clone(), "id", Value::from(id));
        read_back(self, aws, &known, "AssociateAddress").await
    }

    /// An association is a setting of the address: found when the address is
    /// associated with the planned instance.
    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let (Some(allocation), Some(instance)) = (
            string(planned, "allocation_id"),
            string(planned, "instance_id"),
        ) else {
            return Ok(Vec::new());
        };
        let ids = super::eip::describe(aws, &allocation)
            .await?
            .filter(|a| a.instance_id() == Some(instance.as_str()))
            .and_then(|a| a.association_id().map(str::to_string));
        crate::found::read_all(self, aws, planned, "id", ids, |_| true).await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        read_back(self, aws, planned, "AssociateAddress").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        disassociate(aws, &id).await
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("id", Value::from(id))]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeAddresses",
                format!("no Elastic IP association \"{id}\" exists"),
            )
        })
    }
}
