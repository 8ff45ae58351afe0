//! Converting between state entries (JSON) and values (with marks).

use iac_provider::{Nesting, Schema};
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

/// A JSON object read back as a value of `schema` (sets and numbers restored, blocks
/// in the schema's shape), with `sensitive` paths marked.
pub fn value_from_json(
    json: &serde_json::Value,
    schema: Option<&Schema>,
    sensitive: &[Path],
) -> Value {
    let raw = Value::from_json(json);
    match schema {
        Some(s) => {
            let sensitive: Vec<Path> = sensitive.iter().map(|p| upgrade_path(p, s)).collect();
            fill_missing(upgrade_blocks(raw, s), s).mark_paths(&sensitive)
        }
        None => raw.mark_paths(sensitive),
    }
}

/// Brings blocks recorded in an older shape to the schema's: state written while blocks
/// given at most once were objects holds an object (or null) where a list (or set) of
/// blocks is now expected, and gets a list of that one object (or an empty one).
fn upgrade_blocks(v: Value, schema: &Schema) -> Value {
    let Value::Map(mut m) = v else {
        return v;
    };
    for (name, b) in &schema.blocks {
        let Some(recorded) = m.remove(name) else {
            continue;
        };
        let upgraded = match (b.nesting, recorded) {
            (Nesting::Single, obj) => upgrade_blocks(obj, &b.schema),
            (_, Value::Null) => Value::List(Vec::new()),
            (_, obj @ Value::Map(_)) => Value::List(vec![upgrade_blocks(obj, &b.schema)]),
            (_, Value::List(items)) => Value::List(
                items
                    .into_iter()
                    .map(|i| upgrade_blocks(i, &b.schema))
                    .collect(),
            ),
            (_, other) => other,
        };
        m.insert(name.clone(), upgraded);
    }
    Value::Map(m)
}

/// A sensitive path recorded in an older shape (through a block that was an object)
/// as it reads in the schema's: an index 0 after the name of each such block.
fn upgrade_path(path: &Path, schema: &Schema) -> Path {
    let mut out = Vec::with_capacity(path.len() + 1);
    let mut at = Some(schema);
    let mut steps = path.iter().peekable();
    while let Some(step) = steps.next() {
        out.push(step.clone());
        let block = match (step, at) {
            (PathStep::Key(k), Some(s)) => s.blocks.get(k),
            _ => None,
        };
        at = block.map(|b| &b.schema);
        if let Some(b) = block
            && b.nesting != Nesting::Single
        {
            match steps.peek() {
                Some(PathStep::Index(_)) => out.push(steps.next().expect("peeked").clone()),
                Some(_) => out.push(PathStep::Index(0)),
                None => {}
            }
        }
    }
    out
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
