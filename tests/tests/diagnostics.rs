//! Bad input: every kind gets a diagnostic with file, line, column and the source line,
//! all problems are reported at once, and the state file is left byte for byte as it was.

use iac_e2e::{Emulator, Stack, on_emulators, unique};

const GOOD: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"BUCKET\"\n}\n";

/// One kind of bad input: its name, the files that show it, and what stderr must say.
type Case = (&'static str, Vec<(&'static str, String)>, Vec<&'static str>);

fn cases() -> Vec<Case> {
    let base = |extra: &str| format!("{GOOD}{extra}");
    vec![
        (
            "syntax error",
            vec![(
                "main.hcl",
                base("resource \"aws_s3_bucket\" \"c\" {\n  bucket = \n}\n"),
            )],
            vec!["Syntax error", "main.hcl:5:"],
        ),
        (
            "unknown block type",
            vec![("main.hcl", base("resorce \"aws_s3_bucket\" \"c\" {}\n"))],
            vec![
                "Unsupported block type \"resorce\"",
                "Did you mean \"resource\"?",
                "main.hcl:4:1",
            ],
        ),
        (
            "unknown resource type",
            vec![("main.hcl", base("resource \"aws_s3_buckt\" \"c\" {}\n"))],
            vec![
                "Invalid resource type",
                "Did you mean \"aws_s3_bucket\"?",
                "main.hcl:4:",
            ],
        ),
        (
            "unknown attribute",
            vec![(
                "main.hcl",
                base("resource \"aws_s3_bucket\" \"c\" {\n  bucket_prefx = \"x\"\n}\n"),
            )],
            vec![
                "Unsupported argument",
                "Did you mean \"bucket_prefix\"?",
                "main.hcl:5:3",
            ],
        ),
        (
            "missing required attribute",
            vec![(
                "main.hcl",
                base(
                    "resource \"aws_s3_bucket_versioning\" \"v\" {\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n",
                ),
            )],
            vec![
                "Missing required argument",
                "\"bucket\" is required",
                "main.hcl:4:",
            ],
        ),
        (
            "type mismatch",
            vec![(
                "main.hcl",
                base(
                    "resource \"aws_s3_bucket\" \"c\" {\n  bucket        = \"c-bucket\"\n  force_destroy = [1, 2]\n}\n",
                ),
            )],
            vec![
                "Incorrect attribute value type",
                "bool required",
                "main.hcl:6:",
            ],
        ),
        (
            "undefined reference",
            vec![(
                "main.hcl",
                base("resource \"aws_s3_bucket\" \"c\" {\n  bucket = var.nope\n}\n"),
            )],
            vec![
                "Reference to undeclared input variable",
                "\"nope\"",
                "main.hcl:5:12",
            ],
        ),
        (
            "for_each over an unknown value",
            vec![(
                "main.hcl",
                base(
                    "resource \"aws_s3_bucket\" \"p\" {\n  bucket_prefix = \"p-\"\n}\nresource \"aws_s3_bucket\" \"e\" {\n  for_each = toset([aws_s3_bucket.p.bucket])\n  bucket   = each.key\n}\n",
                ),
            )],
            vec![
                "Invalid for_each argument",
                "cannot be determined until apply",
                "main.hcl:8:",
            ],
        ),
        (
            "dependency cycle",
            vec![(
                "main.hcl",
                base("locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n"),
            )],
            vec!["Cycle: local.a, local.b, local.c"],
        ),
        (
            "failed validation",
            vec![(
                "main.hcl",
                base(
                    "variable \"env\" {\n  default = \"qa\"\n  validation {\n    condition     = contains([\"prod\", \"test\"], var.env)\n    error_message = \"env must be prod or test.\"\n  }\n}\n",
                ),
            )],
            vec![
                "Invalid value for variable",
                "env must be prod or test.",
                "main.hcl:7:",
            ],
        ),
        (
            "several errors at once",
            vec![
                (
                    "main.hcl",
                    base(
                        "resource \"aws_s3_bucket\" \"c\" {\n  bucket = var.one\n}\nresource \"aws_s3_bucket\" \"d\" {\n  bucket = var.two\n}\n",
                    ),
                ),
                (
                    "other.hcl",
                    "output \"x\" {\n  value = local.three\n}\n".to_string(),
                ),
            ],
            vec![
                "\"one\"",
                "\"two\"",
                "\"three\"",
                "other.hcl:2:",
                "3 errors.",
            ],
        ),
    ]
}

async fn bad_input_is_reported_and_loses_nothing(emu: Emulator) {
    let bucket = unique("iac-diag");
    let stack = Stack::new(emu, &[("main.hcl", &GOOD.replace("BUCKET", &bucket))]);
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    let before = stack.state_bytes().expect("state exists");
    let backup_before = std::fs::read(stack.path().join(".iac/state.json.backup")).ok();
    for (name, files, expected) in cases() {
        let _ = std::fs::remove_file(stack.path().join("other.hcl"));
        for (file, text) in &files {
            stack.write(file, &text.replace("BUCKET", &bucket));
        }
        for command in [
            &["plan", "-no-color"][..],
            &["apply", "-auto-approve", "-no-color"][..],
            &["validate", "-no-color"][..],
        ] {
            if name == "for_each over an unknown value" && command[0] == "validate" {
                continue;
            }
            let run = stack.iac(command);
            assert_eq!(
                run.code, 1,
                "{name} / {command:?} should fail:\n{}\n{}",
                run.stdout, run.stderr
            );
            for piece in &expected {
                assert!(
                    run.stderr.contains(piece),
                    "{name} / {command:?}: missing {piece:?} in:\n{}",
                    run.stderr
                );
            }
            assert!(
                run.stderr.contains(" │ ") || run.stderr.contains(" | "),
                "{name}: the source line is shown:\n{}",
                run.stderr
            );
            assert_eq!(
                stack.state_bytes().as_deref(),
                Some(&before[..]),
                "{name} / {command:?} changed the state file"
            );
        }
    }
    assert_eq!(
        std::fs::read(stack.path().join(".iac/state.json.backup")).ok(),
        backup_before,
        "not even the backup was rewritten"
    );
    let _ = std::fs::remove_file(stack.path().join("other.hcl"));
    stack.write("main.hcl", &GOOD.replace("BUCKET", &bucket));
    stack.iac(&["destroy", "-auto-approve"]).expect(0);
}
on_emulators!(bad_input_is_reported_and_loses_nothing: LocalStack, Moto);
