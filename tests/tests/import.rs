//! `iac import`: adopt a bucket made by hand; a plan with matching configuration then
//! shows no changes.

use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus,
    CreateBucketConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleFilter, PublicAccessBlockConfiguration, Tag, Tagging, VersioningConfiguration,
};
use iac_e2e::{Emulator, Stack, on_emulators, unique};

async fn adopt_a_hand_made_bucket(emu: Emulator) {
    let name = unique("iac-import");
    let config = format!(
        r#"
resource "aws_s3_bucket" "legacy" {{
  bucket = "{name}"
  tags = {{
    owner = "ops"
  }}
}}

resource "aws_s3_bucket_versioning" "legacy" {{
  bucket = aws_s3_bucket.legacy.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_public_access_block" "legacy" {{
  bucket                  = aws_s3_bucket.legacy.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_lifecycle_configuration" "legacy" {{
  bucket = aws_s3_bucket.legacy.id
  rule {{
    id     = "expire"
    status = "Enabled"
    filter {{
      prefix = "backups/"
    }}
    expiration {{
      days = 30
    }}
  }}
}}
"#
    );
    let stack = Stack::new(emu, &[("main.hcl", &config)]);
    let s3 = stack.s3().await;
    s3.create_bucket()
        .bucket(&name)
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_tagging()
        .bucket(&name)
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key("owner").value("ops").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_versioning()
        .bucket(&name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(&name)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let rule = LifecycleRule::builder()
        .id("expire")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("backups/").build())
        .expiration(LifecycleExpiration::builder().days(30).build())
        .build()
        .unwrap();
    s3.put_bucket_lifecycle_configuration()
        .bucket(&name)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let before = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        before.stdout.contains("Plan: 4 to add"),
        "{}",
        before.stdout
    );
    for ty in [
        "aws_s3_bucket",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_lifecycle_configuration",
    ] {
        let run = stack
            .iac(&["import", "-no-color", &format!("{ty}.legacy"), &name])
            .expect(0);
        assert!(run.stdout.contains("Import successful!"), "{}", run.stdout);
    }
    let after = stack.iac(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        after.code, 0,
        "matching configuration plans no changes after import:\n{}",
        after.stdout
    );

    let again = stack
        .iac(&["import", "aws_s3_bucket.legacy", &name])
        .expect(1);
    assert!(
        again.stderr.contains("Resource already managed by iac"),
        "{}",
        again.stderr
    );
    let missing = stack
        .iac(&["import", "aws_s3_bucket.nope", &name])
        .expect(1);
    assert!(
        missing
            .stderr
            .contains("Configuration for import target does not exist"),
        "{}",
        missing.stderr
    );
    let gone = stack
        .iac(&[
            "import",
            "aws_s3_bucket_versioning.nope",
            "no-such-bucket-here",
        ])
        .expect(1);
    assert!(
        gone.stderr.contains("does not exist") || gone.stderr.contains("no bucket"),
        "{}",
        gone.stderr
    );
}
on_emulators!(adopt_a_hand_made_bucket: LocalStack, Moto);
