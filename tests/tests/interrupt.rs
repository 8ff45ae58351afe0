//! Ctrl-C (or SIGTERM) during apply: nothing new starts, what is in flight stops at its
//! next wait, the state records every object that exists (one made by an interrupted
//! create as tainted), the lock is released, the exit code is the shell's for the signal
//! (130, 143), and the next apply finishes the job. A second signal ends `iac` at once.

use std::io::{BufRead, BufReader};
use std::process::Command;
use std::time::{Duration, Instant};

use iac_e2e::{Emulator, FaultProxy, Faults, Stack, digitalocean_emulator, on_emulators, unique};

/// The exit code a shell reports for a process ended by `signal`.
fn code_of(signal: &str) -> i32 {
    match signal {
        "INT" => 130,
        "TERM" => 143,
        other => panic!("no code for SIG{other}"),
    }
}

fn kill(signal: &str, child: &std::process::Child) {
    Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
}

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
    assert_eq!(
        status.code(),
        Some(130),
        "an interrupted apply fails: {stderr}"
    );
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

/// `iac apply` gets `signal` while it waits for a droplet's create action, which takes a
/// minute on this emulator: it exits within seconds, with the droplet in the state.
fn an_interrupted_action_wait_records_the_droplet(signal: &str) {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "60000"]);
    let stack = Stack::on(
        &emulator,
        &[(
            "main.hcl",
            r#"
resource "digitalocean_droplet" "web" {
  name   = "web-1"
  region = "nyc2"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
}
"#,
        )],
    );
    let mut apply = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    let mut lines = BufReader::new(apply.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line
            .unwrap()
            .contains("digitalocean_droplet.web: Creating...")
        {
            break;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while stack.digitalocean("GET", "/v2/droplets", None).1["meta"]["total"] != 1 {
        assert!(Instant::now() < deadline, "the droplet was never requested");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    Command::new("kill")
        .args([&format!("-{signal}"), &apply.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = apply.wait().unwrap();
    let took = signalled.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut apply.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        took < Duration::from_secs(5),
        "iac exited {took:?} after {signal}, not after the action's minute"
    );
    assert_eq!(
        status.code(),
        Some(code_of(signal)),
        "an interrupted apply fails with the signal's code: {stderr}"
    );
    assert!(
        stderr.contains("Interrupt received") && stderr.contains("Apply interrupted"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stopped waiting for action"),
        "the create says what it was doing: {stderr} {rest:?}"
    );
    assert!(
        !stack.path().join(".iac/state.json.lock").exists(),
        "the lock was released"
    );

    let state = stack.state();
    let resources = state["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{state}");
    let web = &resources[0];
    assert_eq!(web["address"], "digitalocean_droplet.web");
    assert_eq!(web["status"], "tainted", "made, but not finished: {web}");
    let id = web["attributes"]["id"].as_str().unwrap();
    let (found, droplet) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
    assert_eq!(
        found, 200,
        "the recorded droplet is the one made: {droplet}"
    );
    assert_eq!(droplet["droplet"]["name"], "web-1");

    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout
            .contains("digitalocean_droplet.web is tainted, so must be replaced")
            && plan
                .stdout
                .contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{}",
        plan.stdout
    );

    // The next apply (actions now quick) finishes the job: one droplet, recorded, and
    // nothing left to do.
    let quick = std::process::Command::new("curl")
        .args(["-sf", "-X", "POST", "-H", "Content-Type: application/json"])
        .args(["-d", r#"{"action_delay_ms": 200}"#])
        .arg(format!("{}/emulator/settings", emulator.endpoint))
        .status()
        .unwrap();
    assert!(quick.success(), "the emulator takes the new action delay");
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    let droplets = loop {
        let (_, list) = stack.digitalocean("GET", "/v2/droplets", None);
        let names: Vec<String> = list["droplets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        // The tainted droplet's destroy finishes after its action.
        if names.len() == 1 || Instant::now() > deadline {
            break list;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let droplets = droplets["droplets"].as_array().unwrap();
    assert_eq!(droplets.len(), 1, "exactly one droplet: {droplets:?}");
    let state = stack.state();
    let resources = state["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{state}");
    assert_eq!(resources[0]["status"], serde_json::Value::Null, "{state}");
    assert_eq!(
        resources[0]["attributes"]["id"].as_str().unwrap(),
        droplets[0]["id"].to_string(),
        "the state records the droplet that exists"
    );
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
}

#[test]
fn sigint_ends_a_long_digitalocean_action_wait() {
    an_interrupted_action_wait_records_the_droplet("INT");
}

#[test]
fn sigterm_ends_a_long_digitalocean_action_wait() {
    an_interrupted_action_wait_records_the_droplet("TERM");
}

/// `iac apply` gets `first` while a droplet's create request is in flight and the cloud
/// does not answer: it waits for the answer (the provider must learn what it made), so
/// a second signal, `second`, ends it at once, with the first signal's code.
fn a_second_interrupt_exits_at_once(first: &str, second: &str) {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "200"]);
    let proxy = FaultProxy::start(
        &emulator.endpoint,
        Faults {
            seed: 1,
            server_error: 0.0,
            throttle: 0.0,
            reset: 0.0,
            lost_response: 0.0,
        },
    );
    proxy.hold_mutating(true);
    let stack = Stack::on(
        &emulator,
        &[(
            "main.hcl",
            r#"
resource "digitalocean_tag" "web" {
  name = "web"
}
"#,
        )],
    )
    .through(&proxy);
    let mut apply = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    let mut lines = BufReader::new(apply.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("digitalocean_tag.web: Creating...") {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    kill(first, &apply);
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        apply.try_wait().unwrap().is_none(),
        "after one interrupt iac waits for the request in flight"
    );
    let signalled = Instant::now();
    kill(second, &apply);
    let status = apply.wait().unwrap();
    let took = signalled.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut apply.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(took < Duration::from_secs(1), "{took:?}: {stderr}");
    assert_eq!(status.code(), Some(code_of(first)), "{stderr}");
    assert!(
        stderr.contains("Interrupt received")
            && stderr.contains("Two interrupts received. Exiting immediately."),
        "{stderr}"
    );
}

#[test]
fn a_second_sigint_exits_at_once() {
    a_second_interrupt_exits_at_once("INT", "INT");
}

#[test]
fn sigint_after_sigterm_exits_at_once_with_sigterms_code() {
    a_second_interrupt_exits_at_once("TERM", "INT");
}

/// `iac plan` gets SIGINT while its refresh waits out a 429 (a minute's `retry-after`):
/// it stops at once, changing nothing and releasing the lock.
#[test]
fn sigint_ends_a_plan_waiting_out_the_rate_limit() {
    let emulator = digitalocean_emulator(&["--rate-limit", "1"]);
    let mut text = String::new();
    for i in 0..3 {
        text.push_str(&format!(
            "data \"digitalocean_image\" \"i{i}\" {{\n  slug = \"ubuntu-24-04-x64\"\n}}\n"
        ));
    }
    let stack = Stack::on(&emulator, &[("main.hcl", &text)]);
    let mut plan = stack.spawn_iac(&["plan", "-no-color"]);
    // The first read takes the minute's only request; the next ones wait a minute.
    std::thread::sleep(Duration::from_secs(3));
    assert!(plan.try_wait().unwrap().is_none(), "the plan is waiting");
    let signalled = Instant::now();
    Command::new("kill")
        .args(["-INT", &plan.id().to_string()])
        .status()
        .unwrap();
    let status = plan.wait().unwrap();
    assert!(
        signalled.elapsed() < Duration::from_secs(5),
        "{:?}",
        signalled.elapsed()
    );
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut plan.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("Interrupted"), "{stderr}");
    assert!(!stack.path().join(".iac/state.json.lock").exists());
    assert!(stack.state_bytes().is_none(), "a plan writes no state");
}
