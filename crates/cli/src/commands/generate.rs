//! `plan -generate-config-out=FILE`: resource blocks written for the import blocks whose
//! target has none, before the plan is made with them.

use std::io::Write as _;
use std::path::Path;

use iac_discovery::generate::{ToWrite, resource_blocks};
use iac_engine::Stack;
use iac_engine::generate::{ToGenerate, read_missing};
use iac_lang::Sources;

use crate::args::LockArgs;
use crate::commands::plan::{Prepared, root_variables};
use crate::context::{self, Failed, error};
use crate::ui::Ui;

/// Writes `file` with a block for every import block of the stack in `dir` that has
/// none; returns whether it wrote anything. An existing `file` is refused.
pub async fn write_missing(
    file: &Path,
    dir: &Path,
    lock: &LockArgs,
    raw: &[String],
    sources: &mut Sources,
    ui: &Ui,
) -> Result<bool, Failed> {
    if file.exists() {
        return Err(error(
            "Target generated file already exists",
            "iac can only write generated config into a new file. Either choose a different target location or move all existing configuration out of the target file, delete it and try again.",
        ));
    }
    let folder = file
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(|p| p.canonicalize().ok());
    if folder.is_none() || folder != dir.canonicalize().ok() {
        return Err(error(
            "Invalid generated config file",
            format!(
                "{} is not in the stack's folder {}: iac plans with the generated configuration by reading it from there.",
                file.display(),
                dir.display()
            ),
        ));
    }
    let providers = context::providers();
    let stack = Stack::load_generating(dir, sources, &providers)?;
    let backend = context::backend_for(dir, Some(&stack));
    let lock = context::lock(backend.as_ref(), "plan", lock)?;
    let p = Prepared {
        stack,
        providers,
        backend,
        _lock: lock,
    };
    let vars = root_variables(&p.stack, raw, sources, ui)?;
    let found = read_missing(&p.stack, &p.providers, &vars).await?;
    if found.is_empty() {
        return Ok(false);
    }
    let text = file_text(&found);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    written.map_err(|e| {
        error(
            "Failed to write the generated configuration",
            format!("{}: {e}", file.display()),
        )
    })?;
    Ok(true)
}

/// The generated file: a header, then each block under a comment naming its id, with
/// references where the objects name each other.
fn file_text(found: &[ToGenerate]) -> String {
    let mut out = String::from(
        "# __generated__ by iac\n# Please review these resources and move them into your main configuration files.\n",
    );
    let objects: Vec<ToWrite<'_>> = found
        .iter()
        .map(|g| ToWrite {
            type_name: &g.import.target.ty,
            name: &g.import.target.name,
            schema: g.schema,
            state: &g.value,
        })
        .collect();
    for (g, mut block) in found.iter().zip(resource_blocks(&objects)) {
        if let Some((provider, _)) = &g.import.provider
            && let Some(end) = block.find('\n')
        {
            block.insert_str(end + 1, &format!("  provider = {provider}\n"));
        }
        out.push_str(&format!(
            "\n# __generated__ by iac from {}\n{}",
            serde_json::Value::String(g.id.clone()),
            block.trim_end()
        ));
        out.push('\n');
    }
    iac_lang::format::format_text(&out)
}

/// Terraform's note after a plan that generated configuration.
pub fn note(file: &Path) -> String {
    format!(
        "\niac has generated configuration and written it to {}. Please review the configuration and edit it as necessary before adding it to version control.\n",
        file.display()
    )
}
