//! Reading attributes out of values and building values back: helpers for providers.

use std::collections::BTreeMap;

use iac_value::Value;

/// A string attribute.
pub fn string(v: &Value, name: &str) -> Option<String> {
    v.get(name).as_str().map(str::to_string)
}

/// A required string attribute.
pub fn required(v: &Value, name: &str) -> Result<String, crate::Error> {
    string(v, name).ok_or_else(|| crate::Error::new(format!("\"{name}\" is required")))
}

/// A bool attribute (false when unset).
pub fn flag(v: &Value, name: &str) -> bool {
    v.get(name).as_bool().unwrap_or(false)
}

/// A whole-number attribute.
pub fn int(v: &Value, name: &str) -> Option<i64> {
    v.get(name).as_f64().map(|n| n as i64)
}

/// A map of strings attribute.
pub fn string_map(v: &Value, name: &str) -> BTreeMap<String, String> {
    v.get(name)
        .as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// A map of strings as a value (null when empty and `null_if_empty`).
pub fn map_value(m: &BTreeMap<String, String>) -> Value {
    Value::Map(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect(),
    )
}

/// The items of a nested block list.
pub fn blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).as_items().unwrap_or(&[])
}

/// The one object of a block given at most once (a list with `max_items` 1), or null
/// when the block is absent or unknown.
pub fn block<'a>(v: &'a Value, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    blocks(v, name).first().unwrap_or(&NULL)
}

/// A block given at most once as its value: `[item]`, or `[]` when `item` is null.
pub fn one_block(item: Value) -> Value {
    Value::List(if item.is_null() { vec![] } else { vec![item] })
}

/// An optional number as a value.
pub fn num<T: Into<f64>>(n: Option<T>) -> Value {
    n.map_or(Value::Null, |n| Value::Number(n.into()))
}

/// An optional string as a value.
pub fn text<S: AsRef<str>>(s: Option<S>) -> Value {
    s.map_or(Value::Null, |s| Value::from(s.as_ref()))
}

/// The strings of a list or set attribute.
pub fn strings(v: &Value, name: &str) -> Vec<String> {
    v.get(name)
        .as_items()
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// A set of strings as a value.
pub fn string_set<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::set(items.into_iter().map(|s| Value::from(s.as_ref())).collect())
}

/// A list of strings as a value.
pub fn string_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::List(items.into_iter().map(|s| Value::from(s.as_ref())).collect())
}

/// `v` with attribute `name` set to `to`.
pub fn with(mut v: Value, name: &str, to: Value) -> Value {
    if let Value::Map(m) = &mut v {
        m.insert(name.to_string(), to);
    }
    v
}

/// Whether two OpenSSH public keys are the same key: clouds drop or keep the trailing
/// comment, so only the type and the key material count.
pub fn same_ssh_key(a: &str, b: &str) -> bool {
    let material = |k: &str| k.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    material(a) == material(b)
}

#[cfg(test)]
mod tests {
    use iac_value::Value;

    #[test]
    fn a_block_given_once_is_a_list_of_one() {
        let item = Value::object([("days", Value::from(3i64))]);
        let v = Value::object([("expiration", super::one_block(item.clone()))]);
        assert_eq!(super::block(&v, "expiration"), &item);
        assert_eq!(v.get("expiration"), &Value::List(vec![item]));
        let absent = Value::object([("expiration", super::one_block(Value::Null))]);
        assert_eq!(absent.get("expiration"), &Value::List(vec![]));
        assert!(super::block(&absent, "expiration").is_null());
        assert!(super::block(&Value::Unknown, "expiration").is_null());
    }

    #[test]
    fn ssh_key_comments_do_not_count() {
        assert!(super::same_ssh_key(
            "ssh-ed25519 AAAAC3 ops@laptop\n",
            "ssh-ed25519 AAAAC3"
        ));
        assert!(!super::same_ssh_key(
            "ssh-ed25519 AAAAC3",
            "ssh-ed25519 AAAAC4"
        ));
    }
}
