use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use iac_value::Value;

use super::*;
use crate::source::Sources;

/// A scope with `var.*` values, as the engine would give.
struct Vars(BTreeMap<String, Value>);

impl Scope for Vars {
    fn resolve(
        &self,
        root: &str,
        attrs: &[&str],
        span: &Span,
    ) -> Result<(Value, usize), Diagnostic> {
        match (root, attrs.first()) {
            ("var", Some(name)) => self.0.get(*name).map(|v| (v.clone(), 1)).ok_or_else(|| {
                Diagnostic::error(
                    format!("Reference to undeclared input variable \"{name}\""),
                    Some(span.clone()),
                )
            }),
            _ => Err(Diagnostic::error(
                format!("Reference to undeclared \"{root}\""),
                Some(span.clone()),
            )),
        }
    }
}

fn vars() -> Vars {
    Vars(BTreeMap::from([
        ("name".to_string(), Value::from("web")),
        ("n".to_string(), Value::from(3i64)),
        (
            "list".to_string(),
            Value::List(vec!["a".into(), "b".into()]),
        ),
        (
            "obj".to_string(),
            Value::object([("x", Value::from(1i64)), ("y", Value::from("z"))]),
        ),
        (
            "objs".to_string(),
            Value::List(vec![
                Value::object([("id", Value::from("i-1"))]),
                Value::object([("id", Value::from("i-2"))]),
            ]),
        ),
        (
            "secret".to_string(),
            Value::from("hunter2").mark_sensitive(),
        ),
        ("later".to_string(), Value::Unknown),
        (
            "tpl".to_string(),
            Value::from("Hi ${who}%{ if loud }!%{ endif }"),
        ),
        ("nothing".to_string(), Value::Null),
    ]))
}

fn eval_str(src: &str) -> Result<Value, Diagnostic> {
    let mut sources = Sources::default();
    let file = sources.add(Path::new("test.hcl"), src.to_string());
    let expr = hcl_edit::parser::parse_expr(sources.text(file)).expect("parses");
    let scope = vars();
    evaluate(
        &Expr {
            file,
            expr: Arc::new(expr),
        },
        &EvalContext::new(&scope, Path::new(".")),
    )
}

fn ok(src: &str) -> Value {
    eval_str(src).unwrap_or_else(|d| panic!("{src}: {d}"))
}

fn json(src: &str) -> serde_json::Value {
    ok(src).to_json()
}

#[test]
fn literals_and_collections() {
    assert_eq!(ok("null"), Value::Null);
    assert_eq!(ok("true"), Value::Bool(true));
    assert_eq!(ok("1.5"), Value::Number(1.5));
    assert_eq!(
        json(r#"[1, "a", false]"#),
        serde_json::json!([1, "a", false])
    );
    assert_eq!(
        json(r#"{ a = 1, "b c" = 2, (var.name) = 3 }"#),
        serde_json::json!({"a": 1, "b c": 2, "web": 3})
    );
}

#[test]
fn operators() {
    assert_eq!(ok("1 + 2 * 3"), Value::Number(7.0));
    assert_eq!(ok("(1 + 2) * 3"), Value::Number(9.0));
    assert_eq!(ok("7 % 4"), Value::Number(3.0));
    assert_eq!(ok("-var.n"), Value::Number(-3.0));
    assert_eq!(ok("!true"), Value::Bool(false));
    assert_eq!(ok("\"3\" + 1"), Value::Number(4.0));
    assert_eq!(ok("var.n > 2 && var.n <= 3"), Value::Bool(true));
    assert_eq!(ok("var.list == [\"a\", \"b\"]"), Value::Bool(true));
    assert_eq!(ok("var.name != \"web\" || false"), Value::Bool(false));
    assert!(eval_str("1 / 0").is_err());
    assert!(eval_str("\"x\" + 1").is_err());
}

#[test]
fn conditionals() {
    assert_eq!(ok("var.n > 1 ? \"big\" : \"small\""), Value::from("big"));
    assert_eq!(
        ok("var.nothing == null ? 0 : var.nothing.x"),
        Value::Number(0.0)
    );
    assert_eq!(ok("var.later ? 1 : 2"), Value::Unknown);
}

#[test]
fn templates() {
    assert_eq!(ok(r#""${var.name}-${var.n}""#), Value::from("web-3"));
    assert_eq!(
        ok(r#""${var.n}""#),
        Value::Number(3.0),
        "a lone interpolation keeps its type"
    );
    assert_eq!(
        ok(r#""%{ if var.n > 2 }big%{ else }small%{ endif }""#),
        Value::from("big")
    );
    assert_eq!(
        ok(r#""%{ for x in var.list }<${x}>%{ endfor }""#),
        Value::from("<a><b>")
    );
    assert_eq!(
        ok(r#""a ${~ var.name ~} b""#),
        Value::from("aweb b".replace(" b", "b"))
    );
    assert_eq!(
        ok("<<-EOT\n    hello\n      ${var.name}\n    EOT"),
        Value::from("hello\n  web\n")
    );
    assert!(eval_str(r#""x${var.nothing}""#).is_err());
}

#[test]
fn traversals_and_splats() {
    assert_eq!(ok("var.obj.y"), Value::from("z"));
    assert_eq!(ok("var.obj[\"x\"]"), Value::Number(1.0));
    assert_eq!(ok("var.list[1]"), Value::from("b"));
    assert_eq!(ok("var.list.0"), Value::from("a"));
    assert_eq!(json("var.objs[*].id"), serde_json::json!(["i-1", "i-2"]));
    assert_eq!(json("var.objs.*.id"), serde_json::json!(["i-1", "i-2"]));
    assert_eq!(json("var.nothing[*]"), serde_json::json!([]));
    assert_eq!(json("var.obj[*].y"), serde_json::json!(["z"]));
    assert_eq!(ok("var.later.anything[0]"), Value::Unknown);
    let err = eval_str("var.obj.yy").unwrap_err();
    assert!(err.detail.unwrap().contains("Did you mean \"y\"?"));
    let err = eval_str("var.list[5]").unwrap_err();
    assert_eq!(err.summary, "Invalid index");
    assert!(
        eval_str("var.objs.id")
            .unwrap_err()
            .detail
            .unwrap()
            .contains("[*].id")
    );
    assert!(
        eval_str("var.nope")
            .unwrap_err()
            .summary
            .contains("undeclared input variable")
    );
}

#[test]
fn for_expressions() {
    assert_eq!(
        json("[for s in var.list : upper(s)]"),
        serde_json::json!(["A", "B"])
    );
    assert_eq!(
        json("[for i, s in var.list : \"${i}=${s}\" if s != \"a\"]"),
        serde_json::json!(["1=b"])
    );
    assert_eq!(
        json("{for k, v in var.obj : k => v}"),
        serde_json::json!({"x": 1, "y": "z"})
    );
    assert_eq!(
        json("{for s in [\"a\", \"b\", \"a\"] : s => s...}"),
        serde_json::json!({"a": ["a", "a"], "b": ["b"]})
    );
    assert_eq!(ok("[for s in var.later : s]"), Value::Unknown);
    assert_eq!(
        eval_str("{for s in [\"a\", \"a\"] : s => s}")
            .unwrap_err()
            .summary,
        "Duplicate object key"
    );
}

#[test]
fn unknown_propagates_through_everything() {
    for src in [
        "var.later + 1",
        "\"x-${var.later}\"",
        "upper(var.later)",
        "join(\",\", [var.later])",
        "var.later == 1",
        "!var.later",
        "[for x in var.later : x]",
        "var.later[0]",
        "var.later.x",
    ] {
        assert!(ok(src).is_unknown(), "{src} should be unknown");
    }
    assert_eq!(
        ok("length([var.later, 1])"),
        Value::Number(2.0),
        "a list's length is known even if its elements are not"
    );
    assert!(!ok("[var.later, 1]").is_wholly_known());
}

#[test]
fn sensitive_propagates_through_everything() {
    for src in [
        "var.secret",
        "\"pw=${var.secret}\"",
        "upper(var.secret)",
        "var.secret == \"x\"",
        "length(var.secret)",
        "var.n > 1 ? var.secret : \"\"",
        "jsonencode({ p = var.secret })",
        "[for c in [var.secret] : c][0]",
    ] {
        assert!(ok(src).is_sensitive(), "{src} should be sensitive");
    }
    assert!(ok("{ a = var.secret }").contains_sensitive());
    assert!(!ok("{ a = var.secret }").get("b").contains_sensitive());
}

#[test]
fn marks_survive_every_expression_form() {
    for src in [
        // for: keys, values, conditions; object keys
        "{ for k in [\"a\"] : var.secret => k }",
        "{ for k in [\"a\"] : var.secret => k... }",
        "[for k in [1, 2] : k if var.secret == \"x\"]",
        "{ for k in [\"a\"] : k => 1 if var.secret != \"x\" }",
        "{ (var.secret) = 1 }",
        // conditionals, splat, attribute and index access
        "var.secret == \"x\" ? 1 : 2",
        "([{ a = var.secret }][*].a)[0]",
        "([{ a = 1 }, { a = 2 }][*].a)[var.secret == \"x\" ? 0 : 1]",
        "{ a = var.secret }.a",
        "[var.secret][0]",
        "{ a = 1 }[var.secret == \"x\" ? \"a\" : \"a\"]",
        // templates: interpolation and directives
        "\"%{ if var.secret == \"x\" }a%{ else }b%{ endif }\"",
        "\"%{ for c in [var.secret] }${c}%{ endfor }\"",
        "<<EOT\nx ${var.secret}\nEOT",
        // operators looking inside collections, functions, expanded arguments
        "[var.secret] == [\"hunter2\"]",
        "!(var.secret == \"x\")",
        "tolist([var.secret])[0]",
        "format(\"%s%s\", [\"a\", var.secret]...)",
        "try(var.secret, \"x\")",
    ] {
        let v = ok(src);
        assert!(
            v.is_sensitive() || matches!(&v, Value::List(i) if i.iter().all(Value::is_sensitive)),
            "{src} should be sensitive, got {v:?}"
        );
    }
    let spread = ok("[for s in [var.secret] : s]");
    assert!(spread.is_sensitive() || spread.contains_sensitive());
}

#[test]
fn errors_never_print_sensitive_values() {
    for src in [
        "{ for x in [1, 2] : var.secret => x }",
        "var.secret + 1",
        "-var.secret",
        "!var.secret",
        "var.secret && true",
        "tonumber(var.secret)",
        "{ a = 1 }[var.secret]",
        "[1][var.secret]",
        "var.secret ? 1 : 2",
        "{ (var.secret) = 1 }.b",
    ] {
        let err = eval_str(src).expect_err(src);
        let text = format!(
            "{}: {}",
            err.summary,
            err.detail.clone().unwrap_or_default()
        );
        assert!(!text.contains("hunter2"), "{src}: {text}");
    }
    let dup = eval_str("{ for x in [1, 2] : var.secret => x }").unwrap_err();
    assert_eq!(dup.summary, "Duplicate object key");
    let plain = eval_str("{ for x in [1, 2] : \"k\" => x }").unwrap_err();
    assert!(
        plain.detail.unwrap().contains("\"k\""),
        "plain keys are still named"
    );
}

#[test]
fn functions() {
    assert_eq!(
        ok(r#"format("%s-%03d-%.1f-%q-%v", "a", 7, 1.25, "x", true)"#),
        Value::from("a-007-1.2-\"x\"-true")
    );
    assert_eq!(
        json(r#"formatlist("%s.example.com", ["a", "b"])"#),
        serde_json::json!(["a.example.com", "b.example.com"])
    );
    assert_eq!(
        ok(r#"join("-", split(",", "a,b,c"))"#),
        Value::from("a-b-c")
    );
    assert_eq!(ok(r#"replace("a.b.c", ".", "/")"#), Value::from("a/b/c"));
    assert_eq!(
        ok(r#"replace("web01", "/[0-9]+/", "N")"#),
        Value::from("webN")
    );
    assert_eq!(ok(r#"lower("AbC")"#), Value::from("abc"));
    assert_eq!(ok(r#"upper("abc")"#), Value::from("ABC"));
    assert_eq!(ok(r#"trimspace("  x \n")"#), Value::from("x"));
    assert_eq!(ok(r#"length({a = 1})"#), Value::Number(1.0));
    assert_eq!(ok(r#"lookup({a = 1}, "b", 2)"#), Value::Number(2.0));
    assert_eq!(
        json(r#"merge({a = 1}, {b = 2}, {a = 3})"#),
        serde_json::json!({"a": 3, "b": 2})
    );
    assert_eq!(json(r#"concat([1], [2, 3])"#), serde_json::json!([1, 2, 3]));
    assert_eq!(
        json(r#"flatten([[1], [2, [3]]])"#),
        serde_json::json!([1, 2, 3])
    );
    assert_eq!(json(r#"distinct([1, 2, 1])"#), serde_json::json!([1, 2]));
    assert_eq!(ok(r#"contains(["a"], "a")"#), Value::Bool(true));
    assert_eq!(
        json(r#"keys({b = 1, a = 2})"#),
        serde_json::json!(["a", "b"])
    );
    assert_eq!(json(r#"values({b = 1, a = 2})"#), serde_json::json!([2, 1]));
    assert_eq!(
        json(r#"zipmap(["a", "b"], [1, 2])"#),
        serde_json::json!({"a": 1, "b": 2})
    );
    assert_eq!(ok(r#"element(["a", "b"], 3)"#), Value::from("b"));
    assert_eq!(ok(r#"coalesce("", null, "x")"#), Value::from("x"));
    assert_eq!(
        ok(r#"try(var.obj.nope, "fallback")"#),
        Value::from("fallback")
    );
    assert_eq!(ok(r#"can(var.obj.nope)"#), Value::Bool(false));
    assert_eq!(ok(r#"can(var.obj.x)"#), Value::Bool(true));
    assert_eq!(ok(r#"tostring(5)"#), Value::from("5"));
    assert_eq!(ok(r#"tonumber("5")"#), Value::Number(5.0));
    assert_eq!(ok(r#"tobool("true")"#), Value::Bool(true));
    assert_eq!(
        ok(r#"toset(["b", "a", "b"])"#),
        Value::Set(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        ok(r#"tolist(toset(["b", "a"]))"#),
        Value::List(vec!["a".into(), "b".into()])
    );
    assert_eq!(json(r#"tomap({a = "x"})"#), serde_json::json!({"a": "x"}));
    assert_eq!(
        ok(r#"jsonencode({a = [1, "x"]})"#),
        Value::from(r#"{"a":[1,"x"]}"#)
    );
    assert_eq!(
        json(r#"jsondecode("{\"a\": [1, true]}")"#),
        serde_json::json!({"a": [1, true]})
    );
    assert_eq!(ok(r#"base64encode("hello")"#), Value::from("aGVsbG8="));
    assert_eq!(
        ok(r#"cidrsubnet("10.0.0.0/16", 8, 2)"#),
        Value::from("10.0.2.0/24")
    );
    assert_eq!(
        ok(r#"cidrsubnet("fd00::/56", 8, 1)"#),
        Value::from("fd00:0:0:1::/64")
    );
    assert_eq!(ok(r#"cidrhost("10.0.1.0/24", 5)"#), Value::from("10.0.1.5"));
    assert_eq!(json(r#"range(3)"#), serde_json::json!([0, 1, 2]));
    assert_eq!(ok(r#"max(1, 5, 3)"#), Value::Number(5.0));
    assert_eq!(ok(r#"substr("hello", 1, 3)"#), Value::from("ell"));
    assert_eq!(
        json(r#"concat(var.list...)"#.replace("var.list...", "[[1], [2]]...").as_str()),
        serde_json::json!([1, 2])
    );
    let err = eval_str("uperr(\"x\")").unwrap_err();
    assert!(err.detail.unwrap().contains("Did you mean \"upper\"?"));
    let err = eval_str("element([], 0)").unwrap_err();
    assert_eq!(err.summary, "Error in function call");
}

#[test]
fn file_functions_read_relative_to_the_base_dir() {
    let dir = std::env::temp_dir().join(format!("iac-eval-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("greeting.txt"), "hi\n").unwrap();
    std::fs::write(
        dir.join("t.tpl"),
        "Hello ${name}%{ for p in ports }:${p}%{ endfor }",
    )
    .unwrap();
    let mut sources = Sources::default();
    let src =
        r#"[file("greeting.txt"), templatefile("t.tpl", { name = "web", ports = [80, 443] })]"#;
    let file = sources.add(Path::new("t.hcl"), src.into());
    let expr = hcl_edit::parser::parse_expr(sources.text(file)).unwrap();
    let v = evaluate(
        &Expr {
            file,
            expr: Arc::new(expr),
        },
        &EvalContext::new(&NoScope, &dir),
    )
    .unwrap();
    assert_eq!(v.to_json(), serde_json::json!(["hi\n", "Hello web:80:443"]));
}

#[test]
fn errors_point_at_the_expression() {
    let mut sources = Sources::default();
    let file = sources.add(Path::new("main.hcl"), "upper(1, 2)".into());
    let expr = hcl_edit::parser::parse_expr(sources.text(file)).unwrap();
    let d = evaluate(
        &Expr {
            file,
            expr: Arc::new(expr),
        },
        &EvalContext::new(&NoScope, Path::new(".")),
    )
    .unwrap_err();
    let text = d.to_plain(&sources);
    assert!(text.contains("main.hcl:1:1"), "{text}");
    assert!(text.contains("upper(1, 2)"), "{text}");
}

#[test]
fn templatestring_renders_a_referenced_template() {
    assert_eq!(
        ok(r#"templatestring(var.tpl, { who = "web", loud = true })"#),
        Value::from("Hi web!")
    );
    assert_eq!(
        ok(r#"templatestring(var.tpl, { who = var.later, loud = true })"#),
        Value::Unknown
    );
    assert!(ok(r#"templatestring(var.tpl, { who = var.secret, loud = false })"#).is_sensitive());
    let e = eval_str(r#"templatestring("Hi $${who}", { who = "x" })"#).unwrap_err();
    assert!(
        e.detail
            .unwrap()
            .contains("does not support providing a literal template")
    );
    let e = eval_str(r#"templatestring(trimspace(var.tpl), {})"#).unwrap_err();
    assert!(e.detail.unwrap().contains("must be a direct reference"));
    let e = eval_str(r#"templatestring(var.tpl, { loud = true })"#).unwrap_err();
    assert_eq!(e.summary, "Error in function call");
}

#[test]
fn impure_functions_follow_the_phase() {
    let mut sources = Sources::default();
    let file = sources.add(Path::new("t.hcl"), "[timestamp(), uuid()]".into());
    let expr = Expr {
        file,
        expr: Arc::new(hcl_edit::parser::parse_expr(sources.text(file)).unwrap()),
    };
    let scope = vars();
    let planning = EvalContext::new(&scope, Path::new("."));
    assert!(!evaluate(&expr, &planning).unwrap().is_wholly_known());
    let applying = EvalContext::new(&scope, Path::new(".")).with_phase(Phase::Apply {
        plan_time: std::time::SystemTime::now(),
    });
    assert!(evaluate(&expr, &applying).unwrap().is_wholly_known());
}
