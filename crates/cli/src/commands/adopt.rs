//! `iac adopt [DIR] --provider P`: parses the flags and renders the report; the work
//! is `iac_discovery::adopt`.

use iac_discovery::adopt::{Options, adopt as run};
use iac_lang::Sources;

use crate::args::AdoptArgs;
use crate::context::{self, Failed};
use crate::ui::Ui;

/// Adopts the provider's objects into new files in the folder.
pub async fn adopt(a: AdoptArgs, ui: Ui, sources: &mut Sources) -> Result<i32, Failed> {
    let tags = context::tag_filters(&a.tags)?;
    let opts = Options {
        provider: a.provider,
        region: a.region,
        types: a.types,
        tags,
        fold: a.fold,
    };
    let report = run(&a.dir, &opts, &context::providers(), sources).await?;
    for s in &report.skipped {
        println!("Left out {s}");
    }
    for (addr, id) in &report.adopted {
        println!("{}: found [id={id}]", ui.bold(addr));
    }
    for path in &report.written {
        println!("Wrote {}", path.display());
    }
    if !report.not_listed.is_empty() {
        println!(
            "\nNot looked for (these types cannot be listed): {}",
            report.not_listed.join(", ")
        );
    }
    if report.unsettled.is_empty() {
        println!(
            "\n{} {} objects; a plan of the stack shows only their imports. Run `iac plan`, then `iac apply`.",
            ui.green(&ui.bold("Adopted")),
            report.adopted.len()
        );
        Ok(0)
    } else {
        println!(
            "\n{} A plan of the written stack would still change:",
            ui.yellow(&ui.bold("Not settled."))
        );
        for u in &report.unsettled {
            println!("  - {u}");
        }
        Ok(2)
    }
}
