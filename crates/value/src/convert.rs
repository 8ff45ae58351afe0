use std::collections::BTreeMap;

use crate::{Type, Value, display_number};

/// Converts `value` to type `ty` as Terraform does for variables and attributes:
/// `"5"` becomes `5` for a number, a tuple becomes a list, an object a map, and absent
/// optional object attributes take their default. Unknown and null pass through;
/// sensitive marks are kept. The error names the path that failed, but never shows a
/// sensitive value (nor the map keys under one).
pub fn convert(value: Value, ty: &Type) -> Result<Value, String> {
    convert_at(value, ty, "", false)
}

/// `hidden`: whether `value` sits inside a sensitive value.
fn convert_at(value: Value, ty: &Type, at: &str, hidden: bool) -> Result<Value, String> {
    let (value, sensitive) = value.into_unmarked();
    let hidden = hidden || sensitive;
    let the_string = |s: &str| {
        if hidden {
            "a sensitive string".to_string()
        } else {
            format!("the string \"{s}\"")
        }
    };
    let converted = match (value, ty) {
        (v @ (Value::Null | Value::Unknown), _) => Ok(v),
        (v, Type::Any) => Ok(v),
        (Value::String(s), Type::String) => Ok(Value::String(s)),
        (Value::Number(n), Type::String) => Ok(Value::String(display_number(n))),
        (Value::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (Value::Number(n), Type::Number) => Ok(Value::Number(n)),
        (Value::String(s), Type::Number) => s
            .trim()
            .parse::<f64>()
            .map(Value::Number)
            .map_err(|_| mismatch(at, ty, &the_string(&s))),
        (Value::Bool(b), Type::Bool) => Ok(Value::Bool(b)),
        (Value::String(s), Type::Bool) => match s.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(mismatch(at, ty, &the_string(&s))),
        },
        (Value::List(items) | Value::Set(items), Type::List(elem)) => {
            convert_items(items, elem, at, hidden).map(Value::List)
        }
        (Value::List(items) | Value::Set(items), Type::Set(elem)) => {
            convert_items(items, elem, at, hidden).map(Value::set)
        }
        (Value::List(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(format!(
                    "{}a tuple of {} elements is required, got {}",
                    prefix(at),
                    types.len(),
                    items.len()
                ));
            }
            items
                .into_iter()
                .zip(types)
                .enumerate()
                .map(|(i, (v, t))| convert_at(v, t, &format!("{at}[{i}]"), hidden))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List)
        }
        (Value::Map(map), Type::Map(elem)) => map
            .into_iter()
            .map(|(k, v)| {
                let path = if hidden {
                    format!("{at}[(sensitive key)]")
                } else {
                    format!("{at}[\"{k}\"]")
                };
                convert_at(v, elem, &path, hidden).map(|v| (k, v))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(Value::Map),
        (Value::Map(mut map), Type::Object(attrs)) => {
            let mut out = BTreeMap::new();
            for (name, attr) in attrs {
                let path = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                match map.remove(name) {
                    Some(v) if !v.is_null() => {
                        out.insert(name.clone(), convert_at(v, &attr.ty, &path, hidden)?);
                    }
                    _ if attr.optional => {
                        let default = attr.default.clone().unwrap_or(Value::Null);
                        out.insert(name.clone(), convert_at(default, &attr.ty, &path, hidden)?);
                    }
                    Some(_) => {
                        out.insert(name.clone(), Value::Null);
                    }
                    None => {
                        return Err(format!("{}attribute \"{name}\" is required", prefix(at)));
                    }
                }
            }
            if let Some(extra) = map.keys().next() {
                let extra = if hidden { "(sensitive key)" } else { extra };
                return Err(format!(
                    "{}unexpected attribute \"{extra}\"; the object type has no such attribute",
                    prefix(at)
                ));
            }
            Ok(Value::Map(out))
        }
        (v, ty) => Err(mismatch(at, ty, &describe(&v))),
    }?;
    Ok(converted.mark_if(sensitive))
}

fn convert_items(
    items: Vec<Value>,
    elem: &Type,
    at: &str,
    hidden: bool,
) -> Result<Vec<Value>, String> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| convert_at(v, elem, &format!("{at}[{i}]"), hidden))
        .collect()
}

fn prefix(at: &str) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Map(_) => "an object".into(),
        Value::List(_) => "a tuple".into(),
        Value::Set(_) => "a set".into(),
        other => format!("a {}", other.type_name()),
    }
}

fn mismatch(at: &str, ty: &Type, got: &str) -> String {
    format!("{}{ty} required, but got {got}", prefix(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjectAttr;

    #[test]
    fn strings_become_numbers_and_back() {
        assert_eq!(convert("5".into(), &Type::Number), Ok(Value::Number(5.0)));
        assert_eq!(convert(Value::Number(5.0), &Type::String), Ok("5".into()));
        assert!(convert("five".into(), &Type::Number).is_err());
    }

    #[test]
    fn optional_attributes_take_defaults() {
        let ty = Type::Object(BTreeMap::from([
            ("name".to_string(), ObjectAttr::required(Type::String)),
            (
                "size".to_string(),
                ObjectAttr {
                    ty: Type::Number,
                    optional: true,
                    default: Some(Value::Number(1.0)),
                },
            ),
        ]));
        let v = convert(Value::object([("name", Value::from("a"))]), &ty).unwrap();
        assert_eq!(v.get("size"), &Value::Number(1.0));
        let err = convert(Value::object([("size", Value::from(2i64))]), &ty).unwrap_err();
        assert!(err.contains("\"name\" is required"), "{err}");
    }

    #[test]
    fn marks_survive_conversion() {
        let v = convert(Value::from("3").mark_sensitive(), &Type::Number).unwrap();
        assert_eq!(v, Value::Number(3.0).mark_sensitive());
        assert_eq!(convert(Value::Unknown, &Type::String), Ok(Value::Unknown));
    }

    #[test]
    fn errors_never_show_sensitive_values() {
        let err = convert(Value::from("hunter2").mark_sensitive(), &Type::Number).unwrap_err();
        assert_eq!(err, "number required, but got a sensitive string");
        let nested = Value::object([("hunter2", Value::from("hunter2"))]).mark_sensitive();
        let err = convert(nested, &Type::map(Type::Bool)).unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        let err = convert(Value::from("five"), &Type::Number).unwrap_err();
        assert!(
            err.contains("\"five\""),
            "plain values are still shown: {err}"
        );
    }

    #[test]
    fn errors_name_the_path() {
        let ty = Type::map(Type::Number);
        let err = convert(Value::object([("a", Value::from("x"))]), &ty).unwrap_err();
        assert!(err.starts_with("[\"a\"]: number required"), "{err}");
    }
}
