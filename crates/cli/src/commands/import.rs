//! `iac import ADDR ID`.

use iac_engine::addr::parse_instance;
use iac_lang::Sources;

use crate::args::ImportArgs;
use crate::commands::plan::{prepare, root_variables};
use crate::context::{self, Failed, error};
use crate::ui::Ui;

/// Imports the object `id` into `address`, which must have a resource block.
pub async fn import(
    a: ImportArgs,
    ui: Ui,
    raw: &[String],
    sources: &mut Sources,
) -> Result<i32, Failed> {
    let addr = parse_instance(&a.address)
        .map_err(|m| error(format!("Invalid address \"{}\"", a.address), m))?;
    let p = prepare(&a.dir, "import", &a.lock, sources)?;
    let vars = root_variables(&p.stack, raw, sources, &ui)?;
    let mut state = context::read_state(p.backend.as_ref())?;
    if state.resource(&addr.to_string()).is_some() {
        return Err(error(
            "Resource already managed by iac",
            format!(
                "iac is already managing a remote object for {addr}. To import to this address you must first remove the existing object from the state (iac state rm)."
            ),
        ));
    }
    println!(
        "{}: Importing from ID \"{}\"...",
        ui.bold(&addr.to_string()),
        a.id
    );
    let entry = iac_engine::importer::import(&p.stack, &p.providers, &vars, &addr, &a.id).await?;
    state.remove_pending(&entry.address);
    state.upsert(entry);
    state.serial += 1;
    p.backend.write(&state).map_err(|e| {
        error(
            "Failed to save the state",
            format!("{}: {e}", p.backend.describe()),
        )
    })?;
    println!(
        "{}: Import prepared!\n\n{}\n\nThe resource is now in the state. Run `iac plan` to see how the configuration compares with it.",
        ui.bold(&addr.to_string()),
        ui.green(&ui.bold("Import successful!"))
    );
    Ok(0)
}
