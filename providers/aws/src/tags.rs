//! `tags` and `tags_all`: the provider's `default_tags` merged under a resource's own, as
//! Terraform's AWS provider does.

use std::collections::BTreeMap;

use iac_value::Value;

use crate::values::{map_value, string_map};

/// Sets the planned `tags_all` to the default tags overlaid with the resource's `tags`
/// (unknown while `tags` is).
pub fn plan_tags_all(planned: &mut Value, default_tags: &BTreeMap<String, String>) {
    let Value::Map(m) = planned else { return };
    let tags = m.get("tags").cloned().unwrap_or(Value::Null);
    let all = if !tags.is_wholly_known() {
        Value::Unknown
    } else {
        let mut all = default_tags.clone();
        all.extend(string_map(&Value::object([("t", tags)]), "t"));
        map_value(&all)
    };
    m.insert("tags_all".into(), all);
}

/// The `tags` and `tags_all` values for what AWS reports, given the last known `tags`: a
/// tag stays in `tags` if it was there, or if it is not one of the default tags.
pub fn read_tags(
    actual: &BTreeMap<String, String>,
    prior_tags: &Value,
    default_tags: &BTreeMap<String, String>,
) -> (Value, Value) {
    let prior = prior_tags.as_map();
    let own: BTreeMap<String, String> = actual
        .iter()
        .filter(|(k, v)| {
            prior.is_some_and(|p| p.contains_key(*k)) || default_tags.get(*k) != Some(*v)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags = if own.is_empty() && prior_tags.is_null() {
        Value::Null
    } else {
        map_value(&own)
    };
    (tags, map_value(actual))
}

/// What brings an object's tags from one set to another.
pub struct TagChanges {
    /// Keys to remove.
    pub removed: Vec<String>,
    /// Tags to add or change.
    pub set: BTreeMap<String, String>,
}

/// The changes from `old` tags to `new` ones, touching only what differs.
pub fn changes_between(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> TagChanges {
    TagChanges {
        removed: old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect(),
        set: new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// The changes from the prior `tags_all` to the planned one.
pub fn changes(prior: &Value, planned: &Value) -> TagChanges {
    changes_between(
        &string_map(prior, "tags_all"),
        &string_map(planned, "tags_all"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tags_merge_under_own_tags() {
        let defaults = BTreeMap::from([
            ("team".to_string(), "ops".to_string()),
            ("env".to_string(), "prod".to_string()),
        ]);
        let mut planned = Value::object([("tags", Value::object([("env", Value::from("test"))]))]);
        plan_tags_all(&mut planned, &defaults);
        assert_eq!(
            planned.get("tags_all").to_json(),
            serde_json::json!({"env": "test", "team": "ops"})
        );
    }

    #[test]
    fn changes_touch_only_what_differs() {
        let old = BTreeMap::from([
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ]);
        let new = BTreeMap::from([
            ("b".to_string(), "3".to_string()),
            ("c".to_string(), "4".to_string()),
        ]);
        let c = changes_between(&old, &new);
        assert_eq!(c.removed, vec!["a".to_string()]);
        assert_eq!(c.set, new);
        assert!(changes_between(&new, &new).set.is_empty());
    }

    #[test]
    fn reading_keeps_own_tags_apart_from_defaults() {
        let defaults = BTreeMap::from([("team".to_string(), "ops".to_string())]);
        let actual = BTreeMap::from([
            ("team".to_string(), "ops".to_string()),
            ("Name".to_string(), "x".to_string()),
        ]);
        let (tags, all) = read_tags(&actual, &Value::Null, &defaults);
        assert_eq!(tags.to_json(), serde_json::json!({"Name": "x"}));
        assert_eq!(
            all.to_json(),
            serde_json::json!({"Name": "x", "team": "ops"})
        );
    }
}
