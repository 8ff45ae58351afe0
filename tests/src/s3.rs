//! S3 steps that tests take with the AWS SDK, as a person at the console would.

/// Makes bucket `name` in eu-west-1, the region the tests' clients use.
pub async fn create_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Tags bucket `name` with the one tag `key` = `value`.
pub async fn tag_bucket(s3: &aws_sdk_s3::Client, name: &str, key: &str, value: &str) {
    use aws_sdk_s3::types::{Tag, Tagging};
    s3.put_bucket_tagging()
        .bucket(name)
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key(key).value(value).build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// Blocks every kind of public access to bucket `name`.
pub async fn block_public_access(s3: &aws_sdk_s3::Client, name: &str) {
    s3.put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(
            aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Sets bucket `name`'s versioning to `status`.
pub async fn set_versioning(
    s3: &aws_sdk_s3::Client,
    name: &str,
    status: aws_sdk_s3::types::BucketVersioningStatus,
) {
    s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(status)
                .build(),
        )
        .send()
        .await
        .unwrap();
}
