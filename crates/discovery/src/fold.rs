//! `--fold`: the objects of one type that differ only in a few attributes become one
//! block with `for_each` over a local map of those attributes, keyed by the objects'
//! names, the way `stacks/insync` holds its 21 droplets.

use std::collections::{BTreeMap, BTreeSet};

use iac_provider::Schema;
use iac_value::Value;

use crate::generate::written;

/// At most this many attributes may differ between the objects of a fold.
pub const MAX_DIFFERING: usize = 6;
/// At least this many objects make a fold worth it.
pub const MIN_OBJECTS: usize = 3;

/// Objects of one type folded into one block.
#[derive(Debug, Clone, PartialEq)]
pub struct Fold {
    pub type_name: String,
    /// Indexes of the folded objects, and each one's key in the map.
    pub members: Vec<(usize, String)>,
    /// The attributes whose values differ, taken from `each.value`.
    pub differing: Vec<String>,
    /// The differing attribute equal to each object's key, written `each.key`.
    pub key_attr: Option<String>,
}

impl Fold {
    /// The block's name and the local map's name: `this`, `droplets`.
    pub fn names(&self) -> (String, String) {
        let noun = self
            .type_name
            .split_once('_')
            .map_or(self.type_name.as_str(), |(_, rest)| rest);
        ("this".to_string(), format!("{noun}s"))
    }

    /// The attributes held in the local map (those not written `each.key`).
    pub fn mapped(&self) -> impl Iterator<Item = &String> {
        self.differing
            .iter()
            .filter(move |a| self.key_attr.as_ref() != Some(*a))
    }
}

/// The folds among `objects` (type, state, key): per type, all its objects when there are
/// enough and at most [`MAX_DIFFERING`] of the attributes they write differ.
pub fn folds(objects: &[(String, Value, String)], schemas: &BTreeMap<String, Schema>) -> Vec<Fold> {
    let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (ty, _, _)) in objects.iter().enumerate() {
        by_type.entry(ty.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    for (ty, members) in by_type {
        if members.len() < MIN_OBJECTS {
            continue;
        }
        let keys: BTreeSet<&String> = members.iter().map(|i| &objects[*i].2).collect();
        if keys.len() != members.len() {
            continue;
        }
        let schema = &schemas[ty];
        let attrs: Vec<BTreeMap<String, Value>> = members
            .iter()
            .map(|i| written(schema, &objects[*i].1))
            .collect();
        // An attribute some objects write and others leave at its default differs too:
        // each object's map entry then holds its own value.
        let names: BTreeSet<&String> = attrs.iter().flat_map(|a| a.keys()).collect();
        let differing: Vec<String> = names
            .iter()
            .filter(|n| attrs.iter().any(|a| a.get(**n) != attrs[0].get(**n)))
            .map(|n| (*n).clone())
            .collect();
        if differing.is_empty() || differing.len() > MAX_DIFFERING {
            continue;
        }
        if differing.iter().any(|d| schema.blocks.contains_key(d)) {
            continue;
        }
        let key_attr = differing
            .iter()
            .find(|d| {
                members
                    .iter()
                    .zip(&attrs)
                    .all(|(i, a)| a.get(*d).and_then(Value::as_str) == Some(objects[*i].2.as_str()))
            })
            .cloned();
        out.push(Fold {
            type_name: ty.to_string(),
            members: members
                .iter()
                .map(|i| (*i, objects[*i].2.clone()))
                .collect(),
            differing,
            key_attr,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use iac_provider::Provider;

    fn droplet(name: &str, role: &str, size: &str) -> Value {
        Value::object([
            ("name", Value::from(name)),
            ("region", Value::from("nyc3")),
            ("size", Value::from(size)),
            ("image", Value::from("ubuntu-24-04-x64")),
            ("tags", Value::set(vec![Value::from(role)])),
        ])
    }

    #[test]
    fn droplets_differing_in_name_and_tags_fold_into_one_map() {
        let schemas = iac_provider_digitalocean::DigitalOceanProvider::new()
            .schema()
            .resources
            .clone();
        let ty = "digitalocean_droplet".to_string();
        let objects = vec![
            (
                ty.clone(),
                droplet("ct1", "gateway", "s-1vcpu-1gb"),
                "ct1".to_string(),
            ),
            (
                ty.clone(),
                droplet("db", "db", "s-1vcpu-1gb"),
                "db".to_string(),
            ),
            (
                ty.clone(),
                droplet("web02", "web", "s-1vcpu-1gb"),
                "web02".to_string(),
            ),
            (
                "digitalocean_tag".to_string(),
                Value::object([("name", Value::from("web"))]),
                "web".to_string(),
            ),
        ];
        let found = folds(&objects, &schemas);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.differing, vec!["name".to_string(), "tags".to_string()]);
        assert_eq!(f.key_attr.as_deref(), Some("name"));
        assert_eq!(f.mapped().collect::<Vec<_>>(), vec!["tags"]);
        assert_eq!(f.names(), ("this".into(), "droplets".into()));

        let two = &objects[..2];
        assert!(folds(two, &schemas).is_empty(), "too few to fold");
        let mut varied = objects.clone();
        varied[1].1 = Value::object([
            ("name", Value::from("db")),
            ("region", Value::from("ams3")),
            ("size", Value::from("x")),
            ("image", Value::from("debian")),
            ("tags", Value::set(vec![Value::from("a")])),
            ("ipv6", Value::Bool(true)),
            ("monitoring", Value::Bool(true)),
            ("backups", Value::Bool(true)),
        ]);
        assert!(folds(&varied, &schemas).is_empty(), "too many differences");
        varied[1].1 = Value::object([
            ("name", Value::from("db")),
            ("region", Value::from("nyc3")),
            ("size", Value::from("s-4vcpu-8gb")),
            ("image", Value::from("ubuntu-24-04-x64")),
            ("tags", Value::set(vec![Value::from("db")])),
            ("monitoring", Value::Bool(true)),
        ]);
        let found = folds(&varied, &schemas);
        assert_eq!(
            found[0].differing,
            ["monitoring", "name", "size", "tags"].map(String::from),
            "written by one, left at the default by others"
        );
    }
}
