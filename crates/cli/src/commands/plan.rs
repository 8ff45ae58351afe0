//! `iac plan`, and the planning that `apply` and `destroy` share.

use std::collections::BTreeMap;
use std::path::Path;

use iac_engine::addr::{parse_instance, parse_target};
use iac_engine::plan::{Plan, PlanMode};
use iac_engine::planner::{self, PlanOptions};
use iac_engine::{Providers, Stack};
use iac_lang::{Diagnostic, Sources};
use iac_state::{Backend, LockGuard};
use iac_value::Value;

use crate::args::{self, PlanArgs};
use crate::context::{self, Failed, error};
use crate::render;
use crate::ui::Ui;

/// A loaded stack with what planning it needs, and the lock held on its state.
pub struct Prepared {
    pub stack: Stack,
    pub providers: Providers,
    pub backend: Box<dyn Backend>,
    /// Held until the command ends; dropping it releases the lock.
    pub _lock: LockGuard,
}

/// Loads the stack in `dir` and takes its state lock.
pub fn prepare(
    dir: &Path,
    operation: &str,
    lock: &args::LockArgs,
    sources: &mut Sources,
) -> Result<Prepared, Failed> {
    let providers = context::providers();
    let stack = Stack::load(dir, sources, &providers)?;
    let backend = context::backend_for(dir, Some(&stack));
    let lock = context::lock(backend.as_ref(), operation, lock)?;
    Ok(Prepared {
        stack,
        providers,
        backend,
        _lock: lock,
    })
}

/// The root variables from the command line, files and environment; warnings are shown.
pub fn root_variables(
    stack: &Stack,
    raw: &[String],
    sources: &mut Sources,
    ui: &Ui,
) -> Result<BTreeMap<String, Value>, Failed> {
    let (vars, diags) = iac_lang::vars::root_variables(
        &stack.root_dir,
        &stack.tree.module,
        &args::var_args(raw),
        std::env::vars(),
        sources,
    );
    if diags.has_errors() {
        return Err(diags.into());
    }
    if !diags.is_empty() {
        ui.diagnostics(&diags, sources);
    }
    Ok(vars)
}

/// Makes a plan of the prepared stack with the command line's options.
pub async fn make_plan(
    p: &Prepared,
    opts: &args::PlanOptions,
    mode: PlanMode,
    raw: &[String],
    sources: &mut Sources,
    ui: &Ui,
) -> Result<Plan, Failed> {
    let vars = root_variables(&p.stack, raw, sources, ui)?;
    let state = context::read_state(p.backend.as_ref())?;
    let parse_all =
        |list: &[String], f: &dyn Fn(&str) -> Result<(), String>| -> Result<(), Failed> {
            for a in list {
                f(a).map_err(|m| {
                    Failed::from(
                        Diagnostic::error(format!("Invalid address \"{a}\""), None).with_detail(m),
                    )
                })?;
            }
            Ok(())
        };
    parse_all(&opts.targets, &|a| parse_target(a).map(|_| ()))?;
    parse_all(&opts.replace, &|a| parse_instance(a).map(|_| ()))?;
    let options = PlanOptions {
        mode: if opts.refresh_only {
            PlanMode::RefreshOnly
        } else {
            mode
        },
        refresh: opts.refresh,
        targets: opts
            .targets
            .iter()
            .filter_map(|t| parse_target(t).ok())
            .collect(),
        replace: opts
            .replace
            .iter()
            .filter_map(|t| parse_instance(t).ok())
            .collect(),
        parallelism: opts.parallelism,
    };
    if options.mode == PlanMode::RefreshOnly && !options.refresh {
        return Err(error(
            "Incompatible plan options",
            "-refresh-only and -refresh=false cannot be used together.",
        ));
    }
    let plan = planner::plan(&p.stack, &p.providers, &state, &vars, &options).await?;
    if !plan.warnings.is_empty() {
        ui.diagnostics(&plan.warnings, sources);
    }
    Ok(plan)
}

/// `iac plan`.
pub async fn plan(
    a: PlanArgs,
    ui: Ui,
    raw: &[String],
    sources: &mut Sources,
) -> Result<i32, Failed> {
    let generated = match &a.generate_config_out {
        Some(file) => {
            crate::commands::generate::write_missing(file, &a.dir, &a.opts.lock, raw, sources, &ui)
                .await?
        }
        None => false,
    };
    let p = prepare(&a.dir, "plan", &a.opts.lock, sources)?;
    let mode = if a.destroy {
        PlanMode::Destroy
    } else {
        PlanMode::Normal
    };
    let plan = make_plan(&p, &a.opts, mode, raw, sources, &ui).await?;
    if a.json {
        println!(
            "{}",
            iac_engine::json::plan_json(&plan, &p.providers, Some(&p.stack.tree))
        );
    } else {
        print!(
            "{}",
            render::plan(&plan, &ui, &|c| context::change_schema(&p.providers, c))
        );
    }
    if let Some(out) = &a.out {
        write_private(out, iac_engine::plan_file::to_plan_file(&plan).as_bytes()).map_err(|e| {
            error(
                "Failed to write the plan file",
                format!("{}: {e}", out.display()),
            )
        })?;
        if !a.json {
            println!(
                "\nSaved the plan to: {}\n\nTo perform exactly these actions, run the following command to apply:\n    iac apply {}",
                out.display(),
                out.display()
            );
        }
    }
    if let Some(file) = a
        .generate_config_out
        .as_ref()
        .filter(|_| generated && !a.json)
    {
        print!("{}", crate::commands::generate::note(file));
    }
    Ok(if a.detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    })
}

/// Writes a file readable only by its owner (plans hold sensitive values).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}
