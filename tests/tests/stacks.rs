//! The example stacks under `stacks/`: each validates and is canonically formatted, and
//! each applies on the emulators, plans clean, reacts to a variable and destroys.

use std::path::PathBuf;

use iac_e2e::{Emulator, Stack, on_emulators};

fn stack_files(name: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../stacks")
        .join(name);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "hcl"))
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

fn load(emu: Emulator, name: &str) -> Stack {
    let files = stack_files(name);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    Stack::new(emu, &refs)
}

async fn web_bugs(emu: Emulator) {
    let stack = load(emu, "web-bugs");
    stack.iac(&["validate"]).expect(0);
    stack.iac(&["fmt", "-check"]).expect(0);
    let env = ["-var", "environment=staging"];
    stack
        .iac(&["apply", "-auto-approve", env[0], env[1]])
        .expect(0);
    let s3 = stack.s3().await;
    let rules = s3
        .get_bucket_lifecycle_configuration()
        .bucket("web-bugs-snapshots-staging")
        .send()
        .await
        .unwrap();
    assert_eq!(
        rules.rules()[0].expiration().and_then(|e| e.days()),
        Some(7),
        "snapshots expire after a week"
    );
    let pab = s3
        .get_public_access_block()
        .bucket("web-bugs-snapshots-staging")
        .send()
        .await
        .unwrap();
    assert_eq!(
        pab.public_access_block_configuration()
            .and_then(|c| c.restrict_public_buckets()),
        Some(true)
    );
    stack
        .iac(&["plan", "-detailed-exitcode", env[0], env[1]])
        .expect(0);

    let plan = stack
        .iac(&[
            "plan",
            "-no-color",
            env[0],
            env[1],
            "-var",
            "snapshot_retention_days=14",
        ])
        .expect(0);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket_lifecycle_configuration.snapshots will be updated in-place"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let bad = stack
        .iac(&["plan", "-no-color", "-var", "environment=qa"])
        .expect(1);
    assert!(
        bad.stderr
            .contains("environment must be production or staging."),
        "{}",
        bad.stderr
    );

    stack
        .iac(&["destroy", "-auto-approve", env[0], env[1]])
        .expect(0);
    assert!(
        s3.head_bucket()
            .bucket("web-bugs-snapshots-staging")
            .send()
            .await
            .is_err()
    );
}
on_emulators!(web_bugs: LocalStack, Moto);
