//! The compatibility corpus (`tests/corpus/`): one folder per case, each written after a
//! page of Terraform's provider documentation or after a language feature real stacks
//! lean on. Every case goes through `validate`, `plan`, `apply -auto-approve`, a re-plan
//! that must find nothing to do (`plan -detailed-exitcode` exits 0) and
//! `destroy -auto-approve`, on moto (AWS) or `do-emulator` (DigitalOcean). After the apply,
//! every object the state records is looked up with an independent client (the AWS SDK, or
//! curl for DigitalOcean) and must be there as recorded; after the destroy it must be
//! gone. A case folder may also hold `expected_outputs.json` (what `iac output -json` must
//! say) and `phase2/` (files that replace the case's `.tf` files after the first apply, for
//! `moved`; the second plan must destroy nothing).

#[path = "corpus/probes.rs"]
mod probes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iac_e2e::{Emulator, Run, Stack};
use serde_json::Value;

/// Every case: its folder under `tests/corpus/`, its emulator, and what it leans on.
const CASES: &[(&str, Emulator, &str)] = &[
    (
        "aws_instance",
        Emulator::Moto,
        "aws_instance, data aws_ami, root_block_device",
    ),
    (
        "aws_eip",
        Emulator::Moto,
        "aws_eip (domain, instance), aws_instance",
    ),
    (
        "aws_eip_association",
        Emulator::Moto,
        "aws_eip_association, data aws_availability_zones",
    ),
    (
        "aws_security_group",
        Emulator::Moto,
        "aws_security_group inline rules, self, security_groups, name_prefix",
    ),
    (
        "aws_vpc_security_group_ingress_rule",
        Emulator::Moto,
        "aws_vpc_security_group_ingress_rule (ipv4, ipv6, referenced group)",
    ),
    (
        "aws_key_pair",
        Emulator::Moto,
        "aws_key_pair (key_name, key_name_prefix)",
    ),
    (
        "aws_db_instance",
        Emulator::Moto,
        "aws_db_instance (mysql, default parameter group)",
    ),
    (
        "aws_db_parameter_group",
        Emulator::Moto,
        "aws_db_parameter_group (parameter blocks, name_prefix)",
    ),
    (
        "aws_db_subnet_group",
        Emulator::Moto,
        "aws_db_subnet_group, data aws_subnets",
    ),
    (
        "aws_route53_zone",
        Emulator::Moto,
        "aws_route53_zone, NS delegation record",
    ),
    (
        "aws_route53_record",
        Emulator::Moto,
        "aws_route53_record (A, TXT, CNAME, alias to an ALB)",
    ),
    (
        "aws_acm_certificate",
        Emulator::Moto,
        "aws_acm_certificate, create_before_destroy",
    ),
    (
        "aws_acm_certificate_validation",
        Emulator::Moto,
        "for_each over domain_validation_options, data aws_route53_zone",
    ),
    (
        "aws_lb",
        Emulator::Moto,
        "aws_lb (application, network), for expression",
    ),
    (
        "aws_lb_target_group",
        Emulator::Moto,
        "aws_lb_target_group, health_check",
    ),
    (
        "aws_lb_target_group_attachment",
        Emulator::Moto,
        "aws_lb_target_group_attachment",
    ),
    (
        "aws_lb_listener",
        Emulator::Moto,
        "aws_lb_listener (forward over HTTPS, redirect, fixed-response)",
    ),
    (
        "aws_alb_aliases",
        Emulator::Moto,
        "aws_alb, aws_alb_target_group, aws_alb_listener, aws_alb_target_group_attachment",
    ),
    (
        "aws_s3_bucket",
        Emulator::Moto,
        "aws_s3_bucket (bucket, bucket_prefix, tags)",
    ),
    (
        "aws_s3_bucket_versioning",
        Emulator::Moto,
        "aws_s3_bucket_versioning (Enabled, Disabled)",
    ),
    (
        "aws_s3_bucket_public_access_block",
        Emulator::Moto,
        "aws_s3_bucket_public_access_block",
    ),
    (
        "aws_s3_bucket_lifecycle_configuration",
        Emulator::Moto,
        "lifecycle rules: and-filter, transitions, dates, noncurrent versions",
    ),
    (
        "data_aws_ami",
        Emulator::Moto,
        "data aws_ami (name_regex, filters)",
    ),
    ("data_aws_vpc", Emulator::Moto, "data aws_vpc (default, id)"),
    (
        "data_aws_subnets",
        Emulator::Moto,
        "data aws_subnets (filter, tags)",
    ),
    (
        "data_aws_caller_identity",
        Emulator::Moto,
        "data aws_caller_identity",
    ),
    (
        "data_aws_availability_zones",
        Emulator::Moto,
        "data aws_availability_zones (state, filter, exclude_names)",
    ),
    (
        "data_aws_route53_zone",
        Emulator::Moto,
        "data aws_route53_zone (name with a trailing dot)",
    ),
    (
        "digitalocean_droplet",
        Emulator::DigitalOcean,
        "digitalocean_droplet with backups and backup_policy",
    ),
    (
        "digitalocean_droplet_basic",
        Emulator::DigitalOcean,
        "digitalocean_droplet (monitoring, ipv6, tags, user_data)",
    ),
    (
        "digitalocean_ssh_key",
        Emulator::DigitalOcean,
        "digitalocean_ssh_key, file(), fingerprint in ssh_keys",
    ),
    (
        "digitalocean_tag",
        Emulator::DigitalOcean,
        "digitalocean_tag",
    ),
    (
        "digitalocean_domain",
        Emulator::DigitalOcean,
        "digitalocean_domain with ip_address",
    ),
    (
        "digitalocean_record",
        Emulator::DigitalOcean,
        "digitalocean_record (A, MX, TXT, CAA)",
    ),
    (
        "digitalocean_firewall",
        Emulator::DigitalOcean,
        "digitalocean_firewall",
    ),
    (
        "digitalocean_reserved_ip",
        Emulator::DigitalOcean,
        "digitalocean_reserved_ip, private_networking",
    ),
    (
        "digitalocean_reserved_ip_assignment",
        Emulator::DigitalOcean,
        "digitalocean_reserved_ip_assignment",
    ),
    (
        "data_digitalocean_droplet",
        Emulator::DigitalOcean,
        "data digitalocean_droplet (name, tag, id)",
    ),
    (
        "data_digitalocean_ssh_key",
        Emulator::DigitalOcean,
        "data digitalocean_ssh_key",
    ),
    (
        "data_digitalocean_image",
        Emulator::DigitalOcean,
        "data digitalocean_image (slug)",
    ),
    (
        "lang_module_count_for_each",
        Emulator::Moto,
        "modules with count and for_each, module splat",
    ),
    (
        "lang_for_expressions",
        Emulator::Moto,
        "for expressions, grouping, terraform.tfvars",
    ),
    (
        "lang_dynamic_blocks",
        Emulator::Moto,
        "dynamic blocks, iterator, nested dynamic",
    ),
    (
        "lang_block_indexing",
        Emulator::Moto,
        "nested blocks as lists ([0]), splat over a block set",
    ),
    (
        "lang_locals_functions",
        Emulator::Moto,
        "built-in functions",
    ),
    ("lang_tf_json", Emulator::Moto, ".tf.json files"),
    (
        "lang_override",
        Emulator::Moto,
        "override.tf and *_override.tf",
    ),
    (
        "lang_required_version",
        Emulator::Moto,
        "terraform { required_version }",
    ),
    (
        "lang_required_providers",
        Emulator::Moto,
        "terraform { required_providers }, provider alias, default_tags",
    ),
    ("lang_lock_file", Emulator::Moto, ".terraform.lock.hcl"),
    ("lang_moved_rename", Emulator::Moto, "moved (rename)"),
    (
        "lang_moved_to_instance",
        Emulator::Moto,
        "moved to a count / for_each instance",
    ),
    (
        "lang_moved_to_module",
        Emulator::Moto,
        "moved into a module",
    ),
    (
        "lang_conditional_count",
        Emulator::Moto,
        "count = cond ? 1 : 0, [0], one(), splat",
    ),
    (
        "lang_do_count",
        Emulator::DigitalOcean,
        "count over droplets, splat into records and a firewall",
    ),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The files of a folder (recursively, by relative path), but those the test itself reads.
fn files_of(root: &Path, skip_phase2: bool) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for path in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                if !(skip_phase2 && relative == "phase2") {
                    todo.push(path);
                }
            } else if !matches!(relative.as_str(), "README.md" | "expected_outputs.json") {
                files.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// One `iac` command of a case, which must exit `code`.
fn step(stack: &Stack, args: &[&str], code: i32) -> Result<Run, String> {
    let run = stack.iac(args);
    if run.code == code {
        Ok(run)
    } else {
        Err(format!(
            "`iac {}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            run.code,
            run.stdout.trim_end(),
            run.stderr.trim_end()
        ))
    }
}

/// validate, plan, apply, and a re-plan that finds nothing to do.
fn apply_clean(stack: &Stack) -> Result<Run, String> {
    step(stack, &["validate", "-no-color"], 0)?;
    let plan = step(stack, &["plan", "-no-color"], 0)?;
    step(stack, &["apply", "-auto-approve", "-no-color"], 0)?;
    step(stack, &["plan", "-detailed-exitcode", "-no-color"], 0)
        .map_err(|e| format!("the plan after apply is not empty:\n{e}"))?;
    Ok(plan)
}

/// The managed instances of the state: `(address, type, attributes)`.
fn managed(stack: &Stack) -> Vec<(String, String, Value)> {
    let Some(bytes) = stack.state_bytes() else {
        return Vec::new();
    };
    let state: Value = serde_json::from_slice(&bytes).expect("state is JSON");
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["mode"] == "managed")
        .map(|r| {
            (
                r["address"].as_str().unwrap_or_default().to_string(),
                r["type"].as_str().unwrap_or_default().to_string(),
                r["attributes"].clone(),
            )
        })
        .collect()
}

/// The root module outputs, by name.
fn outputs(stack: &Stack) -> Result<BTreeMap<String, Value>, String> {
    let run = step(stack, &["output", "-json"], 0)?;
    let all: BTreeMap<String, Value> = serde_json::from_str(&run.stdout)
        .map_err(|e| format!("`iac output -json` is not JSON ({e}):\n{}", run.stdout))?;
    Ok(all
        .into_iter()
        .map(|(k, v)| (k, v["value"].clone()))
        .collect())
}

/// Each expected output must be there with that value.
fn check_outputs(stack: &Stack, expected: &Value) -> Result<(), String> {
    let actual = outputs(stack)?;
    let mut wrong = Vec::new();
    for (name, want) in expected.as_object().into_iter().flatten() {
        let got = actual.get(name).unwrap_or(&Value::Null);
        if got != want {
            wrong.push(format!("output {name}: expected {want}, got {got}"));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

/// Replaces the stack's files by those of `phase2/` (for `moved`): every `.tf` file of the
/// first phase is removed, the state is kept.
fn enter_phase2(stack: &Stack, case_dir: &Path, first: &[(String, String)]) {
    for (name, _) in first {
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            std::fs::remove_file(stack.path().join(name)).expect("remove a phase 1 file");
        }
    }
    for (name, text) in files_of(&case_dir.join("phase2"), false) {
        stack.write(&name, &text);
    }
}

/// Looks up every object of the state; each must be there as recorded.
async fn check_present(stack: &Stack) -> Result<Vec<(String, String, Value)>, String> {
    let objects = managed(stack);
    let mut checked = 0;
    for (address, ty, attrs) in &objects {
        match probes::probe(stack, ty, attrs).await {
            Ok(probes::Found::Present) => checked += 1,
            Ok(probes::Found::Absent) => {
                return Err(format!("{address} is in the state but not in the cloud"));
            }
            Ok(probes::Found::Unprobed) => {}
            Err(e) => return Err(format!("{address}: {e}")),
        }
    }
    if checked == 0 && !objects.is_empty() {
        return Err("no object of the state could be checked".into());
    }
    Ok(objects)
}

async fn run_case(name: &str, emulator: Emulator) -> Result<(), String> {
    let dir = corpus_dir().join(name);
    let first = files_of(&dir, true);
    let refs: Vec<(&str, &str)> = first
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let stack = Stack::new(emulator, &refs);
    probes::setup(name, &stack).await?;

    let result = async {
        apply_clean(&stack)?;
        let mut objects = check_present(&stack).await?;
        probes::check_case(name, &stack).await?;
        if let Ok(text) = std::fs::read_to_string(dir.join("expected_outputs.json")) {
            check_outputs(
                &stack,
                &serde_json::from_str(&text).expect("expected outputs"),
            )?;
        }
        if dir.join("phase2").is_dir() {
            enter_phase2(&stack, &dir, &first);
            let plan = apply_clean(&stack)?;
            if !plan.stdout.contains(", 0 to destroy.") && !plan.stdout.contains("No changes.") {
                return Err(format!(
                    "after the moved blocks the plan destroys something:\n{}",
                    plan.stdout
                ));
            }
            objects = check_present(&stack).await?;
        }
        if objects.is_empty() && probes::checks_outputs_only(name) {
            // A data-source case: its outputs were checked against the cloud above.
        } else if objects.is_empty() {
            return Err("the apply recorded no managed object".into());
        }
        step(&stack, &["destroy", "-auto-approve", "-no-color"], 0)?;
        let left = managed(&stack);
        if !left.is_empty() {
            return Err(format!(
                "destroy left {:?} in the state",
                left.iter().map(|l| &l.0).collect::<Vec<_>>()
            ));
        }
        for (address, ty, attrs) in &objects {
            match probes::probe(&stack, ty, attrs).await {
                Ok(probes::Found::Absent | probes::Found::Unprobed) => {}
                Ok(probes::Found::Present) => {
                    return Err(format!("{address} is still in the cloud after destroy"));
                }
                Err(e) => return Err(format!("{address} after destroy: {e}")),
            }
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        // Leave the shared emulator as clean as possible for the cases after this one.
        let _ = stack.iac(&["destroy", "-auto-approve", "-no-color"]);
    }
    probes::teardown(name, &stack).await;
    result
}

/// moto keeps every case's objects in one account: cases on it run one at a time.
async fn one_at_a_time(emulator: Emulator) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static MOTO: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    match emulator {
        Emulator::Moto => Some(MOTO.lock().await),
        Emulator::LocalStack | Emulator::DigitalOcean => None,
    }
}

async fn case(name: &str) {
    let (_, emulator, needs) = CASES
        .iter()
        .find(|c| c.0 == name)
        .unwrap_or_else(|| panic!("{name} is not in CASES"));
    let _account = one_at_a_time(*emulator).await;
    if let Err(e) = run_case(name, *emulator).await {
        panic!("corpus case {name} ({needs}) failed:\n{e}");
    }
}

/// One test per case, so that a filter runs one and a failure names it.
macro_rules! cases {
    ($($name:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread")]
            async fn $name() {
                case(stringify!($name)).await;
            }
        )+
        const TESTED: &[&str] = &[$(stringify!($name)),+];
    };
}

cases!(
    aws_instance,
    aws_eip,
    aws_eip_association,
    aws_security_group,
    aws_vpc_security_group_ingress_rule,
    aws_key_pair,
    aws_db_instance,
    aws_db_parameter_group,
    aws_db_subnet_group,
    aws_route53_zone,
    aws_route53_record,
    aws_acm_certificate,
    aws_acm_certificate_validation,
    aws_lb,
    aws_lb_target_group,
    aws_lb_target_group_attachment,
    aws_lb_listener,
    aws_alb_aliases,
    aws_s3_bucket,
    aws_s3_bucket_versioning,
    aws_s3_bucket_public_access_block,
    aws_s3_bucket_lifecycle_configuration,
    data_aws_ami,
    data_aws_vpc,
    data_aws_subnets,
    data_aws_caller_identity,
    data_aws_availability_zones,
    data_aws_route53_zone,
    digitalocean_droplet,
    digitalocean_droplet_basic,
    digitalocean_ssh_key,
    digitalocean_tag,
    digitalocean_domain,
    digitalocean_record,
    digitalocean_firewall,
    digitalocean_reserved_ip,
    digitalocean_reserved_ip_assignment,
    data_digitalocean_droplet,
    data_digitalocean_ssh_key,
    data_digitalocean_image,
    lang_module_count_for_each,
    lang_for_expressions,
    lang_dynamic_blocks,
    lang_block_indexing,
    lang_locals_functions,
    lang_tf_json,
    lang_override,
    lang_required_version,
    lang_required_providers,
    lang_lock_file,
    lang_moved_rename,
    lang_moved_to_instance,
    lang_moved_to_module,
    lang_conditional_count,
    lang_do_count,
);

/// Every folder of `tests/corpus/` is a listed, tested case with a README.
#[test]
fn every_corpus_folder_is_a_tested_case() {
    let mut folders: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    listed.sort();
    assert_eq!(folders, listed, "tests/corpus/ and CASES differ");
    let mut tested: Vec<String> = TESTED.iter().map(|t| t.to_string()).collect();
    tested.sort();
    assert_eq!(tested, listed, "every case has a test");
    for name in &folders {
        let readme = corpus_dir().join(name).join("README.md");
        assert!(
            readme.is_file(),
            "{name} has no README.md naming its source"
        );
    }
}
