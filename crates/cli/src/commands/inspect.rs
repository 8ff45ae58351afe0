//! Commands that look without changing: `validate`, `output`, `show`, `graph`.

use iac_engine::Stack;
use iac_lang::config::Mode;
use iac_lang::{Diagnostics, Severity, Sources};
use iac_state::State;
use iac_value::Value;
use serde_json::json;

use crate::args::{OutputArgs, ShowArgs, StackArg};
use crate::context::{self, Failed, error};
use crate::render;
use crate::ui::Ui;

/// `iac validate`.
pub fn validate(a: StackArg, sources: &mut Sources) -> Result<i32, Failed> {
    let providers = context::providers();
    let diags = match Stack::load(&a.dir, sources, &providers) {
        Ok(stack) => stack.validate_defaults(),
        Err(d) => d,
    };
    if a.json {
        let count = |s: Severity| diags.0.iter().filter(|d| d.severity == s).count();
        let list: Vec<_> = diags
            .0
            .iter()
            .map(|d| {
                let range = d.span.as_ref().map(|s| {
                    let (line, column) = sources.line_col(s);
                    json!({ "filename": sources.path(s.file).display().to_string(), "start": { "line": line, "column": column, "byte": s.range.start } })
                });
                json!({ "severity": if d.severity == Severity::Error { "error" } else { "warning" }, "summary": d.summary, "detail": d.detail, "range": range })
            })
            .collect();
        println!(
            "{}",
            json!({ "valid": !diags.has_errors(), "error_count": count(Severity::Error), "warning_count": count(Severity::Warning), "diagnostics": list })
        );
        return Ok(i32::from(diags.has_errors()));
    }
    if diags.has_errors() {
        return Err(Failed(diags));
    }
    if !diags.is_empty() {
        Ui::new(false).diagnostics(&diags, sources);
    }
    println!("Success! The configuration is valid.");
    Ok(0)
}

/// The outputs as `name = value` lines, sensitive ones hidden.
pub fn outputs_text(state: &State) -> String {
    let mut out = String::new();
    for (name, o) in &state.outputs {
        let shown = if o.sensitive {
            "<sensitive>".to_string()
        } else {
            Value::from_json(&o.value).render(0)
        };
        out.push_str(&format!("{name} = {shown}\n"));
    }
    out
}

/// `iac output`.
pub fn output(a: OutputArgs) -> Result<i32, Failed> {
    let backend = context::backend_in(&a.dir);
    let state = context::read_state(backend.as_ref())?;
    match &a.name {
        Some(name) => {
            let Some(o) = state.outputs.get(name) else {
                return Err(error(
                    format!("Output \"{name}\" not found"),
                    "The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `iac apply`, since the state won't be updated with new output variables until that command is run.",
                ));
            };
            if a.json {
                println!("{}", o.value);
            } else if a.raw {
                match &o.value {
                    serde_json::Value::String(s) => print!("{s}"),
                    serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                        print!("{}", o.value)
                    }
                    _ => {
                        return Err(error(
                            "Unsupported value for raw output",
                            "The -raw option only supports strings, numbers, and boolean values; use -json for other types.",
                        ));
                    }
                }
            } else {
                println!("{}", Value::from_json(&o.value).render(0));
            }
        }
        None if a.json => {
            let all: serde_json::Map<String, serde_json::Value> = state
                .outputs
                .iter()
                .map(|(k, o)| {
                    (
                        k.clone(),
                        json!({ "sensitive": o.sensitive, "value": o.value }),
                    )
                })
                .collect();
            println!("{}", serde_json::Value::Object(all));
        }
        None => {
            if state.outputs.is_empty() {
                eprintln!("No outputs found.");
            }
            print!("{}", outputs_text(&state));
        }
    }
    Ok(0)
}

/// `iac show [PLANFILE | DIR]`.
pub fn show(a: ShowArgs, ui: Ui) -> Result<i32, Failed> {
    if a.path.is_file() {
        let text = std::fs::read_to_string(&a.path)
            .map_err(|e| error("Failed to read the plan file", e.to_string()))?;
        let providers = context::providers();
        let lookup = |provider: &str, mode: Mode, ty: &str| -> Option<&iac_provider::Schema> {
            let p = providers.get(provider)?;
            if mode == Mode::Managed {
                p.schema().resources.get(ty)
            } else {
                p.schema().data_sources.get(ty)
            }
        };
        let plan = iac_engine::plan_file::from_plan_file(&text, &lookup)
            .map_err(|m| error("Invalid plan file", m))?;
        if a.json {
            let tree = plan_configuration(&plan, &providers);
            println!(
                "{}",
                iac_engine::json::plan_json(&plan, &providers, tree.as_ref())
            );
        } else {
            print!(
                "{}",
                render::plan(&plan, &ui, &|c| context::change_schema(&providers, c))
            );
        }
        return Ok(0);
    }
    let backend = context::backend_in(&a.path);
    let state = context::read_state(backend.as_ref())?;
    if a.json {
        println!(
            "{}",
            iac_engine::json::state_json(&state, &context::providers())
        );
        return Ok(0);
    }
    if state.resources.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return Ok(0);
    }
    for r in &state.resources {
        println!("{}", instance_text(r));
    }
    if !state.outputs.is_empty() {
        println!("\nOutputs:\n\n{}", outputs_text(&state));
    }
    Ok(0)
}

/// One state entry as `state show` and `show` print it.
pub fn instance_text(r: &iac_state::ResourceState) -> String {
    let value = iac_engine::state_value(r, None);
    let name = iac_engine::addr::parse_instance(&r.address)
        .map(|a| a.resource.name)
        .unwrap_or_default();
    render::instance(&r.address, &r.type_name, &name, &r.mode, &value)
}

/// The configuration a saved plan was made from, for its JSON's `configuration`
/// section: the stack in the current folder (where the plan applies), if its files are
/// still those of the plan.
fn plan_configuration(
    plan: &iac_engine::plan::Plan,
    providers: &iac_engine::Providers,
) -> Option<iac_lang::config::ModuleTree> {
    let mut sources = Sources::default();
    match Stack::load(std::path::Path::new("."), &mut sources, providers) {
        Ok(stack) if stack.digest == plan.config_digest => Some(stack.tree),
        _ => {
            eprintln!(
                "Warning: the configuration in this folder is not the one the plan was made from (or cannot be read); the JSON has no \"configuration\" section."
            );
            None
        }
    }
}

/// `iac graph`.
pub fn graph(a: StackArg, sources: &mut Sources) -> Result<i32, Failed> {
    let providers = context::providers();
    let stack = Stack::load(&a.dir, sources, &providers).map_err(|d: Diagnostics| Failed(d))?;
    print!("{}", crate::dot::to_dot(&stack.graph));
    Ok(0)
}
