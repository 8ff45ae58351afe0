//! Values as Terraform's JSON formats write them: unknowns left out, the mirrors
//! (`after_unknown`, `*_sensitive`), and sensitive values kept out of the text.
//!
//! Sensitive values never appear. In a single value (planned values, state values,
//! variables) a sensitive part is `null`. In a change's `before`/`after` pair an unchanged
//! sensitive part is `null` on both sides, and a changed one is [`OLD_SECRET`] before and
//! [`NEW_SECRET`] after (a side where it is null stays null), so tools see the change
//! without seeing the secret.

use iac_provider::{Nesting, Schema};
use iac_value::{Type, Value};
use serde_json::{Map, Value as Json};

/// What `before` holds where a sensitive value changed.
pub const OLD_SECRET: &str = "(sensitive value: old)";
/// What `after` holds where a sensitive value changed.
pub const NEW_SECRET: &str = "(sensitive value: new)";

/// The value made ready for JSON against its schema: null list and set attributes and
/// null repeated blocks become empty (as Terraform's providers record them), and
/// attributes the schema calls sensitive are marked.
pub fn prepare(v: &Value, schema: Option<&Schema>) -> Value {
    let Some(schema) = schema else {
        return v.clone();
    };
    let (plain, _) = v.clone().unmark_deep();
    let sensitive = schema.sensitive_paths(&plain);
    empty_collections(v.clone().mark_paths(&sensitive), schema)
}

fn empty_collections(v: Value, schema: &Schema) -> Value {
    match v {
        Value::Sensitive(inner) => Value::Sensitive(Box::new(empty_collections(*inner, schema))),
        Value::Map(mut m) => {
            for (name, a) in &schema.attributes {
                if let Some(slot) = m.get_mut(name)
                    && matches!(slot, Value::Null)
                {
                    match a.ty {
                        Type::List(_) | Type::Tuple(_) => *slot = Value::List(Vec::new()),
                        Type::Set(_) => *slot = Value::Set(Vec::new()),
                        _ => {}
                    }
                }
            }
            for (name, b) in &schema.blocks {
                let Some(slot) = m.get_mut(name) else {
                    continue;
                };
                let taken = std::mem::take(slot);
                *slot = match (taken, b.nesting) {
                    (Value::Null, Nesting::List) => Value::List(Vec::new()),
                    (Value::Null, Nesting::Set) => Value::Set(Vec::new()),
                    (Value::List(items), _) => Value::List(block_items(items, &b.schema)),
                    (Value::Set(items), _) => Value::Set(block_items(items, &b.schema)),
                    (other @ (Value::Map(_) | Value::Sensitive(_)), _) => {
                        empty_collections(other, &b.schema)
                    }
                    (other, _) => other,
                };
            }
            Value::Map(m)
        }
        other => other,
    }
}

fn block_items(items: Vec<Value>, schema: &Schema) -> Vec<Value> {
    items
        .into_iter()
        .map(|i| empty_collections(i, schema))
        .collect()
}

/// The value as JSON with unknown parts left out (in sequences, where order matters,
/// they are null) and sensitive parts null; `None` when the value itself is unknown.
pub fn known(v: &Value) -> Option<Json> {
    match v {
        Value::Unknown => None,
        Value::Sensitive(inner) if inner.is_unknown() => None,
        Value::Sensitive(_) => Some(Json::Null),
        Value::List(items) | Value::Set(items) => Some(Json::Array(
            items
                .iter()
                .map(|i| known(i).unwrap_or(Json::Null))
                .collect(),
        )),
        Value::Map(m) => Some(Json::Object(
            m.iter()
                .filter_map(|(k, v)| known(v).map(|j| (k.clone(), j)))
                .collect(),
        )),
        other => Some(other.to_json()),
    }
}

/// Terraform's `after_unknown` mirror: `true` where unknown; sequences keep one entry per
/// element; objects keep only entries that are not `false`; everything else `false`.
pub fn unknown_mirror(v: &Value) -> Json {
    match v {
        Value::Unknown => Json::Bool(true),
        Value::Sensitive(inner) => unknown_mirror(inner),
        Value::List(items) | Value::Set(items) => {
            Json::Array(items.iter().map(unknown_mirror).collect())
        }
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), unknown_mirror(v)))
                .filter(|(_, j)| *j != Json::Bool(false))
                .collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// Terraform's `*_sensitive` mirror, shaped as [`unknown_mirror`] is.
pub fn sensitive_mirror(v: &Value) -> Json {
    match v {
        Value::Sensitive(_) => Json::Bool(true),
        Value::List(items) | Value::Set(items) => {
            Json::Array(items.iter().map(sensitive_mirror).collect())
        }
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), sensitive_mirror(v)))
                .filter(|(_, j)| *j != Json::Bool(false))
                .collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// A change's `after_unknown`: `{}` when nothing is unknown (or there is no after).
pub fn after_unknown(after: Option<&Value>) -> Json {
    match after {
        Some(v) if !v.is_wholly_known() => unknown_mirror(v),
        _ => Json::Object(Map::new()),
    }
}

/// A change's `before` and `after` with sensitive parts hidden (see the module's doc);
/// unknowns are left out of `after`, and a missing side is null.
pub fn change_pair(before: Option<&Value>, after: Option<&Value>) -> (Json, Json) {
    let before_json = before.map_or(Json::Null, |b| {
        hide(b, after, OLD_SECRET).unwrap_or(Json::Null)
    });
    let after_json = after.map_or(Json::Null, |a| {
        hide(a, before, NEW_SECRET).unwrap_or(Json::Null)
    });
    (before_json, after_json)
}

/// `v` as JSON beside `other` (the other side of the change at the same place).
fn hide(v: &Value, other: Option<&Value>, placeholder: &str) -> Option<Json> {
    let other_sensitive = other.is_some_and(Value::is_sensitive);
    if v.is_sensitive() || other_sensitive {
        let (inner, sensitive) = v.unmark();
        if inner.is_unknown() {
            return None;
        }
        let same = other.is_some_and(|o| plain(o) == plain(v));
        return Some(match (sensitive, same) {
            (_, _) if inner.is_null() => Json::Null,
            // Equal to a value the other side shows in the clear: nothing secret here.
            (true, true) if !other_sensitive => known(inner).unwrap_or(Json::Null),
            (true, true) => Json::Null,
            (true, false) => Json::String(placeholder.to_string()),
            (false, _) => known(inner).unwrap_or(Json::Null),
        });
    }
    let other = other.map(|o| o.unmark().0);
    match v {
        Value::Unknown => None,
        Value::List(items) | Value::Set(items) => {
            let others = other.and_then(Value::as_items).unwrap_or(&[]);
            Some(Json::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| hide(item, others.get(i), placeholder).unwrap_or(Json::Null))
                    .collect(),
            ))
        }
        Value::Map(m) => {
            let others = other.and_then(Value::as_map);
            Some(Json::Object(
                m.iter()
                    .filter_map(|(k, item)| {
                        hide(item, others.and_then(|o| o.get(k)), placeholder)
                            .map(|j| (k.clone(), j))
                    })
                    .collect(),
            ))
        }
        other => Some(other.to_json()),
    }
}

fn plain(v: &Value) -> Value {
    v.clone().unmark_deep().0
}

/// A single value's attributes as the `values` of a resource in planned values or
/// state: unknown and sensitive parts left out as [`known`] does; null for no object.
pub fn attribute_values(v: Option<&Value>) -> Json {
    match v.and_then(known) {
        Some(Json::Object(m)) => Json::Object(m),
        _ => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iac_provider::{Attribute, NestedBlock};
    use serde_json::json;

    fn secret(s: &str) -> Value {
        Value::from(s).mark_sensitive()
    }

    #[test]
    fn unknowns_are_left_out_and_mirrored() {
        let v = Value::object([
            ("id", Value::Unknown),
            ("name", Value::from("web")),
            (
                "ports",
                Value::List(vec![Value::from(22.0), Value::Unknown]),
            ),
            ("tags", Value::object([("a", Value::from("b"))])),
        ]);
        assert_eq!(
            known(&v).unwrap(),
            json!({"name": "web", "ports": [22, null], "tags": {"a": "b"}})
        );
        assert_eq!(
            after_unknown(Some(&v)),
            json!({"id": true, "ports": [false, true], "tags": {}})
        );
        let all_known = Value::object([("name", Value::from("web"))]);
        assert_eq!(after_unknown(Some(&all_known)), json!({}));
        assert_eq!(after_unknown(None), json!({}));
        assert_eq!(known(&Value::Unknown), None);
    }

    #[test]
    fn null_collections_of_the_schema_become_empty() {
        let schema = Schema::new(
            [
                ("cidrs", Attribute::optional(Type::list(Type::String))),
                ("groups", Attribute::optional(Type::set(Type::String))),
                ("tags", Attribute::optional(Type::map(Type::String))),
            ],
            [
                (
                    "ingress",
                    NestedBlock::list(Schema::new(
                        [("ports", Attribute::optional(Type::list(Type::Number)))],
                        [],
                    )),
                ),
                ("egress", NestedBlock::list(Schema::default())),
                ("single", NestedBlock::single(Schema::default())),
            ],
        );
        let v = Value::object([
            ("cidrs", Value::Null),
            ("groups", Value::Null),
            ("tags", Value::Null),
            (
                "ingress",
                Value::List(vec![Value::object([("ports", Value::Null)])]),
            ),
            ("egress", Value::Null),
            ("single", Value::Null),
        ]);
        assert_eq!(
            known(&prepare(&v, Some(&schema))).unwrap(),
            json!({"cidrs": [], "groups": [], "tags": null, "ingress": [{"ports": []}], "egress": [], "single": null})
        );
    }

    #[test]
    fn schema_sensitive_attributes_are_marked() {
        let schema = Schema::new(
            [("password", Attribute::optional(Type::String).sensitive())],
            [],
        );
        let v = prepare(
            &Value::object([("password", Value::from("hunter2"))]),
            Some(&schema),
        );
        assert_eq!(sensitive_mirror(&v), json!({"password": true}));
        assert_eq!(known(&v).unwrap(), json!({"password": null}));
    }

    #[test]
    fn a_changed_secret_shows_as_a_change_without_its_value() {
        let before = Value::object([("password", secret("old-pw")), ("name", Value::from("db"))]);
        let after = Value::object([("password", secret("new-pw")), ("name", Value::from("db"))]);
        let (b, a) = change_pair(Some(&before), Some(&after));
        assert_eq!(b, json!({"name": "db", "password": OLD_SECRET}));
        assert_eq!(a, json!({"name": "db", "password": NEW_SECRET}));
        assert!(!format!("{b}{a}").contains("-pw"));

        let (b, a) = change_pair(Some(&before), Some(&before));
        assert_eq!(b, json!({"name": "db", "password": null}), "unchanged");
        assert_eq!(a, b);

        let created = Value::object([
            ("password", secret("pw")),
            ("none", Value::Null.mark_sensitive()),
        ]);
        let (b, a) = change_pair(None, Some(&created));
        assert_eq!(b, Json::Null);
        assert_eq!(a, json!({"password": NEW_SECRET, "none": null}));

        let unknown = Value::object([("password", Value::Unknown.mark_sensitive())]);
        let (_, a) = change_pair(Some(&before), Some(&unknown));
        assert_eq!(
            a,
            json!({}),
            "an unknown secret is left out like any unknown"
        );
    }
}
