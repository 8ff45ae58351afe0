//! `iac init`. Terraform's init downloads providers and modules and sets up the backend;
//! iac's providers are built in and its modules are local folders, so init checks what
//! a first plan would need: the stack's files and the state backend.

use std::collections::BTreeSet;

use iac_engine::Stack;
use iac_lang::Sources;
use iac_state::{Backend, LocalBackend, Migration, migrate};

use crate::args::InitArgs;
use crate::context::{self, Failed};
use crate::ui::Ui;

/// Checks the stack in `a.dir` and its backend; exits 0 when both are usable.
pub fn init(a: InitArgs, ui: Ui, sources: &mut Sources) -> Result<i32, Failed> {
    let providers = context::providers();
    let stack = Stack::load(&a.dir, sources, &providers)?;
    let diags = stack.validate_defaults();
    if diags.has_errors() {
        return Err(Failed(diags));
    }
    if !diags.is_empty() {
        ui.diagnostics(&diags, sources);
    }
    if a.backend {
        println!("{}", ui.bold("Initializing the backend..."));
        let backend = context::backend_for(&a.dir, Some(&stack));
        let state = backend.read().map_err(|e| {
            context::error(
                "Failed to read the state",
                format!("{}: {e}", backend.describe()),
            )
        })?;
        let found = match state {
            Some(s) => format!("state serial {}", s.serial),
            None => "no state yet".to_string(),
        };
        println!("State: {} ({found}).\n", backend.describe());
        migrate_local_state(&a, backend.as_ref())?;
    }
    println!(
        "{}",
        ui.bold("Providers are built into iac; there is nothing to download:")
    );
    let used: BTreeSet<&str> = stack
        .tree
        .walk()
        .into_iter()
        .flat_map(|(_, m)| m.resources.iter().map(|r| r.provider_name()))
        .collect();
    for (name, p) in providers.iter() {
        let note = if used.contains(name.as_str()) {
            ", used by this stack"
        } else {
            ""
        };
        let (source, version) = context::provider_release(p.as_ref());
        println!("- {source} v{version} (built in{note})");
    }
    println!(
        "\n{}\n\nYou may now begin working with iac. Try running \"iac plan\" to see any changes that are required for your infrastructure.",
        ui.green(&ui.bold("iac has been successfully initialized!"))
    );
    Ok(0)
}

/// The stack's local state, when the configuration names another backend: copied there
/// with `-migrate-state` (or `-force-copy`), else an error saying so, since a plan against
/// the new backend would not see it.
fn migrate_local_state(a: &InitArgs, backend: &dyn Backend) -> Result<(), Failed> {
    let local = LocalBackend::for_stack(&a.dir);
    if local.describe() == backend.describe() || !local.path().exists() {
        return Ok(());
    }
    if !a.migrate_state && !a.force_copy {
        return Err(context::error(
            "Backend initialization required: migrate the local state",
            format!(
                "The stack keeps a local state ({}), and its configuration now names {}. Run `iac init -migrate-state` to copy it there; the local file is then no longer used.",
                local.describe(),
                backend.describe()
            ),
        ));
    }
    match migrate(&local, backend) {
        Ok(Migration::Copied { serial }) => println!(
            "Copied the local state (serial {serial}) to {}; {} is no longer used.\n",
            backend.describe(),
            local.describe()
        ),
        Ok(Migration::AlreadyThere) => {
            println!("{} already holds this state.\n", backend.describe())
        }
        Ok(Migration::NothingToCopy) => {}
        Err(e) => {
            return Err(context::error(
                "Failed to migrate the state",
                format!("to {}: {e}", backend.describe()),
            ));
        }
    }
    Ok(())
}
