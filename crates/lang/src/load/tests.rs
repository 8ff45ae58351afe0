//! Tests of folder loading: both syntaxes, overrides, ignored files, versions, locks.

use super::*;
use crate::config::Mode;
use iac_value::Value;

fn load(text: &str) -> (Module, Diagnostics, Sources) {
    let dir = tempdir();
    std::fs::write(dir.join("main.hcl"), text).unwrap();
    let mut sources = Sources::default();
    let (m, d) = load_module(&dir, &mut sources);
    (m, d, sources)
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "iac-lang-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn reads_every_block_kind() {
    let (m, d, _) = load(
        r#"
terraform {
  backend "local" { path = "state.json" }
}
provider "aws" {
  region = "eu-west-1"
  alias  = "eu"
}
variable "env" {
  type    = string
  default = "prod"
  validation {
condition     = contains(["prod", "test"], var.env)
error_message = "env must be prod or test"
  }
}
locals { name = "web-${var.env}" }
resource "aws_s3_bucket" "logs" {
  bucket   = local.name
  count    = 2
  provider = aws.eu
  lifecycle {
prevent_destroy = true
ignore_changes  = [tags]
  }
}
data "aws_caller_identity" "me" {}
module "web" {
  source = "./web"
  size   = 3
}
output "bucket" {
  value     = aws_s3_bucket.logs[0].bucket
  sensitive = true
}
moved {
  from = aws_s3_bucket.old
  to   = aws_s3_bucket.logs
}
removed {
  from = aws_s3_bucket.gone
  lifecycle { destroy = false }
}
"#,
    );
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(m.backend.unwrap().config["path"], Value::from("state.json"));
    assert_eq!(m.providers[0].alias.as_deref(), Some("eu"));
    assert_eq!(m.variables["env"].validations.len(), 1);
    let r = &m.resources[0];
    assert_eq!(
        (r.ty.as_str(), r.name.as_str(), r.provider_alias()),
        ("aws_s3_bucket", "logs", Some("eu"))
    );
    assert!(r.lifecycle.prevent_destroy);
    assert!(r.count.is_some());
    assert_eq!(m.resources[1].mode, Mode::Data);
    assert_eq!(m.module_calls["web"].inputs[0].name, "size");
    assert!(m.outputs["bucket"].sensitive);
    assert_eq!(m.moved.len(), 1);
    assert!(!m.removed[0].destroy);
}

#[test]
fn syntax_errors_point_at_line_and_column() {
    let (_, d, sources) = load("resource \"a\" \"b\" {\n  x = \n}\n");
    assert!(d.has_errors());
    let text = d.0[0].to_plain(&sources);
    assert!(text.contains("main.hcl:"), "{text}");
    assert!(text.contains("Syntax error"), "{text}");
}

#[test]
fn unknown_blocks_get_a_suggestion() {
    let (_, d, _) = load("resorce \"a\" \"b\" {}\n");
    assert!(
        d.0[0]
            .detail
            .as_ref()
            .unwrap()
            .contains("Did you mean \"resource\"?")
    );
}

#[test]
fn duplicates_are_reported() {
    let (_, d, _) = load("variable \"a\" {}\nvariable \"a\" {}\n");
    assert_eq!(d.0[0].summary, "Duplicate variable \"a\"");
}

#[test]
fn module_folders_are_cleaned_lexically() {
    assert_eq!(
        join_clean(Path::new("."), "./modules/host"),
        Path::new("modules/host")
    );
    assert_eq!(
        join_clean(Path::new("stacks/a"), "../b"),
        Path::new("stacks/b")
    );
    assert_eq!(join_clean(Path::new("."), "./"), Path::new("."));
}

/// Writes `files` into a fresh folder and loads it (with the given compiled-in providers).
fn load_files(files: &[(&str, &str)]) -> (ModuleTree, Diagnostics, Sources) {
    let dir = tempdir();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let mut sources = Sources::default();
    let providers = [
        ProviderRelease::new("aws", "hashicorp/aws", "5.100.0").unwrap(),
        ProviderRelease::new("digitalocean", "digitalocean/digitalocean", "2.55.0").unwrap(),
    ];
    let (tree, d) = load_stack(&dir, &mut sources, &providers);
    (tree, d, sources)
}

fn errors(d: &Diagnostics, sources: &Sources) -> Vec<String> {
    d.0.iter().map(|d| d.to_plain(sources)).collect()
}

fn constant(e: &crate::config::Expr) -> Value {
    crate::eval::evaluate(
        e,
        &crate::eval::EvalContext::new(&crate::eval::NoScope, Path::new(".")),
    )
    .unwrap()
}

#[test]
fn the_lock_file_and_editor_files_are_not_configuration() {
    let (tree, d, s) = load_files(&[
        ("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n"),
        (
            ".terraform.lock.hcl",
            "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = \"5.31.0\"\n  constraints = \"~> 5.0\"\n  hashes = [\"h1:abc\"]\n}\n",
        ),
        ("main.tf~", "garbage {"),
        ("#main.tf#", "garbage {"),
    ]);
    assert!(d.is_empty(), "{:?}", errors(&d, &s));
    assert!(tree.module.providers.is_empty());
    assert_eq!(tree.module.resources.len(), 1);
}

#[test]
fn a_locked_constraint_iac_cannot_meet_says_what_iac_has() {
    let (_, d, s) = load_files(&[
        ("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n"),
        (
            ".terraform.lock.hcl",
            "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = \"4.67.0\"\n  constraints = \"~> 4.0\"\n}\n",
        ),
    ]);
    let text = errors(&d, &s).join("\n");
    assert!(
        text.contains("Locked provider version not available"),
        "{text}"
    );
    assert!(text.contains("iac has hashicorp/aws 5.100.0"), "{text}");
    assert!(text.contains(".terraform.lock.hcl:3:"), "{text}");
}

#[test]
fn required_versions_are_checked() {
    let ok = "terraform {\n  required_version = \">= 1.5, < 2.0\"\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \"~> 5.0\" }\n    digitalocean = {\n      source  = \"digitalocean/digitalocean\"\n      version = \">= 2.30\"\n    }\n  }\n}\n";
    let (tree, d, s) = load_files(&[("main.tf", ok)]);
    assert!(d.is_empty(), "{:?}", errors(&d, &s));
    assert_eq!(
        tree.module.required_providers["aws"].source.as_deref(),
        Some("hashicorp/aws")
    );

    let bad = "terraform {\n  required_version = \">= 1.12\"\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \"~> 4.0\" }\n    random = { source = \"hashicorp/random\" }\n  }\n}\n";
    let (_, d, s) = load_files(&[("main.tf", bad)]);
    let text = errors(&d, &s).join("\n");
    assert!(
        text.contains("Unsupported Terraform Core version"),
        "{text}"
    );
    assert!(text.contains("main.tf:2:22"), "{text}");
    assert!(
        text.contains("iac has hashicorp/aws 5.100.0 compiled in"),
        "{text}"
    );
    assert!(
        text.contains("requires the provider hashicorp/random"),
        "{text}"
    );
    assert_eq!(d.0.len(), 3, "{text}");
}

#[test]
fn json_configuration_maps_every_block_type() {
    let json = r#"{
  "//": "A comment.",
  "terraform": {
    "required_version": ">= 1.0",
    "backend": {"local": {"path": "state.json"}},
    "required_providers": {"aws": {"source": "hashicorp/aws", "version": "~> 5.0"}}
  },
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
  "variable": {
    "env": {
      "type": "list(string)",
      "default": ["prod"],
      "validation": [{"condition": "${length(var.env) > 0}", "error_message": "Say \"which\"."}]
    }
  },
  "locals": {"//": "ignored", "name": "web-${var.env[0]}", "n": 2},
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "bucket": "${local.name}",
        "count": "${local.n}",
        "provider": "aws.us",
        "depends_on": ["aws_s3_bucket.other"],
        "tags": {"Name": "logs"},
        "lifecycle": {"ignore_changes": ["tags"], "prevent_destroy": true},
        "dynamic": {"rule": {"for_each": "${var.env}", "content": {"id": "${rule.value}"}}}
      },
      "other": {"bucket": "other", "lifecycle": {"ignore_changes": "all"}}
    }
  },
  "data": {"aws_caller_identity": {"me": {}}},
  "module": {"web": {"source": "./web", "size": 3, "providers": {"aws": "aws.us"}}},
  "output": {"bucket": {"value": "${aws_s3_bucket.logs[0].bucket}", "sensitive": true, "depends_on": ["aws_s3_bucket.other"]}},
  "moved": [{"from": "aws_s3_bucket.old", "to": "aws_s3_bucket.other"}],
  "removed": {"from": "aws_s3_bucket.gone", "lifecycle": {"destroy": false}}
}"#;
    let dir = tempdir();
    std::fs::write(dir.join("main.tf.json"), json).unwrap();
    std::fs::create_dir_all(dir.join("web")).unwrap();
    std::fs::write(dir.join("web/main.tf"), "variable \"size\" {}\n").unwrap();
    let mut sources = Sources::default();
    let (m, d) = load_module(&dir, &mut sources);
    assert!(d.is_empty(), "{:?}", errors(&d, &sources));
    assert_eq!(
        m.backend.as_ref().unwrap().config["path"],
        Value::from("state.json")
    );
    assert_eq!(m.required_version[0].text, ">= 1.0");
    assert_eq!(m.providers.len(), 2);
    assert_eq!(m.providers[1].alias.as_deref(), Some("us"));
    let env = &m.variables["env"];
    assert_eq!(
        env.ty,
        iac_value::Type::List(Box::new(iac_value::Type::String))
    );
    assert_eq!(env.validations.len(), 1);
    assert_eq!(
        constant(&env.validations[0].error_message),
        Value::from("Say \"which\".")
    );
    assert_eq!(m.locals.len(), 2);
    let logs = m.resource(Mode::Managed, "aws_s3_bucket", "logs").unwrap();
    assert_eq!(logs.provider_alias(), Some("us"));
    assert_eq!(
        sources.snippet(&logs.depends_on[0].span()),
        "aws_s3_bucket.other"
    );
    assert!(logs.count.is_some() && logs.lifecycle.prevent_destroy);
    assert!(
        matches!(&logs.lifecycle.ignore_changes, crate::config::IgnoreChanges::Paths(p) if p.len() == 1)
    );
    assert_eq!(
        logs.body
            .attr("tags")
            .map(|a| constant(&a.expr).get("Name").clone()),
        Some(Value::from("logs"))
    );
    let dynamic = &logs.body.blocks[0];
    assert_eq!(
        (dynamic.kind.as_str(), dynamic.labels[0].as_str()),
        ("dynamic", "rule")
    );
    assert_eq!(dynamic.body.blocks[0].kind, "content");
    let other = m.resource(Mode::Managed, "aws_s3_bucket", "other").unwrap();
    assert!(matches!(
        other.lifecycle.ignore_changes,
        crate::config::IgnoreChanges::All
    ));
    assert_eq!(m.resources[2].mode, Mode::Data);
    let web = &m.module_calls["web"];
    assert_eq!(web.inputs[0].name, "size");
    assert_eq!(web.providers.values().next().unwrap().to_string(), "aws.us");
    assert!(m.outputs["bucket"].sensitive);
    assert_eq!(m.outputs["bucket"].depends_on.len(), 1);
    assert_eq!(m.moved.len(), 1);
    assert!(!m.removed[0].destroy);
}

#[test]
fn json_templates_evaluate_like_hcl_strings() {
    let json = r#"{"locals": {
  "plain": "a/b",
  "escaped": "tab\there \"q\" \\ \u00e9",
  "literal": "$${not} %%{this}",
  "nested": "${upper(\"x\")}-${\"y\"}",
  "number": 1.5e1,
  "list": [true, null, "z"]
}}"#;
    let (tree, d, s) = load_files(&[("main.tf.json", json)]);
    assert!(d.is_empty(), "{:?}", errors(&d, &s));
    let l = &tree.module.locals;
    assert_eq!(constant(&l["plain"].expr), Value::from("a/b"));
    assert_eq!(
        constant(&l["escaped"].expr),
        Value::from("tab\there \"q\" \\ é")
    );
    assert_eq!(constant(&l["literal"].expr), Value::from("${not} %{this}"));
    assert_eq!(constant(&l["nested"].expr), Value::from("X-y"));
    assert_eq!(constant(&l["number"].expr), Value::Number(15.0));
    assert_eq!(
        constant(&l["list"].expr),
        Value::List(vec![Value::Bool(true), Value::Null, Value::from("z")])
    );
    // Spans point into the JSON file (a string with escapes may end a little early).
    assert_eq!(s.snippet(&l["plain"].expr.span()), r#""a/b""#);
    assert!(
        s.snippet(&l["nested"].expr.span())
            .starts_with(r#""${upper(\"x"#)
    );
}

#[test]
fn json_files_as_editors_write_them_load() {
    // Indented, with a newline at the end and blank lines around the top-level object.
    let text = "\n{\n  \"locals\": {\n    \"a\": \"x-${1 + 1}\"\n  },\n  \"output\": {\n    \"o\": {\n      \"value\": \"${local.a}\"\n    }\n  }\n}\n\n";
    let (m, d, s) = load_files(&[("main.tf.json", text)]);
    assert!(errors(&d, &s).is_empty(), "{:?}", errors(&d, &s));
    assert!(m.module.locals.contains_key("a"));
    assert!(m.module.outputs.contains_key("o"));
}

#[test]
fn json_errors_name_file_line_and_column() {
    let (_, d, s) = load_files(&[(
        "main.tf.json",
        "{\n  \"locals\": {\n    \"a\": 1,\n  }\n}\n",
    )]);
    let text = errors(&d, &s).join("\n");
    assert!(text.contains("main.tf.json:4:3"), "{text}");
    assert!(text.contains("Syntax error"), "{text}");

    let (_, d, s) = load_files(&[("main.tf.json", "{\"locals\": {\n  \"a\": \"${1 +}\"\n}}\n")]);
    let text = errors(&d, &s).join("\n");
    assert!(text.contains("main.tf.json:2:"), "{text}");
    assert!(text.contains("Invalid expression"), "{text}");

    let (_, d, s) = load_files(&[("main.tf.json", "{\"resource\": {\"aws_s3_bucket\": [1]}}")]);
    let text = errors(&d, &s).join("\n");
    assert!(text.contains("main.tf.json:1:33"), "{text}");
    assert!(
        text.contains("whose property names are the labels of the resource block"),
        "{text}"
    );
}

#[test]
fn json_bodies_settle_against_a_schema() {
    struct Nested(&'static [&'static str]);
    impl BlockShape for Nested {
        fn nested(&self, name: &str) -> Option<Box<dyn BlockShape + '_>> {
            self.0
                .contains(&name)
                .then(|| Box::new(Nested(&["expiration"])) as Box<dyn BlockShape>)
        }
    }
    struct Schemas;
    impl Shapes for Schemas {
        fn resource(&self, _: &crate::config::Resource) -> Option<Box<dyn BlockShape + '_>> {
            Some(Box::new(Nested(&["rule", "timeouts"])))
        }
        fn provider(&self, _: &str) -> Option<Box<dyn BlockShape + '_>> {
            Some(Box::new(Nested(&["default_tags"])))
        }
    }
    let json = r#"{
  "provider": {"aws": {"default_tags": {"tags": {"a": "b"}}}},
  "resource": {"aws_s3_bucket": {"b": {
    "tags": {"Name": "b"},
    "timeouts": {"create": "5m"},
    "rule": [{"id": "one", "expiration": {"days": 3}}, {"//": "x", "id": "two"}],
    "dynamic": {"rule": {"for_each": [1], "content": {"expiration": {"days": 1}}}}
  }}}
}"#;
    let (mut tree, d, s) = load_files(&[("main.tf.json", json)]);
    assert!(d.is_empty(), "{:?}", errors(&d, &s));
    settle_json_bodies(&mut tree, &s, &Schemas);
    let body = &tree.module.resources[0].body;
    assert_eq!(
        body.attrs
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["tags"]
    );
    let kinds: Vec<&str> = body.blocks.iter().map(|b| b.kind.as_str()).collect();
    assert_eq!(kinds, ["dynamic", "timeouts", "rule", "rule"]);
    assert_eq!(body.blocks[2].body.blocks[0].kind, "expiration");
    assert_eq!(body.blocks[3].body.attrs.len(), 1);
    assert_eq!(
        body.blocks[0].body.blocks[0].body.blocks[0].kind,
        "expiration"
    );
    assert_eq!(s.snippet(&body.blocks[2].span), "\"rule\"");
    assert_eq!(tree.module.providers[0].body.blocks[0].kind, "default_tags");
}

#[test]
fn override_files_merge_as_terraform_merges_them() {
    let main = r#"
terraform {
  required_version = ">= 9.0"
  backend "local" { path = "a.json" }
}
variable "size" {
  type    = number
  default = 1
  validation {
    condition     = var.size > 0
    error_message = "positive"
  }
}
locals {
  a = 1
  b = 2
}
resource "aws_s3_bucket" "b" {
  bucket = "one"
  count  = 2
  tags   = { a = "b" }
  rule { id = "r1" }
  rule { id = "r2" }
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags]
  }
}
output "o" {
  value       = local.a
  description = "first"
}
"#;
    let over = r#"
terraform {
  required_version = ">= 1.0"
}
variable "size" { default = 5 }
locals { b = 3 }
resource "aws_s3_bucket" "b" {
  bucket = "two"
  rule { id = "r3" }
  lifecycle { create_before_destroy = true }
}
output "o" { value = local.b }
"#;
    let json_over = r#"{"resource": {"aws_s3_bucket": {"b": {"count": 3}}}}"#;
    let (tree, d, s) = load_files(&[
        ("main.tf", main),
        ("override.tf", over),
        ("z_override.tf.json", json_over),
    ]);
    assert!(d.is_empty(), "{:?}", errors(&d, &s));
    let m = &tree.module;
    assert_eq!(m.required_version.len(), 1);
    assert_eq!(m.required_version[0].text, ">= 1.0");
    assert!(m.backend.is_some());
    assert_eq!(
        constant(m.variables["size"].default.as_ref().unwrap()),
        Value::Number(5.0)
    );
    assert_eq!(m.variables["size"].ty, iac_value::Type::Number);
    assert_eq!(m.variables["size"].validations.len(), 1);
    assert_eq!(constant(&m.locals["a"].expr), Value::Number(1.0));
    assert_eq!(constant(&m.locals["b"].expr), Value::Number(3.0));
    let r = &m.resources[0];
    assert_eq!(
        constant(&r.body.attr("bucket").unwrap().expr),
        Value::from("two")
    );
    assert!(r.body.attr("tags").is_some());
    assert_eq!(constant(r.count.as_ref().unwrap()), Value::Number(3.0));
    assert_eq!(
        r.body.blocks.len(),
        1,
        "the override's rule blocks replace the original's"
    );
    assert!(r.lifecycle.prevent_destroy && r.lifecycle.create_before_destroy);
    assert!(matches!(
        &r.lifecycle.ignore_changes,
        crate::config::IgnoreChanges::Paths(_)
    ));
    assert_eq!(m.outputs["o"].description.as_deref(), Some("first"));
    assert_eq!(s.snippet(&m.outputs["o"].value.span()), "local.b");
}

#[test]
fn overrides_need_a_base_and_cannot_change_depends_on() {
    let (_, d, s) = load_files(&[
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"b\" {}\nlocals { a = 1 }\n",
        ),
        (
            "x_override.tf",
            "resource \"aws_s3_bucket\" \"c\" {}\nresource \"aws_s3_bucket\" \"b\" { depends_on = [] }\nlocals { z = 1 }\nmoved {\n  from = a.b\n  to = a.c\n}\n",
        ),
    ]);
    let summaries: Vec<&str> = d.0.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Missing base resource definition to override",
            "Unsupported override",
            "Missing base local value definition to override",
            "Cannot override \"moved\" blocks",
        ],
        "{:?}",
        errors(&d, &s)
    );
}

#[test]
fn validate_finds_unknown_functions_in_locals_and_outputs() {
    let (_, d, s) = load_files(&[(
        "main.tf",
        "locals { a = uper(\"x\") }\noutput \"o\" { value = true ? 1 : nosuch(2) }\n",
    )]);
    let text = errors(&d, &s).join("\n");
    assert_eq!(d.0.len(), 2, "{text}");
    assert!(text.contains("main.tf:1:14"), "{text}");
    assert!(text.contains("Did you mean \"upper\"?"), "{text}");
    assert!(
        text.contains("There is no function named \"nosuch\""),
        "{text}"
    );
}
