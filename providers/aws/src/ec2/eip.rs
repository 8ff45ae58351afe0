//! `aws_eip`: an Elastic IP, optionally associated with an instance.

use async_trait::async_trait;
use aws_sdk_ec2::types::{Address, DomainType, Filter, ResourceType};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{arn, tag_map, tag_specification, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::partition;
use crate::resource::{Resource, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::values::{string, string_map, text, with};

pub struct Eip;

pub(super) const NOT_FOUND: &[&str] = &["InvalidAllocationID.NotFound"];

/// Codes EC2 answers while an instance it just launched is not yet usable.
pub(super) const INSTANCE_NOT_READY: &[&str] = &[
    "InvalidInstanceID",
    "InvalidInstanceID.NotFound",
    "IncorrectInstanceState",
];

/// The address with allocation id `id`, if it exists.
pub(super) async fn describe(aws: &AwsClients, id: &str) -> Result<Option<Address>, Error> {
    let req = aws.ec2.describe_addresses().allocation_ids(id);
    match retry("DescribeAddresses", &[], || req.clone().send()).await {
        Ok(out) => Ok(out.addresses().first().cloned()),
        Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
        Err(e) => Err(api("DescribeAddresses", e)),
    }
}

/// The DNS name EC2 gives `ip` (DescribeAddresses does not return it), or null when
/// there is no address.
fn dns_name(ip: &str, name: impl Fn(&str) -> String) -> Value {
    if ip.is_empty() {
        Value::Null
    } else {
        Value::from(name(ip))
    }
}

/// Associates the address with an instance, waiting out a just-launched instance.
pub(super) async fn associate(
    aws: &AwsClients,
    allocation_id: &str,
    instance: &str,
) -> Result<String, Error> {
    let req = aws
        .ec2
        .associate_address()
        .allocation_id(allocation_id)
        .instance_id(instance);
    match retry("AssociateAddress", INSTANCE_NOT_READY, || {
        req.clone().send()
    })
    .await
    {
        Ok(out) => Ok(out.association_id().unwrap_or_default().to_string()),
        // A repeat after a lost answer: done if it is associated as asked.
        Err(e) if crate::error::code(&e) == Some("Resource.AlreadyAssociated") => {
            match describe(aws, allocation_id).await? {
                Some(a) if a.instance_id() == Some(instance) => {
                    Ok(a.association_id().unwrap_or_default().to_string())
                }
                _ => Err(api("AssociateAddress", e)),
            }
        }
        Err(e) => Err(api("AssociateAddress", e)),
    }
}

/// Ends an association; one already gone is fine.
pub(super) async fn disassociate(aws: &AwsClients, association_id: &str) -> Result<(), Error> {
    match aws
        .ec2
        .disassociate_address()
        .association_id(association_id)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_not_found(&e, &["InvalidAssociationID.NotFound"]) => Ok(()),
        Err(e) => Err(api("DisassociateAddress", e)),
    }
}

#[async_trait]
impl Resource<AwsClients> for Eip {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::eip_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::eips(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "domain",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("instance", Attribute::optional_computed(Type::String)),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("allocation_id", Attribute::computed(Type::String)),
                ("association_id", Attribute::computed(Type::String)),
                ("public_ip", Attribute::computed(Type::String)),
                ("public_dns", Attribute::computed(Type::String)),
                ("private_ip", Attribute::computed(Type::String)),
                ("private_dns", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        let Some(a) = describe(aws, &id).await? else {
            return Ok(None);
        };
        let (tags, tags_all) =
            read_tags(&tag_map(a.tags()), current.get("tags"), &aws.default_tags);
        let public_ip = a.public_ip().unwrap_or_default();
        let private_ip = a.private_ip_address().unwrap_or_default();
        let account = crate::sts::account_id(aws).await?;
        Ok(Some(Value::object([
            ("domain", text(a.domain().map(|d| d.as_str()))),
            ("instance", Value::from(a.instance_id().unwrap_or_default())),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(id.as_str())),
            ("arn", Value::from(arn(aws, &account, "elastic-ip", &id))),
            ("allocation_id", Value::from(id.as_str())),
            (
                "association_id",
                Value::from(a.association_id().unwrap_or_default()),
            ),
            ("public_ip", Value::from(public_ip)),
            (
                "public_dns",
                dns_name(public_ip, |ip| partition::ec2_public_dns(&aws.region, ip)),
            ),
            ("private_ip", Value::from(private_ip)),
            (
                "private_dns",
                dns_name(private_ip, |ip| partition::ec2_private_dns(&aws.region, ip)),
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
            .ec2
            .allocate_address()
            .domain(DomainType::from(
                string(planned, "domain").as_deref().unwrap_or("vpc"),
            ))
            .set_tag_specifications(
                tag_specification(ResourceType::ElasticIp, planned).map(|t| vec![t]),
            );
        // Addresses are told apart only by their tags, and addresses the state records
        // may carry the same ones: only the next plan, which knows them, may look.
        let made = crate::retry::create(
            "AllocateAddress",
            &[],
            &[],
            || once!(req.clone(), aws_sdk_ec2),
            || async {
                Err::<Option<String>, _>(Error::new(
                    "the addresses this state records are not known here",
                ))
            },
        )
        .await?;
        let id = made.id(|out| out.allocation_id().map(str::to_string));
        let known = with(planned.clone(), "id", Value::from(id.as_str()));
        if let Some(instance) = string(planned, "instance").filter(|i| !i.is_empty())
            && let Err(error) = associate(aws, &id, &instance).await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "AllocateAddress").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let tags = string_map(planned, "tags_all");
        if tags.is_empty() {
            return Err(Error::new(
                "AllocateAddress takes no idempotency token, and an Elastic IP without tags cannot be told apart from any other: look for an address allocated at that time (aws ec2 describe-addresses) that no state records. Give aws_eip tags (a Name) so that iac can find it next time",
            ));
        }
        let req = aws.ec2.describe_addresses().set_filters(Some(
            tags.iter()
                .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
                .collect(),
        ));
        let out = retry("DescribeAddresses", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeAddresses", e))?;
        let instance = string(planned, "instance").filter(|i| !i.is_empty());
        let ids: Vec<String> = out
            .addresses()
            .iter()
            .filter(|a| tag_map(a.tags()) == tags)
            // One associated with another instance is not this create's.
            .filter(|a| match (a.instance_id(), instance.as_deref()) {
                (Some(on), Some(wanted)) => on == wanted,
                (Some(on), None) => on.is_empty(),
                (None, _) => true,
            })
            .filter_map(|a| a.allocation_id().map(str::to_string))
            .collect();
        crate::found::read_all(self, aws, planned, "id", ids, |state| match &instance {
            Some(i) => state.get("instance").as_str() == Some(i.as_str()),
            None => true,
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
        if prior.get("instance") != planned.get("instance") {
            if let Some(old) = string(prior, "association_id").filter(|a| !a.is_empty()) {
                disassociate(aws, &old).await?;
            }
            if let Some(instance) = string(planned, "instance").filter(|i| !i.is_empty()) {
                associate(aws, &id, &instance).await?;
            }
        }
        read_back(self, aws, planned, "AssociateAddress").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        if let Some(a) = describe(aws, &id).await?
            && let Some(association) = a.association_id()
        {
            disassociate(aws, association).await?;
        }
        let req = aws.ec2.release_address().allocation_id(&id);
        match retry("ReleaseAddress", &["InvalidIPAddress.InUse"], || {
            req.clone().send()
        })
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("ReleaseAddress", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("id", Value::from(id))]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeAddresses",
                format!("no Elastic IP with allocation id \"{id}\" exists"),
            )
        })
    }
}
