//! `iac state ...` and `iac force-unlock`.

use std::io::{BufRead, Write};

use iac_engine::addr::{Target, parse_instance, parse_target};

use crate::args::{ForceUnlockArgs, StateCommand};
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
