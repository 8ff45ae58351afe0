//! The `iac` command line.

mod args;
mod commands;
mod context;
mod render;
mod signals;
mod ui;

use clap::Parser;

use crate::args::{Cli, Command, normalize};
use crate::ui::Ui;

fn main() {
    let raw = normalize(std::env::args());
    let cli = Cli::parse_from(&raw);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("IAC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        .init();
    let ui = Ui::new(cli.no_color);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime starts");
    let code = runtime.block_on(run(cli.command, ui, &raw));
    std::process::exit(code);
}

async fn run(command: Command, ui: Ui, raw: &[String]) -> i32 {
    let mut sources = iac_lang::Sources::default();
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
        Command::State(c) => commands::state::run(c),
        Command::Graph(a) => commands::inspect::graph(a, &mut sources),
        Command::Fmt(a) => commands::fmt::fmt(a, &mut sources),
        Command::ForceUnlock(a) => commands::state::force_unlock(a),
        Command::Version => {
            println!("iac v{}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
    };
    match result {
        Ok(code) => code,
        Err(context::Failed(diags)) => {
            ui.diagnostics(&diags, &sources);
            1
        }
    }
}
