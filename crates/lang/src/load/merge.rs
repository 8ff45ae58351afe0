//! Override files (`override.tf`, `*_override.tf`, and their `.tf.json` forms), merged
//! into the primary files' blocks as Terraform merges them.
//!
//! An override block changes the block of the same type and labels (for `provider`, the
//! same alias) defined in a primary file: each of its arguments replaces the argument of
//! that name, and its nested blocks of one type replace all the original's blocks of
//! that type (`dynamic "x"` counts as type `x`). A resource's `lifecycle` is merged
//! argument by argument; `depends_on` may not be overridden; a `locals` entry replaces
//! the local of that name; in `terraform`, `required_version` and the backend replace
//! the original's and `required_providers` entries replace those of the same name.

use std::collections::BTreeSet;
use std::path::Path;

use iac_value::Value;

use crate::config::{Attr, Block, Body, Expr};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{EvalContext, NoScope, evaluate};

/// Merges one override file's top-level blocks into the primary blocks.
pub(super) fn merge_file(primary: &mut Vec<Block>, overrides: Vec<Block>, diags: &mut Diagnostics) {
    for over in overrides {
        match over.kind.as_str() {
            "locals" => merge_locals(primary, over, diags),
            "terraform" => merge_terraform(primary, over),
            "moved" | "removed" | "import" => diags.push(
                Diagnostic::error(
                    format!("Cannot override \"{}\" blocks", over.kind),
                    Some(over.span.clone()),
                )
                .with_detail(format!(
                    "{} blocks can appear only in normal files, not in override files.",
                    over.kind
                )),
            ),
            "resource" | "data" | "variable" | "output" | "module" | "provider" => {
                let key = identity(&over);
                let Some(base) = primary.iter_mut().find(|b| identity(b) == key) else {
                    diags.push(missing_base(&over));
                    continue;
                };
                merge_block(base, over, diags);
            }
            _ => primary.push(over),
        }
    }
}

/// What an override block must match: type, labels and, for providers, the alias.
fn identity(b: &Block) -> (String, Vec<String>, Option<String>) {
    let alias = if b.kind == "provider" {
        b.body.attr("alias").and_then(|a| literal_string(&a.expr))
    } else {
        None
    };
    (b.kind.clone(), b.labels.clone(), alias)
}

fn literal_string(expr: &Expr) -> Option<String> {
    match evaluate(expr, &EvalContext::new(&NoScope, Path::new("."))) {
        Ok(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn missing_base(over: &Block) -> Diagnostic {
    let what = match over.kind.as_str() {
        "resource" => format!(
            "There is no {} resource named \"{}\".",
            over.labels[0],
            over.labels.get(1).map_or("", |s| s)
        ),
        "data" => format!(
            "There is no {} data resource named \"{}\".",
            over.labels[0],
            over.labels.get(1).map_or("", |s| s)
        ),
        "provider" => "There is no provider configuration with this name and alias.".to_string(),
        kind => format!(
            "There is no {kind} named \"{}\".",
            over.labels.first().map_or("", |s| s)
        ),
    };
    Diagnostic::error(
        format!("Missing base {} definition to override", over.kind),
        Some(over.span.clone()),
    )
    .with_detail(format!(
        "{what} An override file can only override a block defined in a primary configuration file."
    ))
}

fn merge_block(base: &mut Block, mut over: Block, diags: &mut Diagnostics) {
    let kind = over.kind.as_str();
    if matches!(kind, "resource" | "data" | "output")
        && let Some(d) = over.body.attr("depends_on")
    {
        diags.push(
            Diagnostic::error("Unsupported override", Some(d.name_span.clone()))
                .with_detail("The depends_on argument may not be overridden."),
        );
        over.body.attrs.retain(|a| a.name != "depends_on");
    }
    match kind {
        "resource" | "data" => {
            let lifecycles: Vec<Block> = take_blocks(&mut over.body, "lifecycle");
            for lc in lifecycles {
                match base.body.blocks.iter_mut().find(|b| b.kind == "lifecycle") {
                    Some(existing) => {
                        for attr in lc
                            .body
                            .attrs
                            .into_iter()
                            .filter(|a| a.name != "replace_triggered_by")
                        {
                            set_attr(&mut existing.body, attr);
                        }
                    }
                    None => base.body.blocks.push(lc),
                }
            }
            merge_body(&mut base.body, over.body);
        }
        // A variable's validations and an output's conditions stay as first written.
        "variable" | "output" => {
            for attr in over.body.attrs {
                set_attr(&mut base.body, attr);
            }
        }
        _ => merge_body(&mut base.body, over.body),
    }
}

fn take_blocks(body: &mut Body, kind: &str) -> Vec<Block> {
    let (taken, kept) = std::mem::take(&mut body.blocks)
        .into_iter()
        .partition(|b| b.kind == kind);
    body.blocks = kept;
    taken
}

fn set_attr(body: &mut Body, attr: Attr) {
    match body.attrs.iter_mut().find(|a| a.name == attr.name) {
        Some(existing) => *existing = attr,
        None => body.attrs.push(attr),
    }
}

/// A nested block's type for overriding: `dynamic "x"` generates blocks of type `x`.
fn block_type(b: &Block) -> &str {
    match (b.kind.as_str(), b.labels.first()) {
        ("dynamic", Some(label)) => label,
        (kind, _) => kind,
    }
}

/// Arguments replace arguments; nested blocks of a type replace all of that type. (In
/// JSON a nested block may still be written as an argument, so names count for both.)
fn merge_body(base: &mut Body, over: Body) {
    let replaced: BTreeSet<String> = over
        .blocks
        .iter()
        .map(|b| block_type(b).to_string())
        .chain(over.attrs.iter().map(|a| a.name.clone()))
        .collect();
    base.blocks.retain(|b| !replaced.contains(block_type(b)));
    let over_blocks: BTreeSet<&str> = over.blocks.iter().map(block_type).collect();
    base.attrs
        .retain(|a| !over_blocks.contains(a.name.as_str()));
    for attr in over.attrs {
        set_attr(base, attr);
    }
    base.blocks.extend(over.blocks);
}

fn merge_locals(primary: &mut [Block], over: Block, diags: &mut Diagnostics) {
    for attr in over.body.attrs {
        let existing = primary
            .iter_mut()
            .filter(|b| b.kind == "locals")
            .find_map(|b| b.body.attrs.iter_mut().find(|a| a.name == attr.name));
        match existing {
            Some(e) => *e = attr,
            None => diags.push(
                Diagnostic::error("Missing base local value definition to override", Some(attr.name_span.clone()))
                    .with_detail(format!(
                        "There is no local value named \"{}\". An override file can only override a local value defined in a primary configuration file.",
                        attr.name
                    )),
            ),
        }
    }
}

fn merge_terraform(primary: &mut Vec<Block>, mut over: Block) {
    let target = match primary.iter().position(|b| b.kind == "terraform") {
        Some(i) => i,
        None => {
            primary.push(Block {
                kind: "terraform".to_string(),
                labels: Vec::new(),
                span: over.span.clone(),
                body: Body::default(),
            });
            primary.len() - 1
        }
    };
    if let Some(rv) = over
        .body
        .attrs
        .iter()
        .find(|a| a.name == "required_version")
        .cloned()
    {
        for b in primary.iter_mut().filter(|b| b.kind == "terraform") {
            b.body.attrs.retain(|a| a.name != "required_version");
        }
        primary[target].body.attrs.push(rv);
    }
    let backends = take_blocks(&mut over.body, "backend");
    if !backends.is_empty() {
        for b in primary.iter_mut().filter(|b| b.kind == "terraform") {
            b.body
                .blocks
                .retain(|n| n.kind != "backend" && n.kind != "cloud");
        }
        primary[target].body.blocks.extend(backends);
    }
    for rp in take_blocks(&mut over.body, "required_providers") {
        for entry in rp.body.attrs {
            for b in primary.iter_mut().filter(|b| b.kind == "terraform") {
                for existing in b
                    .body
                    .blocks
                    .iter_mut()
                    .filter(|n| n.kind == "required_providers")
                {
                    existing.body.attrs.retain(|a| a.name != entry.name);
                }
            }
            let body = &mut primary[target].body;
            match body
                .blocks
                .iter_mut()
                .find(|n| n.kind == "required_providers")
            {
                Some(existing) => existing.body.attrs.push(entry),
                None => body.blocks.push(Block {
                    kind: "required_providers".to_string(),
                    labels: Vec::new(),
                    span: rp.span.clone(),
                    body: Body {
                        attrs: vec![entry],
                        blocks: Vec::new(),
                    },
                }),
            }
        }
    }
    for attr in over
        .body
        .attrs
        .into_iter()
        .filter(|a| a.name != "required_version")
    {
        set_attr(&mut primary[target].body, attr);
    }
    primary[target].body.blocks.extend(over.body.blocks);
}
