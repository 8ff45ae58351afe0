//! Listing buckets: only those in the provider's region (ListBuckets' `BucketRegion`,
//! else GetBucketLocation), `name_prefix` on the name, tags read per bucket only when
//! the request filters on them. The settings types list the buckets that hold their
//! setting.

use std::collections::BTreeMap;

use aws_sdk_s3::types::BucketLocationConstraint;
use iac_provider::{Error, ListRequest, Schema};

use super::NO_BUCKET;
use crate::client::AwsClients;
use crate::error::{api, code, is_not_found};
use crate::listing::{self, Candidate, Filters, Found, pages, tagged};
use crate::retry::retry;

pub fn bucket_schema() -> Schema {
    listing::schema([])
}

/// The buckets of the provider's region that pass the request's filters.
pub async fn buckets(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let req = aws
        .s3
        .list_buckets()
        .bucket_region(&aws.region)
        .set_prefix(f.name_prefix.clone());
    let mut named: Vec<(String, Option<String>)> = Vec::new();
    pages(
        "ListBuckets",
        |token| req.clone().set_continuation_token(token).send(),
        |out| {
            named.extend(out.buckets().iter().filter_map(|b| {
                let name = b.name()?;
                f.name(name)
                    .then(|| (name.to_string(), b.bucket_region().map(str::to_string)))
            }));
            listing::token(out.continuation_token())
        },
    )
    .await?;
    let mut candidates = Vec::new();
    for (name, region) in named {
        let here = match region {
            Some(r) => r == aws.region,
            None => region_of(aws, &name)
                .await?
                .is_some_and(|r| r == aws.region),
        };
        if here {
            candidates.push(Candidate::named(&name, &name));
        }
    }
    tagged(request, &f, candidates, |name| async move {
        tags_of(aws, &name).await
    })
    .await
}

/// The region of bucket `name` (`None` once it is gone).
async fn region_of(aws: &AwsClients, name: &str) -> Result<Option<String>, Error> {
    let req = aws.s3.get_bucket_location().bucket(name);
    match retry("GetBucketLocation", &[], || req.clone().send()).await {
        Ok(out) => Ok(Some(
            match out
                .location_constraint()
                .map(BucketLocationConstraint::as_str)
            {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(r) => r.to_string(),
            },
        )),
        Err(e) if is_not_found(&e, NO_BUCKET) => Ok(None),
        Err(e) => Err(api("GetBucketLocation", e)),
    }
}

/// The tags of bucket `name` (none once it is gone).
async fn tags_of(aws: &AwsClients, name: &str) -> Result<BTreeMap<String, String>, Error> {
    let req = aws.s3.get_bucket_tagging().bucket(name);
    match retry("GetBucketTagging", &[], || req.clone().send()).await {
        Ok(out) => Ok(out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) if code(&e) == Some("NoSuchTagSet") || is_not_found(&e, NO_BUCKET) => {
            Ok(BTreeMap::new())
        }
        Err(e) => Err(api("GetBucketTagging", e)),
    }
}
