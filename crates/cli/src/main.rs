//! The `iac` command line.

// First, so that its `print!`/`println!`/`eprintln!` are the ones every module uses.
#[macro_use]
mod output;

mod args;
mod argv;
mod commands;
mod context;
mod dot;
mod logging;
mod render;
mod signals;
mod ui;

use clap::Parser;

use crate::args::{Cli, Command, normalize};
use crate::ui::Ui;

fn main() {
    let prepared = match argv::prepare(std::env::args().collect(), |k| std::env::var(k).ok()) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("{message}");
            output::exit(1);
        }
    };
    if let Some(dir) = &prepared.chdir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        eprintln!("Error handling -chdir option: chdir {}: {e}", dir.display());
        output::exit(1);
    }
    let raw = normalize(prepared.args);
    let cli = match Cli::try_parse_from(&raw) {
        Ok(cli) => cli,
        // Help goes to stdout with 0; a usage error to stderr with 1, as in Terraform
        // (2 would read as "changes present" under -detailed-exitcode).
        Err(e) => {
            let code = i32::from(e.use_stderr());
            let _ = e.print();
            output::exit(code);
        }
    };
    logging::init(cli.no_color);
    tracing::info!(
        "iac version: {} (Terraform language {})",
        env!("CARGO_PKG_VERSION"),
        iac_lang::TERRAFORM_VERSION
    );
    let ui = Ui::new(cli.no_color);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime starts");
    let mut code = runtime.block_on(run(cli.command, ui, &raw));
    // A command that an interrupt ended reports it as a shell does: 130, 143.
    if code != 0
        && let Some(interrupted) = signals::exit_code()
    {
        code = interrupted;
    }
    // Without waiting for blocking tasks: a prompt's read of stdin may never end.
    runtime.shutdown_background();
    output::exit(code);
}

async fn run(command: Command, ui: Ui, raw: &[String]) -> i32 {
    let mut sources = iac_lang::Sources::default();
    if matches!(
        command,
        Command::Plan(_)
            | Command::Apply(_)
            | Command::Destroy(_)
            | Command::Import(_)
            | Command::Query(_)
            | Command::Drift(_)
    ) {
        signals::install();
    }
    let result = match command {
        Command::Plan(a) => {
            signals::unless_interrupted(commands::plan::plan(a, ui, raw, &mut sources)).await
        }
        Command::Apply(a) => commands::apply::apply(a, false, ui, raw, &mut sources).await,
        Command::Destroy(a) => commands::apply::apply(a, true, ui, raw, &mut sources).await,
        Command::Validate(a) => commands::inspect::validate(a, &mut sources),
        Command::Output(a) => commands::inspect::output(a),
        Command::Show(a) => commands::inspect::show(a, ui),
        Command::Import(a) => {
            signals::unless_interrupted(commands::import::import(a, ui, raw, &mut sources)).await
        }
        Command::Adopt(a) => {
            signals::unless_interrupted(commands::adopt::adopt(a, ui, &mut sources)).await
        }
        Command::Query(a) => {
            signals::unless_interrupted(commands::query::query(a, ui, raw, &mut sources)).await
        }
        Command::Drift(a) => {
            signals::unless_interrupted(commands::drift::drift(a, ui, raw, &mut sources)).await
        }
        Command::State(c) => commands::state::run(c),
        Command::Graph(a) => commands::inspect::graph(a, &mut sources),
        Command::Fmt(a) => commands::fmt::fmt(a, &mut sources),
        Command::ForceUnlock(a) => commands::state::force_unlock(a),
        Command::Init(a) => commands::init::init(a, ui, &mut sources),
        Command::Version(a) => Ok(commands::version::version(a)),
    };
    match result {
        Ok(code) => code,
        Err(context::Failed(diags)) => {
            ui.diagnostics(&diags, &sources);
            1
        }
    }
}
