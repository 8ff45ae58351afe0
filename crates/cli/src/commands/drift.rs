//! `iac drift [STACK...]`: parses the flags and renders the report; the work is
//! `iac_drift::check`. Exit 0 when nothing differs, 2 when something does, 1 on any
//! error (no state, an unreadable state, an unreachable provider, a bad flag).

use iac_drift::report::{Change, Report};
use iac_drift::{Scope, StackInput};
use iac_engine::Stack;
use iac_lang::Sources;

use crate::args::DriftArgs;
use crate::context::{self, Failed, error};
use crate::ui::Ui;

pub async fn drift(
    a: DriftArgs,
    ui: Ui,
    raw: &[String],
    sources: &mut Sources,
) -> Result<i32, Failed> {
    let scope = Scope::parse(&a.unmanaged).expect("clap checks the values");
    let tags = context::tag_filters(&a.tags)?;
    let providers = context::providers();
    let mut loaded = Vec::new();
    for dir in &a.dirs {
        let stack = Stack::load(dir, sources, &providers)?;
        let vars = crate::commands::plan::root_variables(&stack, raw, sources, &ui)?;
        let backend = context::backend_for(dir, Some(&stack));
        let stored = context::stored_state(backend.as_ref())?;
        loaded.push((
            dir.display().to_string(),
            backend.describe(),
            stack,
            vars,
            stored,
        ));
    }
    let mut inputs = Vec::new();
    for (name, place, stack, vars, stored) in &loaded {
        inputs.push(StackInput::new(
            name.clone(),
            place.clone(),
            stack,
            stored.clone(),
            vars,
            &providers,
        )?);
    }
    let report = iac_drift::check(&inputs, &providers, scope, &tags, a.parallelism).await?;
    if let Some(file) = &a.markdown {
        std::fs::write(file, iac_drift::markdown::render(&report)).map_err(|e| {
            error(
                "Failed to write the Markdown report",
                format!("{}: {e}", file.display()),
            )
        })?;
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("a report serializes")
        );
    } else {
        print!("{}", human(&report, &ui));
    }
    Ok(if report.found_drift() { 2 } else { 0 })
}

/// The report as the terminal shows it.
fn human(report: &Report, ui: &Ui) -> String {
    let mut out = String::new();
    for s in &report.stacks {
        out.push_str(&format!(
            "{} {} (state: {})\n",
            ui.bold("Stack"),
            s.stack,
            s.state
        ));
        if s.resources.is_empty() {
            out.push_str("  Matches its state.\n");
        }
        for r in &s.resources {
            let id =
                r.id.as_deref()
                    .map(|i| format!(" [id={i}]"))
                    .unwrap_or_default();
            match r.change {
                Change::Deleted => out.push_str(&format!(
                    "  {} {}{id} has been deleted\n",
                    ui.red("-"),
                    ui.bold(&r.address)
                )),
                Change::Changed => {
                    out.push_str(&format!(
                        "  {} {}{id} has changed\n",
                        ui.yellow("~"),
                        ui.bold(&r.address)
                    ));
                    for attr in &r.attributes {
                        let shown = |v: &serde_json::Value| {
                            if attr.sensitive {
                                "(sensitive value)".to_string()
                            } else {
                                v.to_string()
                            }
                        };
                        let line = match attr.change {
                            "added" => {
                                format!("{} {}: {}", ui.green("+"), attr.path, shown(&attr.real))
                            }
                            "removed" => {
                                format!("{} {}: {}", ui.red("-"), attr.path, shown(&attr.recorded))
                            }
                            _ => format!(
                                "{} {}: {} -> {}",
                                ui.yellow("~"),
                                attr.path,
                                shown(&attr.recorded),
                                shown(&attr.real)
                            ),
                        };
                        out.push_str(&format!("      {line}\n"));
                    }
                }
            }
        }
        if s.ignored > 0 {
            out.push_str(&format!("  ({} ignored differences)\n", s.ignored));
        }
        out.push('\n');
    }
    if !report.unmanaged.is_empty() {
        out.push_str(&format!(
            "{} (no given stack manages them):\n",
            ui.bold("Unmanaged objects")
        ));
        for u in &report.unmanaged {
            out.push_str(&format!(
                "  {} {} {} \"{}\"\n      adopt with: {}\n",
                ui.green("+"),
                u.type_name,
                u.id,
                u.name,
                u.import
            ));
        }
        out.push('\n');
    }
    let line = report.summary_line();
    out.push_str(&if report.found_drift() {
        ui.yellow(&ui.bold(&line))
    } else {
        ui.green(&ui.bold(&line))
    });
    out.push('\n');
    out
}
