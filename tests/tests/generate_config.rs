//! `plan -generate-config-out` with a target of every supported resource type: each
//! resource case of the corpus (`tests/corpus/aws_*`, `digitalocean_*`) is applied, then
//! its configuration and state are thrown away and only `import` blocks naming what it
//! made are kept. The generated configuration must plan as imports only, apply, plan
//! clean (`-detailed-exitcode` 0) and destroy what it adopted.

#[path = "corpus/probes.rs"]
#[allow(dead_code)]
mod probes;

use std::path::Path;

use iac_e2e::{Emulator, Stack};
use serde_json::Value;

/// The resource cases, with their emulator.
const CASES: &[(&str, Emulator)] = &[
    ("aws_instance", Emulator::Moto),
    ("aws_eip", Emulator::Moto),
    ("aws_eip_association", Emulator::Moto),
    ("aws_security_group", Emulator::Moto),
    ("aws_vpc_security_group_ingress_rule", Emulator::Moto),
    ("aws_key_pair", Emulator::Moto),
    ("aws_db_instance", Emulator::Moto),
    ("aws_db_parameter_group", Emulator::Moto),
    ("aws_db_subnet_group", Emulator::Moto),
    ("aws_route53_zone", Emulator::Moto),
    ("aws_route53_record", Emulator::Moto),
    ("aws_acm_certificate", Emulator::Moto),
    ("aws_lb", Emulator::Moto),
    ("aws_lb_target_group", Emulator::Moto),
    ("aws_lb_target_group_attachment", Emulator::Moto),
    ("aws_lb_listener", Emulator::Moto),
    ("aws_s3_bucket", Emulator::Moto),
    ("aws_s3_bucket_versioning", Emulator::Moto),
    ("aws_s3_bucket_public_access_block", Emulator::Moto),
    ("aws_s3_bucket_lifecycle_configuration", Emulator::Moto),
    ("digitalocean_droplet", Emulator::DigitalOcean),
    ("digitalocean_ssh_key", Emulator::DigitalOcean),
    ("digitalocean_tag", Emulator::DigitalOcean),
    ("digitalocean_domain", Emulator::DigitalOcean),
    ("digitalocean_record", Emulator::DigitalOcean),
    ("digitalocean_firewall", Emulator::DigitalOcean),
    ("digitalocean_reserved_ip", Emulator::DigitalOcean),
    (
        "digitalocean_reserved_ip_assignment",
        Emulator::DigitalOcean,
    ),
];

/// The id `import` takes for an object of type `ty` (docs/aws.md, docs/digitalocean.md).
fn import_id(ty: &str, a: &Value) -> String {
    let s = |k: &str| {
        a[k].as_str()
            .map(str::to_string)
            .unwrap_or_else(|| a[k].to_string())
    };
    match ty {
        "aws_route53_record" => format!("{}_{}_{}", s("zone_id"), s("name"), s("type")),
        "aws_lb_target_group_attachment" if !a["port"].is_null() => {
            format!("{},{},{}", s("target_group_arn"), s("target_id"), s("port"))
        }
        "aws_lb_target_group_attachment" => format!("{},{}", s("target_group_arn"), s("target_id")),
        "digitalocean_record" => format!("{},{}", s("domain"), s("id")),
        "digitalocean_reserved_ip_assignment" => {
            format!("{},{}", s("ip_address"), s("droplet_id"))
        }
        "digitalocean_reserved_ip" => s("ip_address"),
        // As Terraform imports a database: by its identifier (`id` is DbiResourceId).
        "aws_db_instance" => s("identifier"),
        _ => s("id"),
    }
}

/// A block name for a state address: `aws_instance.web[0]` is `web_0`.
fn block_name(address: &str) -> String {
    let after_type = address.split_once('.').map_or(address, |(_, rest)| rest);
    after_type
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_end_matches('_')
        .replace("__", "_")
}

fn case_files(case: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(case);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn run(stack: &Stack, args: &[&str], code: i32) -> Result<iac_e2e::Run, String> {
    let run = stack.iac(args);
    if run.code == code {
        return Ok(run);
    }
    Err(format!(
        "`iac {}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        run.code,
        run.stdout.trim_end(),
        run.stderr.trim_end()
    ))
}

async fn generate_for(case: &str, emulator: Emulator) -> Result<(), String> {
    let files = case_files(case);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let stack = Stack::new(emulator, &refs);
    probes::setup(case, &stack).await?;
    run(&stack, &["apply", "-auto-approve", "-no-color"], 0)?;
    let state = stack.state();
    let mut imports = String::new();
    let mut count = 0;
    for r in state["resources"].as_array().into_iter().flatten() {
        if r["mode"] != "managed" {
            continue;
        }
        let (address, ty) = (r["address"].as_str().unwrap(), r["type"].as_str().unwrap());
        let id = import_id(ty, &r["attributes"]);
        imports.push_str(&format!(
            "import {{\n  to = {ty}.{}\n  id = {}\n}}\n\n",
            block_name(address),
            Value::String(id)
        ));
        count += 1;
    }
    for (name, _) in files.iter().filter(|(n, _)| n.ends_with(".tf")) {
        std::fs::remove_file(stack.path().join(name)).unwrap();
    }
    std::fs::remove_dir_all(stack.path().join(".iac")).unwrap();
    stack.write("imports.tf", &imports);

    let result = async {
        let plan = run(
            &stack,
            &["plan", "-no-color", "-generate-config-out=generated.tf"],
            0,
        )?;
        let generated = std::fs::read_to_string(stack.path().join("generated.tf"))
            .map_err(|e| format!("no generated.tf: {e}"))?;
        let want = format!("Plan: {count} to import, 0 to add, 0 to change, 0 to destroy.");
        if !plan.stdout.contains(&want) {
            return Err(format!(
                "expected `{want}`\n{}\n--- generated.tf\n{generated}",
                plan.stdout
            ));
        }
        run(&stack, &["apply", "-auto-approve", "-no-color"], 0)?;
        run(&stack, &["plan", "-detailed-exitcode", "-no-color"], 0)
            .map_err(|e| format!("{e}\n--- generated.tf\n{generated}"))?;
        Ok(())
    }
    .await;
    if case == "aws_db_instance" && result.is_ok() {
        // Imported, a database is destroyed only after a final snapshot (as in
        // Terraform, `skip_final_snapshot` is false unless set): the clean-up sets it,
        // as a person would before destroying.
        let generated = stack.path().join("generated.tf");
        let text = std::fs::read_to_string(&generated).unwrap().replacen(
            "resource \"aws_db_instance\" \"default\" {",
            "resource \"aws_db_instance\" \"default\" {\n  skip_final_snapshot = true",
            1,
        );
        std::fs::write(&generated, text).unwrap();
        run(&stack, &["apply", "-auto-approve", "-no-color"], 0)?;
    }
    let destroyed = run(&stack, &["destroy", "-auto-approve", "-no-color"], 0);
    probes::teardown(case, &stack).await;
    result?;
    destroyed.map(|_| ())
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_configuration_of_every_resource_type_plans_as_imports_only() {
    let mut failures = Vec::new();
    for (case, emulator) in CASES {
        if let Err(e) = generate_for(case, *emulator).await {
            failures.push(format!("=== {case}\n{e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn block_names_come_from_addresses() {
    assert_eq!(block_name("aws_instance.web"), "web");
    assert_eq!(block_name("aws_instance.web[0]"), "web_0");
    assert_eq!(block_name("aws_s3_bucket.b[\"logs\"]"), "b_logs");
}
