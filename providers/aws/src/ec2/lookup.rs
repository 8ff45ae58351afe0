//! The network lookups: `data "aws_vpc"`, `data "aws_subnets"` and
//! `data "aws_availability_zones"`.

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use iac_provider::{Attribute, Error, Schema};
use iac_value::{Type, Value};

use super::{arn, filter_block, filters, tag_map};
use crate::client::AwsClients;
use crate::error::api;
use crate::resource::DataSource;
use crate::retry::retry;
use crate::values::{map_value, string, string_list, strings, text};

/// The configuration with the looked-up attributes set.
fn merged(config: &Value, found: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut v = config.as_map().cloned().unwrap_or_default();
    v.extend(found.into_iter().map(|(k, x)| (k.to_string(), x)));
    Value::Map(v)
}

pub struct Vpc;

#[async_trait]
impl DataSource<AwsClients> for Vpc {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("id", Attribute::optional_computed(Type::String)),
                ("default", Attribute::optional_computed(Type::Bool)),
                ("cidr_block", Attribute::optional_computed(Type::String)),
                ("state", Attribute::optional_computed(Type::String)),
                (
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                ),
                ("arn", Attribute::computed(Type::String)),
                ("owner_id", Attribute::computed(Type::String)),
                ("instance_tenancy", Attribute::computed(Type::String)),
                ("main_route_table_id", Attribute::computed(Type::String)),
            ],
            [filter_block()],
        )
    }

    async fn read(&self, aws: &AwsClients, config: &Value) -> Result<Value, Error> {
        let mut fs = filters(config);
        if let Some(d) = config.get("default").as_bool() {
            fs.push(
                Filter::builder()
                    .name("is-default")
                    .values(d.to_string())
                    .build(),
            );
        }
        for (attr, filter) in [("cidr_block", "cidr"), ("state", "state")] {
            if let Some(v) = string(config, attr) {
                fs.push(Filter::builder().name(filter).values(v).build());
            }
        }
        let req = aws
            .ec2
            .describe_vpcs()
            .set_vpc_ids(string(config, "id").map(|id| vec![id]))
            .set_filters(Some(fs).filter(|f| !f.is_empty()));
        let out = retry("DescribeVpcs", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeVpcs", e))?;
        let vpc = match out.vpcs() {
            [one] => one,
            [] => return Err(Error::api("DescribeVpcs", "no matching EC2 VPC found")),
            many => {
                return Err(Error::api(
                    "DescribeVpcs",
                    format!(
                        "{} EC2 VPCs matched; use additional constraints to reduce matches to a single VPC",
                        many.len()
                    ),
                ));
            }
        };
        let id = vpc.vpc_id().unwrap_or_default();
        let owner = vpc.owner_id().unwrap_or_default();
        let route_tables = aws
            .ec2
            .describe_route_tables()
            .filters(Filter::builder().name("vpc-id").values(id).build())
            .filters(
                Filter::builder()
                    .name("association.main")
                    .values("true")
                    .build(),
            );
        let main_table = retry("DescribeRouteTables", &[], || route_tables.clone().send())
            .await
            .map_err(|e| api("DescribeRouteTables", e))?
            .route_tables()
            .first()
            .and_then(|t| t.route_table_id())
            .map(str::to_string);
        Ok(merged(
            config,
            [
                ("id", Value::from(id)),
                ("default", Value::Bool(vpc.is_default().unwrap_or(false))),
                ("cidr_block", text(vpc.cidr_block())),
                ("state", text(vpc.state().map(|s| s.as_str()))),
                ("tags", map_value(&tag_map(vpc.tags()))),
                ("arn", Value::from(arn(aws, owner, "vpc", id))),
                ("owner_id", Value::from(owner)),
                (
                    "instance_tenancy",
                    text(vpc.instance_tenancy().map(|t| t.as_str())),
                ),
                ("main_route_table_id", text(main_table)),
            ],
        ))
    }
}

pub struct Subnets;

#[async_trait]
impl DataSource<AwsClients> for Subnets {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("ids", Attribute::computed(Type::list(Type::String))),
            ],
            [filter_block()],
        )
    }

    async fn read(&self, aws: &AwsClients, config: &Value) -> Result<Value, Error> {
        let fs = filters(config);
        let mut ids = Vec::new();
        let mut token = None;
        loop {
            let req = aws
                .ec2
                .describe_subnets()
                .set_filters(Some(fs.clone()).filter(|f| !f.is_empty()))
                .set_next_token(token.take());
            let page = retry("DescribeSubnets", &[], || req.clone().send())
                .await
                .map_err(|e| api("DescribeSubnets", e))?;
            ids.extend(
                page.subnets()
                    .iter()
                    .filter_map(|s| s.subnet_id().map(str::to_string)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        ids.sort();
        Ok(merged(
            config,
            [
                ("id", Value::from(aws.region.as_str())),
                ("ids", string_list(ids)),
            ],
        ))
    }
}

pub struct AvailabilityZones;

#[async_trait]
impl DataSource<AwsClients> for AvailabilityZones {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("state", Attribute::optional(Type::String)),
                (
                    "exclude_names",
                    Attribute::optional(Type::set(Type::String)),
                ),
                ("id", Attribute::computed(Type::String)),
                ("names", Attribute::computed(Type::list(Type::String))),
                ("zone_ids", Attribute::computed(Type::list(Type::String))),
            ],
            [filter_block()],
        )
    }

    async fn read(&self, aws: &AwsClients, config: &Value) -> Result<Value, Error> {
        let mut fs = filters(config);
        if let Some(state) = string(config, "state") {
            fs.push(Filter::builder().name("state").values(state).build());
        }
        let req = aws
            .ec2
            .describe_availability_zones()
            .set_filters(Some(fs).filter(|f| !f.is_empty()));
        let out = retry("DescribeAvailabilityZones", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeAvailabilityZones", e))?;
        let excluded = strings(config, "exclude_names");
        let mut zones: Vec<(String, String)> = out
            .availability_zones()
            .iter()
            .filter_map(|z| {
                Some((
                    z.zone_name()?.to_string(),
                    z.zone_id().unwrap_or_default().to_string(),
                ))
            })
            .filter(|(name, _)| !excluded.contains(name))
            .collect();
        zones.sort();
        Ok(merged(
            config,
            [
                ("id", Value::from(aws.region.as_str())),
                ("names", string_list(zones.iter().map(|z| &z.0))),
                ("zone_ids", string_list(zones.iter().map(|z| &z.1))),
            ],
        ))
    }
}
