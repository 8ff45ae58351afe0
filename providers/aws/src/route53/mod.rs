//! Route 53: hosted zones and their records, and the zone lookup.

mod list;
mod record;
mod zone;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_route53::types::{ChangeStatus, Tag, TagResourceType};
use iac_provider::Error;

use crate::client::AwsClients;
use crate::error::api;
use crate::retry::retry;
use crate::wait::{Look, until};

/// The Route 53 resource types by name.
pub fn resources() -> crate::resource::Resources {
    let mut m = crate::resource::Resources::new();
    m.insert("aws_route53_zone", Box::new(zone::Zone));
    m.insert("aws_route53_record", Box::new(record::Record));
    m
}

/// The Route 53 data sources by name.
pub fn data_sources() -> crate::resource::DataSources {
    let mut m = crate::resource::DataSources::new();
    m.insert("aws_route53_zone", Box::new(zone::ZoneLookup));
    m
}

/// Throttling Route 53 answers while it is busy with earlier changes to a zone.
const BUSY: &[&str] = &["PriorRequestNotComplete"];

/// A DNS name as Route 53 compares them: lower case, no trailing dot, `*` unescaped.
pub(crate) fn normalize_name(name: &str) -> String {
    name.trim_end_matches('.')
        .replace("\\052", "*")
        .to_ascii_lowercase()
}

/// A zone id without the `/hostedzone/` prefix Route 53 puts on it.
fn bare_zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

/// Waits until change `id` has reached every Route 53 name server.
async fn wait_insync(aws: &AwsClients, id: &str, timeout: Duration) -> Result<(), Error> {
    until(
        "GetChange",
        &format!("DNS change {id} to be INSYNC"),
        timeout,
        || async {
            let req = aws.route53.get_change().id(id);
            let out = retry("GetChange", &[], || req.clone().send())
                .await
                .map_err(|e| api("GetChange", e))?;
            Ok(match out.change_info().map(|c| c.status()) {
                Some(ChangeStatus::Insync) => Look::Ready(()),
                Some(s) => Look::Pending(s.as_str().to_string()),
                None => Look::Ready(()),
            })
        },
    )
    .await
}

/// The tags of a hosted zone.
async fn zone_tags(aws: &AwsClients, zone: &str) -> Result<BTreeMap<String, String>, Error> {
    let req = aws
        .route53
        .list_tags_for_resource()
        .resource_type(TagResourceType::Hostedzone)
        .resource_id(zone);
    let out = retry("ListTagsForResource", BUSY, || req.clone().send())
        .await
        .map_err(|e| api("ListTagsForResource", e))?;
    Ok(out
        .resource_tag_set()
        .map(|s| {
            s.tags()
                .iter()
                .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
                .collect()
        })
        .unwrap_or_default())
}

/// Sets a zone's tags from `old` to `new`, touching only what differs.
async fn change_zone_tags(
    aws: &AwsClients,
    zone: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), Error> {
    let changes = crate::tags::changes_between(old, new);
    let add: Vec<Tag> = changes
        .set
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let remove = changes.removed;
    if add.is_empty() && remove.is_empty() {
        return Ok(());
    }
    let req = aws
        .route53
        .change_tags_for_resource()
        .resource_type(TagResourceType::Hostedzone)
        .resource_id(zone)
        .set_add_tags(Some(add).filter(|a| !a.is_empty()))
        .set_remove_tag_keys(Some(remove).filter(|r| !r.is_empty()));
    retry("ChangeTagsForResource", BUSY, || req.clone().send())
        .await
        .map(|_| ())
        .map_err(|e| api("ChangeTagsForResource", e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_compare_without_case_dots_or_escapes() {
        assert_eq!(super::normalize_name("\\052.Example.COM."), "*.example.com");
        assert_eq!(super::bare_zone_id("/hostedzone/Z123"), "Z123");
    }
}
