//! `aws_route53_record`: one record set, plain (`ttl` + `records`) or an alias.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, NestedBlock, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{BUSY, bare_zone_id, normalize_name, wait_insync};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{Made, once, retry};
use crate::timeouts;
use crate::values::{block, blocks, flag, int, one_block, string, string_set, strings, with};

pub struct Record;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Record types whose values Route 53 wants in double quotes.
fn quoted_type(t: &str) -> bool {
    matches!(t, "TXT" | "SPF")
}

/// A value as Route 53 stores it (TXT and SPF values quoted).
fn to_route53(t: &str, value: &str) -> String {
    if quoted_type(t) && !value.starts_with('"') {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// A value as the configuration writes it.
fn from_route53(t: &str, value: &str) -> String {
    if quoted_type(t) && value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value[1..value.len() - 1].to_string()
    } else {
        value.to_string()
    }
}

/// The zone's own name, to complete relative record names.
pub(super) async fn zone_name(aws: &AwsClients, zone: &str) -> Result<String, Error> {
    let req = aws.route53.get_hosted_zone().id(zone);
    let out = retry("GetHostedZone", &[], || req.clone().send())
        .await
        .map_err(|e| api("GetHostedZone", e))?;
    Ok(normalize_name(
        out.hosted_zone().map(|z| z.name()).unwrap_or_default(),
    ))
}

/// The fully qualified name of `name` in zone `apex`: as given when it already ends
/// in the zone's name, else with the zone's name appended.
pub(super) fn qualify(name: &str, apex: &str) -> String {
    let name = normalize_name(name);
    if name == apex || name.ends_with(&format!(".{apex}")) {
        name
    } else if name.is_empty() {
        apex.to_string()
    } else {
        format!("{name}.{apex}")
    }
}

/// Whether two record sets hold the same data (values, TTL, alias target).
fn same_set(a: &ResourceRecordSet, b: &ResourceRecordSet) -> bool {
    let values = |s: &ResourceRecordSet| {
        let mut v: Vec<String> = s
            .resource_records()
            .iter()
            .map(|r| r.value().to_string())
            .collect();
        v.sort();
        v
    };
    let alias = |s: &ResourceRecordSet| {
        s.alias_target().map(|a| {
            (
                normalize_name(a.dns_name()),
                bare_zone_id(a.hosted_zone_id()),
                a.evaluate_target_health(),
            )
        })
    };
    values(a) == values(b) && a.ttl() == b.ttl() && alias(a) == alias(b)
}

impl Record {
    /// The record set with this name and type, if it exists.
    async fn find(
        &self,
        aws: &AwsClients,
        zone: &str,
        fqdn: &str,
        kind: &str,
    ) -> Result<Option<ResourceRecordSet>, Error> {
        let req = aws
            .route53
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .start_record_name(fqdn)
            .start_record_type(RrType::from(kind))
            .max_items(1);
        let out = match retry("ListResourceRecordSets", BUSY, || req.clone().send()).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e, &["NoSuchHostedZone"]) => return Ok(None),
            Err(e) => return Err(api("ListResourceRecordSets", e)),
        };
        Ok(out
            .resource_record_sets()
            .iter()
            .find(|r| normalize_name(r.name()) == fqdn && r.r#type().as_str() == kind)
            .cloned())
    }

    /// The record set a planned state stands for.
    fn record_set(&self, planned: &Value, fqdn: &str) -> ResourceRecordSet {
        let kind = string(planned, "type").unwrap_or_default();
        let mut set = ResourceRecordSet::builder()
            .name(fqdn)
            .r#type(RrType::from(kind.as_str()));
        let alias = block(planned, "alias");
        if alias.is_null() {
            set = set.set_ttl(int(planned, "ttl")).set_resource_records(Some(
                strings(planned, "records")
                    .iter()
                    .map(|r| {
                        ResourceRecord::builder()
                            .value(to_route53(&kind, r))
                            .build()
                            .expect("value is set")
                    })
                    .collect(),
            ));
        } else {
            set = set.alias_target(
                AliasTarget::builder()
                    .dns_name(string(alias, "name").unwrap_or_default())
                    .hosted_zone_id(string(alias, "zone_id").unwrap_or_default())
                    .evaluate_target_health(flag(alias, "evaluate_target_health"))
                    .build()
                    .expect("alias fields are set"),
            );
        }
        set.build().expect("name and type are set")
    }

    /// Sends one change and waits for it to reach every name server.
    async fn change(
        &self,
        aws: &AwsClients,
        zone: &str,
        action: ChangeAction,
        set: ResourceRecordSet,
        timeout: Duration,
    ) -> Result<(), Error> {
        let operation = "ChangeResourceRecordSets";
        let batch = ChangeBatch::builder()
            .changes(
                Change::builder()
                    .action(action.clone())
                    .resource_record_set(set.clone())
                    .build()
                    .expect("action and set are set"),
            )
            .build()
            .expect("changes are set");
        let req = aws
            .route53
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(batch);
        // UPSERT and DELETE may be repeated; a repeated CREATE is refused once the
        // first one took effect, so after a lost answer the record is looked for.
        let out = if action == ChangeAction::Create {
            let made = crate::retry::create(
                operation,
                BUSY,
                &["InvalidChangeBatch"],
                || once!(req.clone(), aws_sdk_route53),
                || async {
                    let fqdn = normalize_name(set.name());
                    let kind = set.r#type().as_str();
                    let there = self.find(aws, zone, &fqdn, kind).await?;
                    Ok(there.filter(|t| same_set(t, &set)).map(|_| fqdn))
                },
            )
            .await?;
            match made {
                Made::Answered(out) => out,
                Made::Found(_) => return Ok(()),
            }
        } else {
            retry(operation, BUSY, || req.clone().send())
                .await
                .map_err(|e| api(operation, e))?
        };
        match out.change_info() {
            Some(info) => wait_insync(aws, info.id(), timeout).await,
            None => Ok(()),
        }
    }

    /// Writes the planned record (`CREATE`, or `UPSERT` when it may replace one).
    async fn write(
        &self,
        aws: &AwsClients,
        planned: &Value,
        action: ChangeAction,
        timeout: Duration,
    ) -> Result<Value, ApplyError> {
        let zone = string(planned, "zone_id").unwrap_or_default();
        let fqdn = qualify(
            &string(planned, "name").unwrap_or_default(),
            &zone_name(aws, &zone).await?,
        );
        self.change(aws, &zone, action, self.record_set(planned, &fqdn), timeout)
            .await?;
        let id = format!(
            "{zone}_{}_{}",
            string(planned, "name").unwrap_or_default(),
            string(planned, "type").unwrap_or_default()
        );
        let known = with(planned.clone(), "id", Value::from(id));
        read_back(self, aws, &known, "ChangeResourceRecordSets").await
    }
}

#[async_trait]
impl Resource<AwsClients> for Record {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::record_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::records(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("zone_id", Attribute::required(Type::String).force_new()),
                ("name", Attribute::required(Type::String).force_new()),
                ("type", Attribute::required(Type::String).force_new()),
                ("ttl", Attribute::optional(Type::Number)),
                ("records", Attribute::optional(Type::set(Type::String))),
                (
                    "allow_overwrite",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                ("id", Attribute::computed(Type::String)),
                ("fqdn", Attribute::computed(Type::String)),
            ],
            [
                (
                    "alias",
                    NestedBlock::list_max_one(Schema::new(
                        [
                            ("name", Attribute::required(Type::String)),
                            ("zone_id", Attribute::required(Type::String)),
                            ("evaluate_target_health", Attribute::required(Type::Bool)),
                        ],
                        [],
                    )),
                ),
                timeouts::block(&["create", "update", "delete"]),
            ],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        let alias = !blocks(config, "alias").is_empty() || config.get("alias").is_unknown();
        let plain = !config.get("records").is_null() || !config.get("ttl").is_null();
        if alias && plain {
            out.push(invalid(
                "alias",
                "\"alias\" conflicts with \"ttl\" and \"records\"",
            ));
        }
        if !alias && config.get("records").is_wholly_known() && config.get("records").is_null() {
            out.push(invalid(
                "records",
                "one of \"records\" or \"alias\" must be set",
            ));
        }
        if !alias && !config.get("records").is_null() && config.get("ttl").is_null() {
            out.push(invalid("ttl", "\"ttl\" is required with \"records\""));
        }
        timeouts::validate(config, &mut out);
        out
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(zone) = string(current, "zone_id") else {
            return Ok(None);
        };
        let kind = string(current, "type").unwrap_or_default();
        let name = string(current, "name").unwrap_or_default();
        // The recorded fqdn saves looking the zone's name up on every refresh.
        let fqdn = match string(current, "fqdn") {
            Some(f) => normalize_name(&f),
            None => match zone_name(aws, &zone).await {
                Ok(apex) => qualify(&name, &apex),
                Err(e) if e.message.contains("NoSuchHostedZone") => return Ok(None),
                Err(e) => return Err(e),
            },
        };
        let Some(set) = self.find(aws, &zone, &fqdn, &kind).await? else {
            return Ok(None);
        };
        let alias = match set.alias_target() {
            Some(a) => Value::object([
                ("name", Value::from(normalize_name(a.dns_name()))),
                ("zone_id", Value::from(a.hosted_zone_id())),
                (
                    "evaluate_target_health",
                    Value::Bool(a.evaluate_target_health()),
                ),
            ]),
            None => Value::Null,
        };
        let records = if set.resource_records().is_empty() {
            Value::Null
        } else {
            string_set(
                set.resource_records()
                    .iter()
                    .map(|r| from_route53(&kind, r.value())),
            )
        };
        Ok(Some(Value::object([
            ("zone_id", Value::from(zone.as_str())),
            ("name", Value::from(name.as_str())),
            ("type", Value::from(kind.as_str())),
            ("ttl", crate::values::num(set.ttl().map(|t| t as f64))),
            ("records", records),
            ("allow_overwrite", current.get("allow_overwrite").clone()),
            ("id", Value::from(format!("{zone}_{name}_{kind}"))),
            ("fqdn", Value::from(fqdn)),
            ("alias", one_block(alias)),
            ("timeouts", current.get("timeouts").clone()),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let action = if flag(planned, "allow_overwrite") {
            ChangeAction::Upsert
        } else {
            ChangeAction::Create
        };
        let timeout = timeouts::get(planned, "create", DEFAULT_TIMEOUT);
        self.write(aws, planned, action, timeout).await
    }

    /// A record is named by its zone, name and type: found when that record holds
    /// the planned data (one holding other data is not what this create sent).
    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let Some(state) = self.read(aws, planned).await? else {
            return Ok(Vec::new());
        };
        let alias = |v: &Value| {
            let a = block(v, "alias");
            (
                string(a, "name").map(|n| normalize_name(&n)),
                string(a, "zone_id"),
            )
        };
        let same = crate::found::sent(&state, planned, &["ttl", "records"])
            && (block(planned, "alias").is_null() || alias(&state) == alias(planned));
        Ok(if same {
            vec![Found {
                state,
                complete: true,
            }]
        } else {
            Vec::new()
        })
    }

    async fn update(
        &self,
        aws: &AwsClients,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let timeout = timeouts::get(planned, "update", DEFAULT_TIMEOUT);
        self.write(aws, planned, ChangeAction::Upsert, timeout)
            .await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let zone = string(prior, "zone_id").unwrap_or_default();
        let kind = string(prior, "type").unwrap_or_default();
        let fqdn = match string(prior, "fqdn") {
            Some(f) => normalize_name(&f),
            None => qualify(
                &string(prior, "name").unwrap_or_default(),
                &zone_name(aws, &zone).await?,
            ),
        };
        // A delete must name the record exactly as it is now.
        let Some(current) = self.find(aws, &zone, &fqdn, &kind).await? else {
            return Ok(());
        };
        let timeout = timeouts::get(prior, "delete", DEFAULT_TIMEOUT);
        match self
            .change(aws, &zone, ChangeAction::Delete, current, timeout)
            .await
        {
            Err(e) if e.message.contains("not found") => Ok(()),
            other => other,
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        // Names may hold underscores (`_acme-challenge`); zone ids and types do not.
        let split = id
            .split_once('_')
            .and_then(|(zone, rest)| Some((zone, rest.rsplit_once('_')?)));
        let Some((zone, (name, kind))) = split else {
            return Err(Error::new(format!(
                "import id \"{id}\" should be ZONEID_NAME_TYPE, e.g. Z123456_www.example.com_A"
            )));
        };
        let seed = Value::object([
            ("zone_id", Value::from(zone)),
            ("name", Value::from(name)),
            ("type", Value::from(kind)),
        ]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "ListResourceRecordSets",
                format!("no {kind} record \"{name}\" exists in zone {zone}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_get_the_zone_appended() {
        assert_eq!(qualify("www", "example.com"), "www.example.com");
        assert_eq!(
            qualify("WWW.example.com.", "example.com"),
            "www.example.com"
        );
        assert_eq!(qualify("example.com", "example.com"), "example.com");
    }

    #[test]
    fn txt_values_are_quoted_for_route53_only() {
        assert_eq!(to_route53("TXT", "v=spf1 -all"), "\"v=spf1 -all\"");
        assert_eq!(from_route53("TXT", "\"v=spf1 -all\""), "v=spf1 -all");
        assert_eq!(to_route53("A", "192.0.2.1"), "192.0.2.1");
    }
}
