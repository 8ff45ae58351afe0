//! The command line as scripts written for Terraform use it: exit codes, a closed pipe,
//! DOT output, `-chdir`, `TF_CLI_ARGS`, `TF_LOG`, `init`, `version`, and diagnostics on
//! huge or badly encoded files. None of these need an emulator.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use iac_e2e::iac_binary;

/// Locals and outputs only: plans without any provider.
const OUTPUTS: &str =
    "variable \"name\" {\n  default = \"x\"\n}\n\noutput \"name\" {\n  value = var.name\n}\n";

/// `iac` in `dir` with `env`, none of the Terraform or iac variables of the caller.
fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(iac_binary());
    c.args(args).current_dir(dir).stdin(Stdio::null());
    for (name, _) in std::env::vars() {
        if name.starts_with("TF_") || name.starts_with("IAC_") || name == "NO_COLOR" {
            c.env_remove(name);
        }
    }
    c.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "eu-west-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied());
    c
}

fn iac(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(dir, args, env).output().expect("iac runs")
}

/// The signal a process dies of when it writes to a pipe nobody reads.
const SIGPIPE: i32 = 13;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn stack(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

#[test]
fn a_usage_error_exits_1() {
    let dir = stack(&[("main.hcl", OUTPUTS)]);
    for args in [
        &["plan", "-no-such-flag"][..],
        &["plan", "-detailed-exitcode", "-refresh=maybe"],
        &["no-such-command"],
        &["import", "only-an-address"],
    ] {
        let out = iac(dir.path(), args, &[]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
    let help = iac(dir.path(), &["plan", "-help"], &[]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("-detailed-exitcode"));
}

#[test]
fn detailed_exitcode_keeps_its_meanings() {
    let dir = stack(&[("main.hcl", OUTPUTS)]);
    let out = iac(dir.path(), &["plan", "-detailed-exitcode"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let broken = stack(&[("main.hcl", "output \"x\" {\n  value = nope.nope\n}\n")]);
    let out = iac(broken.path(), &["plan", "-detailed-exitcode"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

/// The node ids of a DOT graph, read as Graphviz reads quoted ids; panics on anything
/// that is not `"id" [attrs]`, `"id" -> "id"`, an attribute line or a brace.
fn dot_ids(dot: &str) -> (Vec<String>, Vec<(String, String)>) {
    fn quoted(s: &str) -> (String, &str) {
        let rest = s
            .strip_prefix('"')
            .unwrap_or_else(|| panic!("not quoted: {s}"));
        let mut id = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => id.push(chars.next().expect("escape").1),
                '"' => return (id, &rest[i + 1..]),
                c => id.push(c),
            }
        }
        panic!("unterminated id: {s}")
    }
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut lines = dot.lines();
    assert_eq!(lines.next(), Some("digraph {"));
    for line in lines {
        let line = line.trim();
        if line == "}"
            || line
                .split_once(" = ")
                .is_some_and(|(k, _)| !k.starts_with('"'))
        {
            continue;
        }
        let (from, rest) = quoted(line);
        if let Some(to) = rest.strip_prefix(" -> ") {
            let (to, tail) = quoted(to);
            assert_eq!(tail, "", "{line}");
            edges.push((from, to));
        } else {
            let attrs = rest.trim();
            assert!(attrs.starts_with('[') && attrs.ends_with(']'), "{line}");
            let (label, _) = quoted(attrs.trim_start_matches("[label = "));
            assert_eq!(label, from, "{line}");
            nodes.push(from);
        }
    }
    (nodes, edges)
}

#[test]
fn graph_is_valid_dot() {
    let dir = stack(&[(
        "main.hcl",
        "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nvariable \"p\" {\n  default = \"x\"\n}\n\nresource \"aws_s3_bucket\" \"a\" {\n  bucket = \"${var.p}-a\"\n}\n",
    )]);
    let out = iac(dir.path(), &["graph"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dot = text(&out.stdout);
    let (nodes, edges) = dot_ids(&dot);
    assert!(nodes.contains(&"provider[\"aws\"]".to_string()), "{dot}");
    assert!(nodes.contains(&"aws_s3_bucket.a".to_string()), "{dot}");
    assert!(
        edges.contains(&("aws_s3_bucket.a".into(), "var.p".into())),
        "{dot}"
    );
    assert!(
        edges.contains(&("aws_s3_bucket.a".into(), "provider[\"aws\"]".into())),
        "{dot}"
    );
    for (a, b) in &edges {
        assert!(
            nodes.contains(a) && nodes.contains(b),
            "{a} -> {b} names a node"
        );
    }
}

/// Runs `iac` with its stdout read for a few bytes and then closed, as `| head -c 100` does.
fn with_closed_stdout(dir: &Path, args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut child = command(dir, args, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iac starts");
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap(), stderr)
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // Enough output to overflow any pipe buffer.
    let outputs: String = (0..3000)
        .map(|i| format!("output \"o{i}\" {{\n  value = \"value number {i} of many\"\n}}\n"))
        .collect();
    let resources: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                r#"{{"address":"aws_s3_bucket.bucket_with_a_long_name_{i}","mode":"managed","type":"aws_s3_bucket","provider":"provider[\"aws\"]","attributes":{{"bucket":"bucket-{i}","id":"bucket-{i}"}}}}"#
            )
        })
        .collect();
    let state = format!(
        r#"{{"version":1,"lineage":"l","serial":1,"resources":[{}]}}"#,
        resources.join(",")
    );
    let dir = stack(&[("main.hcl", &outputs)]);
    let show = stack(&[("main.hcl", OUTPUTS), (".iac/state.json", &state)]);
    for (dir, args) in [
        (show.path(), &["show"][..]),
        (show.path(), &["state", "list"]),
        (dir.path(), &["plan", "-refresh=false"]),
    ] {
        let (status, stderr) = with_closed_stdout(dir, args);
        assert_eq!(
            status.signal(),
            Some(SIGPIPE),
            "{args:?}: {status:?} {stderr}"
        );
        assert_eq!(stderr, "", "{args:?} prints no error");
    }
    let leftovers: Vec<String> = std::fs::read_dir(dir.path().join(".iac"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.contains("lock"))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        leftovers.is_empty(),
        "plan released its lock: {leftovers:?}"
    );
}

#[test]
fn chdir_runs_in_another_folder() {
    let dir = stack(&[
        ("sub/main.hcl", OUTPUTS),
        ("sub/in-sub.tfvars", "name = \"from-sub\"\n"),
    ]);
    let out = iac(
        dir.path(),
        &[
            "-chdir=sub",
            "plan",
            "-var-file=in-sub.tfvars",
            "-out=saved.plan",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("from-sub"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        dir.path().join("sub/saved.plan").is_file(),
        "-out is in DIR"
    );
    let missing = iac(dir.path(), &["-chdir=nowhere", "validate"], &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("Error handling -chdir option"));
    let no_equals = iac(dir.path(), &["-chdir", "sub", "validate"], &[]);
    assert_eq!(no_equals.status.code(), Some(1));
}

#[test]
fn cli_args_come_from_the_environment() {
    let dir = stack(&[("main.hcl", OUTPUTS)]);
    let out = iac(
        dir.path(),
        &["validate"],
        &[("TF_CLI_ARGS_validate", "-json")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("validate -json");
    assert_eq!(json["valid"], true);
    // The user's own arguments come after, so they win.
    let out = iac(
        dir.path(),
        &["plan", "-var=name=from-user"],
        &[
            ("TF_CLI_ARGS", "-var=name=from-tf"),
            ("IAC_CLI_ARGS_plan", "-var=name=from-iac"),
        ],
    );
    assert!(
        text(&out.stdout).contains("from-user"),
        "{}",
        text(&out.stdout)
    );
    let out = iac(
        dir.path(),
        &["plan"],
        &[
            ("TF_CLI_ARGS", "-var=name=from-tf"),
            ("IAC_CLI_ARGS_plan", "-var=name=from-iac"),
        ],
    );
    assert!(
        text(&out.stdout).contains("from-iac"),
        "{}",
        text(&out.stdout)
    );
    let bad = iac(
        dir.path(),
        &["validate"],
        &[("TF_CLI_ARGS", "-no-such-flag")],
    );
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn tf_log_path_gets_plain_log_lines() {
    let dir = stack(&[("main.hcl", OUTPUTS)]);
    let out = iac(
        dir.path(),
        &["validate"],
        &[("TF_LOG", "DEBUG"), ("TF_LOG_PATH", "iac.log")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let log = std::fs::read_to_string(dir.path().join("iac.log")).expect("a log file");
    assert!(log.contains("iac version"), "{log}");
    assert!(!log.contains('\x1b'), "no colour codes in {log:?}");
    assert!(
        !text(&out.stderr).contains("iac version"),
        "the log is not on stderr"
    );
    let out = iac(dir.path(), &["validate"], &[("IAC_LOG", "info")]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("iac version") && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
    let out = iac(dir.path(), &["validate"], &[("TF_LOG", "json")]);
    let line = text(&out.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    let json: serde_json::Value = serde_json::from_str(&line).expect("JSON log lines");
    assert_eq!(json["@level"], "info");
    assert!(json["@message"].as_str().unwrap().contains("iac version"));
}

#[test]
fn init_checks_the_stack_and_exits_0() {
    let dir = stack(&[(
        "main.hcl",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n",
    )]);
    let out = iac(
        dir.path(),
        &[
            "init",
            "-input=false",
            "-upgrade",
            "-reconfigure",
            "-no-color",
            "-lockfile=readonly",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("iac has been successfully initialized!"),
        "{stdout}"
    );
    assert!(
        stdout.contains("registry.terraform.io/hashicorp/aws")
            && stdout.contains("used by this stack"),
        "{stdout}"
    );
    assert!(stdout.contains("Initializing the backend"), "{stdout}");
    let no_backend = iac(dir.path(), &["init", "-backend=false"], &[]);
    assert_eq!(no_backend.status.code(), Some(0));
    assert!(!text(&no_backend.stdout).contains("Initializing the backend"));
    let broken = stack(&[("main.hcl", "resource \"aws_s3_buckt\" \"a\" {}\n")]);
    let out = iac(broken.path(), &["init"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("main.hcl:1:"));
}

#[test]
fn version_names_the_terraform_language() {
    let dir = stack(&[]);
    let plain = text(&iac(dir.path(), &["version"], &[]).stdout);
    assert!(plain.starts_with("iac v"), "{plain}");
    assert!(plain.contains("Terraform language v1."), "{plain}");
    for flag in ["-v", "-version", "--version"] {
        let out = iac(dir.path(), &[flag], &[]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(text(&out.stdout), plain, "{flag}");
    }
    let out = iac(dir.path(), &["version", "-json"], &[]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("version -json");
    assert!(
        json["terraform_version"]
            .as_str()
            .unwrap()
            .starts_with("1.")
    );
    assert!(json["iac_version"].is_string());
    assert!(json["platform"].as_str().unwrap().contains('_'));
    assert_eq!(json["terraform_outdated"], false);
    assert!(json["provider_selections"]["registry.terraform.io/hashicorp/aws"].is_string());
}

#[test]
fn a_huge_line_is_quoted_as_a_window() {
    let long = format!(
        "locals {{\n  x = \"{}\" + nope\n}}\n",
        "a".repeat(2_000_000)
    );
    let dir = stack(&[("main.hcl", &long)]);
    let out = iac(dir.path(), &["validate"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.len() < 4_000,
        "{} bytes of diagnostics",
        stderr.len()
    );
    assert!(stderr.contains("main.hcl:2:"), "{stderr}");
    assert!(stderr.contains('…'), "{stderr}");
}

#[test]
fn invalid_utf8_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.hcl"),
        b"locals {\n  x = \"caf\xe9\"\n}\n",
    )
    .unwrap();
    let out = iac(dir.path(), &["validate"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Invalid character encoding"), "{stderr}");
    assert!(stderr.contains("main.hcl:2:11"), "{stderr}");
}
