//! `aws_route53_zone` and `data "aws_route53_zone"`.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZone, HostedZoneConfig, RrType,
};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{BUSY, bare_zone_id, change_zone_tags, normalize_name, wait_insync, zone_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{DataSource, Resource, read_back};
use crate::retry::retry;
use crate::tags::read_tags;
use crate::values::{flag, map_value, string, string_list, string_map, text, with};

pub struct Zone;

const NOT_FOUND: &[&str] = &["NoSuchHostedZone"];

/// How long a new zone may take to reach every name server.
const INSYNC_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A zone and its name servers, if it exists.
async fn get_zone(aws: &AwsClients, id: &str) -> Result<Option<(HostedZone, Vec<String>)>, Error> {
    let req = aws.route53.get_hosted_zone().id(id);
    match retry("GetHostedZone", &[], || req.clone().send()).await {
        Ok(out) => Ok(out.hosted_zone().map(|z| {
            let servers = out
                .delegation_set()
                .map(|d| d.name_servers().to_vec())
                .unwrap_or_default();
            (z.clone(), servers)
        })),
        Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
        Err(e) => Err(api("GetHostedZone", e)),
    }
}

/// The id of the zone named `name` that a create with `token` as its caller
/// reference made.
async fn locate(
    aws: &AwsClients,
    name: &str,
    token: &CreateToken,
) -> Result<Option<String>, Error> {
    let wanted = normalize_name(name);
    let mut start: Option<(String, Option<String>)> = Some((wanted.clone(), None));
    while let Some((dns_name, zone)) = start.take() {
        let req = aws
            .route53
            .list_hosted_zones_by_name()
            .dns_name(dns_name)
            .set_hosted_zone_id(zone);
        let page = retry("ListHostedZonesByName", BUSY, || req.clone().send())
            .await
            .map_err(|e| api("ListHostedZonesByName", e))?;
        let mut past = false;
        for z in page.hosted_zones() {
            if normalize_name(z.name()) != wanted {
                past = true;
                break;
            }
            if z.caller_reference() == token.as_str() {
                return Ok(Some(bare_zone_id(z.id())));
            }
        }
        if !past
            && page.is_truncated()
            && let (Some(n), Some(z)) = (page.next_dns_name(), page.next_hosted_zone_id())
        {
            start = Some((n.to_string(), Some(z.to_string())));
        }
    }
    Ok(None)
}

/// The attributes a zone exports, shared by the resource and the data source.
fn zone_attributes(
    aws: &AwsClients,
    z: &HostedZone,
    servers: Vec<String>,
    name: Value,
) -> Vec<(&'static str, Value)> {
    let id = bare_zone_id(z.id());
    vec![
        ("name", name),
        ("comment", text(z.config().and_then(|c| c.comment()))),
        ("id", Value::from(id.as_str())),
        ("zone_id", Value::from(id.as_str())),
        (
            "arn",
            Value::from(format!(
                "arn:{}:route53:::hostedzone/{id}",
                crate::partition::of(&aws.region).id
            )),
        ),
        ("primary_name_server", text(servers.first())),
        ("name_servers", string_list(servers)),
    ]
}

impl Zone {
    /// Deletes every record but the zone's own SOA and NS (for `force_destroy`).
    async fn empty(&self, aws: &AwsClients, id: &str, apex: &str) -> Result<(), Error> {
        let mut start: Option<(String, RrType)> = None;
        loop {
            let req = aws
                .route53
                .list_resource_record_sets()
                .hosted_zone_id(id)
                .set_start_record_name(start.as_ref().map(|s| s.0.clone()))
                .set_start_record_type(start.as_ref().map(|s| s.1.clone()));
            let page = retry("ListResourceRecordSets", BUSY, || req.clone().send())
                .await
                .map_err(|e| api("ListResourceRecordSets", e))?;
            let changes: Vec<Change> = page
                .resource_record_sets()
                .iter()
                .filter(|r| {
                    !(normalize_name(r.name()) == apex
                        && matches!(r.r#type(), RrType::Soa | RrType::Ns))
                })
                .map(|r| {
                    Change::builder()
                        .action(ChangeAction::Delete)
                        .resource_record_set(r.clone())
                        .build()
                        .expect("action and record set are set")
                })
                .collect();
            if !changes.is_empty() {
                let batch = ChangeBatch::builder()
                    .set_changes(Some(changes))
                    .build()
                    .expect("changes are set");
                let req = aws
                    .route53
                    .change_resource_record_sets()
                    .hosted_zone_id(id)
                    .change_batch(batch);
                retry("ChangeResourceRecordSets", BUSY, || req.clone().send())
                    .await
                    .map_err(|e| api("ChangeResourceRecordSets", e))?;
            }
            match (
                page.is_truncated(),
                page.next_record_name(),
                page.next_record_type(),
            ) {
                (true, Some(n), Some(t)) => start = Some((n.to_string(), t.clone())),
                _ => return Ok(()),
            }
        }
    }
}

#[async_trait]
impl Resource<AwsClients> for Zone {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::zone_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::zones(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("name", Attribute::required(Type::String).force_new()),
                (
                    "comment",
                    Attribute::optional(Type::String).default("Managed by Terraform"),
                ),
                (
                    "force_destroy",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("zone_id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                (
                    "name_servers",
                    Attribute::computed(Type::list(Type::String)),
                ),
                ("primary_name_server", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "id") else {
            return Ok(None);
        };
        let Some((z, servers)) = get_zone(aws, &id).await? else {
            return Ok(None);
        };
        // Keep the name as written while it names the same zone.
        let name = match current.get("name").as_str() {
            Some(n) if normalize_name(n) == normalize_name(z.name()) => Value::from(n),
            _ => Value::from(normalize_name(z.name())),
        };
        let (tags, tags_all) = read_tags(
            &zone_tags(aws, &bare_zone_id(z.id())).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        let mut v = Value::object(zone_attributes(aws, &z, servers, name));
        for (k, x) in [
            ("force_destroy", current.get("force_destroy").clone()),
            ("tags", tags),
            ("tags_all", tags_all),
        ] {
            v = with(v, k, x);
        }
        Ok(Some(v))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let name = string(planned, "name").unwrap_or_default();
        // Route 53 makes one zone per caller reference: a repeat (the SDK's retry after
        // a lost answer, or a create sent again after a crash) is refused with
        // HostedZoneAlreadyExists, and the zone is then looked up by it.
        let sent = aws
            .route53
            .create_hosted_zone()
            .name(&name)
            .caller_reference(token.as_str())
            .hosted_zone_config(
                HostedZoneConfig::builder()
                    .set_comment(string(planned, "comment"))
                    .build(),
            )
            .send()
            .await;
        let (id, change) = match sent {
            Ok(out) => (
                out.hosted_zone()
                    .map(|z| bare_zone_id(z.id()))
                    .unwrap_or_default(),
                out.change_info().map(|c| c.id().to_string()),
            ),
            Err(e) if crate::error::code(&e) == Some("HostedZoneAlreadyExists") => {
                match locate(aws, &name, token).await? {
                    Some(id) => (id, None),
                    None => return Err(api("CreateHostedZone", e).into()),
                }
            }
            Err(e) => return Err(api("CreateHostedZone", e).into()),
        };
        let known = with(planned.clone(), "id", Value::from(id.as_str()));
        let partial = |error| ApplyError {
            error,
            partial: Some(known.clone()),
        };
        if let Some(change) = change {
            wait_insync(aws, &change, INSYNC_TIMEOUT)
                .await
                .map_err(partial)?;
        }
        change_zone_tags(
            aws,
            &id,
            &Default::default(),
            &string_map(planned, "tags_all"),
        )
        .await
        .map_err(partial)?;
        read_back(self, aws, &known, "CreateHostedZone").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let name = string(planned, "name").unwrap_or_default();
        let ids = locate(aws, &name, token).await?;
        // The create tags the zone after making it.
        crate::found::read_all(self, aws, planned, "id", ids, |state| {
            crate::found::tagged(state, planned)
        })
        .await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        if prior.get("comment") != planned.get("comment") {
            aws.route53
                .update_hosted_zone_comment()
                .id(&id)
                .set_comment(string(planned, "comment"))
                .send()
                .await
                .map_err(|e| api("UpdateHostedZoneComment", e))?;
        }
        change_zone_tags(
            aws,
            &id,
            &string_map(prior, "tags_all"),
            &string_map(planned, "tags_all"),
        )
        .await?;
        read_back(self, aws, planned, "UpdateHostedZoneComment").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "id").ok_or_else(|| Error::new("the prior state has no id"))?;
        if flag(prior, "force_destroy") {
            let apex = normalize_name(&string(prior, "name").unwrap_or_default());
            self.empty(aws, &id, &apex).await?;
        }
        let req = aws.route53.delete_hosted_zone().id(&id);
        match retry("DeleteHostedZone", BUSY, || req.clone().send()).await {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) if crate::error::code(&e) == Some("HostedZoneNotEmpty") => Err(Error::api(
                "DeleteHostedZone",
                format!(
                    "HostedZoneNotEmpty: the zone {id} still has records. Delete them, or set force_destroy = true and apply before destroying."
                ),
            )),
            Err(e) => Err(api("DeleteHostedZone", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("id", Value::from(bare_zone_id(id)))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| Error::api("GetHostedZone", format!("no hosted zone \"{id}\" exists")))
    }
}

/// `data "aws_route53_zone"`: a zone found by id or by name.
pub struct ZoneLookup;

#[async_trait]
impl DataSource<AwsClients> for ZoneLookup {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("zone_id", Attribute::optional_computed(Type::String)),
                ("name", Attribute::optional_computed(Type::String)),
                (
                    "private_zone",
                    Attribute::optional(Type::Bool).default(false),
                ),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("comment", Attribute::computed(Type::String)),
                (
                    "name_servers",
                    Attribute::computed(Type::list(Type::String)),
                ),
                ("primary_name_server", Attribute::computed(Type::String)),
                (
                    "resource_record_set_count",
                    Attribute::computed(Type::Number),
                ),
                ("tags", Attribute::computed(Type::map(Type::String))),
            ],
            [],
        )
    }

    async fn read(&self, aws: &AwsClients, config: &Value) -> Result<Value, Error> {
        let id = match (string(config, "zone_id"), string(config, "name")) {
            (Some(id), _) => bare_zone_id(&id),
            (None, Some(name)) => {
                let wanted = normalize_name(&name);
                let private = flag(config, "private_zone");
                let req = aws.route53.list_hosted_zones_by_name().dns_name(&wanted);
                let out = retry("ListHostedZonesByName", &[], || req.clone().send())
                    .await
                    .map_err(|e| api("ListHostedZonesByName", e))?;
                out.hosted_zones()
                    .iter()
                    .find(|z| {
                        normalize_name(z.name()) == wanted
                            && z.config().map(|c| c.private_zone()).unwrap_or(false) == private
                    })
                    .map(|z| bare_zone_id(z.id()))
                    .ok_or_else(|| {
                        Error::api(
                            "ListHostedZonesByName",
                            format!("no matching Route 53 hosted zone \"{name}\" found"),
                        )
                    })?
            }
            (None, None) => return Err(Error::new("set one of zone_id or name")),
        };
        let (z, servers) = get_zone(aws, &id).await?.ok_or_else(|| {
            Error::api("GetHostedZone", format!("no hosted zone \"{id}\" exists"))
        })?;
        let name = Value::from(normalize_name(z.name()));
        let mut v = Value::object(zone_attributes(aws, &z, servers, name));
        for (k, x) in [
            (
                "private_zone",
                Value::Bool(z.config().map(|c| c.private_zone()).unwrap_or(false)),
            ),
            (
                "resource_record_set_count",
                crate::values::num(z.resource_record_set_count().map(|n| n as f64)),
            ),
            ("tags", map_value(&zone_tags(aws, &id).await?)),
        ] {
            v = with(v, k, x);
        }
        Ok(v)
    }
}
