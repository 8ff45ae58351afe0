//! The `provider "aws"` block and how it becomes an SDK configuration.

use std::collections::BTreeMap;

use iac_provider::{Attribute, Error, NestedBlock, Schema};
use iac_value::{Type, Value};

use crate::values::{block, blocks};

/// The provider block's schema (Terraform's names and block shapes: `endpoints` is a
/// set of blocks, `default_tags` a list of at most one).
pub fn schema() -> Schema {
    let services = ["s3", "ec2", "rds", "route53", "acm", "elbv2", "sts", "iam"];
    let endpoints = Schema {
        attributes: services
            .iter()
            .map(|s| (s.to_string(), Attribute::optional(Type::String)))
            .collect(),
        blocks: BTreeMap::new(),
    };
    Schema::new(
        [
            ("region", Attribute::optional(Type::String)),
            ("profile", Attribute::optional(Type::String)),
            ("access_key", Attribute::optional(Type::String).sensitive()),
            ("secret_key", Attribute::optional(Type::String).sensitive()),
            ("token", Attribute::optional(Type::String).sensitive()),
            ("s3_use_path_style", Attribute::optional(Type::Bool)),
            (
                "skip_credentials_validation",
                Attribute::optional(Type::Bool),
            ),
            (
                "skip_requesting_account_id",
                Attribute::optional(Type::Bool),
            ),
            ("skip_metadata_api_check", Attribute::optional(Type::Bool)),
            ("skip_region_validation", Attribute::optional(Type::Bool)),
            ("max_retries", Attribute::optional(Type::Number)),
        ],
        [
            ("endpoints", NestedBlock::set(endpoints)),
            (
                "default_tags",
                NestedBlock::list_max_one(Schema::new(
                    [("tags", Attribute::optional(Type::map(Type::String)))],
                    [],
                )),
            ),
        ],
    )
}

/// The provider block, read.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub static_credentials: Option<(String, String, Option<String>)>,
    pub s3_path_style: bool,
    pub endpoints: BTreeMap<String, String>,
    pub default_tags: BTreeMap<String, String>,
    pub max_retries: Option<u32>,
}

impl Settings {
    /// Reads the evaluated provider block.
    pub fn from_value(v: &Value) -> Result<Settings, Error> {
        let s = |k: &str| v.get(k).as_str().map(str::to_string);
        let static_credentials = match (s("access_key"), s("secret_key")) {
            (Some(a), Some(k)) => Some((a, k, s("token"))),
            (None, None) => None,
            _ => return Err(Error::new("access_key and secret_key must be set together")),
        };
        let endpoints = blocks(v, "endpoints")
            .iter()
            .filter_map(Value::as_map)
            .flatten()
            .filter_map(|(k, u)| Some((k.clone(), u.as_str()?.to_string())))
            .collect();
        let default_tags = block(v, "default_tags")
            .get("tags")
            .as_map()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, t)| Some((k.clone(), t.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Settings {
            region: s("region"),
            profile: s("profile"),
            static_credentials,
            s3_path_style: v.get("s3_use_path_style").as_bool().unwrap_or(false),
            endpoints,
            default_tags,
            max_retries: v.get("max_retries").as_f64().map(|n| n as u32),
        })
    }
}
