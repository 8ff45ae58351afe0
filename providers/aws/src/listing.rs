//! What the listings of the AWS resource types share (see [`iac_provider::list`]): the
//! common filters (`tags`, `name_prefix`), the page loop with the reads' retries, the
//! limit, display names, and each object's state read by its type's import.

use std::collections::BTreeMap;
use std::future::Future;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use iac_provider::{Attribute, Error, ListRequest, Listed, Schema};
use iac_value::{Type, Value};

use crate::client::AwsClients;
use crate::error::{HttpStatus, api};
use crate::resource::Resource;
use crate::retry::retry;
use crate::values::{string, string_map};

/// A list schema: `tags` (every pair must match) and `name_prefix`, with `extra`.
pub fn schema<const N: usize>(extra: [(&str, Attribute); N]) -> Schema {
    let mut s = Schema::new(
        [
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("name_prefix", Attribute::optional(Type::String)),
        ],
        [],
    );
    for (name, attribute) in extra {
        s.attributes.insert(name.to_string(), attribute);
    }
    s
}

/// The common filters of a request.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub tags: BTreeMap<String, String>,
    pub name_prefix: Option<String>,
}

impl Filters {
    pub fn of(request: &ListRequest) -> Filters {
        Filters {
            tags: string_map(&request.filter, "tags"),
            name_prefix: string(&request.filter, "name_prefix"),
        }
    }

    /// Whether a name passes `name_prefix`.
    pub fn name(&self, name: &str) -> bool {
        self.name_prefix
            .as_deref()
            .is_none_or(|p| name.starts_with(p))
    }

    /// Whether an object's tags hold every pair of `tags`.
    pub fn tagged(&self, tags: &BTreeMap<String, String>) -> bool {
        self.tags.iter().all(|(k, v)| tags.get(k) == Some(v))
    }
}

/// The objects found so far, up to the request's limit.
pub struct Found {
    limit: Option<usize>,
    items: Vec<Listed>,
}

impl Found {
    pub fn new(request: &ListRequest) -> Found {
        Found {
            limit: request.limit,
            items: Vec::new(),
        }
    }

    /// Whether the limit is reached.
    pub fn full(&self) -> bool {
        self.limit.is_some_and(|n| self.items.len() >= n)
    }

    /// Adds an object (nothing once full) named `name`, or its id when `name` is empty.
    pub fn push(&mut self, id: impl Into<String>, name: Option<&str>) {
        if self.full() {
            return;
        }
        let id = id.into();
        let display_name = name
            .filter(|n| !n.is_empty())
            .map_or_else(|| id.clone(), str::to_string);
        self.items.push(Listed {
            id,
            display_name,
            state: None,
            written: Value::Null,
        });
    }

    /// The ids found.
    pub fn ids(&self) -> Vec<String> {
        self.items.iter().map(|i| i.id.clone()).collect()
    }

    /// Adds an object with its state already read.
    pub fn push_with_state(&mut self, id: impl Into<String>, name: Option<&str>, state: Value) {
        self.push(id, name);
        if let Some(last) = self.items.last_mut() {
            last.state = Some(state);
        }
    }

    /// What was found, each with the state `resource` imports when the request asks
    /// for states.
    pub async fn finish(
        self,
        resource: &dyn Resource<AwsClients>,
        aws: &AwsClients,
        request: &ListRequest,
    ) -> Result<Vec<Listed>, Error> {
        let mut items = self.items;
        if request.include_resource {
            for item in items.iter_mut().filter(|i| i.state.is_none()) {
                item.state = Some(resource.import(aws, &item.id).await?);
            }
        } else {
            for item in &mut items {
                item.state = None;
            }
        }
        Ok(items)
    }
}

/// The `Name` tag of EC2-style tags.
pub fn name_tag(tags: &BTreeMap<String, String>) -> Option<&str> {
    tags.get("Name").map(String::as_str)
}

/// Sends `send(token)` (retried as reads are) for each page, from no token, while
/// `page` returns the next page's token.
pub async fn pages<T, O, E, R, F, Fut>(
    operation: &str,
    mut send: F,
    mut page: impl FnMut(O) -> Option<T>,
) -> Result<(), Error>
where
    T: Clone,
    F: FnMut(Option<T>) -> Fut,
    Fut: Future<Output = Result<O, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: HttpStatus + std::fmt::Debug,
{
    let mut token: Option<T> = None;
    loop {
        let out = retry(operation, &[], || send(token.clone()))
            .await
            .map_err(|e| api(operation, e))?;
        match page(out) {
            Some(next) => token = Some(next),
            None => return Ok(()),
        }
    }
}

/// A page's next token, unless it is empty (the last page).
pub fn token(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_string)
}

/// A page's next token, unless it is the last page or `found` is full.
pub fn next(token: Option<&str>, found: &Found) -> Option<String> {
    self::token(token).filter(|_| !found.full())
}

/// An object whose tags must be read by another call before it can be listed: its
/// id, name, and what that call takes (an ARN).
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub key: String,
}

impl Candidate {
    /// A candidate whose id is its name.
    pub fn named(name: &str, key: &str) -> Candidate {
        Candidate {
            id: name.to_string(),
            name: name.to_string(),
            key: key.to_string(),
        }
    }
}

/// The next page's marker while more candidates may be needed: with no tag filter,
/// the limit's worth of `count` candidates suffices.
pub fn more(
    marker: Option<&str>,
    count: usize,
    f: &Filters,
    request: &ListRequest,
) -> Option<String> {
    let enough = f.tags.is_empty() && request.limit.is_some_and(|n| count >= n);
    marker
        .filter(|m| !m.is_empty() && !enough)
        .map(str::to_string)
}

/// The candidates whose tags (read by `tags_of`, only when the filter has tags) pass,
/// up to the limit.
pub async fn tagged<F, Fut>(
    request: &ListRequest,
    f: &Filters,
    candidates: Vec<Candidate>,
    mut tags_of: F,
) -> Result<Found, Error>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<BTreeMap<String, String>, Error>>,
{
    let mut found = Found::new(request);
    for c in candidates {
        if found.full() {
            break;
        }
        if f.tags.is_empty() || f.tagged(&tags_of(c.key.clone()).await?) {
            found.push(c.id, Some(c.name.as_str()));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(filter: Value, limit: Option<usize>) -> ListRequest {
        ListRequest {
            filter,
            include_resource: false,
            limit,
        }
    }

    #[test]
    fn tags_and_prefix_filter_and_the_limit_stops() {
        let f = Filters::of(&request(
            Value::object([
                ("tags", Value::object([("team", Value::from("web"))])),
                ("name_prefix", Value::from("app-")),
            ]),
            None,
        ));
        let tags = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(f.tagged(&tags(&[("team", "web"), ("Name", "x")])));
        assert!(!f.tagged(&tags(&[("team", "db")])));
        assert!(f.name("app-1") && !f.name("db-1"));

        let mut found = Found::new(&request(Value::Null, Some(2)));
        found.push("i-1", Some("web"));
        assert_eq!(next(Some("t"), &found).as_deref(), Some("t"));
        found.push("i-2", None);
        found.push("i-3", None);
        assert!(found.full());
        assert_eq!(next(Some("t"), &found), None);
        assert_eq!(found.items.len(), 2);
        assert_eq!(found.items[0].display_name, "web");
        assert_eq!(found.items[1].display_name, "i-2");
    }
}
