//! `digitalocean_firewall`: inbound and outbound rules for droplets chosen by id or tag.

use async_trait::async_trait;
use iac_provider::values::{blocks, string, string_set, strings, text, with};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, NestedBlock, Schema,
    ValidationError,
};
use iac_value::{PathStep, Type, Value};
use serde_json::{Map, Value as Json, json};

use crate::api::Api;
use crate::listing;
use crate::lost::{self, Fresh};
use crate::resource::{Resource, imported, read_back};

pub struct Firewall;

/// Where traffic comes from (inbound) or goes to (outbound): attribute suffix and the
/// API's key.
const ENDPOINTS: [(&str, &str); 4] = [
    ("addresses", "addresses"),
    ("droplet_ids", "droplet_ids"),
    ("tags", "tags"),
    ("load_balancer_uids", "load_balancer_uids"),
];

fn rule_block(side: &str) -> NestedBlock {
    let mut schema = Schema::new(
        [
            ("protocol", Attribute::required(Type::String)),
            ("port_range", Attribute::optional(Type::String)),
        ],
        [],
    );
    for (suffix, _) in ENDPOINTS {
        let ty = if suffix == "droplet_ids" {
            Type::set(Type::Number)
        } else {
            Type::set(Type::String)
        };
        schema
            .attributes
            .insert(format!("{side}_{suffix}"), Attribute::optional(ty));
    }
    NestedBlock::set(schema)
}

/// A set attribute, or null when empty (so that configured and read rules compare).
fn set_or_null(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::set(items)
    }
}

/// A rule as the configuration writes it, from the API's form.
fn rule_value(rule: &Json, side: &str, key: &str) -> Value {
    let ports = match rule["ports"].as_str() {
        Some("0") => Some("all"),
        other => other,
    };
    let mut v = Value::object([
        ("protocol", text(rule["protocol"].as_str())),
        (
            "port_range",
            text(ports.filter(|_| rule["protocol"] != "icmp")),
        ),
    ]);
    for (suffix, api_key) in ENDPOINTS {
        let items = rule[key][api_key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| match x {
                Json::Number(n) => n.as_f64().map(Value::Number),
                Json::String(s) => Some(Value::from(s.as_str())),
                _ => None,
            })
            .collect();
        v = with(v, &format!("{side}_{suffix}"), set_or_null(items));
    }
    v
}

/// The API's form of each configured rule of `block`.
fn rules_json(planned: &Value, block: &str, side: &str, key: &str) -> Vec<Json> {
    blocks(planned, block)
        .iter()
        .map(|r| {
            let mut endpoints = Map::new();
            for (suffix, api_key) in ENDPOINTS {
                let items: Vec<Json> = r
                    .get(&format!("{side}_{suffix}"))
                    .as_items()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|x| match x {
                        Value::Number(n) => Some(json!(*n as u64)),
                        Value::String(s) => Some(json!(s)),
                        _ => None,
                    })
                    .collect();
                if !items.is_empty() {
                    endpoints.insert(api_key.to_string(), Json::Array(items));
                }
            }
            let mut rule = json!({"protocol": string(r, "protocol"), key: endpoints});
            if let Some(ports) = string(r, "port_range") {
                rule["ports"] = ports.into();
            } else if string(r, "protocol").as_deref() != Some("icmp") {
                rule["ports"] = "all".into();
            }
            rule
        })
        .collect()
}

fn body(planned: &Value) -> Json {
    json!({
        "name": string(planned, "name"),
        "inbound_rules": rules_json(planned, "inbound_rule", "source", "sources"),
        "outbound_rules": rules_json(planned, "outbound_rule", "destination", "destinations"),
        "droplet_ids": planned.get("droplet_ids").as_items().unwrap_or(&[]).iter()
            .filter_map(Value::as_f64).map(|n| n as u64).collect::<Vec<_>>(),
        "tags": strings(planned, "tags"),
    })
}

/// Normalises configured rules the way `rule_value` reads them.
fn normalize(rules: &Value) -> Value {
    match rules.as_items() {
        Some(items) if items.iter().all(Value::is_wholly_known) => Value::set(
            items
                .iter()
                .map(|r| {
                    let Value::Map(mut m) = r.clone() else {
                        return r.clone();
                    };
                    for (k, v) in m.iter_mut() {
                        if k != "protocol"
                            && k != "port_range"
                            && v.as_items().is_some_and(<[Value]>::is_empty)
                        {
                            *v = Value::Null;
                        }
                    }
                    if m.get("port_range").is_none_or(Value::is_null)
                        && m.get("protocol").and_then(Value::as_str) != Some("icmp")
                    {
                        m.insert("port_range".into(), Value::from("all"));
                    }
                    Value::Map(m)
                })
                .collect(),
        ),
        _ => rules.clone(),
    }
}

/// Whether DigitalOcean takes a firewall name: a letter or digit, then at least one
/// more of letters, digits, `.` and `-` (the specification's
/// `^[a-zA-Z0-9][a-zA-Z0-9\.-]+$`).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// What DigitalOcean would refuse and the configuration alone shows: a bad name, no
/// rule at all, a tcp or udp rule without `port_range`.
fn validate(config: &Value) -> Vec<ValidationError> {
    let mut out = Vec::new();
    if let Some(name) = config.get("name").as_str()
        && !valid_name(name)
    {
        out.push(ValidationError {
            path: vec![PathStep::Key("name".into())],
            message: format!(
                "\"{name}\" is not a valid firewall name: it must start with a letter or digit and hold only letters, digits, periods (.) and dashes (-), at least two characters"
            ),
        });
    }
    let rules = ["inbound_rule", "outbound_rule"].map(|b| config.get(b));
    if rules
        .iter()
        .all(|r| r.as_items().is_some_and(<[Value]>::is_empty) || r.is_null())
    {
        out.push(ValidationError {
            path: Vec::new(),
            message: "at least one inbound_rule or outbound_rule must be given".into(),
        });
    }
    for (block, rules) in ["inbound_rule", "outbound_rule"].iter().zip(rules) {
        for (i, rule) in rules.as_items().unwrap_or(&[]).iter().enumerate() {
            if let Some(protocol @ ("tcp" | "udp")) = rule.get("protocol").as_str()
                && rule.get("port_range").is_null()
            {
                out.push(ValidationError {
                    path: vec![
                        PathStep::Key((*block).into()),
                        PathStep::Index(i),
                        PathStep::Key("port_range".into()),
                    ],
                    message: format!(
                        "a {protocol} rule needs a port_range (a port, a range such as \"8000-9000\", or \"all\")"
                    ),
                });
            }
        }
    }
    out
}

/// The firewalls a create of `planned` may have made: those of its name (DigitalOcean
/// does not keep names unique) and, if any of them do, with its rules.
async fn matching(api: &Api, planned: &Value) -> Result<Vec<Json>, Error> {
    let name = string(planned, "name");
    let named: Vec<Json> = api
        .list_all("/v2/firewalls", "firewalls")
        .await
        .map_err(|f| f.into_error("GET /v2/firewalls"))?
        .into_iter()
        .filter(|fw| fw["name"].as_str() == name.as_deref())
        .collect();
    let with_rules: Vec<Json> = named
        .iter()
        .filter(|fw| same_rules(fw, planned))
        .cloned()
        .collect();
    Ok(if with_rules.is_empty() {
        named
    } else {
        with_rules
    })
}

/// Whether a listed firewall has the planned rules, read as `read` reads them.
fn same_rules(fw: &Json, planned: &Value) -> bool {
    let rules = |key: &str, side: &str, inner: &str| {
        Value::set(
            fw[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| rule_value(r, side, inner))
                .collect(),
        )
    };
    let as_set = |block: &str| Value::set(planned.get(block).as_items().unwrap_or(&[]).to_vec());
    rules("inbound_rules", "source", "sources") == as_set("inbound_rule")
        && rules("outbound_rules", "destination", "destinations") == as_set("outbound_rule")
}

/// A firewall as the state holds it, from DigitalOcean's JSON.
pub fn firewall_value(fw: &Json) -> Value {
    let rules = |key: &str, side: &str, inner: &str| {
        Value::set(
            fw[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| rule_value(r, side, inner))
                .collect(),
        )
    };
    let droplets = set_or_null(
        fw["droplet_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_f64().map(Value::Number))
            .collect(),
    );
    let tags: Vec<&str> = fw["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str())
        .collect();
    Value::object([
        ("name", text(fw["name"].as_str())),
        ("droplet_ids", droplets),
        (
            "tags",
            if tags.is_empty() {
                Value::Null
            } else {
                string_set(tags)
            },
        ),
        ("id", Value::from(fw["id"].as_str().unwrap_or_default())),
        ("status", text(fw["status"].as_str())),
        ("created_at", text(fw["created_at"].as_str())),
        ("inbound_rule", rules("inbound_rules", "source", "sources")),
        (
            "outbound_rule",
            rules("outbound_rules", "destination", "destinations"),
        ),
    ])
}

#[async_trait]
impl Resource<Api> for Firewall {
    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        validate(config)
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("name", Attribute::required(Type::String)),
                ("droplet_ids", Attribute::optional(Type::set(Type::Number))),
                ("tags", Attribute::optional(Type::set(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("status", Attribute::computed(Type::String)),
                ("created_at", Attribute::computed(Type::String)),
            ],
            [
                ("inbound_rule", rule_block("source")),
                ("outbound_rule", rule_block("destination")),
            ],
        )
    }

    fn plan(
        &self,
        _api: &Api,
        _prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<iac_provider::PlannedState, Error> {
        for block in ["inbound_rule", "outbound_rule"] {
            let normalized = normalize(proposed.get(block));
            proposed = with(proposed, block, normalized);
        }
        for list in ["droplet_ids", "tags"] {
            if proposed
                .get(list)
                .as_items()
                .is_some_and(<[Value]>::is_empty)
            {
                proposed = with(proposed, list, Value::Null);
            }
        }
        Ok(iac_provider::PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        let Some(out) = api.get_if_exists(&format!("/v2/firewalls/{id}")).await? else {
            return Ok(None);
        };
        Ok(Some(firewall_value(&out["firewall"])))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let made = lost::create(
            api,
            "/v2/firewalls",
            &body(planned),
            "firewall",
            Fresh::CreatedAt,
            || matching(api, planned),
        )
        .await?;
        let id = made.object["id"].as_str().unwrap_or_default().to_string();
        let known = with(planned.clone(), "id", Value::from(id));
        read_back(self, api, &known, "POST /v2/firewalls").await
    }

    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let mut found = Vec::new();
        for fw in matching(api, planned).await? {
            let seed = Value::object([("id", fw["id"].as_str().map_or(Value::Null, Value::from))]);
            if let Some(state) = self.read(api, &seed).await? {
                found.push(Found {
                    state,
                    complete: true,
                });
            }
        }
        Ok(found)
    }

    async fn update(
        &self,
        api: &Api,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        api.put(&format!("/v2/firewalls/{id}"), &body(planned))
            .await
            .map_err(|f| f.into_error("PUT /v2/firewalls"))?;
        read_back(self, api, planned, "PUT /v2/firewalls").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        api.delete_if_exists(&format!("/v2/firewalls/{id}"))
            .await
            .map(|_| ())
    }

    /// Filters: `name_prefix`, and `tag` (the firewalls that apply to a tag).
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["name_prefix", "tag"], &[]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let tag = listing::filter(request, "tag");
        let firewalls = listing::pages(api, "/v2/firewalls", "firewalls", request, |fw| {
            listing::has_prefix(request, fw["name"].as_str())
                && tag.as_ref().is_none_or(|t| {
                    fw["tags"]
                        .as_array()
                        .is_some_and(|tags| tags.iter().any(|x| x == t.as_str()))
                })
        })
        .await?;
        Ok(firewalls
            .iter()
            .map(|fw| {
                let id = fw["id"].as_str().unwrap_or_default().to_string();
                listing::found(request, id, fw["name"].as_str(), || firewall_value(fw))
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        imported(
            self,
            api,
            Value::object([("id", Value::from(id))]),
            "firewall",
            id,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, ports: Option<&str>) -> Value {
        Value::object([
            ("protocol", Value::from(protocol)),
            ("port_range", ports.map_or(Value::Null, Value::from)),
        ])
    }

    fn firewall(name: &str, inbound: Vec<Value>) -> Value {
        Value::object([
            ("name", Value::from(name)),
            ("inbound_rule", Value::set(inbound)),
            ("outbound_rule", Value::set(Vec::new())),
        ])
    }

    fn problems(config: &Value) -> Vec<String> {
        validate(config).into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn names_follow_the_specifications_pattern() {
        for good in ["web", "web-fw.1", "0a"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in ["web_fw", "-web", "w", "", "web fw"] {
            assert!(!valid_name(bad), "{bad}");
        }
        let found = problems(&firewall("web_fw", vec![rule("tcp", Some("22"))]));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("\"web_fw\" is not a valid firewall name"));
    }

    #[test]
    fn a_firewall_needs_a_rule_and_tcp_and_udp_rules_need_ports() {
        assert!(problems(&firewall("web", vec![rule("tcp", Some("22"))])).is_empty());
        assert!(problems(&firewall("web", vec![rule("icmp", None)])).is_empty());
        assert_eq!(
            problems(&firewall("web", Vec::new())),
            ["at least one inbound_rule or outbound_rule must be given"]
        );
        let found = validate(&firewall("web", vec![rule("udp", None)]));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].path,
            vec![
                PathStep::Key("inbound_rule".into()),
                PathStep::Index(0),
                PathStep::Key("port_range".into())
            ]
        );
        // Unknown rules (a dynamic block over values known later) are checked at plan.
        let unknown = Value::object([
            ("name", Value::from("web")),
            ("inbound_rule", Value::Unknown),
        ]);
        assert!(problems(&unknown).is_empty());
    }
}
