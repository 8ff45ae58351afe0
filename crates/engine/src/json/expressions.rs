//! Expressions as Terraform's configuration JSON shows them: a `constant_value` when the
//! expression needs nothing to be evaluated, and the `references` it makes, each
//! reference followed by its shorter prefixes (`aws_instance.web.id`, `aws_instance.web`).

use iac_lang::config::{Body, Expr};
use iac_lang::eval::{EvalContext, NoScope};
use iac_lang::{Step, needs};
use iac_provider::{Nesting, Schema};
use serde_json::{Map, Value as Json};

/// An expression's JSON: `{"constant_value": ...}` and/or `{"references": [...]}`. A
/// `sensitive` expression never shows its constant.
pub fn expression(expr: &Expr, sensitive: bool) -> Json {
    let found = needs(expr);
    let mut out = Map::new();
    if found.references.is_empty() && !found.calls_functions && !sensitive {
        let ctx = EvalContext::new(&NoScope, crate::working_dir());
        if let Ok(v) = iac_lang::eval::evaluate(expr, &ctx)
            && v.is_wholly_known()
            && !v.contains_sensitive()
        {
            out.insert("constant_value".into(), v.to_json());
        }
    }
    let mut references: Vec<String> = Vec::new();
    for r in &found.references {
        for r in reference_strings(r.traversal()) {
            if !references.contains(&r) {
                references.push(r);
            }
        }
    }
    if !references.is_empty() {
        out.insert("references".into(), references.into());
    }
    Json::Object(out)
}

/// The expressions of a block body against its schema: attributes by name, nested
/// blocks as objects (single) or arrays of objects (repeated). What the schema does not
/// know (`dynamic` blocks among them) is left out, as Terraform does.
pub fn expressions(body: &Body, schema: &Schema) -> Json {
    let mut out = Map::new();
    for attr in &body.attrs {
        if let Some(a) = schema.attributes.get(&attr.name) {
            out.insert(attr.name.clone(), expression(&attr.expr, a.sensitive));
        }
    }
    for block in &body.blocks {
        let Some(b) = schema.blocks.get(&block.kind) else {
            continue;
        };
        let inner = expressions(&block.body, &b.schema);
        match b.nesting {
            Nesting::Single => {
                out.insert(block.kind.clone(), inner);
            }
            Nesting::List | Nesting::Set => {
                let entry = out
                    .entry(block.kind.clone())
                    .or_insert_with(|| Json::Array(Vec::new()));
                if let Json::Array(items) = entry {
                    items.push(inner);
                }
            }
        }
    }
    Json::Object(out)
}

/// Each reference in `expr` to an attribute of a resource or data source: the
/// resource's address (without instance key) and the attribute path after it.
pub fn attribute_references(expr: &Expr) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for reference in iac_lang::references(expr) {
        let steps = reference.traversal();
        let name = |i: usize| match steps.get(i) {
            Some(Step::Name(n)) => Some(n.as_str()),
            _ => None,
        };
        let (prefix, at) = match name(0) {
            Some("var" | "local" | "count" | "each" | "path" | "terraform" | "self" | "module")
            | None => continue,
            Some("data") => ("data.", 1),
            Some(_) => ("", 0),
        };
        let (Some(ty), Some(n)) = (name(at), name(at + 1)) else {
            continue;
        };
        let mut rest = &steps[(at + 2).min(steps.len())..];
        if matches!(rest.first(), Some(Step::Index(_) | Step::Key(_))) {
            rest = &rest[1..];
        }
        if rest.is_empty() {
            continue;
        }
        let path: Vec<Json> = rest
            .iter()
            .map(|s| match s {
                Step::Name(n) | Step::Key(n) => Json::String(n.clone()),
                Step::Index(i) => Json::from(*i),
            })
            .collect();
        out.push((format!("{prefix}{ty}.{n}"), Json::Array(path)));
    }
    out
}

fn step_text(steps: &[Step]) -> String {
    let mut s = String::new();
    for step in steps {
        match step {
            Step::Name(n) => {
                s.push('.');
                s.push_str(n);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Key(k) => s.push_str(&format!("[{}]", Json::String(k.clone()))),
        }
    }
    s
}

/// Terraform's reference strings for one traversal: the subject with each prefix of
/// what follows it (longest first), then the subject, then the whole resource or module
/// call when the subject is one instance or output of it. Nothing for what is not a
/// reference (a bare `var`).
fn reference_strings(steps: &[Step]) -> Vec<String> {
    let name = |i: usize| match steps.get(i) {
        Some(Step::Name(n)) => Some(n.as_str()),
        _ => None,
    };
    let Some(root) = name(0) else {
        return Vec::new();
    };
    let key_text = |i: usize| match steps.get(i) {
        Some(s @ (Step::Index(_) | Step::Key(_))) => Some(step_text(std::slice::from_ref(s))),
        _ => None,
    };
    let (subject, rest, whole): (String, &[Step], Option<String>) = match root {
        "self" => ("self".into(), &steps[1..], None),
        "var" | "local" | "count" | "each" | "path" | "terraform" => {
            let Some(n) = name(1) else {
                return Vec::new();
            };
            (format!("{root}.{n}"), &steps[2..], None)
        }
        "module" => {
            let Some(call) = name(1) else {
                return Vec::new();
            };
            let call = format!("module.{call}");
            let (instance, at) = match key_text(2) {
                Some(k) => (format!("{call}{k}"), 3),
                None => (call.clone(), 2),
            };
            match name(at) {
                Some(output) => (format!("{instance}.{output}"), &steps[at + 1..], Some(call)),
                None if instance != call => (instance, &steps[at..], Some(call)),
                None => (instance, &steps[at..], None),
            }
        }
        _ => {
            let (prefix, ty_at) = if root == "data" {
                ("data.", 1)
            } else {
                ("", 0)
            };
            let (Some(ty), Some(n)) = (name(ty_at), name(ty_at + 1)) else {
                return Vec::new();
            };
            let resource = format!("{prefix}{ty}.{n}");
            match key_text(ty_at + 2) {
                Some(k) => (
                    format!("{resource}{k}"),
                    &steps[ty_at + 3..],
                    Some(resource),
                ),
                None => (resource, &steps[ty_at + 2..], None),
            }
        }
    };
    let mut out: Vec<String> = (1..=rest.len())
        .rev()
        .map(|n| format!("{subject}{}", step_text(&rest[..n])))
        .collect();
    out.push(subject);
    out.extend(whole);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use iac_lang::Sources;
    use std::sync::Arc;

    fn expr(src: &str) -> Expr {
        let mut sources = Sources::default();
        let file = sources.add(std::path::Path::new("t.hcl"), src.to_string());
        Expr {
            file,
            expr: Arc::new(hcl_edit::parser::parse_expr(sources.text(file)).unwrap()),
        }
    }

    fn refs(src: &str) -> Json {
        expression(&expr(src), false)["references"].clone()
    }

    #[test]
    fn references_as_terraform_lists_them() {
        assert_eq!(
            refs("aws_security_group.web.id"),
            serde_json::json!(["aws_security_group.web.id", "aws_security_group.web"])
        );
        assert_eq!(
            refs("aws_instance.x[0].tags[\"Name\"]"),
            serde_json::json!([
                "aws_instance.x[0].tags[\"Name\"]",
                "aws_instance.x[0].tags",
                "aws_instance.x[0]",
                "aws_instance.x"
            ])
        );
        assert_eq!(
            refs("digitalocean_tag.role[\"gateway\"].name"),
            serde_json::json!([
                "digitalocean_tag.role[\"gateway\"].name",
                "digitalocean_tag.role[\"gateway\"]",
                "digitalocean_tag.role"
            ])
        );
        assert_eq!(
            refs("aws_instance.x[count.index].id"),
            serde_json::json!(["aws_instance.x", "count.index"])
        );
        assert_eq!(
            refs("\"${var.name}-${module.db.endpoint}\""),
            serde_json::json!(["var.name", "module.db.endpoint", "module.db"])
        );
        assert_eq!(
            refs("data.aws_ami.ubuntu.id"),
            serde_json::json!(["data.aws_ami.ubuntu.id", "data.aws_ami.ubuntu"])
        );
        assert_eq!(
            refs("[for s in var.subnets : s.id]"),
            serde_json::json!(["var.subnets"])
        );
        assert_eq!(refs("local.x"), serde_json::json!(["local.x"]));
    }

    #[test]
    fn constants_only_without_references_calls_or_secrets() {
        assert_eq!(
            expression(&expr("[\"0.0.0.0/0\"]"), false),
            serde_json::json!({"constant_value": ["0.0.0.0/0"]})
        );
        assert_eq!(
            expression(&expr("upper(\"a\")"), false),
            serde_json::json!({})
        );
        assert_eq!(
            expression(&expr("\"hunter2\""), true),
            serde_json::json!({})
        );
    }
}
