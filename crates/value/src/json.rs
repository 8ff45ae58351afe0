//! Conversion between [`Value`] and JSON, as used by the state file, plan JSON and
//! `jsonencode`/`jsondecode`.

use crate::{Value, display_number};

impl Value {
    /// The value as JSON. Unknown becomes null and marks are dropped: callers that must
    /// keep them record them beside the JSON (as the state file and plan JSON do).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Unknown => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) | Value::Set(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Map(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
            Value::Sensitive(inner) => inner.to_json(),
        }
    }

    /// A JSON document as a value: arrays become lists (tuples), objects objects.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// A JSON mirror of the value's unknown parts, as in Terraform's `after_unknown`:
    /// `true` where unknown, objects and arrays where something inside is, else `false`.
    pub fn unknown_json(&self) -> serde_json::Value {
        match self {
            Value::Unknown => serde_json::Value::Bool(true),
            Value::Sensitive(inner) => inner.unknown_json(),
            Value::List(items) | Value::Set(items) if !self.is_wholly_known() => {
                serde_json::Value::Array(items.iter().map(Value::unknown_json).collect())
            }
            Value::Map(map) if !self.is_wholly_known() => serde_json::Value::Object(
                map.iter()
                    .filter(|(_, v)| !v.is_wholly_known())
                    .map(|(k, v)| (k.clone(), v.unknown_json()))
                    .collect(),
            ),
            Value::List(_) | Value::Set(_) | Value::Map(_) => {
                serde_json::Value::Object(Default::default())
            }
            _ => serde_json::Value::Bool(false),
        }
    }

    /// A JSON mirror of the value's sensitive parts, as in Terraform's `after_sensitive`.
    pub fn sensitive_json(&self) -> serde_json::Value {
        match self {
            Value::Sensitive(_) => serde_json::Value::Bool(true),
            Value::List(items) | Value::Set(items) if self.contains_sensitive() => {
                serde_json::Value::Array(items.iter().map(Value::sensitive_json).collect())
            }
            Value::Map(map) if self.contains_sensitive() => serde_json::Value::Object(
                map.iter()
                    .filter(|(_, v)| v.contains_sensitive())
                    .map(|(k, v)| (k.clone(), v.sensitive_json()))
                    .collect(),
            ),
            Value::List(_) | Value::Set(_) | Value::Map(_) => {
                serde_json::Value::Object(Default::default())
            }
            _ => serde_json::Value::Bool(false),
        }
    }

    /// Puts back the marks that [`Value::unknown_json`] and [`Value::sensitive_json`]
    /// recorded: `self` is the value read from JSON (lists where sets were, in the same
    /// order), `unknown` and `sensitive` its mirrors. The inverse of writing all three.
    pub fn with_json_marks(
        self,
        unknown: &serde_json::Value,
        sensitive: &serde_json::Value,
    ) -> Value {
        self.with_unknowns(unknown).with_sensitives(sensitive)
    }

    fn with_unknowns(self, mirror: &serde_json::Value) -> Value {
        match (self, mirror) {
            (_, serde_json::Value::Bool(true)) => Value::Unknown,
            (Value::Map(m), serde_json::Value::Object(mm)) => Value::Map(
                m.into_iter()
                    .map(|(k, v)| {
                        let v = match mm.get(&k) {
                            Some(mk) => v.with_unknowns(mk),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            (Value::List(items), serde_json::Value::Array(ma)) => {
                Value::List(zip_mirror(items, ma, Value::with_unknowns))
            }
            (Value::Set(items), serde_json::Value::Array(ma)) => {
                Value::Set(zip_mirror(items, ma, Value::with_unknowns))
            }
            (v, _) => v,
        }
    }

    fn with_sensitives(self, mirror: &serde_json::Value) -> Value {
        match (self, mirror) {
            (v, serde_json::Value::Bool(true)) => v.mark_sensitive(),
            (Value::Map(m), serde_json::Value::Object(mm)) => Value::Map(
                m.into_iter()
                    .map(|(k, v)| {
                        let v = match mm.get(&k) {
                            Some(mk) => v.with_sensitives(mk),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            (Value::List(items), serde_json::Value::Array(ma)) => {
                Value::List(zip_mirror(items, ma, Value::with_sensitives))
            }
            (Value::Set(items), serde_json::Value::Array(ma)) => {
                Value::Set(zip_mirror(items, ma, Value::with_sensitives))
            }
            (v, _) => v,
        }
    }
}

/// Applies `mark` to each item with its mirror element (items past the mirror's end
/// stay as they are).
fn zip_mirror(
    items: Vec<Value>,
    mirror: &[serde_json::Value],
    mark: fn(Value, &serde_json::Value) -> Value,
) -> Vec<Value> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| match mirror.get(i) {
            Some(m) => mark(v, m),
            None => v,
        })
        .collect()
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| serde_json::Value::String(display_number(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_integers() {
        let json = serde_json::json!({"a": [1, 2.5, "x", null, true], "b": {"c": 3}});
        let v = Value::from_json(&json);
        assert_eq!(v.to_json(), json);
    }

    /// Every shape, with unknown and sensitive marks at every depth, survives being
    /// written as JSON with its two mirrors and read back at its type.
    #[test]
    fn marks_round_trip_through_json_mirrors() {
        use crate::{ObjectAttr, Type, convert};
        let secret = || Value::from("hunter2").mark_sensitive();
        let object_ty = |attrs: &[(&str, Type)]| {
            Type::Object(
                attrs
                    .iter()
                    .map(|(k, t)| (k.to_string(), ObjectAttr::required(t.clone())))
                    .collect(),
            )
        };
        let inner_ty = object_ty(&[
            ("id", Type::String),
            ("groups", Type::Set(Box::new(Type::String))),
            ("pw", Type::String),
        ]);
        let inner = |id: Value, groups: Vec<Value>, pw: Value| {
            Value::object([("id", id), ("groups", Value::set(groups)), ("pw", pw)])
        };
        let cases: Vec<(Value, Type)> = vec![
            (Value::Unknown, Type::String),
            (secret(), Type::String),
            (Value::Unknown.mark_sensitive(), Type::String),
            (Value::Null.mark_sensitive(), Type::String),
            (
                Value::set(vec!["sg-1".into(), Value::Unknown, secret()]),
                Type::Set(Box::new(Type::String)),
            ),
            (
                Value::set(vec!["b".into(), "a".into()]).mark_sensitive(),
                Type::Set(Box::new(Type::String)),
            ),
            (
                Value::List(vec![Value::Unknown, "x".into(), secret()]),
                Type::list(Type::String),
            ),
            (
                Value::object([("a", secret()), ("b", Value::Unknown), ("c", "c".into())]),
                Type::map(Type::String),
            ),
            (
                Value::List(vec![
                    Value::from(1i64),
                    secret(),
                    Value::Unknown,
                    Value::Bool(true),
                ]),
                Type::Tuple(vec![Type::Number, Type::String, Type::String, Type::Bool]),
            ),
            (
                Value::object([
                    (
                        "rules",
                        Value::List(vec![
                            inner(Value::Unknown, vec!["a".into(), Value::Unknown], secret()),
                            inner("r-1".into(), vec![secret(), "z".into()], "open".into()),
                            inner("r-2".into(), vec![], Value::Unknown.mark_sensitive()),
                        ]),
                    ),
                    // (marks inside a sensitive value say nothing more, so none here)
                    (
                        "by_name",
                        Value::object([(
                            "x",
                            inner("x".into(), vec![Value::Unknown], "pw".into()),
                        )])
                        .mark_sensitive(),
                    ),
                    (
                        "sets",
                        Value::set(vec![
                            Value::set(vec![Value::Unknown]),
                            Value::set(vec![secret(), "q".into()]),
                        ]),
                    ),
                ]),
                object_ty(&[
                    ("rules", Type::list(inner_ty.clone())),
                    ("by_name", Type::map(inner_ty.clone())),
                    (
                        "sets",
                        Type::Set(Box::new(Type::Set(Box::new(Type::String)))),
                    ),
                ]),
            ),
        ];
        for (value, ty) in cases {
            let json = value.to_json();
            let read = Value::from_json(&json)
                .with_json_marks(&value.unknown_json(), &value.sensitive_json());
            let typed = convert(read, &ty).unwrap();
            assert_eq!(typed, value, "round trip of {json}");
        }
    }

    #[test]
    fn unknown_mirror() {
        let v = Value::object([("id", Value::Unknown), ("name", Value::from("x"))]);
        assert_eq!(v.unknown_json(), serde_json::json!({"id": true}));
    }
}
