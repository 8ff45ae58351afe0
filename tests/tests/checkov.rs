//! Plan JSON read by a tool written for Terraform: checkov (installed by
//! `localstack/install.sh`) scans `iac show -json PLAN` of every example stack and finds
//! every planned resource; an SSH port open to the world fails its check; a DigitalOcean
//! firewall plan scans without crashing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use iac_e2e::{Emulator, Stack, example_stack, one_at_a_time, unique};
use serde_json::Value;

const PUBLIC_KEY: &str = include_str!("e2e_key.pub");

fn checkov_binary() -> PathBuf {
    let home = std::env::var_os("IAC_EMULATOR_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/iac-emulators")
        });
    let bin = home.join("checkov-venv/bin/checkov");
    assert!(
        bin.is_file(),
        "{} does not exist: run `localstack/install.sh`",
        bin.display()
    );
    bin
}

/// checkov's JSON report of the plan JSON in `file`.
fn checkov(file: &Path) -> Value {
    let out = Command::new(checkov_binary())
        .args([
            "--framework",
            "terraform_plan",
            "-o",
            "json",
            "--skip-download",
        ])
        .arg("-f")
        .arg(file)
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .output()
        .expect("checkov runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Traceback"),
        "checkov crashed:\n{stderr}\n{stdout}"
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("checkov's report is not JSON ({e}):\n{stdout}\n{stderr}"))
}

/// Plans the stack to a file and returns its JSON (as `show -json` prints it) and the
/// JSON's path.
fn plan_json(stack: &Stack, vars: &[&str]) -> (Value, PathBuf) {
    stack
        .iac_with_vars(&["plan", "-no-color", "-out", "plan.out"], vars)
        .expect(0);
    let shown = stack.iac(&["show", "-json", "plan.out"]).expect(0);
    let path = stack.path().join("plan.json");
    std::fs::write(&path, &shown.stdout).unwrap();
    (
        serde_json::from_str(&shown.stdout).expect("show -json prints JSON"),
        path,
    )
}

/// The managed resources the plan creates or keeps, by address.
fn planned_managed(plan: &Value) -> BTreeSet<String> {
    plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["mode"] == "managed" && c["change"]["actions"] != serde_json::json!(["delete"])
        })
        .map(|c| c["address"].as_str().unwrap().to_string())
        .collect()
}

/// Every check result of the report.
fn results(report: &Value) -> Vec<&Value> {
    ["passed_checks", "failed_checks"]
        .iter()
        .flat_map(|k| report["results"][k].as_array().into_iter().flatten())
        .collect()
}

/// Asserts that checkov parsed every planned managed resource and checked those of
/// types it has checks for, and returns the report.
fn scans_every_resource(stack: &Stack, vars: &[&str]) -> Value {
    let (plan, path) = plan_json(stack, vars);
    let planned = planned_managed(&plan);
    assert!(!planned.is_empty());
    let report = checkov(&path);
    assert_eq!(report["check_type"], "terraform_plan", "{report:#}");
    assert_eq!(
        report["summary"]["resource_count"].as_u64(),
        Some(planned.len() as u64),
        "checkov parsed every planned resource: {planned:?}\n{:#}",
        report["summary"]
    );
    assert_eq!(report["summary"]["parsing_errors"], 0);
    // checkov also checks provider configurations (`aws.default`) and data sources.
    let managed = |a: &&str| {
        let first = a.split('.').next().unwrap_or_default();
        !a.starts_with("data.")
            && !a.contains(".data.")
            && (first == "module" || first.contains('_'))
    };
    let checked: BTreeSet<String> = results(&report)
        .iter()
        .map(|r| r["resource"].as_str().unwrap())
        .filter(managed)
        .map(str::to_string)
        .collect();
    assert!(
        checked.is_subset(&planned),
        "checked {checked:?} but planned {planned:?}"
    );
    // Each type checkov has a check for that the stack plans is checked in full.
    let checked_types: BTreeSet<&str> = checked
        .iter()
        .map(|a| a.rsplit('.').nth(1).unwrap_or_default())
        .collect();
    for address in &planned {
        let ty = address.rsplit('.').nth(1).unwrap_or_default();
        if checked_types.contains(ty) {
            let bare = address.split('[').next().unwrap_or(address);
            assert!(
                checked.iter().any(|c| c == address || c == bare),
                "{address} was not checked; checked: {checked:?}"
            );
        }
    }
    report
}

fn failed<'a>(report: &'a Value, check: &str) -> Vec<&'a str> {
    report["results"]["failed_checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["check_id"] == check)
        .map(|r| r["resource"].as_str().unwrap())
        .collect()
}

fn key_var() -> String {
    format!("ssh_public_key = \"{}\"\n", PUBLIC_KEY.trim())
}

#[tokio::test(flavor = "multi_thread")]
async fn checkov_reads_the_aws_example_stacks() {
    let _account = one_at_a_time(Emulator::Moto).await;
    let emu = Emulator::Moto;
    let region = "region = \"eu-west-1\"\n";
    let password = "db_password = \"correct-horse-battery\"\n";

    let stack = example_stack(
        emu,
        "web-monitoring",
        &format!(
            "{region}{password}protect_production_db = false\n{}",
            key_var()
        ),
    );
    scans_every_resource(&stack, &[]);

    let stack = example_stack(
        emu,
        "human-essentials",
        &format!(
            "{region}{password}bucket_prefix = \"{}\"\n{}",
            unique("he"),
            key_var()
        ),
    );
    scans_every_resource(&stack, &[]);

    let stack = example_stack(
        emu,
        "amy",
        &format!(
            "{region}{password}domain = \"{}.example.org\"\n{}",
            unique("amy"),
            key_var()
        ),
    );
    scans_every_resource(&stack, &[]);

    let domain = format!("{}.example.org", unique("wb"));
    let stack = example_stack(
        emu,
        "web-bugs",
        &format!(
            "environment = \"staging\"\ndomain = \"{domain}\"\n{}",
            key_var()
        ),
    );
    // The zone predates the stack, as the team's does.
    aws_sdk_route53::Client::new(&stack.sdk())
        .create_hosted_zone()
        .name(&domain)
        .caller_reference(unique("ref"))
        .send()
        .await
        .unwrap();
    let report = scans_every_resource(&stack, &[]);
    assert!(
        failed(&report, "CKV_AWS_260").contains(&"aws_security_group.host"),
        "HTTP is open to the world there: {:#}",
        report["results"]["failed_checks"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ssh_port_open_to_the_world_fails_its_check() {
    let _account = one_at_a_time(Emulator::Moto).await;
    let stack = Stack::new(
        Emulator::Moto,
        &[(
            "main.hcl",
            r#"
resource "aws_security_group" "open" {
  name        = "open-ssh"
  description = "SSH from anywhere"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "closed" {
  name        = "closed-ssh"
  description = "SSH from the office"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["198.51.100.0/24"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.closed.id
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
  cidr_ipv4         = "0.0.0.0/0"
}
"#,
        )],
    );
    let report = scans_every_resource(&stack, &[]);
    let open = failed(&report, "CKV_AWS_24");
    assert!(open.contains(&"aws_security_group.open"), "{open:?}");
    assert!(
        open.contains(&"aws_vpc_security_group_ingress_rule.ssh"),
        "{open:?}"
    );
    assert!(!open.contains(&"aws_security_group.closed"), "{open:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn checkov_reads_the_digitalocean_stack() {
    let stack = example_stack(
        Emulator::DigitalOcean,
        "insync",
        &format!(
            "ssh_public_keys = {{ ops = \"{}\" }}\n\npackage_repos_bucket = \"{}\"\n",
            PUBLIC_KEY.trim(),
            unique("insync-packages")
        ),
    )
    .with_aws(Emulator::Moto);
    let report = scans_every_resource(&stack, &[]);
    let firewalls: Vec<&Value> = results(&report)
        .into_iter()
        .filter(|r| {
            r["resource"]
                .as_str()
                .unwrap()
                .starts_with("digitalocean_firewall.")
        })
        .collect();
    assert!(!firewalls.is_empty(), "the firewalls are checked");
}
