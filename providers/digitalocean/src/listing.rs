//! What the listings of every type share ([`iac_provider::list`]): their filter schemas,
//! the pages of a listing with its filters, and the objects found.

use iac_provider::values::string;
use iac_provider::{Attribute, Error, ListRequest, Listed, Schema};
use iac_value::{Type, Value};
use serde_json::Value as Json;

use crate::api::Api;

/// A filter schema of optional strings, and the required ones.
pub fn schema(optional: &[&str], required: &[&str]) -> Schema {
    let optional = optional
        .iter()
        .map(|k| (*k, Attribute::optional(Type::String)));
    let required = required
        .iter()
        .map(|k| (*k, Attribute::required(Type::String)));
    Schema {
        attributes: optional
            .chain(required)
            .map(|(k, a)| (k.to_string(), a))
            .collect(),
        blocks: Default::default(),
    }
}

/// A string filter, when it is set.
pub fn filter(request: &ListRequest, key: &str) -> Option<String> {
    string(&request.filter, key)
}

/// Whether `name` starts with the request's `name_prefix` (any name without one).
pub fn has_prefix(request: &ListRequest, name: Option<&str>) -> bool {
    match filter(request, "name_prefix") {
        Some(prefix) => name.is_some_and(|n| n.starts_with(&prefix)),
        None => true,
    }
}

/// The items under `key` of every page of `path` that `keep` accepts, up to the
/// request's limit.
pub async fn pages(
    api: &Api,
    path: &str,
    key: &str,
    request: &ListRequest,
    keep: impl Fn(&Json) -> bool,
) -> Result<Vec<Json>, Error> {
    api.list_pages(path, key, request.limit, keep)
        .await
        .map_err(|f| f.into_error(&format!("GET {}", path.split('?').next().unwrap_or(path))))
}

/// One object found, its state (as `import` reads it) made only when the request
/// includes the resource.
pub fn found(
    request: &ListRequest,
    id: String,
    display_name: Option<&str>,
    state: impl FnOnce() -> Value,
) -> Listed {
    Listed {
        display_name: display_name
            .filter(|n| !n.is_empty())
            .map_or_else(|| id.clone(), str::to_string),
        id,
        state: request.include_resource.then(state),
        written: Value::Null,
    }
}
