//! The other commands end to end: variables and their precedence, outputs, show, state
//! editing, graph, fmt, plan JSON, -target and -refresh-only.

use iac_e2e::{Emulator, Stack, on_emulators, unique};

fn stack_text() -> String {
    r#"
variable "prefix" {
  type = string
}

variable "team" {
  type    = string
  default = "default-team"
}

variable "secret" {
  type      = string
  default   = "s3cret"
  sensitive = true
}

resource "aws_s3_bucket" "a" {
  bucket = "${var.prefix}-a"
  tags   = { team = var.team }
}

resource "aws_s3_bucket" "b" {
  bucket = "${var.prefix}-b"
}

output "a_name" {
  value = aws_s3_bucket.a.bucket
}

output "team" {
  value = var.team
}

output "secret" {
  value     = var.secret
  sensitive = true
}
"#
    .to_string()
}

async fn commands_end_to_end(emu: Emulator) {
    let prefix = unique("iac-cmd");
    let stack = Stack::new(emu, &[("main.hcl", &stack_text())]);
    // Precedence: terraform.tfvars < *.auto.tfvars < -var-file/-var in order given.
    stack.write(
        "terraform.tfvars",
        &format!("prefix = \"{prefix}\"\nteam = \"from-tfvars\"\n"),
    );
    stack.write("b.auto.tfvars", "team = \"from-auto\"\n");
    stack.write("cli.tfvars", "team = \"from-var-file\"\n");

    let json = stack
        .iac(&[
            "plan",
            "-json",
            "-target=aws_s3_bucket.a",
            "-var-file=cli.tfvars",
            "-var",
            "team=from-flag",
        ])
        .expect(0);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).expect("plan -json is JSON");
    assert_eq!(plan["format_version"], "1.2");
    let changes = plan["resource_changes"].as_array().unwrap();
    assert_eq!(
        changes.len(),
        1,
        "-target leaves aws_s3_bucket.b out: {changes:?}"
    );
    let a = &changes[0];
    assert_eq!(a["address"], "aws_s3_bucket.a");
    assert_eq!(a["change"]["actions"], serde_json::json!(["create"]));
    assert_eq!(
        a["change"]["after"]["tags"]["team"], "from-flag",
        "the last -var wins"
    );
    assert_eq!(
        a["change"]["after_unknown"],
        serde_json::json!({}),
        "S3 bucket attributes are all known at plan time here"
    );
    assert_eq!(
        plan["variables"]["secret"]["value"],
        serde_json::Value::Null,
        "sensitive values are not printed"
    );

    stack.iac(&["apply", "-auto-approve"]).expect(0);
    assert_eq!(
        stack.iac(&["output", "-raw", "team"]).expect(0).stdout,
        "from-auto",
        "auto.tfvars beats terraform.tfvars"
    );
    let outputs: serde_json::Value =
        serde_json::from_str(&stack.iac(&["output", "-json"]).expect(0).stdout).unwrap();
    assert_eq!(outputs["a_name"]["value"], format!("{prefix}-a"));
    assert_eq!(outputs["secret"]["sensitive"], true);
    let listing = stack.iac(&["output"]).expect(0).stdout;
    assert!(
        listing.contains("secret = <sensitive>") && !listing.contains("s3cret"),
        "{listing}"
    );

    let list = stack.iac(&["state", "list"]).expect(0).stdout;
    assert_eq!(list, "aws_s3_bucket.a\naws_s3_bucket.b\n");
    let shown = stack
        .iac(&["state", "show", "aws_s3_bucket.a"])
        .expect(0)
        .stdout;
    assert!(
        shown
            .lines()
            .any(|l| l.trim_start().starts_with("bucket ")
                && l.ends_with(&format!("= \"{prefix}-a\""))),
        "{shown}"
    );
    let show_json: serde_json::Value =
        serde_json::from_str(&stack.iac(&["show", "-json"]).expect(0).stdout).unwrap();
    assert_eq!(
        show_json["values"]["root_module"]["resources"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Rename in state and config together: nothing to do.
    stack
        .iac(&["state", "mv", "aws_s3_bucket.b", "aws_s3_bucket.renamed"])
        .expect(0);
    stack.write(
        "main.hcl",
        &stack_text().replace("\"b\" {", "\"renamed\" {"),
    );
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);

    // Forget one object: the next plan wants to create it again, and it still exists.
    stack
        .iac(&["state", "rm", "aws_s3_bucket.renamed"])
        .expect(0);
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.renamed will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        stack
            .s3()
            .await
            .head_bucket()
            .bucket(format!("{prefix}-b"))
            .send()
            .await
            .is_ok()
    );

    // Drift in tags shows up in a refresh-only plan and is recorded by applying it.
    let s3 = stack.s3().await;
    let tagging = aws_sdk_s3::types::Tagging::builder()
        .tag_set(
            aws_sdk_s3::types::Tag::builder()
                .key("team")
                .value("changed-by-hand")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    s3.put_bucket_tagging()
        .bucket(format!("{prefix}-a"))
        .tagging(tagging)
        .send()
        .await
        .unwrap();
    let refresh = stack
        .iac(&["plan", "-refresh-only", "-no-color", "-detailed-exitcode"])
        .expect(2);
    assert!(
        refresh.stdout.contains("# aws_s3_bucket.a has changed")
            && refresh.stdout.contains("changed-by-hand"),
        "{}",
        refresh.stdout
    );
    stack
        .iac(&["apply", "-refresh-only", "-auto-approve"])
        .expect(0);
    assert!(
        stack
            .iac(&["state", "show", "aws_s3_bucket.a"])
            .expect(0)
            .stdout
            .contains("changed-by-hand")
    );

    let dot = stack.iac(&["graph"]).expect(0).stdout;
    assert!(
        dot.starts_with("digraph {") && dot.contains("\"output.a_name\" -> \"aws_s3_bucket.a\""),
        "{dot}"
    );

    stack.write("ugly.hcl", "locals {\nx=1\n    longer_name = 2\n}\n");
    stack.iac(&["fmt", "-check"]).expect(3);
    stack.iac(&["fmt"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(stack.path().join("ugly.hcl")).unwrap(),
        "locals {\n  x           = 1\n  longer_name = 2\n}\n"
    );
    stack.iac(&["fmt", "-check"]).expect(0);

    let validate: serde_json::Value =
        serde_json::from_str(&stack.iac(&["validate", "-json"]).expect(0).stdout).unwrap();
    assert_eq!(validate["valid"], true);
    let version = stack.iac(&["version"]).expect(0).stdout;
    let mut lines = version.lines();
    assert_eq!(
        lines.next(),
        Some(format!("iac v{}", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("Terraform language v1.")),
        "{version}"
    );

    std::fs::remove_file(stack.path().join("ugly.hcl")).unwrap();
    stack.iac(&["destroy", "-auto-approve"]).expect(0);
    s3.delete_bucket()
        .bucket(format!("{prefix}-b"))
        .send()
        .await
        .unwrap();
}
on_emulators!(commands_end_to_end: LocalStack, Moto);
