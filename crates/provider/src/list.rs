//! Listing the objects of a type that exist in the cloud, page by page: the one
//! capability that `iac query` and `iac adopt` use to discover objects, drift detection
//! to find what no stack manages, and refresh to read many objects in one call.
//!
//! A type that can be listed declares the filters its listing takes (the `config`
//! block of a `list` block) as a [`Schema`](crate::Schema) in
//! [`ProviderSchema::lists`](crate::ProviderSchema::lists). The provider follows the
//! API's pagination to the end, or until the request's limit.

use iac_value::Value;

/// What a listing asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    /// The filters: the `config` block decoded against the type's list schema, an
    /// object whose unset filters are null.
    pub filter: Value,
    /// Whether each object's full state is wanted, as `import` reads it (a `list`
    /// block's `include_resource`). Without it only ids and names are returned, which
    /// costs no more calls than the pages of the listing where the API allows.
    pub include_resource: bool,
    /// At most this many objects; `None` lists them all.
    pub limit: Option<usize>,
}

/// One object a listing found.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// The id that `import` (and an `import` block's `id`) takes.
    pub id: String,
    /// What people call it: its `Name` tag, its name, its domain; else the id.
    pub display_name: String,
    /// Its full state as `import` reads it, when [`ListRequest::include_resource`].
    pub state: Option<Value>,
    /// Values the state keeps only as a digest (an instance's `user_data`), as a
    /// configuration writes them: an object of those attributes, or null.
    pub written: Value,
}

impl Listed {
    /// The state as a configuration would write it: the written values in place of
    /// their digests.
    pub fn state_as_written(&self) -> Option<Value> {
        let mut state = self.state.clone()?;
        if let (Value::Map(s), Value::Map(w)) = (&mut state, &self.written) {
            s.extend(w.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Some(state)
    }
}

/// The error of a resource type that cannot be listed.
pub fn cannot_list(type_name: &str) -> crate::Error {
    crate::Error::new(format!("resource type \"{type_name}\" cannot be listed"))
}
