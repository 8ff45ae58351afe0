//! `iac adopt`: list what a provider holds (`discover`), generate the stack a person
//! would write (`stack`: references, lookups, secrets as variables, files by service),
//! prove with a plan on a copy that it changes nothing, and only then write it, new
//! files only.

pub mod discover;
mod stack;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iac_engine::plan::Action;
use iac_engine::planner::PlanOptions;
use iac_engine::{Providers, Stack};
use iac_lang::{Diagnostic, Diagnostics, Sources};
use iac_value::Value;

use crate::files::{self, Files};
use crate::lookups;
use crate::select::TagFilter;
use discover::{Found, discover};
use stack::{fold_objects, generate_files};

/// What `iac adopt` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    pub provider: String,
    pub region: Option<String>,
    /// Only these types (empty: every type that can be listed).
    pub types: Vec<String>,
    pub tags: Vec<TagFilter>,
    pub fold: bool,
}

/// What adoption did and what it could not settle.
#[derive(Debug, Default)]
pub struct Report {
    /// Adopted objects: address and id.
    pub adopted: Vec<(String, String)>,
    /// Objects left out, and why.
    pub skipped: Vec<String>,
    /// Types that cannot be listed, so were not looked for.
    pub not_listed: Vec<String>,
    /// Changes the generated stack still plans, per attribute.
    pub unsettled: Vec<String>,
    pub written: Vec<PathBuf>,
}

/// Adopts what `opts` selects into new files in `dir`.
pub async fn adopt(
    dir: &Path,
    opts: &Options,
    providers: &Providers,
    sources: &mut Sources,
) -> Result<Report, Diagnostics> {
    let provider = providers.get(&opts.provider).ok_or_else(|| {
        Diagnostic::error(format!("Unknown provider \"{}\"", opts.provider), None).with_detail(
            format!(
                "The providers are: {}.",
                providers.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let schema = provider.schema();
    for t in &opts.types {
        if !schema.resources.contains_key(t) {
            return Err(
                Diagnostic::error(format!("Unknown resource type \"{t}\""), None)
                    .with_detail(format!(
                        "The {} provider has no resource type \"{t}\".",
                        opts.provider
                    ))
                    .into(),
            );
        }
        if !schema.lists.contains_key(t) {
            return Err(Diagnostic::error(format!("Resource type \"{t}\" cannot be listed"), None)
                .with_detail("Adoption finds objects by listing them; import this type with an import block instead.")
                .into());
        }
    }
    let work = tempfile::tempdir().map_err(|e| io_error("a temporary folder", &e))?;
    let providers_tf = files::provider_block(&opts.provider, opts.region.as_deref());
    std::fs::write(work.path().join("providers.tf"), &providers_tf)
        .map_err(|e| io_error("the provider configuration", &e))?;
    let stack = Stack::load(work.path(), sources, providers)?;
    let vars = BTreeMap::new();
    let client =
        iac_engine::importer::root_provider_client(&stack, providers, &vars, &opts.provider)
            .await?;
    let mut report = Report::default();
    let mut found = discover(
        client.as_ref(),
        &schema.resources,
        &schema.lists,
        opts,
        &mut report,
    )
    .await?;
    let folds = if opts.fold {
        fold_objects(&mut found, &schema.resources)
    } else {
        Vec::new()
    };
    let outside = lookups::gather(
        client.as_ref(),
        &schema.data_sources,
        &found
            .iter()
            .map(|f| (f.type_name.clone(), f.state.clone()))
            .collect::<Vec<_>>(),
    )
    .await;
    let mut forced: BTreeSet<(usize, String)> = BTreeSet::new();
    let generate = |forced: &BTreeSet<(usize, String)>| {
        generate_files(
            &found,
            &schema.resources,
            outside.clone(),
            forced,
            &providers_tf,
            &folds,
        )
    };
    let mut files = generate(&forced);
    for round in 0..3 {
        let changes = prove(work.path(), &files, &found, providers, sources).await?;
        let mut progress = false;
        report.unsettled.clear();
        for (i, attr, what) in changes {
            if round < 2 && forced.insert((i, attr.clone())) {
                progress = true;
            }
            report
                .unsettled
                .push(format!("{}: {attr} {what}", found[i].address));
        }
        if !progress {
            break;
        }
        files = generate(&forced);
    }
    write_new(dir, &files, &mut report)?;
    report.adopted = found
        .iter()
        .map(|f| (f.address.clone(), f.id.clone()))
        .collect();
    Ok(report)
}

fn io_error(what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("Failed to write {what}"), None).with_detail(e.to_string())
}

/// Plans the stack on a copy, with its import blocks and an empty state, as its first
/// `iac plan` will, and returns each change that remains besides the imports, per object
/// and attribute.
async fn prove(
    work: &Path,
    files: &Files,
    found: &[Found],
    providers: &Providers,
    sources: &mut Sources,
) -> Result<Vec<(usize, String, String)>, Diagnostics> {
    for (name, text) in &files.texts {
        std::fs::write(work.join(name), text).map_err(|e| io_error(name, &e))?;
    }
    let stack = Stack::load(work, sources, providers)?;
    let (vars, diags) =
        iac_lang::vars::root_variables(work, &stack.tree.module, &[], std::iter::empty(), sources);
    if diags.has_errors() {
        return Err(diags);
    }
    let state = iac_state::State::new();
    let plan = iac_engine::planner::plan(&stack, providers, &state, &vars, &PlanOptions::default())
        .await?;
    let mut out = Vec::new();
    let changes = plan
        .actions()
        .filter(|c| c.is_managed() && c.action != Action::NoOp);
    for c in changes {
        let Some(i) = found.iter().position(|f| f.address == c.addr.to_string()) else {
            continue;
        };
        let what = match c.action {
            Action::Replace | Action::CreateThenDelete => "would force a replacement",
            Action::Create => "would be created",
            Action::Delete => "would be destroyed",
            _ => "would change",
        };
        let before = c.before.clone().unwrap_or_default();
        let after = c.after.clone().unwrap_or_default();
        let mut attrs: BTreeSet<String> = BTreeSet::new();
        if let (Value::Map(b), Value::Map(a)) = (before.unmark().0, after.unmark().0) {
            for k in b.keys().chain(a.keys()) {
                if b.get(k) != a.get(k) && a.get(k) != Some(&Value::Unknown) {
                    attrs.insert(k.clone());
                }
            }
        }
        if attrs.is_empty() {
            out.push((i, "(object)".to_string(), what.to_string()));
        }
        for a in attrs {
            out.push((i, a, what.to_string()));
        }
    }
    Ok(out)
}

/// Writes every file into `dir`, refusing to overwrite any.
fn write_new(dir: &Path, files: &Files, report: &mut Report) -> Result<(), Diagnostics> {
    let existing: Vec<String> = files
        .texts
        .keys()
        .filter(|n| dir.join(n).exists())
        .map(|n| dir.join(n).display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Diagnostic::error("Target files already exist", None)
            .with_detail(format!(
                "iac adopt writes new files only and never overwrites: {} already exist. Adopt into an empty folder, or move them away.",
                existing.join(", ")
            ))
            .into());
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(&dir.display().to_string(), &e))?;
    for (name, text) in &files.texts {
        let path = dir.join(name);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io_error(&path.display().to_string(), &e))?;
        std::io::Write::write_all(&mut f, text.as_bytes())
            .map_err(|e| io_error(&path.display().to_string(), &e))?;
        report.written.push(path);
    }
    Ok(())
}
