//! The state lock: a second run is refused and told who holds it; force-unlock clears a
//! lock left by a run that died.

use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

use iac_e2e::{Emulator, Stack, on_emulators, unique};

async fn a_held_lock_is_reported_and_can_be_forced(emu: Emulator) {
    let bucket = unique("iac-lock");
    let stack = Stack::new(
        emu,
        &[(
            "main.hcl",
            &format!("resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{bucket}\"\n}}\n"),
        )],
    );
    // An apply waiting at its confirmation prompt holds the lock.
    let mut holder = stack.spawn_iac(&["apply", "-no-color"]);
    let lock_file = stack.path().join(".iac/state.json.lock");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !lock_file.exists() {
        assert!(Instant::now() < deadline, "the apply never took the lock");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));

    let refused = stack.iac(&["plan", "-no-color"]).expect(1);
    assert!(
        refused.stderr.contains("Error acquiring the state lock"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("Operation: apply"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains(&format!("Pid:       {}", holder.id())),
        "{}",
        refused.stderr
    );

    let waited = Instant::now();
    stack.iac(&["plan", "-lock-timeout=1s"]).expect(1);
    assert!(
        waited.elapsed() >= Duration::from_millis(900),
        "-lock-timeout waits"
    );
    stack.iac(&["plan", "-lock=false"]).expect(0);

    holder.kill().unwrap();
    holder.wait().unwrap();
    let mut out = String::new();
    let _ = holder.stdout.take().unwrap().read_to_string(&mut out);
    let stale = stack.iac(&["plan", "-no-color"]).expect(1);
    assert!(
        stale.stderr.contains("no longer running"),
        "{}",
        stale.stderr
    );
    let id = stale
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("ID:"))
        .map(|s| s.trim().to_string())
        .expect("the lock id is shown");
    stack.iac(&["force-unlock", "-force", "wrong-id"]).expect(1);
    stack.iac(&["force-unlock", "-force", &id]).expect(0);
    stack.iac(&["plan"]).expect(0);
    assert!(stack.state_bytes().is_none(), "nothing was applied");

    // Ctrl-C at the confirmation prompt ends the run (130) and releases the lock.
    let mut waiting = stack.spawn_iac(&["apply", "-no-color"]);
    let mut lines =
        std::io::BufRead::lines(std::io::BufReader::new(waiting.stdout.take().unwrap()));
    assert!(
        lines.any(|l| l.is_ok_and(|l| l.contains("Plan: 1 to add"))),
        "the plan was shown"
    );
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill")
        .args(["-INT", &waiting.id().to_string()])
        .status()
        .unwrap();
    // `wait` would close the child's stdin, racing the interrupt with an end of input.
    let keep_stdin_open = waiting.stdin.take();
    let status = waiting.wait().unwrap();
    drop(keep_stdin_open);
    let mut stderr = String::new();
    waiting
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        stderr.contains("Interrupted"),
        "stderr: {stderr}\nstdout: {rest:?}"
    );
    assert!(!lock_file.exists(), "the lock was released");
    assert!(stack.state_bytes().is_none(), "nothing was applied");
}
on_emulators!(a_held_lock_is_reported_and_can_be_forced: LocalStack, Moto);
