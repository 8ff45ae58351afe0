//! What adopted objects name outside the adopted set, as data lookups instead of ids:
//! the default VPC (`data "aws_vpc" "default"`), its subnets (`data "aws_subnets"`,
//! all of them or one zone's default subnet), an image (`data "aws_ami"` by owner and
//! name, or a variable when it cannot be looked up). DigitalOcean images are slugs, which
//! stay as written.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use iac_provider::{ProviderClient, Schema};
use iac_value::{Path, Value};

use crate::naming::snake_case;
use crate::refs::dotted;

/// An image as `data "aws_ami"` finds it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub owner: String,
    pub name: String,
}

/// What was found outside the adopted set.
#[derive(Debug, Clone, Default)]
pub struct Outside {
    pub default_vpc: Option<String>,
    /// The default VPC's subnets: id -> availability zone.
    pub default_subnets: BTreeMap<String, String>,
    /// Images by id; `None` when the image could not be described.
    pub images: BTreeMap<String, Option<Image>>,
}

/// Reads what the adopted `objects` (type, state) name outside themselves.
pub async fn gather(
    client: &dyn ProviderClient,
    schemas: &BTreeMap<String, Schema>,
    objects: &[(String, Value)],
) -> Outside {
    let mut out = Outside::default();
    if !schemas.contains_key("aws_vpc") {
        return out;
    }
    if let Ok(vpc) = client
        .read_data(
            "aws_vpc",
            &config(&schemas["aws_vpc"], [("default", Value::Bool(true))], &[]),
        )
        .await
        && let Some(id) = vpc.get("id").as_str()
    {
        out.default_vpc = Some(id.to_string());
        let mut zones = zones(objects);
        if let Some(schema) = schemas.get("aws_availability_zones")
            && let Ok(region) = client
                .read_data("aws_availability_zones", &config(schema, [], &[]))
                .await
        {
            zones.extend(
                region
                    .get("names")
                    .as_items()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
        }
        for az in zones {
            let filters = [
                ("vpc-id", id),
                ("availability-zone", az.as_str()),
                ("default-for-az", "true"),
            ];
            if let Ok(found) = client
                .read_data(
                    "aws_subnets",
                    &config(&schemas["aws_subnets"], [], &filters),
                )
                .await
                && let Some([subnet]) = found.get("ids").as_items()
                && let Some(subnet) = subnet.as_str()
            {
                out.default_subnets.insert(subnet.to_string(), az);
            }
        }
    }
    for (ty, state) in objects {
        if ty != "aws_instance" {
            continue;
        }
        let Some(ami) = state.get("ami").as_str() else {
            continue;
        };
        if out.images.contains_key(ami) {
            continue;
        }
        let image = client
            .read_data(
                "aws_ami",
                &config(&schemas["aws_ami"], [], &[("image-id", ami)]),
            )
            .await
            .ok()
            .and_then(|i| {
                Some(Image {
                    owner: i.get("owner_id").as_str()?.to_string(),
                    name: i.get("name").as_str()?.to_string(),
                })
            });
        out.images.insert(ami.to_string(), image);
    }
    out
}

/// The availability zones the instances are in (the region's are added where they can
/// be listed, for the subnets of load balancers and subnet groups).
fn zones(objects: &[(String, Value)]) -> BTreeSet<String> {
    objects
        .iter()
        .filter_map(|(_, s)| s.get("availability_zone").as_str())
        .map(str::to_string)
        .collect()
}

/// A data source's configuration: every attribute null but `set`, the given filters.
fn config<const N: usize>(
    schema: &Schema,
    set: [(&str, Value); N],
    filters: &[(&str, &str)],
) -> Value {
    let mut m: BTreeMap<String, Value> = schema
        .attributes
        .keys()
        .map(|k| (k.clone(), Value::Null))
        .collect();
    for (k, v) in set {
        m.insert(k.to_string(), v);
    }
    for b in schema.blocks.keys() {
        m.insert(b.clone(), Value::List(vec![]));
    }
    let filter: Vec<Value> = filters
        .iter()
        .map(|(n, v)| {
            Value::object([
                ("name", Value::from(*n)),
                ("values", Value::set(vec![Value::from(*v)])),
            ])
        })
        .collect();
    m.insert("filter".into(), Value::set(filter));
    Value::Map(m)
}

/// The lookups that adopted objects refer to, and the data blocks and variables they need.
pub struct Lookups {
    outside: Outside,
    used: RefCell<BTreeSet<Used>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Used {
    Vpc,
    Subnets,
    Zone(String),
    Image(String),
    ImageVariable(String),
}

impl Lookups {
    pub fn new(outside: Outside) -> Lookups {
        Lookups {
            outside,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    /// The lookup expression for `value` at `path` of an object, if it names something
    /// found outside.
    pub fn expression(&self, path: &Path, value: &Value) -> Option<String> {
        let at = dotted(path);
        let attr = at.rsplit('.').next().unwrap_or("");
        let mut used = self.used.borrow_mut();
        if let Some(items) = value.as_items() {
            let ids: BTreeSet<&str> = items.iter().filter_map(Value::as_str).collect();
            let all: BTreeSet<&str> = self
                .outside
                .default_subnets
                .keys()
                .map(String::as_str)
                .collect();
            if matches!(attr, "subnets" | "subnet_ids") && !ids.is_empty() && ids == all {
                used.insert(Used::Vpc);
                used.insert(Used::Subnets);
                return Some("data.aws_subnets.default.ids".into());
            }
            return None;
        }
        let s = value.as_str()?;
        match attr {
            "vpc_id" if self.outside.default_vpc.as_deref() == Some(s) => {
                used.insert(Used::Vpc);
                Some("data.aws_vpc.default.id".into())
            }
            "subnet_id" | "subnets" | "subnet_ids" => {
                let az = self.outside.default_subnets.get(s)?;
                used.insert(Used::Vpc);
                used.insert(Used::Zone(az.clone()));
                Some(format!(
                    "data.aws_subnets.default_{}.ids[0]",
                    snake_case(az)
                ))
            }
            "ami" => match self.outside.images.get(s)? {
                Some(_) => {
                    used.insert(Used::Image(s.to_string()));
                    Some(format!("data.aws_ami.{}.id", image_name(s)))
                }
                None => {
                    used.insert(Used::ImageVariable(s.to_string()));
                    Some(format!("var.{}", image_name(s)))
                }
            },
            _ => None,
        }
    }

    /// The `data` and `variable` blocks the expressions handed out need, as text.
    pub fn blocks(&self) -> String {
        let mut out = String::new();
        for u in self.used.borrow().iter() {
            out.push_str(&match u {
                Used::Vpc => "data \"aws_vpc\" \"default\" {\ndefault = true\n}\n".to_string(),
                Used::Subnets => format!("data \"aws_subnets\" \"default\" {{\n{}}}\n", filter("vpc-id", "data.aws_vpc.default.id")),
                Used::Zone(az) => format!(
                    "# The default subnet of {az}.\ndata \"aws_subnets\" \"default_{}\" {{\n{}{}{}}}\n",
                    snake_case(az),
                    filter("vpc-id", "data.aws_vpc.default.id"),
                    filter("availability-zone", &quoted(az)),
                    filter("default-for-az", "\"true\""),
                ),
                Used::Image(id) => {
                    let Some(Some(image)) = self.outside.images.get(id) else {
                        continue;
                    };
                    format!(
                        "data \"aws_ami\" \"{}\" {{\nowners = [{}]\n{}}}\n",
                        image_name(id),
                        quoted(&image.owner),
                        filter("name", &quoted(&image.name))
                    )
                }
                Used::ImageVariable(id) => format!(
                    "variable \"{}\" {{\ndescription = \"The image of the instances that ran {id}, which can no longer be looked up.\"\ntype = string\ndefault = {}\n}}\n",
                    image_name(id),
                    quoted(id)
                ),
            });
            out.push('\n');
        }
        iac_lang::format::format_text(&out)
    }

    /// Whether any lookup was handed out.
    pub fn is_empty(&self) -> bool {
        self.used.borrow().is_empty()
    }
}

fn filter(name: &str, values: &str) -> String {
    format!("filter {{\nname = \"{name}\"\nvalues = [{values}]\n}}\n")
}

fn quoted(s: &str) -> String {
    hcl_edit::expr::Expression::from(s).to_string()
}

/// The block name of an image's lookup: `ami_0abc`.
fn image_name(id: &str) -> String {
    snake_case(id)
}

#[cfg(test)]
mod tests;
