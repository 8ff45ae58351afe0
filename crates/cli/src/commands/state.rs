//! `iac state ...` and `iac force-unlock`.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;

use iac_engine::addr::{Target, parse_instance, parse_target};

use crate::args::{ForceUnlockArgs, LockArgs, StateCommand};
use crate::context::{self, Failed, error};

fn target(text: &str) -> Result<Target, Failed> {
    parse_target(text).map_err(|m| error(format!("Invalid address \"{text}\""), m))
}

/// Runs a `state` subcommand.
pub fn run(c: StateCommand) -> Result<i32, Failed> {
    match c {
        StateCommand::List { addresses, dir } => {
            let state = context::read_state(context::backend_in(&dir).as_ref())?;
            let filters = addresses
                .iter()
                .map(|a| target(a))
                .collect::<Result<Vec<_>, _>>()?;
            let keep = |address: &str| {
                filters.is_empty()
                    || parse_instance(address).is_ok_and(|a| filters.iter().any(|f| f.contains(&a)))
            };
            for r in state.resources.iter().filter(|r| r.deposed.is_none()) {
                if keep(&r.address) {
                    println!("{}", r.address);
                }
            }
            for p in state.pending.iter().filter(|p| keep(&p.address)) {
                println!(
                    "{} (pending: create sent at {}, not yet recorded)",
                    p.address, p.started
                );
            }
            Ok(0)
        }
        StateCommand::Show { address, dir } => {
            let state = context::read_state(context::backend_in(&dir).as_ref())?;
            let Some(r) = state.resource(&address) else {
                return Err(error(
                    format!("No instance found for the given address \"{address}\""),
                    "Run `iac state list` to see the addresses in the state.",
                ));
            };
            print!("{}", crate::commands::inspect::instance_text(r));
            Ok(0)
        }
        StateCommand::Rm {
            addresses,
            dir,
            lock,
        } => {
            let backend = context::backend_in(&dir);
            let _guard = context::lock(backend.as_ref(), "state rm", &lock)?;
            let mut state = context::read_state(backend.as_ref())?;
            let filters = addresses
                .iter()
                .map(|a| target(a))
                .collect::<Result<Vec<_>, _>>()?;
            let mut doomed: Vec<String> = state
                .resources
                .iter()
                .map(|r| &r.address)
                .chain(state.pending.iter().map(|p| &p.address))
                .filter(|a| parse_instance(a).is_ok_and(|a| filters.iter().any(|f| f.contains(&a))))
                .cloned()
                .collect();
            doomed.sort();
            doomed.dedup();
            if doomed.is_empty() {
                return Err(error(
                    "Invalid target address",
                    "No matching objects found. Run `iac state list` to see the addresses in the state.",
                ));
            }
            for a in &doomed {
                state.forget(a);
                println!("Removed {a}");
            }
            save(backend.as_ref(), &mut state)?;
            println!(
                "Successfully removed {} resource instance(s).",
                doomed.len()
            );
            Ok(0)
        }
        StateCommand::Pull { dir } => pull(&dir),
        StateCommand::Push {
            path,
            force,
            dir,
            lock,
        } => push(&path, force, &dir, &lock),
        StateCommand::Mv {
            source,
            destination,
            dir,
            lock,
        } => {
            let backend = context::backend_in(&dir);
            let _guard = context::lock(backend.as_ref(), "state mv", &lock)?;
            let mut state = context::read_state(backend.as_ref())?;
            let (from, to) = (target(&source)?, target(&destination)?);
            let mut moved = 0;
            let addresses: Vec<String> =
                state.resources.iter().map(|r| r.address.clone()).collect();
            for old in addresses {
                let Ok(addr) = parse_instance(&old) else {
                    continue;
                };
                if !from.contains(&addr) {
                    continue;
                }
                let Some(new) = from.rename(&to, &addr) else {
                    return Err(error(
                        "Invalid state move",
                        "The source and destination must both be modules, resources, or resource instances.",
                    ));
                };
                if new.resource.ty != addr.resource.ty {
                    return Err(error(
                        "Invalid state move",
                        format!("Cannot move {old} to {new}: the resource types differ."),
                    ));
                }
                let new_text = new.to_string();
                if state.resource(&new_text).is_some() {
                    return Err(error(
                        "Invalid state move",
                        format!(
                            "Cannot move {old} to {new_text}: there is already an object at the destination."
                        ),
                    ));
                }
                let mut r = state.remove(&old).expect("listed above");
                r.address = new_text.clone();
                state.upsert(r);
                println!("Move \"{old}\" to \"{new_text}\"");
                moved += 1;
            }
            if moved == 0 {
                return Err(error(
                    "Invalid source address",
                    format!("No objects found at {source}."),
                ));
            }
            save(backend.as_ref(), &mut state)?;
            println!("Successfully moved {moved} object(s).");
            Ok(0)
        }
    }
}

/// `iac state pull`: the stored state's JSON on stdout (nothing when there is none). As it
/// holds secrets, a state with sensitive values is not printed on a terminal.
fn pull(dir: &Path) -> Result<i32, Failed> {
    let backend = context::backend_in(dir);
    let Some(state) = backend.read().map_err(|e| {
        error(
            "Failed to read the state",
            format!("{}: {e}", backend.describe()),
        )
    })?
    else {
        return Ok(0);
    };
    let secret = state.outputs.values().any(|o| o.sensitive)
        || state
            .resources
            .iter()
            .any(|r| !r.sensitive_attributes.is_empty());
    if secret && std::io::stdout().is_terminal() {
        return Err(error(
            "The state holds sensitive values",
            "`iac state pull` prints the state as stored, secrets included, so it does not print it on a terminal. Redirect it to a file (`iac state pull > state.json`) or a pipe; `iac show -json` shows it with the secrets left out.",
        ));
    }
    print!("{}", state.to_json());
    Ok(0)
}

/// `iac state push [-force] PATH`: stores the state in `path` (`-`: stdin) under the
/// lock, refusing another lineage or an older serial than the stored one unless `force`.
fn push(path: &str, force: bool, dir: &Path, lock: &LockArgs) -> Result<i32, Failed> {
    let (text, name) = if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| error("Failed to read the state to push", format!("stdin: {e}")))?;
        (text, "stdin".to_string())
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| error("Failed to read the state to push", format!("{path}: {e}")))?;
        (text, path.to_string())
    };
    let pushed = iac_state::State::from_json(&text)
        .map_err(|e| error("Invalid state to push", format!("{name}: {e}")))?;
    let backend = context::backend_in(dir);
    let _guard = context::lock(backend.as_ref(), "state push", lock)?;
    let stored = backend.read().map_err(|e| {
        error(
            "Failed to read the state",
            format!("{}: {e}", backend.describe()),
        )
    })?;
    let new = iac_state::prepare_push(stored.as_ref(), pushed, force)
        .map_err(|refusal| error("Failed to push the state", refusal.to_string()))?;
    if let Some(new) = new {
        backend.write(&new).map_err(|e| {
            error(
                "Failed to save the state",
                format!("{}: {e}", backend.describe()),
            )
        })?;
    }
    Ok(0)
}

fn save(backend: &dyn iac_state::Backend, state: &mut iac_state::State) -> Result<(), Failed> {
    state.serial += 1;
    backend.write(state).map_err(|e| {
        error(
            "Failed to save the state",
            format!("{}: {e}", backend.describe()),
        )
    })
}

/// `iac force-unlock ID`.
pub fn force_unlock(a: ForceUnlockArgs) -> Result<i32, Failed> {
    if !a.force {
        print!(
            "Do you really want to force-unlock?\n  iac will remove the lock on the state.\n  This will allow local iac commands to modify this state, even though it may still be in use. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
        );
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        if line.trim() != "yes" {
            println!("force-unlock cancelled.");
            return Ok(1);
        }
    }
    let backend = context::backend_in(&a.dir);
    backend
        .force_unlock(&a.id)
        .map_err(|e| error("Failed to unlock the state", e.to_string()))?;
    println!(
        "iac state has been successfully unlocked!\n\nThe state has been unlocked, and iac commands should now be able to obtain a new lock on the remote state."
    );
    Ok(0)
}
