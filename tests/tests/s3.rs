//! S3 end to end: the built `iac` against LocalStack and moto, checked with aws-sdk-s3.

use iac_e2e::{Emulator, Stack, on_emulators, unique};

fn bucket_stack(bucket: &str, tag: &str) -> String {
    format!(
        r#"
variable "bucket" {{
  type    = string
  default = "{bucket}"
}}

provider "aws" {{
  default_tags {{
    tags = {{ managed_by = "iac" }}
  }}
}}

resource "aws_s3_bucket" "logs" {{
  bucket        = var.bucket
  force_destroy = true
  tags = {{
    team = "{tag}"
  }}
}}

resource "aws_s3_bucket_versioning" "logs" {{
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_public_access_block" "logs" {{
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {{
  bucket = aws_s3_bucket.logs.id
  rule {{
    id     = "expire-snapshots"
    status = "Enabled"
    filter {{
      prefix = "snapshots/"
    }}
    expiration {{
      days = 7
    }}
  }}
}}

output "arn" {{
  value = aws_s3_bucket.logs.arn
}}
"#
    )
}

async fn bucket_exists(s3: &aws_sdk_s3::Client, name: &str) -> bool {
    s3.head_bucket().bucket(name).send().await.is_ok()
}

async fn tags_of(s3: &aws_sdk_s3::Client, name: &str) -> Vec<(String, String)> {
    let out = s3
        .get_bucket_tagging()
        .bucket(name)
        .send()
        .await
        .expect("bucket has tags");
    let mut tags: Vec<_> = out
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    tags.sort();
    tags
}

/// Create, no-op plan, in-place update, replace, delete, destroy.
async fn bucket_lifecycle(emu: Emulator) {
    let name = unique("iac-life");
    let stack = Stack::new(emu, &[("main.hcl", &bucket_stack(&name, "ops"))]);
    let s3 = stack.s3().await;

    let applied = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        applied
            .stdout
            .contains("Apply complete! Resources: 4 added, 0 changed, 0 destroyed."),
        "{}",
        applied.stdout
    );
    assert!(bucket_exists(&s3, &name).await);
    assert_eq!(
        tags_of(&s3, &name).await,
        vec![
            ("managed_by".into(), "iac".into()),
            ("team".into(), "ops".into())
        ]
    );
    let versioning = s3
        .get_bucket_versioning()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(versioning.status().map(|s| s.as_str()), Some("Enabled"));
    let pab = s3
        .get_public_access_block()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        pab.public_access_block_configuration()
            .and_then(|c| c.block_public_acls()),
        Some(true)
    );
    let lifecycle = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        lifecycle.rules()[0].expiration().and_then(|e| e.days()),
        Some(7)
    );
    assert_eq!(
        stack.state()["outputs"]["arn"]["value"],
        format!("arn:aws:s3:::{name}")
    );

    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    stack.write("main.hcl", &bucket_stack(&name, "platform"));
    let plan = stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(2);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.logs will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert_eq!(
        tags_of(&s3, &name).await,
        vec![
            ("managed_by".into(), "iac".into()),
            ("team".into(), "platform".into())
        ]
    );

    let renamed = unique("iac-renamed");
    let var = format!("bucket={renamed}");
    let plan = stack.iac(&["plan", "-no-color", "-var", &var]).expect(0);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.logs must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("# forces replacement"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 4 to add, 0 to change, 4 to destroy."),
        "{}",
        plan.stdout
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color", "-var", &var])
        .expect(0);
    assert!(!bucket_exists(&s3, &name).await, "the old bucket is gone");
    assert!(bucket_exists(&s3, &renamed).await, "the new bucket exists");
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color", "-var", &var])
        .expect(0);

    let without_lifecycle = bucket_stack(&renamed, "platform");
    let cut = without_lifecycle
        .find("resource \"aws_s3_bucket_lifecycle_configuration\"")
        .unwrap();
    let end = without_lifecycle[cut..].find("\noutput").unwrap() + cut;
    stack.write(
        "main.hcl",
        &format!("{}{}", &without_lifecycle[..cut], &without_lifecycle[end..]),
    );
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket_lifecycle_configuration.logs will be destroyed"),
        "{}",
        plan.stdout
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        s3.get_bucket_lifecycle_configuration()
            .bucket(&renamed)
            .send()
            .await
            .is_err(),
        "the lifecycle rules are gone"
    );

    s3.put_object()
        .bucket(&renamed)
        .key("snapshots/a")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();
    let destroyed = stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        destroyed
            .stdout
            .contains("Destroy complete! Resources: 3 destroyed."),
        "{}",
        destroyed.stdout
    );
    assert!(
        !bucket_exists(&s3, &renamed).await,
        "force_destroy emptied and deleted the bucket"
    );
    assert_eq!(stack.state()["resources"], serde_json::json!([]));
}
on_emulators!(bucket_lifecycle: LocalStack, Moto);

/// A bucket deleted behind iac's back is planned for creation again.
async fn deleted_outside_is_recreated(emu: Emulator) {
    let name = unique("iac-drift");
    let stack = Stack::new(
        emu,
        &[(
            "main.hcl",
            &format!("resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{name}\"\n}}\n"),
        )],
    );
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    stack
        .s3()
        .await
        .delete_bucket()
        .bucket(&name)
        .send()
        .await
        .unwrap();
    let plan = stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(2);
    assert!(
        plan.stdout.contains("# aws_s3_bucket.b has been deleted"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("# aws_s3_bucket.b will be created"),
        "{}",
        plan.stdout
    );
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    assert!(bucket_exists(&stack.s3().await, &name).await);
}
on_emulators!(deleted_outside_is_recreated: LocalStack, Moto);

/// A saved plan applies exactly; a stale one (state or files changed) is refused.
async fn saved_plans(emu: Emulator) {
    let (a, b) = (unique("iac-plan-a"), unique("iac-plan-b"));
    let one = format!("resource \"aws_s3_bucket\" \"a\" {{\n  bucket = \"{a}\"\n}}\n");
    let stack = Stack::new(emu, &[("main.hcl", &one)]);
    stack.iac(&["plan", "-out=first.plan"]).expect(0);
    let applied = stack.iac(&["apply", "first.plan"]).expect(0);
    assert!(applied.stdout.contains("1 added"), "{}", applied.stdout);
    assert!(bucket_exists(&stack.s3().await, &a).await);

    stack
        .iac(&["apply", "first.plan"])
        .expect(1)
        .stderr
        .contains("Saved plan is stale")
        .then_some(())
        .expect("state changed since");

    let two = format!("{one}resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{b}\"\n}}\n");
    stack.write("main.hcl", &two);
    stack.iac(&["plan", "-out=second.plan"]).expect(0);
    stack.write("main.hcl", &format!("{two}\n# edited\n"));
    let refused = stack.iac(&["apply", "second.plan"]).expect(1);
    assert!(
        refused.stderr.contains("Saved plan is stale") && refused.stderr.contains("files changed"),
        "{}",
        refused.stderr
    );
    assert!(
        !bucket_exists(&stack.s3().await, &b).await,
        "nothing was applied from the stale plan"
    );
}
on_emulators!(saved_plans: LocalStack, Moto);

/// The CI flow: plan in one checkout, apply the plan file in another folder with the same
/// files. The plan applies to (and records its state in) the folder it is applied in.
async fn saved_plan_applies_in_another_checkout(emu: Emulator) {
    let name = unique("iac-ci");
    let main = format!("resource \"aws_s3_bucket\" \"a\" {{\n  bucket = \"{name}\"\n}}\n");
    let planned = Stack::new(emu, &[("main.hcl", &main)]);
    planned.iac(&["plan", "-out=ci.plan"]).expect(0);
    let mut applied = Stack::new(emu, &[("main.hcl", &main)]);
    applied.access_key = planned.access_key.clone();
    std::fs::copy(
        planned.path().join("ci.plan"),
        applied.path().join("ci.plan"),
    )
    .unwrap();
    let run = applied.iac(&["apply", "ci.plan"]).expect(0);
    assert!(run.stdout.contains("1 added"), "{}", run.stdout);
    assert!(bucket_exists(&applied.s3().await, &name).await);
    assert!(
        applied.state_bytes().is_some(),
        "the state is written where it was applied"
    );
    assert!(
        planned.state_bytes().is_none(),
        "the planning checkout is untouched"
    );

    // A checkout whose files differ is refused.
    let other = Stack::new(emu, &[("main.hcl", &format!("{main}# edited\n"))]);
    std::fs::copy(planned.path().join("ci.plan"), other.path().join("ci.plan")).unwrap();
    let refused = other.iac(&["apply", "ci.plan"]).expect(1);
    assert!(
        refused.stderr.contains("Saved plan is stale"),
        "{}",
        refused.stderr
    );
    applied.iac(&["destroy", "-auto-approve"]).expect(0);
}
on_emulators!(saved_plan_applies_in_another_checkout: Moto);

/// Sensitive tags stay hidden in `tags_all` (which the provider computes from them) and
/// in the refreshed values of later diffs, in every command's output.
async fn sensitive_tags_never_show(emu: Emulator) {
    let name = unique("iac-secret-tags");
    let text = |team: &str| {
        format!(
            "variable \"pw\" {{\n  default   = \"hunter2\"\n  sensitive = true\n}}\nresource \"aws_s3_bucket\" \"a\" {{\n  bucket = \"{name}\"\n  tags   = {{ pw = var.pw, team = \"{team}\" }}\n}}\n"
        )
    };
    let stack = Stack::new(emu, &[("main.hcl", &text("a"))]);
    let mut outputs = vec![
        stack.iac(&["plan", "-no-color"]).expect(0).stdout,
        stack.iac(&["plan", "-json"]).expect(0).stdout,
        stack
            .iac(&["apply", "-auto-approve", "-no-color"])
            .expect(0)
            .stdout,
        stack.iac(&["show", "-no-color"]).expect(0).stdout,
        stack.iac(&["show", "-json"]).expect(0).stdout,
        stack
            .iac(&["state", "show", "aws_s3_bucket.a"])
            .expect(0)
            .stdout,
    ];
    stack.write("main.hcl", &text("b"));
    outputs.push(
        stack
            .iac(&["plan", "-no-color", "-out=u.plan"])
            .expect(0)
            .stdout,
    );
    outputs.push(stack.iac(&["show", "-no-color", "u.plan"]).expect(0).stdout);
    outputs.push(stack.iac(&["show", "-json", "u.plan"]).expect(0).stdout);
    outputs.push(
        stack
            .iac(&["destroy", "-auto-approve", "-no-color"])
            .expect(0)
            .stdout,
    );
    for out in &outputs {
        assert!(!out.contains("hunter2"), "{out}");
    }
    assert!(outputs[0].contains("tags_all"), "{}", outputs[0]);
}
on_emulators!(sensitive_tags_never_show: Moto);

/// The provider block's `endpoints` work without the SDK's environment settings, with
/// path-style S3 addressing.
async fn provider_block_endpoints(emu: Emulator) {
    let name = unique("iac-endpoint");
    let endpoint = &emu.running().endpoint;
    let text = format!(
        "provider \"aws\" {{\n  region = \"eu-west-1\"\n  endpoints {{\n    s3 = \"{endpoint}\"\n  }}\n}}\n\nresource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{name}\"\n}}\n"
    );
    let stack = Stack::new(emu, &[("main.hcl", &text)]);
    stack
        .iac_without_endpoint_env(&["apply", "-auto-approve"])
        .expect(0);
    assert!(bucket_exists(&stack.s3().await, &name).await);
    stack
        .iac_without_endpoint_env(&["destroy", "-auto-approve"])
        .expect(0);
}
on_emulators!(provider_block_endpoints: LocalStack, Moto);

/// An AWS error names the resource, the API operation and AWS's message; what depends
/// on the failure never starts, independent work finishes, and the state keeps it.
async fn a_failed_create_is_contained(emu: Emulator) {
    let (taken, free) = (unique("iac-taken"), unique("iac-free"));
    let text = format!(
        "resource \"aws_s3_bucket\" \"taken\" {{\n  bucket = \"{taken}\"\n}}\n\nresource \"aws_s3_bucket_versioning\" \"taken\" {{\n  bucket = aws_s3_bucket.taken.id\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n\nresource \"aws_s3_bucket\" \"free\" {{\n  bucket = \"{free}\"\n}}\n"
    );
    let stack = Stack::new(emu, &[("main.hcl", &text)]);
    let s3 = stack.s3().await;
    let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
        .build();
    s3.create_bucket()
        .bucket(&taken)
        .create_bucket_configuration(location)
        .send()
        .await
        .unwrap();

    let run = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(1);
    assert!(
        run.stderr
            .contains("aws_s3_bucket.taken: creating failed in CreateBucket"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("BucketAlready"),
        "AWS's own error code and message: {}",
        run.stderr
    );
    assert!(
        !run.stdout
            .contains("aws_s3_bucket_versioning.taken: Creating"),
        "the dependent never started: {}",
        run.stdout
    );
    assert!(bucket_exists(&s3, &free).await, "independent work finished");
    let state = stack.state();
    let addresses: Vec<&str> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, vec!["aws_s3_bucket.free"]);
    s3.delete_bucket().bucket(&taken).send().await.unwrap();
    stack.iac(&["destroy", "-auto-approve"]).expect(0);
}
on_emulators!(a_failed_create_is_contained: LocalStack, Moto);
