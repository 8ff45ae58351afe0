//! Ctrl-C during apply: nothing new starts, what is in flight finishes, the state records
//! every bucket that exists, the lock is released, and the exit code is not zero.

use std::io::{BufRead, BufReader};
use std::process::Command;

use iac_e2e::{Emulator, Stack, on_emulators, unique};

async fn an_interrupted_apply_loses_nothing(emu: Emulator) {
    let prefix = unique("iac-int");
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!("resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"{prefix}-{i}\"\n  tags   = {{ n = \"{i}\" }}\n}}\n"));
    }
    let stack = Stack::new(emu, &[("main.hcl", &text)]);
    let mut apply = stack.spawn_iac(&["apply", "-auto-approve", "-no-color", "-parallelism=1"]);
    let mut lines = BufReader::new(apply.stdout.take().unwrap()).lines();
    let mut completed = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("Creation complete") {
            completed += 1;
            if completed == 3 {
                Command::new("kill")
                    .args(["-INT", &apply.id().to_string()])
                    .status()
                    .unwrap();
                break;
            }
        }
    }
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = apply.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut apply.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success(), "an interrupted apply fails");
    assert!(
        stderr.contains("Interrupt received") && stderr.contains("Apply interrupted"),
        "{stderr}"
    );

    let buckets: Vec<String> = stack
        .s3()
        .await
        .list_buckets()
        .send()
        .await
        .unwrap()
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .filter(|n| n.starts_with(&format!("{prefix}-")))
        .collect();
    let state = stack.state();
    let mut recorded: Vec<String> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["attributes"]["bucket"].as_str().unwrap().to_string())
        .collect();
    let mut existing = buckets.clone();
    recorded.sort();
    existing.sort();
    assert_eq!(
        recorded, existing,
        "the state records every bucket that exists (after: {rest:?})"
    );
    assert!(
        existing.len() >= 3 && existing.len() < 40,
        "the apply stopped part-way: {} buckets",
        existing.len()
    );
    assert!(
        !stack.path().join(".iac/state.json.lock").exists(),
        "the lock was released"
    );

    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout.contains(&format!(
            "Plan: {} to add, 0 to change, 0 to destroy.",
            40 - existing.len()
        )),
        "{}",
        plan.stdout
    );
    stack.iac(&["destroy", "-auto-approve"]).expect(0);
}
on_emulators!(an_interrupted_apply_loses_nothing: LocalStack, Moto);
