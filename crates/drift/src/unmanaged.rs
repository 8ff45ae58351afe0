//! Unmanaged objects: what the providers list, through each stack's own provider
//! configuration (so its region and endpoints scope the listing), minus what any of the
//! given stacks manages, what the cloud made by itself, and what the stacks' ignores
//! name. Records are listed within every zone or domain found.

use std::collections::{BTreeMap, BTreeSet};

use iac_discovery::adopt::discover::{discover, parent_types};
use iac_discovery::adopt::{Options, Report as Discovered};
use iac_discovery::select::{TagFilter, listed_by_default};
use iac_engine::{Providers, parse_provider_address};
use iac_lang::Diagnostics;
use iac_lang::config::Mode;

use crate::report::Unmanaged;
use crate::{Scope, StackInput};

/// Lists the unmanaged objects of every stack's providers, each object once.
pub async fn list(
    inputs: &[StackInput<'_>],
    providers: &Providers,
    scope: Scope,
    tags: &[TagFilter],
) -> Result<Vec<Unmanaged>, Diagnostics> {
    if scope == Scope::Off {
        return Ok(Vec::new());
    }
    let managed = managed_ids(inputs);
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for input in inputs {
        for (provider_name, used) in types_used(input) {
            let Some(provider) = providers.get(&provider_name) else {
                continue;
            };
            let lists = &provider.schema().lists;
            let asked: BTreeSet<String> = match scope {
                Scope::All => lists
                    .keys()
                    .filter(|t| listed_by_default(t))
                    .cloned()
                    .collect(),
                _ => used.into_iter().filter(|t| lists.contains_key(t)).collect(),
            };
            if asked.is_empty() {
                continue;
            }
            // A record's listing needs its zone: the parents are listed too, and left
            // out of the report unless asked for.
            let mut listed = asked.clone();
            for t in &asked {
                listed.extend(parent_types(t, lists).into_iter().map(str::to_string));
            }
            let client = iac_engine::importer::root_provider_client(
                input.stack,
                providers,
                input.vars,
                &provider_name,
            )
            .await?;
            let opts = Options {
                provider: provider_name.clone(),
                region: None,
                types: listed.into_iter().collect(),
                tags: tags.to_vec(),
                fold: false,
            };
            let mut discovered = Discovered::default();
            let found = discover(
                client.as_ref(),
                &provider.schema().resources,
                lists,
                &opts,
                &mut discovered,
            )
            .await?;
            for f in found {
                let id_attr = id_text(&f.state.get("id").to_json()).unwrap_or(f.id.clone());
                let is_managed = managed.contains(&(f.type_name.clone(), id_attr))
                    || managed.contains(&(f.type_name.clone(), f.id.clone()));
                if is_managed
                    || !asked.contains(&f.type_name)
                    || !seen.insert((f.type_name.clone(), f.id.clone()))
                    || inputs
                        .iter()
                        .any(|i| i.ignores.unmanaged(&f.type_name, &f.id, &f.state))
                {
                    continue;
                }
                out.push(Unmanaged {
                    stack: input.name.clone(),
                    import: format!("iac import {} {}", f.address, shell_word(&f.id)),
                    name: display_name(&f.state, &f.id),
                    type_name: f.type_name,
                    id: f.id,
                    address: f.address,
                });
            }
        }
    }
    Ok(out)
}

/// Every (type, id) the stacks' states record.
fn managed_ids(inputs: &[StackInput<'_>]) -> BTreeSet<(String, String)> {
    inputs
        .iter()
        .flat_map(|i| i.state.resources.iter())
        .filter(|r| r.mode == "managed")
        .filter_map(|r| Some((r.type_name.clone(), id_text(r.attributes.get("id")?)?)))
        .collect()
}

/// An `id` as text: a string, or a number as some types record it.
fn id_text(id: &serde_json::Value) -> Option<String> {
    match id {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The managed types a stack declares or records, by provider name.
fn types_used(input: &StackInput<'_>) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_provider: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, module) in input.stack.tree.walk() {
        for r in module.resources.iter().filter(|r| r.mode == Mode::Managed) {
            by_provider
                .entry(r.provider_name().to_string())
                .or_default()
                .insert(r.ty.clone());
        }
    }
    for r in input.state.resources.iter().filter(|r| r.mode == "managed") {
        if let Some(key) = parse_provider_address(&r.provider) {
            by_provider
                .entry(key.0)
                .or_default()
                .insert(r.type_name.clone());
        }
    }
    by_provider
}

/// What people call an object: its `Name` tag, its name, else its id.
fn display_name(state: &iac_value::Value, id: &str) -> String {
    [
        state.get("tags").get("Name"),
        state.get("name"),
        state.get("bucket"),
    ]
    .into_iter()
    .find_map(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_string))
    .unwrap_or_else(|| id.to_string())
}

/// `id` as one shell word.
fn shell_word(id: &str) -> String {
    if id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/,@=+".contains(c))
    {
        id.to_string()
    } else {
        format!("'{}'", id.replace('\'', r"'\''"))
    }
}
