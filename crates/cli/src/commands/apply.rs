//! `iac apply` and `iac destroy`.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use iac_engine::applier::{self, Event, Progress};
use iac_engine::plan::{Action, Plan, PlanMode};
use iac_lang::Sources;
use iac_provider::Stop;

use crate::args::ApplyArgs;
use crate::commands::plan::{Prepared, make_plan, prepare};
use crate::context::{Failed, error};
use crate::render;
use crate::signals::{interrupted, unless_interrupted};
use crate::ui::Ui;

/// `iac apply [DIR | PLANFILE]`, or `iac destroy` when `destroy`.
pub async fn apply(
    a: ApplyArgs,
    destroy: bool,
    ui: Ui,
    raw: &[String],
    sources: &mut Sources,
) -> Result<i32, Failed> {
    let destroy = destroy || a.destroy;
    let (prepared, plan, saved) = if a.target.is_file() {
        let (p, plan) = load_saved_plan(&a, sources)?;
        (p, plan, true)
    } else {
        let p = prepare(
            &a.target,
            if destroy { "destroy" } else { "apply" },
            &a.opts.lock,
            sources,
        )?;
        let mode = if destroy {
            PlanMode::Destroy
        } else {
            PlanMode::Normal
        };
        let plan = unless_interrupted(make_plan(&p, &a.opts, mode, raw, sources, &ui)).await?;
        print!(
            "{}",
            render::plan(&plan, &ui, &|c| crate::context::change_schema(
                &p.providers,
                c
            ))
        );
        (p, plan, false)
    };
    if !plan.has_changes()
        && plan.mode != PlanMode::RefreshOnly
        && !refreshes_state(&prepared, &plan)
    {
        return Ok(0);
    }
    if !saved && !a.auto_approve && !unless_interrupted(confirm(&plan, &ui)).await? {
        println!("\nApply cancelled.");
        return Ok(1);
    }
    run_apply(&prepared, &plan, a.opts.parallelism, &ui).await
}

/// Whether the plan's refreshed state differs from the stored one although nothing is to
/// change, as when values only the configuration holds were taken into an imported
/// object: the apply then saves it (as Terraform saves what a refresh found), so that a
/// later change of those values is planned against them.
fn refreshes_state(p: &Prepared, plan: &Plan) -> bool {
    match p.backend.read() {
        Ok(Some(stored)) => !stored.same_content(&plan.prior_state),
        Ok(None) => !plan.prior_state.resources.is_empty(),
        Err(_) => false,
    }
}

fn load_saved_plan(a: &ApplyArgs, sources: &mut Sources) -> Result<(Prepared, Plan), Failed> {
    let text = std::fs::read_to_string(&a.target).map_err(|e| {
        error(
            "Failed to read the plan file",
            format!("{}: {e}", a.target.display()),
        )
    })?;
    let providers = crate::context::providers();
    let lookup =
        |provider: &str, mode: iac_lang::config::Mode, ty: &str| -> Option<&iac_provider::Schema> {
            let p = providers.get(provider)?;
            match mode {
                iac_lang::config::Mode::Managed => p.schema().resources.get(ty),
                iac_lang::config::Mode::Data => p.schema().data_sources.get(ty),
            }
        };
    let plan = iac_engine::plan_file::from_plan_file(&text, &lookup)
        .map_err(|m| error("Invalid plan file", format!("{}: {m}", a.target.display())))?;
    // As in Terraform, a saved plan applies to the stack in the current folder, wherever
    // it was made (a CI job that plans in one checkout and applies in another).
    let p = prepare(Path::new("."), "apply", &a.opts.lock, sources)?;
    if p.stack.digest != plan.config_digest {
        return Err(error(
            "Saved plan is stale",
            "The stack's files changed since this plan was made, or this is not the stack it was made for (a saved plan applies to the stack in the current folder). Make a new plan with `iac plan -out=FILE`.",
        ));
    }
    let stored = p.backend.read().map_err(|e| {
        error(
            "Failed to read the state",
            format!("{}: {e}", p.backend.describe()),
        )
    })?;
    let (lineage, serial) = match &stored {
        Some(s) => (s.lineage.clone(), s.serial),
        // No state yet: the plan's own new lineage is the one the apply will create.
        None => (plan.state_lineage.clone(), 0),
    };
    if lineage != plan.state_lineage || serial != plan.state_serial {
        return Err(error(
            "Saved plan is stale",
            format!(
                "The state changed since this plan was made (plan: lineage {} serial {}; now: lineage {} serial {}). Make a new plan with `iac plan -out=FILE`.",
                plan.state_lineage, plan.state_serial, lineage, serial
            ),
        ));
    }
    Ok((p, plan))
}

/// Asks for `yes`; the read happens off the async threads so an interrupt can end it.
async fn confirm(plan: &Plan, ui: &Ui) -> Result<bool, Failed> {
    let question = match plan.mode {
        PlanMode::Destroy => {
            "Do you really want to destroy all resources?\n  iac will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm."
        }
        _ => {
            "Do you want to perform these actions?\n  iac will perform the actions described above.\n  Only 'yes' will be accepted to approve."
        }
    };
    print!(
        "\n{}\n\n  {} ",
        ui.bold(question),
        ui.bold("Enter a value:")
    );
    let _ = std::io::stdout().flush();
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        line
    })
    .await
    .unwrap_or_default();
    Ok(answer.trim() == "yes")
}

/// Prints progress lines as Terraform does, and counts what completed.
struct Printer {
    ui: Ui,
    imported: AtomicUsize,
    added: AtomicUsize,
    changed: AtomicUsize,
    destroyed: AtomicUsize,
}

fn verbs(action: Action) -> (&'static str, &'static str, &'static str) {
    match action {
        Action::Create => ("Creating...", "Still creating...", "Creation complete"),
        Action::Update => (
            "Modifying...",
            "Still modifying...",
            "Modifications complete",
        ),
        Action::Delete => (
            "Destroying...",
            "Still destroying...",
            "Destruction complete",
        ),
        Action::Read => ("Reading...", "Still reading...", "Read complete"),
        _ => ("Working...", "Still working...", "Complete"),
    }
}

impl Progress for Printer {
    fn event(&self, event: Event) {
        match event {
            Event::Started { addr, action } => {
                println!("{}: {}", self.ui.bold(&addr), verbs(action).0)
            }
            Event::Still {
                addr,
                action,
                elapsed,
                note,
            } => println!(
                "{}: {} [{}s elapsed]{}",
                self.ui.bold(&addr),
                verbs(action).1,
                elapsed.as_secs(),
                note.map(|n| format!(" ({n})")).unwrap_or_default()
            ),
            Event::Finished {
                addr,
                action,
                elapsed,
                id,
            } => {
                match action {
                    Action::Create => self.added.fetch_add(1, Ordering::SeqCst),
                    Action::Update => self.changed.fetch_add(1, Ordering::SeqCst),
                    Action::Delete => self.destroyed.fetch_add(1, Ordering::SeqCst),
                    _ => 0,
                };
                let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
                println!(
                    "{}: {} after {}s{id}",
                    self.ui.bold(&addr),
                    verbs(action).2,
                    elapsed.as_secs()
                );
            }
            Event::Failed { .. } => {}
            Event::Importing { addr, id } => {
                println!("{}: Importing... [id={id}]", self.ui.bold(&addr))
            }
            Event::Imported { addr, id } => {
                self.imported.fetch_add(1, Ordering::SeqCst);
                println!("{}: Import complete [id={id}]", self.ui.bold(&addr))
            }
            Event::StateNotSaved { place, error } => eprint!(
                "{}",
                iac_lang::Diagnostic::warning("Failed to save the state", None)
                    .with_detail(format!("iac could not write the state to {place}: {error}. It keeps the state in memory and tries again after every operation; if it still cannot at the end, it writes the state to an errored file and says how to store it."))
                    .to_plain(&Sources::default())
            ),
        }
    }
}

async fn run_apply(p: &Prepared, plan: &Plan, parallelism: usize, ui: &Ui) -> Result<i32, Failed> {
    let stop = Stop::new();
    let watcher = tokio::spawn(watch_signals(stop.clone()));
    let printer = Printer {
        ui: *ui,
        imported: AtomicUsize::new(0),
        added: AtomicUsize::new(0),
        changed: AtomicUsize::new(0),
        destroyed: AtomicUsize::new(0),
    };
    println!();
    let outcome = applier::apply(
        &p.stack,
        &p.providers,
        plan,
        p.backend.as_ref(),
        parallelism,
        &stop,
        &printer,
    )
    .await;
    watcher.abort();
    if !outcome.diags.is_empty() {
        return Err(Failed(outcome.diags));
    }
    let (i, a, c, d) = (
        printer.imported.into_inner(),
        printer.added.into_inner(),
        printer.changed.into_inner(),
        printer.destroyed.into_inner(),
    );
    let done = if plan.mode == PlanMode::Destroy {
        format!("Destroy complete! Resources: {d} destroyed.")
    } else if i > 0 {
        format!("Apply complete! Resources: {i} imported, {a} added, {c} changed, {d} destroyed.")
    } else {
        format!("Apply complete! Resources: {a} added, {c} changed, {d} destroyed.")
    };
    println!("\n{}", ui.green(&ui.bold(&done)));
    if !outcome.state.outputs.is_empty() && plan.mode != PlanMode::Destroy {
        println!("\n{}\n", ui.green("Outputs:"));
        print!("{}", crate::commands::inspect::outputs_text(&outcome.state));
    }
    Ok(0)
}

/// Requests `stop` on the first SIGINT or SIGTERM (Terraform's StopProvider: the
/// providers' waits end), telling the user what happens next; a second one ends the
/// process at once (`signals`).
async fn watch_signals(stop: Stop) {
    interrupted().await;
    stop.request();
    eprintln!(
        "\nInterrupt received.\nPlease wait for iac to exit or data loss may occur.\nGracefully shutting down..."
    );
}
