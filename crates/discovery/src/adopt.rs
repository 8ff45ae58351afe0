//! `iac adopt`: list what a provider holds, generate the stack a person would write
//! (references, lookups, secrets as variables, files by service), prove on a copy that
//! a plan of it changes nothing, and only then write it, new files only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iac_engine::plan::Action;
use iac_engine::planner::PlanOptions;
use iac_engine::{Providers, Stack};
use iac_lang::{Diagnostic, Diagnostics, Sources};
use iac_provider::{ListRequest, ProviderClient, Schema};
use iac_value::{Path as ValuePath, PathStep, Value};

use crate::files::{self, Files};
use crate::fold::{self as folding, Fold};
use crate::generate;
use crate::lookups::{self, Lookups};
use crate::naming::{self, Names, base_name};
use crate::refs::{LINKS, Refs, Target};
use crate::select::{self, TagFilter};

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

/// One object found.
struct Found {
    type_name: String,
    id: String,
    state: Value,
    name: String,
    /// `type.name`, or `type.this["key"]` when folded.
    address: String,
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
    let mut files = generate_files(
        &found,
        &schema.resources,
        outside.clone(),
        &forced,
        &providers_tf,
        &folds,
    );
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
        files = generate_files(
            &found,
            &schema.resources,
            outside.clone(),
            &forced,
            &providers_tf,
            &folds,
        );
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

/// Lists every selected type and keeps what a person would adopt.
async fn discover(
    client: &dyn ProviderClient,
    resources: &BTreeMap<String, Schema>,
    lists: &BTreeMap<String, Schema>,
    opts: &Options,
    report: &mut Report,
) -> Result<Vec<Found>, Diagnostics> {
    let mut found: Vec<Found> = Vec::new();
    let asked: Vec<&String> = resources
        .keys()
        .filter(|t| {
            opts.types.is_empty() && select::listed_by_default(t) || opts.types.contains(*t)
        })
        .collect();
    // Types listed within a parent (records within their zone or domain) come after
    // every parent has been found.
    let (within, alone): (Vec<&String>, Vec<&String>) = asked.into_iter().partition(|t| {
        lists
            .get(*t)
            .is_some_and(|l| !required_filters(l).is_empty())
    });
    for type_name in alone.into_iter().chain(within) {
        let Some(filter_schema) = lists.get(type_name) else {
            report.not_listed.push(type_name.clone());
            continue;
        };
        let filters = filters(type_name, filter_schema, &found);
        if filters.is_empty() {
            report.skipped.push(format!(
                "{type_name}: listed within its parent ({}), and none was adopted",
                required_filters(filter_schema).join(", ")
            ));
        }
        for filter in filters {
            let request = ListRequest {
                filter,
                include_resource: true,
                limit: None,
            };
            let listed = client.list(type_name, &request).await.map_err(|e| {
                Diagnostic::error(format!("Failed to list {type_name}"), None)
                    .with_detail(e.to_string())
            })?;
            for l in listed {
                let state = match l.state_as_written() {
                    Some(s) => s,
                    None => client.import(type_name, &l.id).await.map_err(|e| {
                        Diagnostic::error(format!("Failed to read {type_name} \"{}\"", l.id), None)
                            .with_detail(e.to_string())
                    })?,
                };
                if let Some(why) = select::made_by_the_cloud(type_name, &state) {
                    report
                        .skipped
                        .push(format!("{type_name} \"{}\": {why}", l.id));
                    continue;
                }
                found.push(Found {
                    type_name: type_name.clone(),
                    id: l.id,
                    state,
                    name: String::new(),
                    address: String::new(),
                });
            }
        }
    }
    let mut found = filter_tags(found, &opts.tags, report);
    name_objects(&mut found);
    Ok(found)
}

/// Gives every object its block name and address: those named after another object
/// once that one has its name.
fn name_objects(found: &mut [Found]) {
    let mut names = Names::default();
    let (after, own): (Vec<usize>, Vec<usize>) =
        (0..found.len()).partition(|i| naming::named_after(&found[*i].type_name).is_some());
    for i in own.into_iter().chain(after) {
        let base = base_for(found, i);
        let f = &mut found[i];
        f.name = names.unique(&f.type_name, &base);
        f.address = format!("{}.{}", f.type_name, f.name);
    }
}

/// The name a person would give object `i`, before it is made unique.
fn base_for(found: &[Found], i: usize) -> String {
    let f = &found[i];
    let text = |v: &Value| scalar(v).unwrap_or_default();
    if matches!(
        f.type_name.as_str(),
        "aws_route53_record" | "digitalocean_record"
    ) {
        let zone = referred(found, f, "zone_id").and_then(|z| z.state.get("name").as_str());
        return naming::record_name(&text(f.state.get("name")), zone, &text(f.state.get("type")));
    }
    if let Some((attr, suffix)) = naming::named_after(&f.type_name)
        && let Some(parent) = referred(found, f, attr)
    {
        let name = match suffix.map(|s| text(f.state.get(s))) {
            Some(s) if !s.is_empty() => format!("{}_{s}", parent.name),
            _ => parent.name.clone(),
        };
        return naming::snake_case(&name);
    }
    base_name(&f.state, &f.id)
}

/// The adopted object that `f`'s attribute `attr` refers to, as the reference table
/// links them.
fn referred<'a>(found: &'a [Found], f: &Found, attr: &str) -> Option<&'a Found> {
    let value = scalar(f.state.get(attr))?;
    LINKS
        .iter()
        .filter(|l| l.from == f.type_name && l.path == attr)
        .find_map(|l| {
            found.iter().find(|p| {
                p.type_name == l.to && scalar(p.state.get(l.attr)).as_ref() == Some(&value)
            })
        })
}

/// A string or number as text.
fn scalar(value: &Value) -> Option<String> {
    match value.unmark().0 {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(iac_value::display_number(*n)),
        _ => None,
    }
}

/// The filters a listing must be given.
fn required_filters(filter_schema: &Schema) -> Vec<&str> {
    filter_schema
        .attributes
        .iter()
        .filter(|(_, a)| a.required)
        .map(|(k, _)| k.as_str())
        .collect()
}

/// The filters to list `type_name` with: one of nothing set, or, where the listing needs
/// a parent (a record's zone or domain), one per parent found, the value taken as the
/// reference table links the two.
fn filters(type_name: &str, filter_schema: &Schema, found: &[Found]) -> Vec<Value> {
    let unset: BTreeMap<String, Value> = filter_schema
        .attributes
        .keys()
        .map(|k| (k.clone(), Value::Null))
        .collect();
    let mut filters = vec![unset];
    for attr in required_filters(filter_schema) {
        let parents: BTreeSet<String> = LINKS
            .iter()
            .filter(|l| l.from == type_name && l.path == attr)
            .flat_map(|l| {
                found
                    .iter()
                    .filter(move |f| f.type_name == l.to)
                    .filter_map(move |f| f.state.get(l.attr).as_str().map(str::to_string))
            })
            .collect();
        filters = filters
            .iter()
            .flat_map(|f| {
                parents.iter().map(move |p| {
                    let mut f = f.clone();
                    f.insert(attr.to_string(), Value::from(p.as_str()));
                    f
                })
            })
            .collect();
    }
    filters.into_iter().map(Value::Map).collect()
}

/// Keeps tagged objects that match every filter, and untagged ones (records,
/// associations) that refer to something kept.
fn filter_tags(found: Vec<Found>, tags: &[TagFilter], report: &mut Report) -> Vec<Found> {
    if tags.is_empty() {
        return found;
    }
    let mut keep: Vec<bool> = found
        .iter()
        .map(|f| select::taggable(&f.state) && tags.iter().all(|t| t.matches(&f.state)))
        .collect();
    loop {
        let kept_values: BTreeSet<String> = found
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .flat_map(|(f, _)| scalars(&f.state))
            .collect();
        let mut changed = false;
        for (i, f) in found.iter().enumerate() {
            if !keep[i]
                && !select::taggable(&f.state)
                && scalars(&f.state).iter().any(|v| kept_values.contains(v))
            {
                keep[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(f, k)| {
            if !k {
                report.skipped.push(format!(
                    "{} \"{}\": not matched by --tag",
                    f.type_name, f.id
                ));
            }
            k.then_some(f)
        })
        .collect()
}

/// The ids, names and addresses an object holds.
fn scalars(state: &Value) -> Vec<String> {
    [
        "id",
        "arn",
        "zone_id",
        "name",
        "bucket",
        "public_ip",
        "ipv4_address",
        "instance_id",
        "allocation_id",
        "domain",
        "droplet_id",
        "ip_address",
    ]
    .iter()
    .filter_map(|k| {
        state
            .get(k)
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
    .collect()
}

/// The files of the stack: `forced` attributes are written as found even where the
/// generator would leave them out.
fn generate_files(
    found: &[Found],
    schemas: &BTreeMap<String, Schema>,
    outside: lookups::Outside,
    forced: &BTreeSet<(usize, String)>,
    providers_tf: &str,
    folds: &[Fold],
) -> Files {
    let targets: Vec<Target> = found
        .iter()
        .map(|f| Target {
            type_name: f.type_name.clone(),
            address: f.address.clone(),
            state: f.state.clone(),
        })
        .collect();
    let refs = Refs::new(&targets);
    let lookups = Lookups::new(outside);
    let mut out = Files::default();
    out.add("providers.tf", providers_tf);
    for (i, f) in found.iter().enumerate() {
        let schema = &schemas[&f.type_name];
        let fold = folds
            .iter()
            .find(|x| x.members.iter().any(|(m, _)| *m == i));
        if fold.is_some_and(|x| x.members[0].0 != i) {
            continue;
        }
        let managed_elsewhere = managed_elsewhere(found, i);
        let mut secrets = Vec::new();
        let subst = |path: &ValuePath, value: &Value| -> Option<hcl_edit::expr::Expression> {
            if let [PathStep::Key(attr)] = path.as_slice() {
                if let Some(x) = fold
                    && x.differing.contains(attr)
                {
                    let e = if x.key_attr.as_ref() == Some(attr) {
                        "each.key".to_string()
                    } else {
                        format!("each.value.{attr}")
                    };
                    return e.parse().ok();
                }
                if forced.contains(&(i, attr.clone())) && !value.is_null() {
                    return Some(generate::expression(value, &|_, _| None, &mut path.clone()));
                }
            }
            let text = refs
                .reference(i, path, value)
                .or_else(|| lookups.expression(path, value))?;
            text.parse().ok()
        };
        let block_name = fold.map_or(f.name.clone(), |x| x.names().0);
        let mut shown = select::as_written(&f.type_name, &f.state);
        if let Value::Map(m) = &mut shown {
            for attr in &managed_elsewhere {
                m.remove(*attr);
            }
        }
        let mut block = generate::block(&f.type_name, &block_name, schema, &shown, &subst);
        if let Some(x) = fold {
            let values = x.names().1;
            let each: hcl_edit::expr::Expression = format!("local.{values}")
                .parse()
                .expect("a local reference");
            block.body.insert(
                0,
                hcl_edit::structure::Attribute::new(hcl_edit::Ident::new("for_each"), each),
            );
            out.add(
                files::file_for(&f.type_name),
                &fold_locals(x, found, &refs, &lookups),
            );
            out.add(
                "imports.tf",
                &files::import_for_each(
                    &format!("{}.{block_name}", f.type_name),
                    &x.members
                        .iter()
                        .map(|(m, key)| (key.clone(), found[*m].id.clone()))
                        .collect::<Vec<_>>(),
                ),
            );
        }
        for (attr, a) in &schema.attributes {
            if a.sensitive && a.config_only && f.state.get(attr).is_null() {
                let var = format!("{}_{attr}", f.name);
                let expr: hcl_edit::expr::Expression =
                    format!("var.{var}").parse().expect("a variable reference");
                block.body.push(hcl_edit::structure::Attribute::new(
                    hcl_edit::Ident::new(attr.as_str()),
                    expr,
                ));
                secrets.push(files::secret_variable(
                    &var,
                    &format!("{}.{}", f.type_name, f.name),
                    attr,
                ));
            }
        }
        let mut body = hcl_edit::structure::Body::new();
        body.push(strip_secret_comments(block));
        out.add(files::file_for(&f.type_name), &generate::render(&body));
        for s in secrets {
            out.add("variables.tf", &s);
        }
        if fold.is_none() {
            out.add("imports.tf", &files::import_block(&f.address, &f.id));
        }
    }
    let lookup_text = lookups.blocks();
    if !lookups.is_empty() {
        out.add("network.tf", &lookup_text);
    }
    out
}

/// The attributes of object `i` that another adopted object manages: an Elastic IP's
/// `instance` when an association of it is adopted, a reserved IP's `droplet_id` when an
/// assignment is.
fn managed_elsewhere(found: &[Found], i: usize) -> Vec<&'static str> {
    let f = &found[i];
    let by = |ty: &str, attr: &str, own: &str| {
        found.iter().any(|o| {
            o.type_name == ty
                && o.state.get(attr) == f.state.get(own)
                && !f.state.get(own).is_null()
        })
    };
    match f.type_name.as_str() {
        "aws_eip" if by("aws_eip_association", "allocation_id", "id") => vec!["instance"],
        "digitalocean_reserved_ip"
            if by(
                "digitalocean_reserved_ip_assignment",
                "ip_address",
                "ip_address",
            ) =>
        {
            vec!["droplet_id"]
        }
        _ => vec![],
    }
}

/// The generator's comment on a secret it left out is replaced by the variable.
fn strip_secret_comments(mut block: hcl_edit::structure::Block) -> hcl_edit::structure::Block {
    use hcl_edit::Decorate;
    let prefix = block
        .body
        .decor()
        .prefix()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let kept: String = prefix
        .split('\n')
        .filter(|l| !l.contains("the API does not return it"))
        .collect::<Vec<_>>()
        .join("\n");
    block.body.decor_mut().set_prefix(kept);
    block
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

/// Decides the folds and gives folded objects their keyed addresses.
fn fold_objects(found: &mut [Found], schemas: &BTreeMap<String, Schema>) -> Vec<Fold> {
    let objects: Vec<(String, Value, String)> = found
        .iter()
        .map(|f| {
            let shown = select::as_written(&f.type_name, &f.state);
            (f.type_name.clone(), shown, fold_key(f))
        })
        .collect();
    let folds = folding::folds(&objects, schemas);
    for x in &folds {
        let block = x.names().0;
        for (i, key) in &x.members {
            found[*i].address = format!("{}.{block}[{}]", x.type_name, quoted(key));
        }
    }
    folds
}

/// An object's key in a fold's map: its name as found.
fn fold_key(f: &Found) -> String {
    ["name", "identifier", "bucket"]
        .iter()
        .find_map(|a| f.state.get(a).as_str())
        .or_else(|| f.state.get("tags").get("Name").as_str())
        .unwrap_or(&f.id)
        .to_string()
}

fn quoted(s: &str) -> String {
    hcl_edit::expr::Expression::from(s).to_string()
}

/// The `locals` of a fold: the map of each object's differing attributes.
fn fold_locals(x: &Fold, found: &[Found], refs: &Refs<'_>, lookups: &Lookups) -> String {
    let values = x.names().1;
    let mut text = format!("locals {{\n{values} = {{\n");
    for (i, key) in &x.members {
        let subst = |path: &ValuePath, value: &Value| -> Option<hcl_edit::expr::Expression> {
            refs.reference(*i, path, value)
                .or_else(|| lookups.expression(path, value))?
                .parse()
                .ok()
        };
        text.push_str(&format!("{} = {{\n", quoted(key)));
        for attr in x.mapped() {
            let mut at = vec![PathStep::Key(attr.clone())];
            let v = found[*i].state.get(attr);
            let e = subst(&at, v).unwrap_or_else(|| generate::expression(v, &subst, &mut at));
            text.push_str(&format!("{attr} = {e}\n"));
        }
        text.push_str("}\n");
    }
    text.push_str("}\n}\n");
    iac_lang::format::format_text(&text)
}
