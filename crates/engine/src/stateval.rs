//! Converting between state entries (JSON) and values (with marks).

use iac_provider::Schema;
use iac_state::{PathStepJson, ResourceState};
use iac_value::{Path, PathStep, Value, convert};

/// Sensitive paths as the state file writes them.
pub fn paths_to_json(paths: &[Path]) -> Vec<Vec<PathStepJson>> {
    paths
        .iter()
        .map(|p| {
            p.iter()
                .map(|s| match s {
                    PathStep::Key(k) => PathStepJson::GetAttr(k.clone()),
                    PathStep::Index(i) => PathStepJson::Index(serde_json::Value::from(*i)),
                })
                .collect()
        })
        .collect()
}

/// Sensitive paths from the state file.
pub fn paths_from_json(paths: &[Vec<PathStepJson>]) -> Vec<Path> {
    paths
        .iter()
        .map(|p| {
            p.iter()
                .map(|s| match s {
                    PathStepJson::GetAttr(k) => PathStep::Key(k.clone()),
                    PathStepJson::Index(serde_json::Value::Number(n)) => {
                        PathStep::Index(n.as_u64().unwrap_or(0) as usize)
                    }
                    PathStepJson::Index(other) => {
                        PathStep::Key(other.as_str().unwrap_or_default().to_string())
                    }
                })
                .collect()
        })
        .collect()
}

/// A JSON object read back as a value of `schema` (sets and numbers restored), with
/// `sensitive` paths marked.
pub fn value_from_json(
    json: &serde_json::Value,
    schema: Option<&Schema>,
    sensitive: &[Path],
) -> Value {
    let raw = Value::from_json(json);
    let typed = match schema {
        Some(s) => fill_missing(raw, s),
        None => raw,
    };
    typed.mark_paths(sensitive)
}

/// A JSON value read back with its unknown and sensitive mirrors (as plan JSON and the
/// plan file write them), at the type of `schema`. The marks go on before the
/// conversion, while lists still stand where the sets were, in the order written.
pub fn value_with_marks(
    json: &serde_json::Value,
    unknown: &serde_json::Value,
    sensitive: &serde_json::Value,
    schema: Option<&Schema>,
) -> Value {
    let marked = Value::from_json(json).with_json_marks(unknown, sensitive);
    match schema {
        Some(s) => fill_missing(marked, s),
        None => marked,
    }
}

/// Converts to the schema's type, adding attributes a newer schema has.
fn fill_missing(v: Value, schema: &Schema) -> Value {
    let ty = schema.value_type();
    match convert(v.clone(), &ty) {
        Ok(typed) => typed,
        Err(_) => v,
    }
}

/// The value recorded in a state entry.
pub fn state_value(rs: &ResourceState, schema: Option<&Schema>) -> Value {
    value_from_json(
        &rs.attributes,
        schema,
        &paths_from_json(&rs.sensitive_attributes),
    )
}

/// The attributes and sensitive paths of a value, for a state entry.
pub fn to_state_parts(
    value: &Value,
    schema: Option<&Schema>,
) -> (serde_json::Value, Vec<Vec<PathStepJson>>) {
    let (plain, mut paths) = value.clone().unmark_deep();
    if let Some(s) = schema {
        for p in s.sensitive_paths(&plain) {
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    paths.sort();
    (plain.to_json(), paths_to_json(&paths))
}
