//! Checks the built-in functions against results recorded from Terraform 1.11
//! (`golden/functions.json`, made by `golden/generate.py` from `golden/cases.txt`).

use std::path::Path;
use std::sync::Arc;

use iac_lang::Sources;
use iac_lang::config::Expr;
use iac_lang::eval::{EvalContext, NoScope, evaluate};
use iac_value::Value;

/// One recorded expression: its value (and whether it was sensitive), or its error.
struct Case {
    expr: String,
    value: serde_json::Value,
    sensitive: bool,
    error: Option<Error>,
}

struct Error {
    summary: String,
    detail: String,
}

impl Case {
    fn from_json(j: &serde_json::Value) -> Case {
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        Case {
            expr: text(&j["expr"]),
            value: j["value"].clone(),
            sensitive: j["sensitive"].as_bool().unwrap_or(false),
            error: j.get("error").map(|e| Error {
                summary: text(&e["summary"]),
                detail: text(&e["detail"]),
            }),
        }
    }
}

#[test]
fn functions_match_terraform() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let text = std::fs::read_to_string(dir.join("functions.json")).unwrap();
    let json: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let cases: Vec<Case> = json.iter().map(Case::from_json).collect();
    let mut failures = Vec::new();
    for case in &cases {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("main.tf"), case.expr.clone());
        let expr = hcl_edit::parser::parse_expr(sources.text(file)).unwrap();
        let expr = Expr {
            file,
            expr: Arc::new(expr),
        };
        let got = evaluate(&expr, &EvalContext::new(&NoScope, &dir));
        match (&case.error, got) {
            (None, Ok(v)) => {
                let sensitive = v.contains_sensitive();
                let got = Value::from_json(&v.unmark_deep().0.to_json());
                let want = Value::from_json(&case.value);
                if got != want || sensitive != case.sensitive {
                    failures.push(format!(
                        "{}\n  want {} (sensitive: {})\n  got  {} (sensitive: {sensitive})",
                        case.expr,
                        case.value,
                        case.sensitive,
                        got.to_json()
                    ));
                }
            }
            (Some(e), Ok(v)) => failures.push(format!(
                "{}\n  want error {}: {}\n  got  {}",
                case.expr,
                e.summary,
                e.detail,
                v.to_json()
            )),
            (None, Err(d)) => failures.push(format!(
                "{}\n  want {}\n  got  error {}: {}",
                case.expr,
                case.value,
                d.summary,
                d.detail.unwrap_or_default()
            )),
            (Some(e), Err(d)) => {
                let detail = d.detail.clone().unwrap_or_default();
                if d.summary != e.summary || detail != e.detail {
                    failures.push(format!(
                        "{}\n  want error {}: {}\n  got  error {}: {detail}",
                        case.expr, e.summary, e.detail, d.summary
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Terraform:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
