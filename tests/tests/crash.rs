//! kill -9 at random moments of a seed stack's apply, then `iac apply` again with no
//! `force-unlock`: every time, the cloud must hold exactly the stack's objects (no
//! orphan, no duplicate, nothing lost: checked by name with the AWS SDK and curl), the
//! state must parse and record every one of them, and a further plan must be clean.
//!
//! `stacks/web-monitoring` runs on moto (reset before each kill: this binary owns its
//! moto), `stacks/insync` on a fresh DigitalOcean emulator for each kill (actions take
//! 1.5 s) with its buckets on moto. The kill moments are drawn with a fixed seed
//! (`IAC_CRASH_SEED`, default 10) from [0, the duration of a clean apply measured
//! first]; `IAC_CRASH_KILLS` kills per stack (default 10; 50 for a benchmark run).
//! Every kill is reported on stderr (`--nocapture`): when it came, whether the lock
//! was left behind (the next run must take it over and remove any temporary file), how the next apply went, and the orphans, duplicates and losses by
//! resource type; the test fails at the end if any kill left anything wrong.

use std::io::Read;
use std::time::{Duration, Instant};

use iac_e2e::Stack;
use iac_e2e::inventory::{Findings, Inventory};
use iac_e2e::seeds::{MOTO, Seed, Trial};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The state as JSON, `{}` when there is none; `Err` when it does not parse.
fn state_of(stack: &Stack) -> Result<serde_json::Value, String> {
    match stack.state_bytes() {
        None => Ok(serde_json::json!({})),
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| e.to_string()),
    }
}

/// How many files in `dir` have `part` in their names.
fn files_named(dir: &std::path::Path, part: &str) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().contains(part))
                .count()
        })
        .unwrap_or(0)
}

/// The first error line of a failed run.
fn first_error(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.trim_start().to_lowercase().starts_with("error"))
        .unwrap_or_else(|| stderr.lines().next().unwrap_or_default())
        .trim()
        .chars()
        .take(160)
        .collect()
}

/// What one kill left, and how the next apply dealt with it.
struct Kill {
    at: Duration,
    /// The apply had finished before the kill came.
    finished_first: bool,
    /// The kill left the lock file (expected: the next run takes it over).
    lock_left: bool,
    /// Copies of the state (`*.tmp-*`) the kill left in `.iac` (the next run removes them).
    temp_files: usize,
    /// Lock or temporary files still in `.iac` after the next apply and plan.
    left_after_recovery: usize,
    state_error: Option<String>,
    /// Why the next apply failed, if it did.
    reapply_error: Option<String>,
    /// The next apply was refused for the lock, and a `force-unlock` let it run.
    needed_force_unlock: bool,
    findings: Findings,
    plan_code: i32,
}

impl Kill {
    fn clean(&self) -> bool {
        self.left_after_recovery == 0
            && self.state_error.is_none()
            && self.reapply_error.is_none()
            && !self.needed_force_unlock
            && self.findings.is_clean()
            && self.plan_code == 0
    }
}

impl std::fmt::Display for Kill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "killed at {:.1}s", self.at.as_secs_f64())?;
        if self.finished_first {
            write!(f, " (after the apply finished)")?;
        }
        if self.lock_left {
            write!(f, "; lock left behind")?;
        }
        if self.temp_files > 0 {
            write!(f, "; {} state.tmp file(s) left", self.temp_files)?;
        }
        if self.left_after_recovery > 0 {
            write!(
                f,
                "; {} lock or temporary file(s) still there after the next apply",
                self.left_after_recovery
            )?;
        }
        if let Some(e) = &self.state_error {
            write!(f, "; state does not parse: {e}")?;
        }
        if self.needed_force_unlock {
            write!(
                f,
                "; re-apply refused for the lock (measured after force-unlock)"
            )?;
        }
        if let Some(e) = &self.reapply_error {
            write!(f, "; re-apply failed: {e}")?;
        }
        write!(
            f,
            "; {}; plan -detailed-exitcode: {}",
            self.findings, self.plan_code
        )
    }
}

fn spawn_apply(stack: &Stack) -> std::process::Child {
    let mut child = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    // Drained, so the child never blocks on a full pipe.
    for pipe in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        std::thread::spawn(move || {
            let mut pipe = pipe;
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        });
    }
    child
}

/// Applies `trial` cleanly: its duration and what the cloud then holds.
async fn clean_apply(seed: Seed, trial: &Trial) -> (Duration, Inventory) {
    let start = Instant::now();
    trial
        .stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let took = start.elapsed();
    let expected = seed.inventory(trial).await;
    let state = state_of(&trial.stack).expect("the state parses");
    let findings = expected.compare(&expected, &state);
    assert!(
        findings.is_clean(),
        "a clean apply leaves a clean cloud: {findings}"
    );
    trial
        .stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
    (took, expected)
}

/// Kills an apply of `trial` after `at`, then applies again and checks the outcome.
async fn kill_and_recover(seed: Seed, trial: &Trial, at: Duration, expected: &Inventory) -> Kill {
    let stack = &trial.stack;
    let mut apply = spawn_apply(stack);
    std::thread::sleep(at);
    let finished_first = apply.try_wait().expect("wait").is_some();
    let _ = apply.kill();
    let _ = apply.wait();
    let iac_dir = stack.path().join(".iac");
    let lock_left = iac_dir.join("state.json.lock").exists();
    let temp_files = files_named(&iac_dir, ".tmp");
    let state_error = state_of(stack).err();

    let mut reapply = stack.iac(&["apply", "-auto-approve", "-no-color"]);
    let mut needed_force_unlock = false;
    if reapply.code != 0 && reapply.stderr.contains("the state is locked") {
        needed_force_unlock = true;
        let id = reapply
            .stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("ID:"))
            .map(str::trim)
            .expect("the lock error names the lock")
            .to_string();
        stack.iac(&["force-unlock", "-force", &id]).expect(0);
        reapply = stack.iac(&["apply", "-auto-approve", "-no-color"]);
    }
    let reapply_error = (reapply.code != 0).then(|| first_error(&reapply.stderr));
    let found = seed.inventory(trial).await;
    let state = state_of(stack).unwrap_or_else(|_| serde_json::json!({}));
    let findings = found.compare(expected, &state);
    let plan_code = stack.iac(&["plan", "-detailed-exitcode", "-no-color"]).code;
    let left_after_recovery = files_named(&iac_dir, ".tmp") + files_named(&iac_dir, ".lock");
    Kill {
        at,
        finished_first,
        lock_left,
        temp_files,
        left_after_recovery,
        state_error,
        reapply_error,
        needed_force_unlock,
        findings,
        plan_code,
    }
}

async fn kill_nine(seed: Seed) {
    let _moto = MOTO.lock().await;
    let kills = setting("IAC_CRASH_KILLS", 10) as usize;
    let mut rng = StdRng::seed_from_u64(setting("IAC_CRASH_SEED", 10));
    // The first apply warms the emulators up; the second's duration is the one kills
    // are spread over.
    let (_, expected) = clean_apply(seed, &seed.fresh()).await;
    let (typical, _) = clean_apply(seed, &seed.fresh()).await;
    eprintln!(
        "{seed:?}: a clean apply takes {:.1}s and makes {} objects",
        typical.as_secs_f64(),
        expected.len()
    );
    let mut report = Vec::new();
    let started = Instant::now();
    // A kill that came after the apply finished is drawn again (at most `kills` times).
    let mut late = 0;
    while report.len() < kills {
        let trial = seed.fresh();
        let at = typical.mul_f64(rng.random_range(0.0..0.95));
        let kill = kill_and_recover(seed, &trial, at, &expected).await;
        let line = format!("{seed:?} kill {}/{kills}: {kill}", report.len() + 1);
        eprintln!("{line}");
        if kill.finished_first && late < kills {
            late += 1;
            continue;
        }
        report.push((kill, line));
    }
    let orphans: usize = report.iter().map(|(k, _)| k.findings.orphan_count()).sum();
    let duplicates: usize = report
        .iter()
        .map(|(k, _)| k.findings.duplicate_count())
        .sum();
    let locks = report.iter().filter(|(k, _)| k.lock_left).count();
    let bad: Vec<&str> = report
        .iter()
        .filter(|(k, _)| !k.clean())
        .map(|(_, l)| l.as_str())
        .collect();
    eprintln!(
        "{seed:?}: {kills} kills in {:.0}s: {orphans} orphans, {duplicates} duplicates, {locks} locks left by the kill (taken over by the next run), {} kills not recovered cleanly",
        started.elapsed().as_secs_f64(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{} of {kills} kills were not recovered cleanly ({orphans} orphans, {duplicates} duplicates, {locks} locks left by the kill and taken over):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_nine_during_the_web_monitoring_apply_on_moto() {
    kill_nine(Seed::WebMonitoring).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_nine_during_the_insync_apply_on_digitalocean() {
    kill_nine(Seed::Insync).await;
}
