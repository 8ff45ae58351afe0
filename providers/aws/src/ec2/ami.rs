//! `data "aws_ami"`: an image found by owners, filters and a name pattern.

use async_trait::async_trait;
use iac_provider::{Attribute, Error, Schema};
use iac_value::{Type, Value};

use super::{filter_block, filters, tag_map};
use crate::client::AwsClients;
use crate::error::api;
use crate::resource::DataSource;
use crate::retry::retry;
use crate::values::{flag, map_value, string, strings, text};

pub struct Ami;

#[async_trait]
impl DataSource<AwsClients> for Ami {
    fn schema(&self) -> Schema {
        let out = |ty| Attribute::computed(ty);
        Schema::new(
            [
                (
                    "most_recent",
                    Attribute::optional(Type::Bool).default(false),
                ),
                ("owners", Attribute::optional(Type::list(Type::String))),
                (
                    "executable_users",
                    Attribute::optional(Type::list(Type::String)),
                ),
                ("name_regex", Attribute::optional(Type::String)),
                ("id", out(Type::String)),
                ("arn", out(Type::String)),
                ("image_id", out(Type::String)),
                ("name", out(Type::String)),
                ("description", out(Type::String)),
                ("architecture", out(Type::String)),
                ("creation_date", out(Type::String)),
                ("owner_id", out(Type::String)),
                ("image_location", out(Type::String)),
                ("root_device_name", out(Type::String)),
                ("root_device_type", out(Type::String)),
                ("virtualization_type", out(Type::String)),
                ("platform_details", out(Type::String)),
                ("state", out(Type::String)),
                ("public", out(Type::Bool)),
                ("tags", out(Type::map(Type::String))),
            ],
            [filter_block()],
        )
    }

    async fn read(&self, aws: &AwsClients, config: &Value) -> Result<Value, Error> {
        let req = aws
            .ec2
            .describe_images()
            .set_owners(Some(strings(config, "owners")).filter(|o| !o.is_empty()))
            .set_executable_users(
                Some(strings(config, "executable_users")).filter(|o| !o.is_empty()),
            )
            .set_filters(Some(filters(config)));
        let out = retry("DescribeImages", &[], || req.clone().send())
            .await
            .map_err(|e| api("DescribeImages", e))?;
        let pattern = match string(config, "name_regex") {
            Some(p) => Some(regex::Regex::new(&p).map_err(|e| {
                Error::new(format!(
                    "name_regex \"{p}\" is not a regular expression: {e}"
                ))
            })?),
            None => None,
        };
        let mut images: Vec<_> = out
            .images()
            .iter()
            .filter(|i| {
                pattern
                    .as_ref()
                    .is_none_or(|p| p.is_match(i.name().unwrap_or_default()))
            })
            .collect();
        if images.is_empty() {
            return Err(Error::api(
                "DescribeImages",
                "Your query returned no results. Please change your search criteria and try again.",
            ));
        }
        if images.len() > 1 && !flag(config, "most_recent") {
            return Err(Error::api(
                "DescribeImages",
                format!(
                    "Your query returned more than one result ({}). Please try a more specific search criteria, or set `most_recent` attribute to true.",
                    images.len()
                ),
            ));
        }
        images.sort_by(|a, b| a.creation_date().cmp(&b.creation_date()));
        let i = images.last().expect("at least one image");
        let id = i.image_id().unwrap_or_default();
        let mut v = config.as_map().cloned().unwrap_or_default();
        let partition = crate::partition::of(&aws.region).id;
        for (k, x) in [
            ("id", Value::from(id)),
            ("image_id", Value::from(id)),
            (
                "arn",
                Value::from(format!("arn:{partition}:ec2:{}::image/{id}", aws.region)),
            ),
            ("name", text(i.name())),
            ("description", text(i.description())),
            ("architecture", text(i.architecture().map(|a| a.as_str()))),
            ("creation_date", text(i.creation_date())),
            ("owner_id", text(i.owner_id())),
            ("image_location", text(i.image_location())),
            ("root_device_name", text(i.root_device_name())),
            (
                "root_device_type",
                text(i.root_device_type().map(|t| t.as_str())),
            ),
            (
                "virtualization_type",
                text(i.virtualization_type().map(|t| t.as_str())),
            ),
            ("platform_details", text(i.platform_details())),
            ("state", text(i.state().map(|s| s.as_str()))),
            ("public", Value::Bool(i.public().unwrap_or(false))),
            ("tags", map_value(&tag_map(i.tags()))),
        ] {
            v.insert(k.to_string(), x);
        }
        Ok(Value::Map(v))
    }
}
