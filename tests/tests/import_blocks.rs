//! `import` blocks on moto: buckets (through `for_each` over a map), a security group
//! and an instance made with the AWS SDK are planned as imports, imported by `apply`, and
//! then plan clean; a nonexistent id is an error naming it and its block; `plan
//! -generate-config-out` writes blocks for targets that have none and refuses to
//! overwrite a file.

use aws_sdk_ec2::types::{Filter, IpPermission};
use iac_e2e::{Emulator, Stack, unique};

const MOTO: Emulator = Emulator::Moto;

fn ec2(stack: &Stack) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&stack.sdk())
}

async fn make_bucket(stack: &Stack, name: &str) {
    iac_e2e::s3::create_bucket(&stack.s3().await, name).await;
}

/// What a hand-made web server is: a group without its default egress rule and an
/// instance in it. Returns (group id, instance id, image id, subnet id).
async fn make_server(stack: &Stack, name: &str) -> (String, String, String, String) {
    let ec2 = ec2(stack);
    let vpc = iac_e2e::ec2::default_vpc(&ec2).await;
    let subnet = ec2
        .describe_subnets()
        .filters(Filter::builder().name("vpc-id").values(&vpc).build())
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .subnet_id()
        .unwrap()
        .to_string();
    let group = ec2
        .create_security_group()
        .group_name(name)
        .description("web")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    ec2.revoke_security_group_egress()
        .group_id(&group)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(
                    aws_sdk_ec2::types::IpRange::builder()
                        .cidr_ip("0.0.0.0/0")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let image = ec2
        .describe_images()
        .owners("099720109477")
        .send()
        .await
        .unwrap()
        .images()[0]
        .image_id()
        .unwrap()
        .to_string();
    let instance = ec2
        .run_instances()
        .image_id(&image)
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .subnet_id(&subnet)
        .security_group_ids(&group)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_string();
    (group, instance, image, subnet)
}

#[tokio::test(flavor = "multi_thread")]
async fn buckets_a_group_and_an_instance_are_imported_by_blocks() {
    let name = unique("iac-importblk");
    let (logs, assets) = (format!("{name}-logs"), format!("{name}-assets"));
    let stack = Stack::new(MOTO, &[]);
    make_bucket(&stack, &logs).await;
    make_bucket(&stack, &assets).await;
    let (group, instance, image, subnet) = make_server(&stack, &name).await;
    stack.write(
        "main.tf",
        &format!(
            r#"
locals {{
  buckets = {{
    logs   = "{logs}"
    assets = "{assets}"
  }}
}}

resource "aws_s3_bucket" "this" {{
  for_each = local.buckets
  bucket   = each.value
}}

resource "aws_security_group" "web" {{
  name        = "{name}"
  description = "web"
}}

resource "aws_instance" "web" {{
  ami                    = "{image}"
  instance_type          = "t3.micro"
  subnet_id              = "{subnet}"
  vpc_security_group_ids = [aws_security_group.web.id]
}}
"#
        ),
    );
    stack.write(
        "imports.tf",
        &format!(
            r#"
import {{
  for_each = local.buckets
  to       = aws_s3_bucket.this[each.key]
  id       = each.value
}}

import {{
  to = aws_security_group.web
  id = "{group}"
}}

import {{
  to = aws_instance.web
  id = "{instance}"
}}
"#
        ),
    );

    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout
            .contains("Plan: 4 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.this[\"logs\"] will be imported"),
        "{}",
        plan.stdout
    );
    stack.iac(&["plan", "-detailed-exitcode"]).expect(2);

    let json = stack.iac(&["plan", "-json"]).expect(0);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let importing = |addr: &str| {
        json["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == addr)
            .map(|c| c["change"]["importing"].clone())
            .unwrap_or_else(|| panic!("no change for {addr}"))
    };
    assert_eq!(
        importing("aws_instance.web"),
        serde_json::json!({ "id": instance })
    );
    assert_eq!(
        importing("aws_s3_bucket.this[\"assets\"]"),
        serde_json::json!({ "id": assets })
    );

    let apply = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        apply
            .stdout
            .contains(&format!("aws_instance.web: Importing... [id={instance}]"))
            && apply.stdout.contains(&format!(
                "aws_instance.web: Import complete [id={instance}]"
            )),
        "{}",
        apply.stdout
    );
    assert!(
        apply
            .stdout
            .contains("Apply complete! Resources: 4 imported, 0 added, 0 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );
    assert_eq!(stack.attr("aws_security_group.web", "id"), group);
    assert_eq!(stack.attr("aws_s3_bucket.this[\"logs\"]", "bucket"), logs);

    // The blocks stay, harmless: nothing more to do.
    let again = stack.iac(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);

    // An edit after the import plans exactly that change.
    stack.write(
        "main.tf",
        &std::fs::read_to_string(stack.path().join("main.tf"))
            .unwrap()
            .replace("\"t3.micro\"", "\"t3.small\""),
    );
    let edit = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        edit.stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        edit.stdout
    );
    let described = ec2(&stack)
        .describe_instances()
        .instance_ids(&instance)
        .send()
        .await
        .unwrap();
    assert_eq!(described.reservations().len(), 1, "no instance was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_that_does_not_exist_is_an_error_naming_it_and_its_block() {
    let name = unique("iac-importnone");
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                "resource \"aws_s3_bucket\" \"gone\" {{\n  bucket = \"{name}\"\n}}\n\nimport {{\n  to = aws_s3_bucket.gone\n  id = \"{name}\"\n}}\n"
            ),
        )],
    );
    let run = stack.iac(&["plan", "-no-color"]).expect(1);
    assert!(
        run.stderr.contains(&format!(
            "Cannot import aws_s3_bucket.gone from id \"{name}\""
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("main.tf:5:1"), "{}", run.stderr);
    assert!(stack.state_bytes().is_none(), "nothing was recorded");

    stack.write(
        "main.tf",
        "import {\n  to = aws_s3_bucket.nowhere\n  id = \"x\"\n}\n",
    );
    let run = stack.iac(&["validate", "-no-color"]).expect(1);
    assert!(
        run.stderr
            .contains("Configuration for import target does not exist")
            && run.stderr.contains("main.tf:2:8"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_config_out_writes_blocks_that_plan_clean() {
    let name = unique("iac-importgen");
    let stack = Stack::new(MOTO, &[]);
    make_bucket(&stack, &name).await;
    let (group, instance, _, _) = make_server(&stack, &name).await;
    stack.write(
        "imports.tf",
        &format!(
            r#"import {{
  to = aws_s3_bucket.logs
  id = "{name}"
}}

import {{
  to = aws_security_group.web
  id = "{group}"
}}

import {{
  to = aws_instance.web
  id = "{instance}"
}}
"#
        ),
    );
    let run = stack
        .iac(&["plan", "-no-color", "-generate-config-out=generated.tf"])
        .expect(0);
    let generated = std::fs::read_to_string(stack.path().join("generated.tf")).unwrap();
    assert!(
        generated.starts_with("# __generated__ by iac\n"),
        "{generated}"
    );
    assert!(
        generated.contains(&format!(
            "# __generated__ by iac from \"{instance}\"\nresource \"aws_instance\" \"web\" {{"
        )),
        "{generated}"
    );
    assert!(
        run.stdout
            .contains("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}\n{generated}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("iac has generated configuration and written it to generated.tf."),
        "{}",
        run.stdout
    );
    let fmt = stack.iac(&["fmt", "-check"]);
    assert_eq!(fmt.code, 0, "the file is formatted: {}", fmt.stdout);

    let again = stack
        .iac(&["plan", "-no-color", "--generate-config-out=generated.tf"])
        .expect(1);
    assert!(
        again
            .stderr
            .contains("Target generated file already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(stack.path().join("generated.tf")).unwrap(),
        generated,
        "the file is left as it was"
    );

    stack.iac(&["apply", "-auto-approve"]).expect(0);
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);
}
