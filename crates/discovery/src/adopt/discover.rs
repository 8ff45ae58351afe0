//! Finding the objects to adopt: every selected type listed (within each parent found,
//! for records), what the cloud made itself and what `--tag` leaves out set aside, and
//! each object named as a person would name its block.

use std::collections::{BTreeMap, BTreeSet};

use iac_lang::{Diagnostic, Diagnostics};
use iac_provider::{ListRequest, ProviderClient, Schema};
use iac_value::Value;

use super::{Options, Report};
use crate::naming::{self, Names, base_name};
use crate::refs::LINKS;
use crate::select::{self, TagFilter};

/// One object found.
pub struct Found {
    pub type_name: String,
    /// The id `import` takes.
    pub id: String,
    pub state: Value,
    pub name: String,
    /// `type.name`, or `type.this["key"]` when folded.
    pub address: String,
}

/// The types a listing of `type_name` must be given a parent of (a record's zone or
/// domain), as the reference table links them.
pub fn parent_types(type_name: &str, lists: &BTreeMap<String, Schema>) -> Vec<&'static str> {
    let Some(filter_schema) = lists.get(type_name) else {
        return Vec::new();
    };
    let required = required_filters(filter_schema);
    LINKS
        .iter()
        .filter(|l| l.from == type_name && required.contains(&l.path))
        .map(|l| l.to)
        .collect()
}

/// Lists every selected type and keeps what a person would adopt.
pub async fn discover(
    client: &dyn ProviderClient,
    resources: &BTreeMap<String, Schema>,
    lists: &BTreeMap<String, Schema>,
    opts: &Options,
    report: &mut Report,
) -> Result<Vec<Found>, Diagnostics> {
    let mut found: Vec<Found> = Vec::new();
    let asked: Vec<&String> = resources
        .keys()
        .filter(|t| {
            opts.types.is_empty() && select::listed_by_default(t) || opts.types.contains(*t)
        })
        .collect();
    // Types listed within a parent (records within their zone or domain) come after
    // every parent has been found.
    let (within, alone): (Vec<&String>, Vec<&String>) = asked.into_iter().partition(|t| {
        lists
            .get(*t)
            .is_some_and(|l| !required_filters(l).is_empty())
    });
    for type_name in alone.into_iter().chain(within) {
        let Some(filter_schema) = lists.get(type_name) else {
            report.not_listed.push(type_name.clone());
            continue;
        };
        let filters = filters(type_name, filter_schema, &found);
        if filters.is_empty() {
            report.skipped.push(format!(
                "{type_name}: listed within its parent ({}), and none was adopted",
                required_filters(filter_schema).join(", ")
            ));
        }
        for filter in filters {
            let request = ListRequest {
                filter,
                include_resource: true,
                limit: None,
            };
            let listed = client.list(type_name, &request).await.map_err(|e| {
                Diagnostic::error(format!("Failed to list {type_name}"), None)
                    .with_detail(e.to_string())
            })?;
            for l in listed {
                let state = match l.state_as_written() {
                    Some(s) => s,
                    None => client.import(type_name, &l.id).await.map_err(|e| {
                        Diagnostic::error(format!("Failed to read {type_name} \"{}\"", l.id), None)
                            .with_detail(e.to_string())
                    })?,
                };
                if let Some(why) = select::made_by_the_cloud(type_name, &state) {
                    report
                        .skipped
                        .push(format!("{type_name} \"{}\": {why}", l.id));
                    continue;
                }
                found.push(Found {
                    type_name: type_name.clone(),
                    id: l.id,
                    state,
                    name: String::new(),
                    address: String::new(),
                });
            }
        }
    }
    let mut found = filter_tags(found, &opts.tags, report);
    name_objects(&mut found);
    Ok(found)
}

/// Gives every object its block name and address: those named after another object
/// once that one has its name.
fn name_objects(found: &mut [Found]) {
    let mut names = Names::default();
    let (after, own): (Vec<usize>, Vec<usize>) =
        (0..found.len()).partition(|i| naming::named_after(&found[*i].type_name).is_some());
    for i in own.into_iter().chain(after) {
        let base = base_for(found, i);
        let f = &mut found[i];
        f.name = names.unique(&f.type_name, &base);
        f.address = format!("{}.{}", f.type_name, f.name);
    }
}

/// The name a person would give object `i`, before it is made unique.
fn base_for(found: &[Found], i: usize) -> String {
    let f = &found[i];
    let text = |v: &Value| scalar(v).unwrap_or_default();
    if matches!(
        f.type_name.as_str(),
        "aws_route53_record" | "digitalocean_record"
    ) {
        let zone = referred(found, f, "zone_id").and_then(|z| z.state.get("name").as_str());
        return naming::record_name(&text(f.state.get("name")), zone, &text(f.state.get("type")));
    }
    if let Some((attr, suffix)) = naming::named_after(&f.type_name)
        && let Some(parent) = referred(found, f, attr)
    {
        let name = match suffix.map(|s| text(f.state.get(s))) {
            Some(s) if !s.is_empty() => format!("{}_{s}", parent.name),
            _ => parent.name.clone(),
        };
        return naming::snake_case(&name);
    }
    base_name(&f.state, &f.id)
}

/// The adopted object that `f`'s attribute `attr` refers to, as the reference table
/// links them.
fn referred<'a>(found: &'a [Found], f: &Found, attr: &str) -> Option<&'a Found> {
    let value = scalar(f.state.get(attr))?;
    LINKS
        .iter()
        .filter(|l| l.from == f.type_name && l.path == attr)
        .find_map(|l| {
            found.iter().find(|p| {
                p.type_name == l.to && scalar(p.state.get(l.attr)).as_ref() == Some(&value)
            })
        })
}

/// A string or number as text.
fn scalar(value: &Value) -> Option<String> {
    match value.unmark().0 {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(iac_value::display_number(*n)),
        _ => None,
    }
}

/// The filters a listing must be given.
fn required_filters(filter_schema: &Schema) -> Vec<&str> {
    filter_schema
        .attributes
        .iter()
        .filter(|(_, a)| a.required)
        .map(|(k, _)| k.as_str())
        .collect()
}

/// The filters to list `type_name` with: one of nothing set, or, where the listing needs
/// a parent (a record's zone or domain), one per parent found, the value taken as the
/// reference table links the two.
fn filters(type_name: &str, filter_schema: &Schema, found: &[Found]) -> Vec<Value> {
    let unset: BTreeMap<String, Value> = filter_schema
        .attributes
        .keys()
        .map(|k| (k.clone(), Value::Null))
        .collect();
    let mut filters = vec![unset];
    for attr in required_filters(filter_schema) {
        let parents: BTreeSet<String> = LINKS
            .iter()
            .filter(|l| l.from == type_name && l.path == attr)
            .flat_map(|l| {
                found
                    .iter()
                    .filter(move |f| f.type_name == l.to)
                    .filter_map(move |f| f.state.get(l.attr).as_str().map(str::to_string))
            })
            .collect();
        filters = filters
            .iter()
            .flat_map(|f| {
                parents.iter().map(move |p| {
                    let mut f = f.clone();
                    f.insert(attr.to_string(), Value::from(p.as_str()));
                    f
                })
            })
            .collect();
    }
    filters.into_iter().map(Value::Map).collect()
}

/// Keeps tagged objects that match every filter, and untagged ones (records,
/// associations) that refer to something kept.
fn filter_tags(found: Vec<Found>, tags: &[TagFilter], report: &mut Report) -> Vec<Found> {
    if tags.is_empty() {
        return found;
    }
    let mut keep: Vec<bool> = found
        .iter()
        .map(|f| select::taggable(&f.state) && tags.iter().all(|t| t.matches(&f.state)))
        .collect();
    loop {
        let kept_values: BTreeSet<String> = found
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .flat_map(|(f, _)| scalars(&f.state))
            .collect();
        let mut changed = false;
        for (i, f) in found.iter().enumerate() {
            if !keep[i]
                && !select::taggable(&f.state)
                && scalars(&f.state).iter().any(|v| kept_values.contains(v))
            {
                keep[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(f, k)| {
            if !k {
                report.skipped.push(format!(
                    "{} \"{}\": not matched by --tag",
                    f.type_name, f.id
                ));
            }
            k.then_some(f)
        })
        .collect()
}

/// The ids, names and addresses an object holds.
fn scalars(state: &Value) -> Vec<String> {
    [
        "id",
        "arn",
        "zone_id",
        "name",
        "bucket",
        "public_ip",
        "ipv4_address",
        "instance_id",
        "allocation_id",
        "domain",
        "droplet_id",
        "ip_address",
    ]
    .iter()
    .filter_map(|k| {
        state
            .get(k)
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
    .collect()
}
