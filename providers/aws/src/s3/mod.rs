//! S3: buckets and their versioning, public access block and lifecycle rules.

mod bucket;
mod lifecycle;
mod list;
mod public_access_block;
mod setting;
mod versioning;

use setting::Setting;

/// The S3 resource types by name.
pub fn resources() -> crate::resource::Resources {
    let mut m = crate::resource::Resources::new();
    m.insert("aws_s3_bucket", Box::new(bucket::Bucket));
    m.insert(
        "aws_s3_bucket_versioning",
        Box::new(Setting(versioning::Versioning)),
    );
    m.insert(
        "aws_s3_bucket_public_access_block",
        Box::new(Setting(public_access_block::PublicAccessBlock)),
    );
    m.insert(
        "aws_s3_bucket_lifecycle_configuration",
        Box::new(Setting(lifecycle::Lifecycle)),
    );
    m
}

/// Error codes S3 uses for a bucket that does not exist.
pub(crate) const NO_BUCKET: &[&str] = &["NoSuchBucket", "NotFound"];
