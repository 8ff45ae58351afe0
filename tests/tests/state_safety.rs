//! The state survives what happens to a run: two applies at once (one runs, the other
//! names the holder or waits with `-lock-timeout`), an apply killed with SIGKILL (its
//! lock is taken over by the next run, its half-written files removed), a state folder
//! that disappears mid-apply (everything made lands in the errored file, which
//! `iac state push` stores), and the backup (the state as the run began). The cloud
//! side is checked with curl against the DigitalOcean emulator.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use iac_e2e::{Emulator, Stack, digitalocean_emulator};

/// `n` droplets `web-0`... (`var.n`, default 1).
const DROPLETS: &str = r#"
variable "n" {
  default = 1
}
resource "digitalocean_droplet" "web" {
  count  = var.n
  name   = "web-${count.index}"
  region = "nyc2"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
}
"#;

/// The names of the droplets the account holds, sorted, through the emulator's API.
fn droplet_names(stack: &Stack) -> Vec<String> {
    let (status, body) = stack.digitalocean("GET", "/v2/droplets?per_page=200", None);
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<String> = body["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// The droplet ids the account holds, sorted.
fn droplet_ids(stack: &Stack) -> Vec<String> {
    let (_, body) = stack.digitalocean("GET", "/v2/droplets?per_page=200", None);
    let mut ids: Vec<String> = body["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].to_string())
        .collect();
    ids.sort();
    ids
}

/// The ids of the droplets a state file records, sorted.
fn recorded_ids(state: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "digitalocean_droplet")
        .map(|r| r["attributes"]["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// Waits for `child` and returns its exit code, stdout and stderr.
fn finish(mut child: Child) -> (i32, String, String) {
    let (mut out, mut err) = (String::new(), String::new());
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out).unwrap();
    }
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    (code, out, err)
}

/// Reads `child`'s stdout until a line contains `text`; the rest is left unread.
fn read_until(child: &mut Child, text: &str) -> BufReader<std::process::ChildStdout> {
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = lines.read_line(&mut line).unwrap();
        assert!(n > 0, "iac ended before printing {text:?}");
        if line.contains(text) {
            return lines;
        }
    }
}

#[test]
fn two_applies_at_once_one_runs_and_the_other_names_it_or_waits() {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "3000"]);
    let stack = Stack::on(&emulator, &[("main.tf", DROPLETS)]);
    let first = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    let second = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    let pids = [first.id(), second.id()];
    let results = [finish(first), finish(second)];
    let winners: Vec<usize> = (0..2).filter(|i| results[*i].0 == 0).collect();
    assert_eq!(winners.len(), 1, "exactly one runs: {results:?}");
    let (winner, loser) = (winners[0], 1 - winners[0]);
    let refused = &results[loser];
    assert_eq!(refused.0, 1, "{refused:?}");
    assert!(
        refused.2.contains("Error acquiring the state lock")
            && refused.2.contains("Operation: apply")
            && refused.2.contains(&format!("Pid:       {}", pids[winner])),
        "the refused run names the holder: {}",
        refused.2
    );
    assert_eq!(droplet_names(&stack), ["web-0"], "nothing was made twice");

    // With -lock-timeout the second waits for the first, then runs.
    let mut growing = stack.spawn_iac(&["apply", "-auto-approve", "-no-color", "-var", "n=2"]);
    let rest = read_until(&mut growing, "digitalocean_droplet.web[1]: Creating...");
    let waited = Instant::now();
    let patient = stack.iac(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-lock-timeout=60s",
        "-var",
        "n=3",
    ]);
    let took = waited.elapsed();
    drop(rest);
    let (code, _, err) = finish(growing);
    assert_eq!(code, 0, "{err}");

    let patient = patient.expect(0);
    assert!(
        took >= Duration::from_secs(1),
        "the second apply waited for the first ({took:?})"
    );
    assert!(
        patient
            .stdout
            .contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "it planned after the first had finished: {}",
        patient.stdout
    );
    assert_eq!(droplet_names(&stack), ["web-0", "web-1", "web-2"]);
    assert_eq!(recorded_ids(&stack.state()), droplet_ids(&stack));
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color", "-var", "n=3"])
        .expect(0);
}

#[test]
fn a_killed_apply_leaves_a_lock_that_the_next_apply_takes_over() {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "4000"]);
    let stack = Stack::on(&emulator, &[("main.tf", DROPLETS)]);
    let mut killed = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    let pid = killed.id();
    let rest = read_until(&mut killed, "digitalocean_droplet.web[0]: Creating...");
    std::thread::sleep(Duration::from_millis(500));
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    killed.wait().unwrap();
    drop(rest);
    let lock = stack.path().join(".iac/state.json.lock");
    assert!(lock.exists(), "SIGKILL leaves the lock file behind");
    // What a kill in the middle of a state write leaves.
    let half_written = stack.path().join(format!(".iac/state.json.tmp-{pid}"));
    std::fs::write(&half_written, "{\"version\": 1, \"lin").unwrap();

    let started = Instant::now();
    let next = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        next.stderr.contains("Took over a stale state lock")
            && next.stderr.contains(&format!("pid {pid}")),
        "the take-over is told, naming the dead holder: {}",
        next.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "no waiting for a dead holder"
    );
    assert!(!half_written.exists(), "the killed write's file is removed");
    assert!(!lock.exists(), "the lock is released");
    let state = stack.state();
    assert!(
        recorded_ids(&state)
            .iter()
            .all(|id| droplet_ids(&stack).contains(id)),
        "the state parses and records droplets that exist: {state}"
    );
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
}

#[test]
fn a_state_folder_replaced_mid_apply_loses_nothing() {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "1500"]);
    let stack = Stack::on(&emulator, &[("main.tf", DROPLETS)]);
    let dot_iac = stack.path().join(".iac");
    let moved = stack.path().join(".iac-moved");
    let mut apply = stack.spawn_iac(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-parallelism=1",
        "-var",
        "n=4",
    ]);
    let mut rest = read_until(&mut apply, "Creation complete");
    let deadline = Instant::now() + Duration::from_secs(30);
    while recorded_ids(&stack.state()).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the first droplet was never saved"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The state folder becomes a regular file: every later write fails (ENOTDIR),
    // root or not.
    std::fs::rename(&dot_iac, &moved).unwrap();
    std::fs::write(&dot_iac, "not a folder").unwrap();
    let mut out = String::new();
    rest.read_to_string(&mut out).unwrap();
    let mut err = String::new();
    apply
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let code = apply.wait().unwrap().code();
    assert_eq!(code, Some(1), "the apply fails: {err}");
    assert_eq!(
        out.matches("Creation complete").count(),
        3,
        "the apply did every other operation: {out}"
    );
    assert_eq!(
        err.matches("could not write the state to").count(),
        1,
        "one warning while it ran: {err}"
    );
    assert_eq!(
        err.matches("Failed to save the state").count(),
        2,
        "the warning and one error at the end: {err}"
    );
    let errored = stack.path().join("errored.state.json");
    assert!(
        err.contains(&format!("iac state push {}", errored.display())),
        "{err}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&errored).unwrap()).unwrap();
    assert_eq!(recorded_ids(&saved).len(), 4, "every droplet made: {saved}");
    assert_eq!(
        recorded_ids(&saved),
        droplet_ids(&stack),
        "the cloud's droplets"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&errored).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The folder comes back with the state as it was after the first create.
    std::fs::remove_file(&dot_iac).unwrap();
    std::fs::rename(&moved, &dot_iac).unwrap();
    assert_eq!(recorded_ids(&stack.state()).len(), 1);
    let errored_arg = errored.display().to_string();

    // A state of another lineage or an older serial is refused.
    let mut foreign = saved.clone();
    foreign["lineage"] = "another-stack".into();
    let other = stack.path().join("other.json");
    std::fs::write(&other, foreign.to_string()).unwrap();
    let refused = stack
        .iac(&["state", "push", other.to_str().unwrap()])
        .expect(1);
    assert!(refused.stderr.contains("lineage"), "{}", refused.stderr);
    let mut older = saved.clone();
    older["serial"] = 0.into();
    std::fs::write(&other, older.to_string()).unwrap();
    let refused = stack
        .iac(&["state", "push", other.to_str().unwrap()])
        .expect(1);
    assert!(refused.stderr.contains("newer"), "{}", refused.stderr);
    assert_eq!(recorded_ids(&stack.state()).len(), 1, "nothing was stored");

    stack.iac(&["state", "push", &errored_arg]).expect(0);
    assert_eq!(recorded_ids(&stack.state()), droplet_ids(&stack));
    let pulled = stack.iac(&["state", "pull"]).expect(0);
    let pulled: serde_json::Value = serde_json::from_str(&pulled.stdout).unwrap();
    assert_eq!(pulled, stack.state(), "pull prints the stored state");
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color", "-var", "n=4"])
        .expect(0);
    assert_eq!(droplet_names(&stack), ["web-0", "web-1", "web-2", "web-3"]);
}

#[test]
fn the_backup_holds_the_state_as_the_run_began() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", DROPLETS)]);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let after_first = stack.state_bytes().unwrap();
    stack
        .iac(&["apply", "-auto-approve", "-no-color", "-var", "n=4"])
        .expect(0);
    let backup = std::fs::read(stack.path().join(".iac/state.json.backup")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&backup),
        String::from_utf8_lossy(&after_first),
        "the backup is the state the three-create apply began with"
    );
    assert_eq!(recorded_ids(&stack.state()).len(), 4);
}
