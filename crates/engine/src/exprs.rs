//! Reading static addresses and attribute paths out of expressions (`moved`, `removed`,
//! `ignore_changes`, `replace_triggered_by`).

use iac_lang::config::{Expr, IgnoreChanges, Resource};
use iac_lang::{Diagnostic, Step, static_traversal};
use iac_provider::Schema;
use iac_value::{Path, PathStep};

use crate::addr::{Target, parse_target};

/// The address an expression like `module.a.aws_s3_bucket.b["k"]` names.
pub fn expr_target(expr: &Expr) -> Result<Target, Diagnostic> {
    let bad = || {
        Diagnostic::error("Invalid address", Some(expr.span())).with_detail("An address such as aws_s3_bucket.logs, aws_s3_bucket.logs[0] or module.web is required here.")
    };
    let text = address_text(expr).ok_or_else(bad)?;
    parse_target(&text).map_err(|m| bad().with_detail(m))
}

/// The static address an expression names, as text (`module.a.aws_s3_bucket.b["k"]`).
pub fn address_text(expr: &Expr) -> Option<String> {
    let mut text = String::new();
    for step in static_traversal(expr)? {
        match step {
            Step::Name(n) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(&n);
            }
            Step::Index(i) => text.push_str(&format!("[{i}]")),
            Step::Key(k) => text.push_str(&format!("[{}]", serde_json::Value::String(k))),
        }
    }
    Some(text)
}

/// The attribute paths a resource's `lifecycle.ignore_changes` names (`all`: every
/// attribute of its schema).
pub fn ignored_paths(res: &Resource, schema: &Schema) -> Result<Vec<Path>, Diagnostic> {
    match &res.lifecycle.ignore_changes {
        IgnoreChanges::None => Ok(Vec::new()),
        IgnoreChanges::All => Ok(schema
            .attributes
            .keys()
            .map(|k| vec![PathStep::Key(k.clone())])
            .collect()),
        IgnoreChanges::Paths(exprs) => exprs.iter().map(expr_path).collect(),
    }
}

/// The attribute path an expression like `tags["Owner"]` names.
pub fn expr_path(expr: &Expr) -> Result<Path, Diagnostic> {
    let steps = static_traversal(expr).ok_or_else(|| {
        Diagnostic::error("Invalid attribute path", Some(expr.span()))
            .with_detail("An attribute name, optionally followed by attributes or literal indices, is required here, e.g. tags or tags[\"Owner\"].")
    })?;
    Ok(steps
        .into_iter()
        .map(|s| match s {
            Step::Name(n) | Step::Key(n) => PathStep::Key(n),
            Step::Index(i) => PathStep::Index(i as usize),
        })
        .collect())
}
