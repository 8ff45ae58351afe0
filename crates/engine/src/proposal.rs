//! The schema-driven parts of planning a resource: the proposed new state, what forces
//! replacement, `ignore_changes`, and checking a final plan against the saved one.

use std::collections::BTreeMap;

use iac_provider::{Nesting, Schema};
use iac_value::{Path, PathStep, Value};

/// The new state the configuration proposes: configured values where set, else the
/// attribute's default, else (for computed attributes) the prior value, or unknown when
/// there is no prior object.
pub fn propose(schema: &Schema, prior: Option<&Value>, config: &Value) -> Value {
    let mut out = BTreeMap::new();
    for (name, a) in &schema.attributes {
        let configured = config.get(name);
        let v = if !configured.is_null() {
            configured.clone()
        } else if let Some(d) = &a.default {
            d.clone()
        } else if a.computed {
            match prior {
                Some(p) => p.get(name).clone(),
                None => Value::Unknown,
            }
        } else {
            Value::Null
        };
        out.insert(name.clone(), v);
    }
    for (name, b) in &schema.blocks {
        let configured = config.get(name);
        let prior_block = prior.map(|p| p.get(name));
        let v = match b.nesting {
            Nesting::Single if configured.is_null() => Value::Null,
            Nesting::Single => propose(&b.schema, prior_block.filter(|p| !p.is_null()), configured),
            Nesting::List | Nesting::Set => {
                let items = configured.as_items().unwrap_or(&[]);
                let prior_items = prior_block.and_then(Value::as_items).unwrap_or(&[]);
                let proposed: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| propose(&b.schema, prior_items.get(i), item))
                    .collect();
                if b.nesting == Nesting::Set {
                    Value::set(proposed)
                } else {
                    Value::List(proposed)
                }
            }
        };
        out.insert(name.clone(), v);
    }
    Value::Map(out)
}

fn same(a: &Value, b: &Value) -> bool {
    a.is_wholly_known()
        && b.is_wholly_known()
        && a.clone().unmark_deep().0 == b.clone().unmark_deep().0
}

/// Fills the `config_only` attributes a prior object has never recorded (as after an
/// import) from the configuration or the attribute's default: the cloud holds no value
/// to compare, so there is nothing to change.
pub fn adopt_config_only(schema: &Schema, prior: Value, config: &Value) -> Value {
    let Value::Map(mut m) = prior else {
        return prior;
    };
    for (name, a) in schema.attributes.iter().filter(|(_, a)| a.config_only) {
        if !m.get(name).is_none_or(Value::is_null) {
            continue;
        }
        let configured = config.get(name);
        let value = if configured.is_null() {
            a.default.clone()
        } else {
            Some(configured.clone()).filter(Value::is_wholly_known)
        };
        if let Some(v) = value {
            m.insert(name.clone(), v);
        }
    }
    Value::Map(m)
}

/// Whether a planned object differs from the prior one in anything but a `timeouts`
/// block: how long operations may take is not a change to the object, so setting it
/// (say, on an imported object) plans no update. The new timeouts reach the state
/// with the object's next update.
pub fn changes_object(prior: &Value, planned: &Value) -> bool {
    let without_timeouts = |v: &Value| {
        let mut plain = v.clone().unmark_deep().0;
        if let Value::Map(m) = &mut plain {
            m.remove("timeouts");
        }
        plain
    };
    without_timeouts(prior) != without_timeouts(planned)
}

/// The paths of `force_new` attributes and blocks whose planned value differs from prior.
pub fn replace_paths(schema: &Schema, prior: &Value, planned: &Value) -> Vec<Path> {
    let mut out = Vec::new();
    collect_replace(schema, prior, planned, &mut Vec::new(), &mut out);
    out
}

fn collect_replace(
    schema: &Schema,
    prior: &Value,
    planned: &Value,
    at: &mut Path,
    out: &mut Vec<Path>,
) {
    for (name, a) in &schema.attributes {
        if a.force_new && !same(prior.get(name), planned.get(name)) {
            let mut p = at.clone();
            p.push(PathStep::Key(name.clone()));
            out.push(p);
        }
    }
    for (name, b) in &schema.blocks {
        let (pv, nv) = (prior.get(name), planned.get(name));
        at.push(PathStep::Key(name.clone()));
        if b.force_new && !same(pv, nv) {
            out.push(at.clone());
        } else if b.nesting == Nesting::Single {
            if !pv.is_null() && !nv.is_null() {
                collect_replace(&b.schema, pv, nv, at, out);
            }
        } else {
            let (pi, ni) = (pv.as_items().unwrap_or(&[]), nv.as_items().unwrap_or(&[]));
            for (i, (p, n)) in pi.iter().zip(ni).enumerate() {
                at.push(PathStep::Index(i));
                collect_replace(&b.schema, p, n, at, out);
                at.pop();
            }
        }
        at.pop();
    }
}

/// Keeps the prior value at each ignored path (`ignore_changes`).
pub fn ignore_changes(mut proposed: Value, prior: &Value, paths: &[Path]) -> Value {
    proposed.copy_paths_from(prior, paths);
    proposed
}

/// Whether the value a plan promised (unknowns aside) is what the final plan gives; on
/// a mismatch, the path that differs.
pub fn inconsistency(promised: &Value, actual: &Value) -> Option<Path> {
    fn walk(p: &Value, a: &Value, at: &mut Path) -> Option<Path> {
        let (p, _) = p.unmark();
        let (a, _) = a.unmark();
        match (p, a) {
            (Value::Unknown, _) => None,
            (Value::Map(pm), Value::Map(am)) => {
                for (k, pv) in pm {
                    at.push(PathStep::Key(k.clone()));
                    let r = walk(pv, am.get(k).unwrap_or(&Value::Null), at);
                    at.pop();
                    if r.is_some() {
                        return r;
                    }
                }
                None
            }
            // A set's elements are sorted by value, so an unknown element that became
            // known may sit at any index: only the elements known at plan time must be
            // there still.
            (Value::Set(pi), Value::Set(ai)) if pi.iter().any(|v| !v.is_wholly_known()) => {
                let actual: Vec<Value> = ai.iter().map(|v| v.clone().unmark_deep().0).collect();
                let kept = pi
                    .iter()
                    .filter(|v| v.is_wholly_known())
                    .all(|v| actual.contains(&v.clone().unmark_deep().0));
                (!kept).then(|| at.clone())
            }
            (Value::List(pi), Value::List(ai)) if pi.len() == ai.len() => {
                for (i, (pv, av)) in pi.iter().zip(ai).enumerate() {
                    at.push(PathStep::Index(i));
                    let r = walk(pv, av, at);
                    at.pop();
                    if r.is_some() {
                        return r;
                    }
                }
                None
            }
            _ if p.clone().unmark_deep().0 == a.clone().unmark_deep().0 => None,
            _ => Some(at.clone()),
        }
    }
    walk(promised, actual, &mut Vec::new())
}

/// A path as the user writes it: `tags["Name"]`, `rule[0].id`.
pub fn path_string(path: &Path) -> String {
    let mut s = String::new();
    for (i, step) in path.iter().enumerate() {
        match step {
            PathStep::Key(k) if i == 0 => s.push_str(k),
            PathStep::Key(k) if k.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                s.push('.');
                s.push_str(k);
            }
            PathStep::Key(k) => s.push_str(&format!("[{}]", serde_json::Value::String(k.clone()))),
            PathStep::Index(n) => s.push_str(&format!("[{n}]")),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use iac_provider::{Attribute, NestedBlock};
    use iac_value::Type;

    fn schema() -> Schema {
        Schema::new(
            [
                ("bucket", Attribute::required(Type::String).force_new()),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("arn", Attribute::computed(Type::String)),
                (
                    "force_destroy",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
            ],
            [(
                "rule",
                NestedBlock::list(Schema::new(
                    [
                        ("id", Attribute::required(Type::String)),
                        ("status", Attribute::optional_computed(Type::String)),
                    ],
                    [],
                )),
            )],
        )
    }

    #[test]
    fn proposals_take_config_then_default_then_prior() {
        let config = Value::object([
            ("bucket", "b".into()),
            ("tags", Value::Null),
            ("arn", Value::Null),
            ("force_destroy", Value::Null),
            (
                "rule",
                Value::List(vec![Value::object([
                    ("id", "r".into()),
                    ("status", Value::Null),
                ])]),
            ),
        ]);
        let new = propose(&schema(), None, &config);
        assert_eq!(new.get("arn"), &Value::Unknown);
        assert_eq!(new.get("force_destroy"), &Value::Bool(false));
        assert_eq!(
            new.get("rule").as_items().unwrap()[0].get("status"),
            &Value::Unknown
        );
        let prior = Value::object([
            ("bucket", "b".into()),
            ("arn", "arn:b".into()),
            (
                "rule",
                Value::List(vec![Value::object([
                    ("id", "r".into()),
                    ("status", "Enabled".into()),
                ])]),
            ),
        ]);
        let again = propose(&schema(), Some(&prior), &config);
        assert_eq!(again.get("arn"), &Value::from("arn:b"));
        assert_eq!(
            again.get("rule").as_items().unwrap()[0].get("status"),
            &Value::from("Enabled")
        );
    }

    #[test]
    fn force_new_changes_are_found() {
        let prior = Value::object([("bucket", "a".into()), ("tags", Value::Null)]);
        let planned = Value::object([
            ("bucket", "b".into()),
            ("tags", Value::object([("x", "y".into())])),
        ]);
        assert_eq!(
            replace_paths(&schema(), &prior, &planned),
            vec![vec![PathStep::Key("bucket".into())]]
        );
        assert!(replace_paths(&schema(), &prior, &prior).is_empty());
    }

    #[test]
    fn consistency_ignores_unknowns() {
        let promised = Value::object([("id", Value::Unknown), ("name", "x".into())]);
        assert_eq!(
            inconsistency(
                &promised,
                &Value::object([("id", "1".into()), ("name", "x".into())])
            ),
            None
        );
        assert_eq!(
            inconsistency(
                &promised,
                &Value::object([("id", "1".into()), ("name", "y".into())])
            ),
            Some(vec![PathStep::Key("name".into())])
        );
    }

    #[test]
    fn a_set_element_that_became_known_may_sort_anywhere() {
        let groups = |items: Vec<Value>| Value::object([("groups", Value::Set(items))]);
        let promised = groups(vec!["sg-b".into(), Value::Unknown]);
        assert_eq!(
            inconsistency(&promised, &groups(vec!["sg-a".into(), "sg-b".into()])),
            None,
            "the new group sorts before the known one"
        );
        assert_eq!(
            inconsistency(&promised, &groups(vec!["sg-a".into(), "sg-c".into()])),
            Some(vec![PathStep::Key("groups".into())]),
            "a known element may not go"
        );
    }

    #[test]
    fn paths_print_like_terraform() {
        assert_eq!(
            path_string(&vec![
                PathStep::Key("tags".into()),
                PathStep::Key("Name tag".into())
            ]),
            "tags[\"Name tag\"]"
        );
        assert_eq!(
            path_string(&vec![
                PathStep::Key("rule".into()),
                PathStep::Index(0),
                PathStep::Key("id".into())
            ]),
            "rule[0].id"
        );
    }

    #[test]
    fn an_import_takes_config_only_attributes_from_the_configuration() {
        let imported = Value::object([("bucket", "b".into()), ("force_destroy", Value::Null)]);
        let config = Value::object([("bucket", "b".into()), ("force_destroy", true.into())]);
        let adopted = adopt_config_only(&schema(), imported.clone(), &config);
        assert_eq!(adopted.get("force_destroy"), &Value::Bool(true));
        let unset = Value::object([("bucket", "b".into())]);
        let adopted = adopt_config_only(&schema(), imported, &unset);
        assert_eq!(
            adopted.get("force_destroy"),
            &Value::Bool(false),
            "the default"
        );
        let recorded = Value::object([("bucket", "b".into()), ("force_destroy", false.into())]);
        assert_eq!(
            adopt_config_only(&schema(), recorded.clone(), &config),
            recorded,
            "a recorded value is a change to plan, not to adopt"
        );
    }

    #[test]
    fn timeouts_alone_are_not_a_change() {
        let prior = Value::object([("bucket", "b".into()), ("timeouts", Value::Null)]);
        let with_timeouts = Value::object([
            ("bucket", "b".into()),
            ("timeouts", Value::object([("create", "5m".into())])),
        ]);
        assert!(!changes_object(&prior, &with_timeouts));
        let renamed = Value::object([("bucket", "c".into()), ("timeouts", Value::Null)]);
        assert!(changes_object(&prior, &renamed));
    }
}
