//! What the resource types' `find_created` share: reading the candidates a search
//! turned up, and telling whether what exists is what a create sent.

use iac_provider::{Error, Found};
use iac_value::Value;

use crate::client::AwsClients;
use crate::resource::Resource;

/// The states of the objects `ids` names (`id_attr` set in a copy of `planned`, so
/// that `read` sees the planned tags and settings it keeps from the configuration),
/// each complete when `complete` says so. An object gone meanwhile is left out.
pub async fn read_all(
    resource: &dyn Resource<AwsClients>,
    aws: &AwsClients,
    planned: &Value,
    id_attr: &str,
    ids: impl IntoIterator<Item = String>,
    complete: impl Fn(&Value) -> bool,
) -> Result<Vec<Found>, Error> {
    let mut out = Vec::new();
    for id in ids {
        let seed = crate::values::with(planned.clone(), id_attr, Value::from(id));
        if let Some(state) = resource.read(aws, &seed).await? {
            out.push(Found {
                complete: complete(&state),
                state,
            });
        }
    }
    Ok(out)
}

/// What a search by name turned up (`state`, if anything), complete when `complete`
/// says so.
pub fn at_most_one(state: Option<Value>, complete: impl Fn(&Value) -> bool) -> Vec<Found> {
    state
        .map(|state| Found {
            complete: complete(&state),
            state,
        })
        .into_iter()
        .collect()
}

/// `planned` with the id a create was given set as both `attr` and `id`.
pub fn known_as(planned: &Value, attr: &str, id: &str) -> Value {
    crate::values::with(
        crate::values::with(planned.clone(), attr, Value::from(id)),
        "id",
        Value::from(id),
    )
}

/// Whether `actual` holds what `planned` says for each of `names` that the plan knew
/// (null in a journaled plan means unknown, or not set: either way not compared).
pub fn sent(actual: &Value, planned: &Value, names: &[&str]) -> bool {
    names.iter().all(|name| {
        let want = planned.get(name);
        want.is_null() || !want.is_wholly_known() || actual.get(name) == want
    })
}

/// Whether the object's tags are the planned `tags_all` (tagging done).
pub fn tagged(actual: &Value, planned: &Value) -> bool {
    crate::values::string_map(actual, "tags_all") == crate::values::string_map(planned, "tags_all")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_plan_knew_is_compared() {
        let planned = Value::object([
            ("name", Value::from("web")),
            ("vpc_id", Value::Null),
            ("port", Value::Unknown),
        ]);
        let actual = Value::object([
            ("name", Value::from("web")),
            ("vpc_id", Value::from("vpc-1")),
            ("port", Value::from(80i64)),
        ]);
        assert!(sent(&actual, &planned, &["name", "vpc_id", "port"]));
        let other = crate::values::with(actual, "name", Value::from("db"));
        assert!(!sent(&other, &planned, &["name"]));
    }
}
