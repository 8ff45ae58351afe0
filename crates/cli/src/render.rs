//! Rendering plans, states and values for people, in Terraform's style.

use std::collections::BTreeSet;
use std::fmt::Write;

use iac_engine::plan::{Action, Plan, PlanMode, ResourceChange};
use iac_lang::config::Mode;
use iac_provider::Schema;
use iac_value::{Path, PathStep, Value};

use crate::ui::Ui;

const UNKNOWN: &str = "(known after apply)";
const SENSITIVE: &str = "(sensitive value)";

/// Finds the schema of a change's resource type, to render its nested blocks as blocks.
pub type SchemaOf<'a> = &'a dyn Fn(&ResourceChange) -> Option<&'a Schema>;

/// The plan as the terminal shows it.
pub fn plan(plan: &Plan, ui: &Ui, schemas: SchemaOf) -> String {
    let mut out = String::new();
    if !plan.drift.is_empty() {
        render_drift(plan, ui, schemas, &mut out);
    }
    if plan.mode == PlanMode::RefreshOnly {
        if plan.drift.is_empty() {
            out.push_str("\nNo changes. Your infrastructure still matches the configuration.\n");
        } else {
            out.push_str("\nThis is a refresh-only plan, so iac will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the iac state without changing any remote objects.\n");
        }
        return out;
    }
    let actions: Vec<&ResourceChange> = plan.actions().collect();
    if actions.is_empty() {
        let outputs_change = plan.outputs.values().any(|o| o.before != o.after);
        if outputs_change {
            out.push_str("\nChanges to Outputs:\n");
            render_outputs(plan, ui, &mut out);
            out.push_str("\nYou can apply this plan to save these new output values to the state, without changing any real infrastructure.\n");
        } else {
            out.push_str(&format!("\n{} Your infrastructure matches the configuration.\n\niac has compared your real infrastructure against your configuration and found no differences, so no changes are needed.\n", ui.bold("No changes.")));
        }
        return out;
    }
    let used: BTreeSet<Action> = actions
        .iter()
        .map(|c| c.action)
        .filter(|a| *a != Action::NoOp)
        .collect();
    if !used.is_empty() {
        out.push_str("\niac used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:\n");
    }
    for a in &used {
        let (sym, text) = match a {
            Action::Create => (ui.green("+"), "create"),
            Action::Update => (ui.yellow("~"), "update in-place"),
            Action::Delete => (ui.red("-"), "destroy"),
            Action::Replace => (
                format!("{}/{}", ui.red("-"), ui.green("+")),
                "destroy and then create replacement",
            ),
            Action::CreateThenDelete => (
                format!("{}/{}", ui.green("+"), ui.red("-")),
                "create replacement and then destroy",
            ),
            Action::Read => (ui.cyan("<="), "read (data resources)"),
            Action::Forget => (ui.red("."), "forget"),
            Action::NoOp => continue,
        };
        let _ = writeln!(out, "  {sym:>3} {text}");
    }
    out.push_str("\niac will perform the following actions:\n");
    for c in actions {
        out.push('\n');
        render_change(c, ui, schemas, &mut out);
    }
    let (add, change, destroy) = plan.summary();
    let imports = plan.imports();
    let forget = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Forget)
        .count();
    let import = if imports > 0 {
        format!("{imports} to import, ")
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "\n{} {import}{add} to add, {change} to change, {destroy} to destroy",
        ui.bold("Plan:")
    );
    if forget > 0 {
        let _ = write!(out, ", {forget} to forget");
    }
    out.push_str(".\n");
    if plan.outputs.values().any(|o| o.before != o.after) {
        out.push_str("\nChanges to Outputs:\n");
        render_outputs(plan, ui, &mut out);
    }
    out
}

fn render_drift(plan: &Plan, ui: &Ui, schemas: SchemaOf, out: &mut String) {
    out.push_str(&format!(
        "\n{}\n\niac detected the following changes made outside of iac since the last apply:\n",
        ui.bold("Note: Objects have changed outside of iac")
    ));
    for c in &plan.drift {
        out.push('\n');
        let header = match c.action {
            Action::Delete => format!("  # {} has been deleted", c.addr),
            _ => format!("  # {} has changed", c.addr),
        };
        out.push_str(&ui.bold(&header));
        out.push('\n');
        let sym = if c.action == Action::Delete {
            ui.red("-")
        } else {
            ui.yellow("~")
        };
        let _ = writeln!(
            out,
            "  {sym} {} \"{}\" \"{}\" {{",
            block_kind(c),
            c.addr.resource.ty,
            c.addr.resource.name
        );
        body(
            c.before.as_ref(),
            c.after.as_ref(),
            &[],
            schemas(c),
            6,
            ui,
            out,
        );
        out.push_str("    }\n");
    }
    if plan.mode != PlanMode::RefreshOnly {
        out.push_str("\nUnless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes.\n\n─────────────────────────────────────────────────────────────────────────────\n");
    }
}

fn block_kind(c: &ResourceChange) -> &'static str {
    if c.addr.resource.mode == Mode::Data {
        "data"
    } else {
        "resource"
    }
}

fn render_change(c: &ResourceChange, ui: &Ui, schemas: SchemaOf, out: &mut String) {
    let addr = match &c.deposed {
        Some(key) => format!("{} (deposed object {key})", c.addr),
        None => c.addr.to_string(),
    };
    let header = match c.action {
        Action::Create => format!("# {addr} will be created"),
        Action::Update => format!("# {addr} will be updated in-place"),
        Action::Delete => match c.reason.map(|r| r.as_str()) {
            Some("delete_because_no_module") => format!(
                "# {addr} will be destroyed\n  # (because its module is not in the configuration)"
            ),
            Some("delete_because_count_index") => format!(
                "# {addr} will be destroyed\n  # (because index {} is out of range for count)",
                c.addr.key
            ),
            Some("delete_because_each_key") => format!(
                "# {addr} will be destroyed\n  # (because key {} is not in for_each map)",
                c.addr.key
            ),
            _ if c.reason.is_some() => format!(
                "# {addr} will be destroyed\n  # (because {}.{} is not in configuration)",
                c.addr.resource.ty, c.addr.resource.name
            ),
            _ => format!("# {addr} will be destroyed"),
        },
        Action::Replace | Action::CreateThenDelete => match c.reason.map(|r| r.as_str()) {
            Some("replace_because_tainted") => format!("# {addr} is tainted, so must be replaced"),
            Some("replace_by_request") => format!("# {addr} will be replaced, as requested"),
            Some("replace_by_triggers") => {
                format!("# {addr} will be replaced due to changes in replace_triggered_by")
            }
            _ => format!("# {addr} must be replaced"),
        },
        Action::Read => format!(
            "# {addr} will be read during apply\n  # ({})",
            match c.reason.map(|r| r.as_str()) {
                Some("read_because_dependency_pending") =>
                    "depends on a resource or a module with changes pending",
                _ => "config refers to values not yet known",
            }
        ),
        Action::Forget => format!(
            "# {addr} will no longer be managed by iac\n  # (the object stays; only the state forgets it)"
        ),
        Action::NoOp if c.importing.is_some() => format!("# {addr} will be imported"),
        Action::NoOp => return,
    };
    let _ = writeln!(out, "  {}", ui.bold(&header));
    if let Some(id) = c.importing.as_ref().filter(|_| c.action != Action::NoOp) {
        let _ = writeln!(
            out,
            "  # (imported from {})",
            serde_json::Value::String(id.clone())
        );
    }
    if let Some(from) = &c.moved_from {
        let _ = writeln!(out, "  # (moved from {from})");
    }
    let sym = match c.action {
        Action::Create => format!("  {}", ui.green("+")),
        Action::Update => format!("  {}", ui.yellow("~")),
        Action::Delete => format!("  {}", ui.red("-")),
        Action::Replace => format!("{}/{}", ui.red("-"), ui.green("+")),
        Action::CreateThenDelete => format!("{}/{}", ui.green("+"), ui.red("-")),
        Action::Read => format!(" {}", ui.cyan("<=")),
        Action::Forget => format!("  {}", ui.red(".")),
        Action::NoOp => "   ".to_string(),
    };
    let _ = writeln!(
        out,
        "{sym} {} \"{}\" \"{}\" {{",
        block_kind(c),
        c.addr.resource.ty,
        c.addr.resource.name
    );
    let after = if c.action == Action::Forget {
        c.before.as_ref()
    } else {
        c.after.as_ref()
    };
    let before = if c.action == Action::Create {
        None
    } else {
        c.before.as_ref()
    };
    body(before, after, &c.replace_paths, schemas(c), 6, ui, out);
    out.push_str("    }\n");
}

/// The attribute lines of an object change, with unchanged ones counted but hidden.
fn body(
    before: Option<&Value>,
    after: Option<&Value>,
    replace: &[Path],
    schema: Option<&Schema>,
    indent: usize,
    ui: &Ui,
    out: &mut String,
) {
    let is_block = |k: &str, bv: Option<&Value>, av: Option<&Value>| match schema {
        Some(s) => s.blocks.contains_key(k),
        None => is_block_list(bv) || is_block_list(av),
    };
    let empty = std::collections::BTreeMap::new();
    let b = before.and_then(Value::as_map).unwrap_or(&empty);
    let a = after.and_then(Value::as_map).unwrap_or(&empty);
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let width = keys
        .iter()
        .filter(|k| {
            let (bv, av) = (
                before.map(|_| b.get(k.as_str()).unwrap_or(&Value::Null)),
                after.map(|_| a.get(k.as_str()).unwrap_or(&Value::Null)),
            );
            !is_block(k, bv, av) && shown(bv, av)
        })
        .map(|k| k.len())
        .max()
        .unwrap_or(0);
    let mut hidden = 0;
    let mut blocks = Vec::new();
    for k in keys {
        let bv = before.map(|_| b.get(k.as_str()).unwrap_or(&Value::Null));
        let av = after.map(|_| a.get(k.as_str()).unwrap_or(&Value::Null));
        if is_block(k, bv, av) {
            blocks.push((k, bv, av));
            continue;
        }
        let forces = replace
            .iter()
            .any(|p| p.len() == 1 && p[0] == PathStep::Key(k.clone()));
        if !attribute(k, bv, av, width, indent, forces, ui, out) {
            hidden += 1;
        }
    }
    for (k, bv, av) in blocks {
        let nested = schema
            .and_then(|s| s.blocks.get(k.as_str()))
            .map(|b| &b.schema);
        nested_blocks(k, bv, av, nested, indent, ui, out);
    }
    if hidden > 0 && before.is_some() && after.is_some() {
        let _ = writeln!(
            out,
            "{}# ({hidden} unchanged attribute{} hidden)",
            " ".repeat(indent + 2),
            if hidden == 1 { "" } else { "s" }
        );
    }
}

fn is_block_list(v: Option<&Value>) -> bool {
    matches!(v.and_then(Value::as_items), Some(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))))
}

/// Whether an attribute change produces a line (unset and unchanged ones do not).
fn shown(before: Option<&Value>, after: Option<&Value>) -> bool {
    match (before, after) {
        (None, Some(a)) => !a.is_null(),
        (Some(b), None) => !b.is_null(),
        (Some(b), Some(a)) => !same(b, a),
        (None, None) => false,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    a.is_wholly_known() && b.is_wholly_known() && a == b
}

/// One attribute line (or nested value). Returns false when it was unchanged and hidden.
#[allow(clippy::too_many_arguments)]
fn attribute(
    k: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    width: usize,
    indent: usize,
    forces: bool,
    ui: &Ui,
    out: &mut String,
) -> bool {
    let pad = " ".repeat(indent);
    let suffix = if forces {
        format!(" {}", ui.red("# forces replacement"))
    } else {
        String::new()
    };
    match (before, after) {
        (None, Some(a)) => {
            if a.is_null() {
                return true;
            }
            let _ = writeln!(
                out,
                "{pad}{} {k:width$} = {}{suffix}",
                ui.green("+"),
                show(a, indent + 2, ui)
            );
        }
        (Some(b), None) => {
            if b.is_null() {
                return true;
            }
            let _ = writeln!(
                out,
                "{pad}{} {k:width$} = {} -> null",
                ui.red("-"),
                show(b, indent + 2, ui)
            );
        }
        (Some(b), Some(a)) => {
            if same(b, a) {
                return false;
            }
            if b.is_null() {
                let _ = writeln!(
                    out,
                    "{pad}{} {k:width$} = {}{suffix}",
                    ui.green("+"),
                    show(a, indent + 2, ui)
                );
            } else if a.is_null() {
                let _ = writeln!(
                    out,
                    "{pad}{} {k:width$} = {} -> null{suffix}",
                    ui.red("-"),
                    show(b, indent + 2, ui)
                );
            } else if let (Value::Map(bm), Value::Map(am)) = (b, a) {
                let _ = writeln!(out, "{pad}{} {k:width$} = {{{suffix}", ui.yellow("~"));
                map_entries(bm, am, indent + 4, ui, out);
                let _ = writeln!(out, "{pad}  }}");
            } else {
                let _ = writeln!(
                    out,
                    "{pad}{} {k:width$} = {} -> {}{suffix}",
                    ui.yellow("~"),
                    show(b, indent + 2, ui),
                    show(a, indent + 2, ui)
                );
            }
        }
        (None, None) => return false,
    }
    true
}

fn map_entries(
    b: &std::collections::BTreeMap<String, Value>,
    a: &std::collections::BTreeMap<String, Value>,
    indent: usize,
    ui: &Ui,
    out: &mut String,
) {
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let width = keys
        .iter()
        .filter(|k| {
            shown(
                Some(b.get(k.as_str()).unwrap_or(&Value::Null)),
                Some(a.get(k.as_str()).unwrap_or(&Value::Null)),
            )
        })
        .map(|k| quoted(k).len())
        .max()
        .unwrap_or(0);
    let mut hidden = 0;
    for k in keys {
        let key = quoted(k);
        if !attribute(
            &key,
            Some(b.get(k.as_str()).unwrap_or(&Value::Null)),
            Some(a.get(k.as_str()).unwrap_or(&Value::Null)),
            width,
            indent,
            false,
            ui,
            out,
        ) {
            hidden += 1;
        }
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{}# ({hidden} unchanged element{} hidden)",
            " ".repeat(indent + 2),
            if hidden == 1 { "" } else { "s" }
        );
    }
}

/// The blocks of one nested block type: a single block's object, or a list or set.
fn block_items(v: Option<&Value>) -> &[Value] {
    match v {
        Some(m @ Value::Map(_)) => std::slice::from_ref(m),
        Some(v) => v.as_items().unwrap_or(&[]),
        None => &[],
    }
}

fn nested_blocks(
    k: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    schema: Option<&Schema>,
    indent: usize,
    ui: &Ui,
    out: &mut String,
) {
    let pad = " ".repeat(indent);
    if after.is_some_and(Value::is_unknown) {
        let _ = writeln!(
            out,
            "{pad}{} {k} {{\n{pad}    {}\n{pad}  }}",
            ui.yellow("~"),
            show(&Value::Unknown, indent, ui)
        );
        return;
    }
    let bi = block_items(before);
    let ai = block_items(after);
    for i in 0..bi.len().max(ai.len()) {
        let (b, a) = (bi.get(i), ai.get(i));
        let sym = match (b, a) {
            (None, Some(_)) => ui.green("+"),
            (Some(_), None) => ui.red("-"),
            (Some(b), Some(a)) if same(b, a) => continue,
            _ => ui.yellow("~"),
        };
        let _ = writeln!(out, "{pad}{sym} {k} {{");
        body(
            b.filter(|_| before.is_some()),
            a.filter(|_| after.is_some()),
            &[],
            schema,
            indent + 4,
            ui,
            out,
        );
        let _ = writeln!(out, "{pad}  }}");
    }
}

fn quoted(k: &str) -> String {
    serde_json::Value::String(k.to_string()).to_string()
}

/// A value in the stack language's syntax, with marks shown as Terraform shows them.
pub fn show(v: &Value, indent: usize, ui: &Ui) -> String {
    match v {
        Value::Unknown => ui.paint("2", UNKNOWN),
        Value::Sensitive(_) => SENSITIVE.to_string(),
        _ => v.render(indent),
    }
}

fn render_outputs(plan: &Plan, ui: &Ui, out: &mut String) {
    let width = plan.outputs.keys().map(String::len).max().unwrap_or(0);
    for (name, o) in &plan.outputs {
        let shown = |v: &Value| {
            if o.sensitive {
                SENSITIVE.to_string()
            } else {
                show(v, 2, ui)
            }
        };
        match (&o.before, &o.after) {
            (None, Some(a)) => {
                let _ = writeln!(out, "  {} {name:width$} = {}", ui.green("+"), shown(a));
            }
            (Some(b), None) => {
                let _ = writeln!(
                    out,
                    "  {} {name:width$} = {} -> null",
                    ui.red("-"),
                    shown(b)
                );
            }
            (Some(b), Some(a)) if b != a => {
                let _ = writeln!(
                    out,
                    "  {} {name:width$} = {} -> {}",
                    ui.yellow("~"),
                    shown(b),
                    shown(a)
                );
            }
            _ => {}
        }
    }
}

/// A resource instance's attributes, for `state show` and `show`.
pub fn instance(addr: &str, ty: &str, name: &str, mode: &str, value: &Value) -> String {
    let mut out = format!(
        "# {addr}:\n{} \"{ty}\" \"{name}\" ",
        if mode == "data" { "data" } else { "resource" }
    );
    let shown = hide_sensitive(value);
    out.push_str(&shown.render(0));
    out.push('\n');
    out
}

fn hide_sensitive(v: &Value) -> Value {
    match v {
        Value::Sensitive(_) => Value::String(SENSITIVE.into()),
        Value::Map(m) => Value::Map(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), hide_sensitive(v)))
                .collect(),
        ),
        Value::List(items) => Value::List(items.iter().map(hide_sensitive).collect()),
        Value::Set(items) => Value::Set(items.iter().map(hide_sensitive).collect()),
        other => other.clone(),
    }
}
