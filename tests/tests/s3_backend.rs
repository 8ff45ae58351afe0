//! The `s3` backend end to end on LocalStack, checked with aws-sdk-s3: the state lives
//! in the bucket, the lock object exists only while a run holds it, a held lock stops a
//! second run and names its holder, of two applies at once exactly one runs, and a write
//! over a state that another run changed since it was read is refused (two applies with
//! `-lock=false`: the second's state is kept in its errored file), nothing overwritten.

use aws_sdk_s3::primitives::ByteStream;
use iac_e2e::{Emulator, Stack, unique};
use iac_state::{Backend, S3Backend, S3Settings, State};

const KEY: &str = "web/terraform.tfstate";

async fn state_bucket(stack: &Stack) -> String {
    let bucket = unique("iac-state").replace('_', "-");
    iac_e2e::s3::create_bucket(&stack.s3().await, &bucket).await;
    bucket
}

fn configuration(state_bucket: &str, bucket: &str) -> String {
    format!(
        r#"terraform {{
  backend "s3" {{
    bucket       = "{state_bucket}"
    key          = "{KEY}"
    region       = "eu-west-1"
    use_lockfile = true
  }}
}}

resource "aws_s3_bucket" "logs" {{
  bucket = "{bucket}"
}}
"#
    )
}

async fn object(stack: &Stack, bucket: &str, key: &str) -> Option<Vec<u8>> {
    let got = stack
        .s3()
        .await
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await;
    match got {
        Ok(out) => Some(out.body.collect().await.unwrap().into_bytes().to_vec()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => None,
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_lives_in_the_bucket_and_the_lock_beside_it() {
    let stack = Stack::new(Emulator::LocalStack, &[]);
    let state_bucket = state_bucket(&stack).await;
    let logs = unique("iac-logs").replace('_', "-");
    stack.write("main.tf", &configuration(&state_bucket, &logs));

    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let state = object(&stack, &state_bucket, KEY)
        .await
        .expect("the state object");
    let state: serde_json::Value = serde_json::from_slice(&state).unwrap();
    assert_eq!(state["resources"][0]["type"], "aws_s3_bucket", "{state}");
    assert_eq!(state["resources"][0]["attributes"]["bucket"], logs);
    let lock = format!("{KEY}.tflock");
    assert_eq!(object(&stack, &state_bucket, &lock).await, None, "released");
    assert!(
        !stack.path().join(".iac/state.json").exists(),
        "no local state"
    );
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    // A lock another host holds stops the next run, which names it.
    let holder = serde_json::json!({
        "ID": "6f1c2f6e-0000-4000-8000-000000000007", "Operation": "OperationTypeApply",
        "Who": "ci@ci-7", "Host": "ci-7", "Pid": 4242, "Created": "2026-12-01T02:00:00Z",
        "Path": format!("{state_bucket}/{KEY}"),
    });
    stack
        .s3()
        .await
        .put_object()
        .bucket(&state_bucket)
        .key(&lock)
        .body(ByteStream::from(holder.to_string().into_bytes()))
        .send()
        .await
        .unwrap();
    let refused = stack
        .iac(&["plan", "-no-color", "-lock-timeout=1s"])
        .expect(1);
    assert!(
        refused.stderr.contains("the state is locked"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("another host (ci-7)"),
        "{}",
        refused.stderr
    );
    stack
        .iac(&[
            "force-unlock",
            "-force",
            "6f1c2f6e-0000-4000-8000-000000000007",
        ])
        .expect(0);
    assert_eq!(object(&stack, &state_bucket, &lock).await, None, "unlocked");
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_over_a_state_changed_since_it_was_read_is_refused() {
    let stack = Stack::new(Emulator::LocalStack, &[]);
    let state_bucket = state_bucket(&stack).await;
    let settings = S3Settings {
        bucket: state_bucket.clone(),
        key: KEY.into(),
        region: Some("eu-west-1".into()),
        credentials: Some((stack.access_key.clone(), "test".into())),
        endpoint: Some(stack.aws_endpoint()),
        use_lockfile: true,
        ..S3Settings::default()
    };
    let first = S3Backend::new(settings.clone());
    let second = S3Backend::new(settings);
    assert!(first.read().unwrap().is_none());
    assert!(second.read().unwrap().is_none());
    let mut ours = State::new();
    ours.serial = 1;
    first.write(&ours).expect("the first write of a new state");
    // The second run read no state: its write would replace the first one's.
    let mut theirs = State::new();
    theirs.serial = 1;
    let refused = second.write(&theirs).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("changed since this run read it"),
        "{refused}"
    );
    let stored: serde_json::Value =
        serde_json::from_slice(&object(&stack, &state_bucket, KEY).await.unwrap()).unwrap();
    assert_eq!(stored["lineage"], ours.lineage, "nothing was overwritten");
    // Reading again does not move what its plan stood on; the first run's own writes go on.
    second.read().unwrap();
    assert!(
        second.write(&theirs).is_err(),
        "still refused after a second read"
    );
    ours.serial = 2;
    first.write(&ours).expect("the first run's own next write");

    // Only one lock at a time; released, it can be taken again.
    let held = first.lock("apply", std::time::Duration::ZERO).unwrap();
    let Err(iac_state::LockError::Held(info)) = second.lock("apply", std::time::Duration::ZERO)
    else {
        panic!("a second lock was taken");
    };
    assert_eq!(info.id, held.info.id);
    held.release().unwrap();
    second.lock("apply", std::time::Duration::ZERO).unwrap();
}

/// Starts `iac apply` in `folder` of the stack (with `-lock=false` unless `lock`) and
/// waits for its plan: the run then holds what it read, and waits for `yes`.
fn apply_waiting_at_the_prompt(stack: &Stack, folder: &str, lock: bool) -> std::process::Child {
    let chdir = format!("-chdir={folder}");
    let mut args = vec![chdir.as_str(), "apply", "-no-color"];
    if !lock {
        args.push("-lock=false");
    }
    let mut run = stack.spawn_iac(&args);
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(run.stdout.take().unwrap()))
        .map_while(Result::ok);
    assert!(
        lines.any(|l| l.contains("Plan: 1 to add")),
        "the plan was shown"
    );
    // The rest of the output is not read: keep the pipe drained so the run never blocks.
    std::thread::spawn(move || lines.for_each(drop));
    run
}

/// Answers `yes` and waits for the run's end: its exit code and standard error.
fn approve(mut run: std::process::Child) -> (i32, String) {
    use std::io::{Read, Write};
    run.stdin.take().unwrap().write_all(b"yes\n").unwrap();
    let status = run.wait().unwrap();
    let mut stderr = String::new();
    run.stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code().unwrap_or(-1), stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn of_two_applies_at_once_one_runs() {
    let stack = Stack::new(Emulator::LocalStack, &[]);
    let state_bucket = state_bucket(&stack).await;
    let logs = unique("iac-logs").replace('_', "-");
    stack.write("main.tf", &configuration(&state_bucket, &logs));

    let first = apply_waiting_at_the_prompt(&stack, ".", true);
    let lock = format!("{KEY}.tflock");
    assert!(object(&stack, &state_bucket, &lock).await.is_some(), "held");
    let second = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(1);
    assert!(
        second.stderr.contains("the state is locked"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("Operation: apply"),
        "{}",
        second.stderr
    );

    let (code, stderr) = approve(first);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(object(&stack, &state_bucket, &lock).await, None, "released");
    let state: serde_json::Value =
        serde_json::from_slice(&object(&stack, &state_bucket, KEY).await.unwrap()).unwrap();
    assert_eq!(state["resources"].as_array().unwrap().len(), 1, "{state}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_unlocked_applies_cannot_overwrite_each_other() {
    let stack = Stack::new(Emulator::LocalStack, &[]);
    let state_bucket = state_bucket(&stack).await;
    let (a, b) = (
        unique("iac-a").replace('_', "-"),
        unique("iac-b").replace('_', "-"),
    );
    stack.write("main.tf", &configuration(&state_bucket, &a));
    stack.write("other/main.tf", &configuration(&state_bucket, &b));

    // Both read the (empty) state and plan; the first to write wins.
    let first = apply_waiting_at_the_prompt(&stack, ".", false);
    let second = apply_waiting_at_the_prompt(&stack, "other", false);
    let (code, stderr) = approve(first);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = approve(second);
    assert_eq!(code, 1, "the second write is refused: {stderr}");
    assert!(
        stderr.contains("changed since this run read it"),
        "{stderr}"
    );

    // Nothing lost: the first run's state in the bucket, the second's in its errored file.
    let state: serde_json::Value =
        serde_json::from_slice(&object(&stack, &state_bucket, KEY).await.unwrap()).unwrap();
    assert_eq!(state["resources"][0]["attributes"]["bucket"], a, "{state}");
    let kept = stderr
        .split_once("iac state push ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the errored file is named: {stderr}"));
    let kept = stack.path().join("other").join(kept);
    let errored = std::fs::read_to_string(&kept)
        .unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", kept.display()));
    assert!(errored.contains(&b), "{errored}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_state_is_migrated_to_s3_by_init() {
    let stack = Stack::new(Emulator::LocalStack, &[]);
    let state_bucket = state_bucket(&stack).await;
    let logs = unique("iac-logs").replace('_', "-");
    let with_backend = configuration(&state_bucket, &logs);
    let (_, resources) = with_backend.split_once("}\n}\n").unwrap();
    stack.write("main.tf", resources);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);

    stack.write("main.tf", &with_backend);
    let asked = stack.iac(&["init", "-no-color"]).expect(1);
    assert!(
        asked.stderr.contains("iac init -migrate-state"),
        "{}",
        asked.stderr
    );
    assert_eq!(
        object(&stack, &state_bucket, KEY).await,
        None,
        "nothing copied yet"
    );
    let moved = stack
        .iac(&["init", "-migrate-state", "-no-color"])
        .expect(0);
    assert!(
        moved.stdout.contains("Copied the local state"),
        "{}",
        moved.stdout
    );
    let state: serde_json::Value =
        serde_json::from_slice(&object(&stack, &state_bucket, KEY).await.unwrap()).unwrap();
    assert_eq!(
        state["resources"][0]["attributes"]["bucket"], logs,
        "{state}"
    );
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);
    // Once copied, init again finds the same state there.
    stack
        .iac(&["init", "-migrate-state", "-no-color"])
        .expect(0);
}
