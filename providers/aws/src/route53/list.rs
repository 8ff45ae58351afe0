//! Listing Route 53 objects: public hosted zones, and the records of one zone. Route
//! 53 pages by marker for zones and by the next record's name, type and set identifier
//! for records, so both loops are written out here.

use aws_sdk_route53::types::RrType;
use iac_provider::{Attribute, Error, ListRequest, Schema};
use iac_value::Type;

use super::record::{qualify, zone_name};
use super::{bare_zone_id, normalize_name, zone_tags};
use crate::client::AwsClients;
use crate::listing::{self, Candidate, Filters, Found, pages, tagged};
use crate::values::{flag, string};

pub fn zone_schema() -> Schema {
    listing::schema([])
}

/// Public hosted zones (`name_prefix` on the domain name). Private zones are not
/// listed: `aws_route53_zone` manages public zones only.
pub async fn zones(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let req = aws.route53.list_hosted_zones();
    let mut candidates = Vec::new();
    pages(
        "ListHostedZones",
        |marker| req.clone().set_marker(marker).send(),
        |out| {
            for z in out.hosted_zones() {
                let name = normalize_name(z.name());
                let private = z.config().is_some_and(|c| c.private_zone());
                if !private && f.name(&name) {
                    let id = bare_zone_id(z.id());
                    candidates.push(Candidate {
                        key: id.clone(),
                        id,
                        name,
                    });
                }
            }
            let marker = out.next_marker().filter(|_| out.is_truncated());
            listing::more(marker, candidates.len(), &f, request)
        },
    )
    .await?;
    tagged(request, &f, candidates, |id| async move {
        zone_tags(aws, &id).await
    })
    .await
}

pub fn record_schema() -> Schema {
    Schema::new(
        [
            ("zone_id", Attribute::required(Type::String)),
            ("name", Attribute::optional(Type::String)),
            ("type", Attribute::optional(Type::String)),
            ("include_default", Attribute::optional(Type::Bool)),
        ],
        [],
    )
}

/// Where the next page of records starts.
type RecordToken = (String, Option<RrType>, Option<String>);

/// The records of zone `zone_id` (`name` relative or qualified, `type`), with ids as
/// import takes them (`ZONEID_NAME_TYPE`). The zone's own `NS` and `SOA` records are
/// listed only with `include_default`; weighted, latency and other routing records
/// (with a set identifier) are not, as `aws_route53_record` does not manage them.
pub async fn records(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let zone = string(&request.filter, "zone_id")
        .map(|z| bare_zone_id(&z))
        .ok_or_else(|| Error::new("listing aws_route53_record needs the zone_id filter"))?;
    let apex = zone_name(aws, &zone).await?;
    let wanted = string(&request.filter, "name").map(|n| qualify(&n, &apex));
    let kind = string(&request.filter, "type").map(|t| t.to_ascii_uppercase());
    let defaults = flag(&request.filter, "include_default");
    let req = aws
        .route53
        .list_resource_record_sets()
        .hosted_zone_id(&zone)
        .set_start_record_name(wanted.clone());
    let mut found = Found::new(request);
    pages(
        "ListResourceRecordSets",
        |token: Option<RecordToken>| {
            let req = req.clone();
            let req = match token {
                Some((name, kind, set)) => req
                    .start_record_name(name)
                    .set_start_record_type(kind)
                    .set_start_record_identifier(set),
                None => req,
            };
            req.send()
        },
        |out| {
            for r in out.resource_record_sets() {
                let name = normalize_name(r.name());
                let t = r.r#type().as_str();
                let zone_default = name == apex && matches!(t, "NS" | "SOA");
                if r.set_identifier().is_none()
                    && wanted.as_ref().is_none_or(|w| *w == name)
                    && kind.as_deref().is_none_or(|k| k == t)
                    && (defaults || !zone_default)
                {
                    found.push(
                        format!("{zone}_{name}_{t}"),
                        Some(format!("{name} {t}").as_str()),
                    );
                }
            }
            let next = out.next_record_name().filter(|_| out.is_truncated());
            listing::next(next, &found).map(|name| {
                (
                    name,
                    out.next_record_type().cloned(),
                    out.next_record_identifier().map(str::to_string),
                )
            })
        },
    )
    .await?;
    Ok(found)
}
