//! Route 53 steps that tests take with the AWS SDK, as a person at the console would.

use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};

/// A record of one value with a TTL of 300.
pub fn record(name: &str, kind: RrType, value: &str) -> ResourceRecordSet {
    ResourceRecordSet::builder()
        .name(name)
        .r#type(kind)
        .ttl(300)
        .resource_records(ResourceRecord::builder().value(value).build().unwrap())
        .build()
        .unwrap()
}

/// Creates `records` in zone `zone` in one change batch.
pub async fn create(
    route53: &aws_sdk_route53::Client,
    zone: &str,
    records: Vec<ResourceRecordSet>,
) {
    let mut batch = ChangeBatch::builder();
    for set in records {
        batch = batch.changes(
            Change::builder()
                .action(ChangeAction::Create)
                .resource_record_set(set)
                .build()
                .unwrap(),
        );
    }
    route53
        .change_resource_record_sets()
        .hosted_zone_id(zone)
        .change_batch(batch.build().unwrap())
        .send()
        .await
        .unwrap();
}

/// Makes a public hosted zone `name` (with `comment`, if given): its id, without
/// `/hostedzone/`.
pub async fn create_zone(
    route53: &aws_sdk_route53::Client,
    name: &str,
    comment: Option<&str>,
) -> String {
    let mut create = route53
        .create_hosted_zone()
        .name(name)
        .caller_reference(crate::unique("zone"));
    if let Some(comment) = comment {
        create = create.hosted_zone_config(
            aws_sdk_route53::types::HostedZoneConfig::builder()
                .comment(comment)
                .build(),
        );
    }
    let zone = create.send().await.unwrap();
    zone.hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string()
}
