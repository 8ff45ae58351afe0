//! `digitalocean_domain` and `digitalocean_record`.

use async_trait::async_trait;
use iac_provider::values::{int, num, string, text, with};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, PlannedState, Schema,
    ValidationError,
};
use iac_value::{PathStep, Type, Value};
use serde_json::{Value as Json, json};

use crate::api::{Api, encode};
use crate::listing;
use crate::lost::{self, Fresh};
use crate::resource::{Resource, imported, read_back};

pub struct Domain;

/// A domain as the state holds it, from DigitalOcean's JSON: its `ip_address` (which
/// DigitalOcean does not return) as `current` has it.
fn domain_value(name: &str, d: &Json, current: &Value) -> Value {
    Value::object([
        ("name", Value::from(name)),
        ("ip_address", current.get("ip_address").clone()),
        ("id", Value::from(name)),
        ("ttl", num(d["ttl"].as_f64())),
        ("urn", Value::from(format!("do:domain:{name}"))),
    ])
}

impl Domain {
    /// The planned domain as DigitalOcean lists it, if it exists.
    async fn existing(&self, api: &Api, planned: &Value) -> Result<Option<Json>, Error> {
        let name = string(planned, "name").unwrap_or_default();
        Ok(api
            .get_if_exists(&format!("/v2/domains/{name}"))
            .await?
            .map(|out| out["domain"].clone()))
    }
}

#[async_trait]
impl Resource<Api> for Domain {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("name", Attribute::required(Type::String).force_new()),
                (
                    "ip_address",
                    Attribute::optional(Type::String).force_new().config_only(),
                ),
                ("id", Attribute::computed(Type::String)),
                ("ttl", Attribute::computed(Type::Number)),
                ("urn", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let Some(name) = string(current, "name").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        Ok(api
            .get_if_exists(&format!("/v2/domains/{name}"))
            .await?
            .map(|out| domain_value(&name, &out["domain"], current)))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let mut body = json!({"name": string(planned, "name")});
        if let Some(ip) = string(planned, "ip_address") {
            body["ip_address"] = ip.into();
        }
        // A domain exists once in an account: the one found is this create's.
        lost::create(
            api,
            "/v2/domains",
            &body,
            "domain",
            Fresh::Unique,
            || async { Ok(self.existing(api, planned).await?.into_iter().collect()) },
        )
        .await?;
        let known = with(planned.clone(), "id", planned.get("name").clone());
        read_back(self, api, &known, "POST /v2/domains").await
    }

    /// A domain exists once: the one of that name is what the create made.
    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let known = with(planned.clone(), "id", planned.get("name").clone());
        Ok(self
            .read(api, &known)
            .await?
            .map(|state| Found {
                state,
                complete: true,
            })
            .into_iter()
            .collect())
    }

    async fn update(
        &self,
        api: &Api,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        read_back(self, api, planned, "GET /v2/domains").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let name =
            string(prior, "name").ok_or_else(|| Error::new("the prior state has no name"))?;
        api.delete_if_exists(&format!("/v2/domains/{name}"))
            .await
            .map(|_| ())
    }

    /// Filter: `name_prefix`.
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["name_prefix"], &[]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let domains = listing::pages(api, "/v2/domains", "domains", request, |d| {
            listing::has_prefix(request, d["name"].as_str())
        })
        .await?;
        Ok(domains
            .iter()
            .map(|d| {
                let name = d["name"].as_str().unwrap_or_default();
                listing::found(request, name.to_string(), Some(name), || {
                    domain_value(name, d, &Value::Null)
                })
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        imported(
            self,
            api,
            Value::object([("name", Value::from(id))]),
            "domain",
            id,
        )
        .await
    }
}

pub struct Record;

const TYPES: [&str; 8] = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"];

/// The record's optional numbers and strings, as the API names them.
const OPTIONAL: [&str; 5] = ["priority", "port", "weight", "flags", "tag"];

/// Whether a record's value is a host name (CNAME, MX, NS, SRV, and CAA but for
/// `iodef`, whose value is a URL): DigitalOcean takes it fully qualified with the
/// trailing dot (or `@`, the domain itself) and answers without the dot.
fn names_a_host(kind: &str, tag: Option<&str>) -> bool {
    matches!(kind, "CNAME" | "MX" | "NS" | "SRV") || (kind == "CAA" && tag != Some("iodef"))
}

/// The record's value as configured: DigitalOcean's answer with the trailing dot put
/// back on host names, as Terraform's provider does.
fn configured_data(r: &Json) -> Value {
    let data = r["data"].as_str();
    match data {
        Some(d)
            if d != "@"
                && names_a_host(r["type"].as_str().unwrap_or_default(), r["tag"].as_str()) =>
        {
            Value::from(format!("{}.", d.trim_end_matches('.')))
        }
        _ => text(data),
    }
}

/// The prior value of `key` when the proposed one names the same thing another way
/// (as Terraform's provider suppresses the diff): `@` and the domain itself with its
/// dot, or a relative name and that name fully qualified in `domain`.
fn same_name(prior: &str, proposed: &str, domain: &str) -> bool {
    let apex = format!("{domain}.");
    (prior == "@" && proposed == apex)
        || format!("{prior}.{apex}") == proposed
        || format!("{proposed}.{apex}") == prior
}

/// A record name as the state writes it (`www`, `@`, or already qualified) fully
/// qualified in `domain`, as DigitalOcean's `?name=` filter takes it.
fn qualified(name: &str, domain: &str) -> String {
    let name = name.trim_end_matches('.');
    if name == "@" || name == domain {
        domain.to_string()
    } else if name.ends_with(&format!(".{domain}")) {
        name.to_string()
    } else {
        format!("{name}.{domain}")
    }
}

fn record_value(r: &Json, domain: &str) -> Value {
    let name = r["name"].as_str().unwrap_or("@");
    let fqdn = if name == "@" {
        domain.to_string()
    } else {
        format!("{name}.{domain}")
    };
    let mut v = Value::object([
        ("domain", Value::from(domain)),
        ("type", text(r["type"].as_str())),
        ("name", Value::from(name)),
        ("value", configured_data(r)),
        ("ttl", num(r["ttl"].as_f64())),
        (
            "id",
            Value::from(r["id"].as_u64().unwrap_or_default().to_string()),
        ),
        ("fqdn", Value::from(fqdn)),
    ]);
    for k in OPTIONAL {
        let x = match &r[k] {
            Json::Number(n) => num(n.as_f64()),
            Json::String(s) => Value::from(s.as_str()),
            _ => Value::Null,
        };
        v = with(v, k, x);
    }
    v
}

/// The API body for a planned record.
fn record_body(planned: &Value) -> Json {
    let mut body = json!({
        "type": string(planned, "type"),
        "name": string(planned, "name"),
        "data": string(planned, "value"),
        "ttl": int(planned, "ttl").unwrap_or(1800),
    });
    for k in ["priority", "port", "weight", "flags"] {
        if let Some(n) = int(planned, k) {
            body[k] = n.into();
        }
    }
    if let Some(t) = string(planned, "tag") {
        body["tag"] = t.into();
    }
    body
}

/// The records of the planned record's domain that match everything its create sends:
/// type, name (however written), value, TTL and the optional numbers and tag. Listed
/// by type (`?type=`); a domain that is gone has none.
async fn matching_records(api: &Api, planned: &Value) -> Result<Vec<Json>, Error> {
    let domain = string(planned, "domain").unwrap_or_default();
    let kind = string(planned, "type").unwrap_or_default();
    let path = format!("/v2/domains/{domain}/records?type={kind}");
    let records = match api.list_all(&path, "domain_records").await {
        Ok(records) => records,
        Err(f) if f.not_found() => return Ok(Vec::new()),
        Err(f) => return Err(f.into_error("GET /v2/domains/records")),
    };
    Ok(records
        .into_iter()
        .filter(|r| sent_by(&record_value(r, &domain), planned, &domain))
        .collect())
}

/// Whether a record (as `record_value` reads it) is what a create of `planned` makes.
fn sent_by(found: &Value, planned: &Value, domain: &str) -> bool {
    let named = |key: &str| match (string(found, key), string(planned, key)) {
        (Some(a), Some(b)) => a == b || same_name(&a, &b, domain),
        (a, b) => a == b,
    };
    let number = |key: &str| int(planned, key).is_none_or(|n| int(found, key) == Some(n));
    string(found, "type") == string(planned, "type")
        && named("name")
        && named("value")
        && int(found, "ttl") == Some(int(planned, "ttl").unwrap_or(1800))
        && ["priority", "port", "weight", "flags"]
            .into_iter()
            .all(number)
        && string(planned, "tag").is_none_or(|t| string(found, "tag") == Some(t))
}

#[async_trait]
impl Resource<Api> for Record {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("domain", Attribute::required(Type::String).force_new()),
                ("type", Attribute::required(Type::String).force_new()),
                ("name", Attribute::required(Type::String)),
                ("value", Attribute::required(Type::String)),
                ("ttl", Attribute::optional(Type::Number).default(1800.0)),
                ("priority", Attribute::optional(Type::Number)),
                ("port", Attribute::optional(Type::Number)),
                ("weight", Attribute::optional(Type::Number)),
                ("flags", Attribute::optional(Type::Number)),
                ("tag", Attribute::optional(Type::String)),
                ("id", Attribute::computed(Type::String)),
                ("fqdn", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        if let Some(t) = config.get("type").as_str()
            && !TYPES.contains(&t)
        {
            out.push(ValidationError {
                path: vec![PathStep::Key("type".into())],
                message: format!("type must be one of {}, not \"{t}\"", TYPES.join(", ")),
            });
        }
        if matches!(config.get("type").as_str(), Some("MX" | "SRV"))
            && config.get("priority").is_null()
        {
            out.push(ValidationError {
                path: vec![PathStep::Key("priority".into())],
                message: "MX and SRV records need a priority".into(),
            });
        }
        if let (Some(kind), Some(value)) =
            (config.get("type").as_str(), config.get("value").as_str())
            && !config.get("tag").is_unknown()
            && names_a_host(kind, config.get("tag").as_str())
            && value != "@"
            && !(value.ends_with('.') && value.len() > 1)
        {
            out.push(ValidationError {
                path: vec![PathStep::Key("value".into())],
                message: format!(
                    "the value of a {kind} record is a host name, which DigitalOcean takes fully qualified with a trailing dot (\"{value}.\"), or \"@\" for the domain itself"
                ),
            });
        }
        out
    }

    fn plan(
        &self,
        _api: &Api,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        if let (Some(prior), Some(domain)) = (prior, string(&proposed, "domain")) {
            for key in ["name", "value"] {
                if let (Some(was), Some(now)) = (string(prior, key), string(&proposed, key))
                    && was != now
                    && same_name(&was, &now, &domain)
                {
                    proposed = with(proposed, key, Value::from(was));
                }
            }
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let (Some(domain), Some(id)) = (string(current, "domain"), string(current, "id")) else {
            return Ok(None);
        };
        Ok(api
            .get_if_exists(&format!("/v2/domains/{domain}/records/{id}"))
            .await?
            .map(|out| record_value(&out["domain_record"], &domain)))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let domain = string(planned, "domain").unwrap_or_default();
        // Records have no creation time: those listed before the create are not its.
        let made = lost::create(
            api,
            &format!("/v2/domains/{domain}/records"),
            &record_body(planned),
            "domain_record",
            Fresh::ListedBefore,
            || matching_records(api, planned),
        )
        .await?;
        let id = made.object["id"].as_u64().unwrap_or_default().to_string();
        let known = with(planned.clone(), "id", Value::from(id));
        read_back(self, api, &known, "POST /v2/domains/records").await
    }

    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let domain = string(planned, "domain").unwrap_or_default();
        Ok(matching_records(api, planned)
            .await?
            .iter()
            .map(|r| Found {
                state: record_value(r, &domain),
                complete: true,
            })
            .collect())
    }

    async fn update(
        &self,
        api: &Api,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let domain = string(prior, "domain").unwrap_or_default();
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        api.put(
            &format!("/v2/domains/{domain}/records/{id}"),
            &record_body(planned),
        )
        .await
        .map_err(|f| f.into_error("PUT /v2/domains/records"))?;
        read_back(self, api, planned, "PUT /v2/domains/records").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let domain = string(prior, "domain").unwrap_or_default();
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        api.delete_if_exists(&format!("/v2/domains/{domain}/records/{id}"))
            .await
            .map(|_| ())
    }

    /// Filters: the `domain` (required), and its records' `type` and `name` (as the
    /// state writes it: `www`, `@`), asked of DigitalOcean.
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["type", "name"], &["domain"]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let domain = listing::filter(request, "domain")
            .ok_or_else(|| Error::new("a listing of records needs the domain filter"))?;
        let mut query = Vec::new();
        if let Some(kind) = listing::filter(request, "type") {
            if !TYPES.contains(&kind.as_str()) {
                return Err(Error::new(format!(
                    "the type filter must be one of {}, not \"{kind}\"",
                    TYPES.join(", ")
                )));
            }
            query.push(format!("type={kind}"));
        }
        if let Some(name) = listing::filter(request, "name") {
            query.push(format!("name={}", encode(&qualified(&name, &domain))));
        }
        let mut path = format!("/v2/domains/{domain}/records");
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let records = match api
            .list_pages(&path, "domain_records", request.limit, |_| true)
            .await
        {
            Ok(records) => records,
            Err(f) if f.not_found() => {
                return Err(Error::new(format!("no domain \"{domain}\" exists")));
            }
            Err(f) => return Err(f.into_error("GET /v2/domains/records")),
        };
        Ok(records
            .iter()
            .map(|r| {
                let state = record_value(r, &domain);
                let id = format!("{domain},{}", r["id"].as_u64().unwrap_or_default());
                let shown = format!(
                    "{} {}",
                    string(&state, "type").unwrap_or_default(),
                    string(&state, "fqdn").unwrap_or_default()
                );
                listing::found(request, id, Some(&shown), || state)
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        let Some((domain, record)) = id.split_once(',') else {
            return Err(Error::new(format!(
                "import id \"{id}\" should be DOMAIN,RECORD_ID, e.g. example.com,3352896"
            )));
        };
        let seed = Value::object([("domain", Value::from(domain)), ("id", Value::from(record))]);
        imported(self, api, seed, "record", id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, value: &str) -> Value {
        Value::object([
            ("domain", Value::from("example.com")),
            ("type", Value::from(kind)),
            ("name", Value::from("@")),
            ("value", Value::from(value)),
            ("priority", Value::from(10.0)),
        ])
    }

    #[test]
    fn host_names_are_read_back_with_their_trailing_dot() {
        let answer = |kind: &str, data: &str, tag: Json| {
            configured_data(&json!({"type": kind, "data": data, "tag": tag}))
        };
        assert_eq!(
            answer("MX", "mail.example.com", Json::Null),
            Value::from("mail.example.com.")
        );
        assert_eq!(answer("CNAME", "@", Json::Null), Value::from("@"));
        assert_eq!(
            answer("A", "192.0.2.1", Json::Null),
            Value::from("192.0.2.1")
        );
        assert_eq!(
            answer("CAA", "letsencrypt.org", json!("issue")),
            Value::from("letsencrypt.org.")
        );
        assert_eq!(
            answer("CAA", "mailto:ops@example.com", json!("iodef")),
            Value::from("mailto:ops@example.com")
        );
    }

    #[test]
    fn host_names_must_be_fully_qualified() {
        let problems = |v: &Value| Record.validate(v);
        assert!(problems(&record("MX", "mail.example.com.")).is_empty());
        assert!(problems(&record("CNAME", "@")).is_empty());
        assert!(problems(&record("TXT", "v=spf1 -all")).is_empty());
        let found = problems(&record("CNAME", "www.example.org"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, vec![PathStep::Key("value".into())]);
        assert!(found[0].message.contains("\"www.example.org.\""));
    }

    #[test]
    fn record_names_are_qualified_for_the_name_filter() {
        assert_eq!(qualified("@", "example.com"), "example.com");
        assert_eq!(qualified("www", "example.com"), "www.example.com");
        assert_eq!(
            qualified("www.example.com.", "example.com"),
            "www.example.com"
        );
        assert_eq!(qualified("example.com", "example.com"), "example.com");
    }

    #[test]
    fn names_written_another_way_are_no_change() {
        assert!(same_name("@", "example.com.", "example.com"));
        assert!(same_name("www", "www.example.com.", "example.com"));
        assert!(same_name("mail.example.com.", "mail", "example.com"));
        assert!(!same_name("www", "web.example.com.", "example.com"));
        assert!(!same_name(
            "mail.example.org.",
            "mail.example.com.",
            "example.com"
        ));
    }
}
