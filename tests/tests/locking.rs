//! The state lock: a second run is refused and told who holds it; a lock left by a run
//! that died on this host is taken over; force-unlock clears one taken on another host.

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
    // The kernel released the killed holder's OS lock: the next run takes the lock over.
    let taken = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        taken.stderr.contains("Took over a stale state lock")
            && taken.stderr.contains(&format!("pid {}", holder.id())),
        "{}",
        taken.stderr
    );
    assert!(!lock_file.exists(), "the lock was released");

    // A lock taken on another host cannot be judged: it stays until force-unlock.
    std::fs::write(
        &lock_file,
        r#"{"ID":"lock-of-ci-7","Operation":"apply","Who":"ci@ci-7","Host":"ci-7","Pid":4242,"Created":"2026-01-01T00:00:00Z","Path":".iac/state.json"}"#,
    )
    .unwrap();
    let elsewhere = stack.iac(&["plan", "-no-color"]).expect(1);
    assert!(
        elsewhere.stderr.contains("another host (ci-7)")
            && elsewhere.stderr.contains("iac force-unlock lock-of-ci-7"),
        "{}",
        elsewhere.stderr
    );
    let id = "lock-of-ci-7";
    stack.iac(&["force-unlock", "-force", "wrong-id"]).expect(1);
    stack.iac(&["force-unlock", "-force", id]).expect(0);
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
