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

    #[test]
    fn unknown_mirror() {
        let v = Value::object([("id", Value::Unknown), ("name", Value::from("x"))]);
        assert_eq!(v.unknown_json(), serde_json::json!({"id": true}));
    }
}
