//! `cargo run --release -p iac-bench [-- SIZES...]`: generates stacks of 1,000 and 10,000
//! resources (or the sizes given) and measures `iac validate` and `iac plan
//! -refresh=false` on them: wall time and peak memory (max RSS) of the real binary.
//! Figures are reported as measured in one run, with ratios between sizes; the goal is
//! 10,000 resources planned in under 1 second and under 300 MB.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A stack of `n` resources: buckets with tags, a versioning block for every tenth,
/// referring to its bucket, and variables and locals feeding them.
fn generate(dir: &Path, n: usize) {
    let mut text = String::from(
        "variable \"env\" {\n  default = \"bench\"\n}\n\nlocals {\n  prefix = \"iac-${var.env}\"\n}\n\nprovider \"aws\" {\n  region = \"eu-west-1\"\n  default_tags {\n    tags = { managed_by = \"iac\" }\n  }\n}\n\n",
    );
    let mut i = 0;
    while i < n {
        text.push_str(&format!(
            "resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"${{local.prefix}}-{i}\"\n  tags = {{\n    index = \"{i}\"\n    team  = upper(var.env)\n  }}\n}}\n\n"
        ));
        i += 1;
        if i % 10 == 0 && i < n {
            text.push_str(&format!(
                "resource \"aws_s3_bucket_versioning\" \"v{i}\" {{\n  bucket = aws_s3_bucket.b{}.id\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n\n",
                i - 1
            ));
            i += 1;
        }
    }
    std::fs::write(dir.join("main.hcl"), text).expect("write the stack");
}

struct Measure {
    wall: Duration,
    max_rss_kb: i64,
}

/// Runs `iac args` in `dir`, returning its wall time and peak memory. The child is
/// reaped with `wait4`, which also gives its own resource usage.
#[allow(clippy::zombie_processes)]
fn measure(iac: &Path, dir: &Path, args: &[&str]) -> Measure {
    let start = Instant::now();
    let child = Command::new(iac)
        .args(args)
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iac starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to locals.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(rc, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "iac {args:?} failed with status {status}"
    );
    Measure {
        wall,
        max_rss_kb: usage.ru_maxrss,
    }
}

fn iac_path() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let bin = exe.with_file_name("iac");
    assert!(
        bin.is_file(),
        "{} is missing: build it first (cargo build --release -p iac)",
        bin.display()
    );
    bin
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let iac = iac_path();
    println!(
        "{:>8}  {:<22} {:>10} {:>10}",
        "size", "command", "wall", "peak RSS"
    );
    let mut results = Vec::new();
    for &n in &sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        generate(dir.path(), n);
        for (name, args) in [
            ("validate", &["validate"][..]),
            (
                "plan -refresh=false",
                &["plan", "-refresh=false", "-lock=false"][..],
            ),
        ] {
            let m = measure(&iac, dir.path(), args);
            println!(
                "{n:>8}  {name:<22} {:>9.3}s {:>7.1} MB",
                m.wall.as_secs_f64(),
                m.max_rss_kb as f64 / 1024.0
            );
            results.push((n, name, m));
        }
    }
    if let (Some(&small), Some(&large)) = (sizes.first(), sizes.last())
        && small != large
    {
        for name in ["validate", "plan -refresh=false"] {
            let get = |n| {
                results
                    .iter()
                    .find(|(s, c, _)| *s == n && *c == name)
                    .map(|(_, _, m)| m)
            };
            if let (Some(a), Some(b)) = (get(small), get(large)) {
                println!(
                    "{name}: {large} resources take {:.1}x the time and {:.1}x the memory of {small}",
                    b.wall.as_secs_f64() / a.wall.as_secs_f64(),
                    b.max_rss_kb as f64 / a.max_rss_kb as f64
                );
            }
        }
    }
}
