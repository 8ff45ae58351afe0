//! The engine: addresses, the dependency graph, the planner and the applier.
//!
//! Data flows one way: a [`Stack`] (files -> configuration -> graph) is planned against
//! a state into a [`plan::Plan`], which the applier carries out through providers,
//! saving the state as it goes.

pub mod addr;
pub mod applier;
mod decode;
mod expand;
mod exprs;
pub mod generate;
pub mod graph;
pub mod import_blocks;
pub mod importer;
pub mod json;
pub mod listing;
pub mod moves;
mod persist;
pub mod plan;
pub mod plan_file;
pub mod planner;
mod proposal;
mod recovery;
mod reread;
mod sched;
mod stateval;
mod validation;
mod values;
mod walk;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use iac_lang::config::{Mode, ModuleTree, Resource};
use iac_lang::eval::{EvalContext, Scope};
use iac_lang::{Diagnostic, Diagnostics, Sources, Span, did_you_mean};
use iac_value::Value;
use petgraph::graph::NodeIndex;
use sha2::Digest as _;

pub use exprs::ignored_paths;
pub use proposal::path_string;
pub use stateval::{state_value, to_state_parts};
pub use walk::{Providers, parse_provider_address, provider_address};

use crate::addr::InstanceAddr;
use crate::graph::{Graph, NodeKind};

/// A stack loaded and checked: its module tree, its graph, and a digest of its files.
pub struct Stack {
    pub tree: ModuleTree,
    pub graph: Graph,
    pub root_dir: PathBuf,
    /// SHA-256 over every file of every module, to tell whether a saved plan is stale.
    pub digest: String,
    /// The `moved` blocks, in the order they apply.
    pub moves: Vec<moves::MoveStatement>,
}

impl Stack {
    /// Loads the stack in `dir` and builds its graph; every problem found is reported.
    pub fn load(
        dir: &Path,
        sources: &mut Sources,
        providers: &Providers,
    ) -> Result<Stack, Diagnostics> {
        Stack::load_with(dir, sources, providers, false)
    }

    /// [`Stack::load`] for `plan -generate-config-out`: an import block whose target
    /// has no resource block is not an error (configuration is generated for it).
    pub fn load_generating(
        dir: &Path,
        sources: &mut Sources,
        providers: &Providers,
    ) -> Result<Stack, Diagnostics> {
        Stack::load_with(dir, sources, providers, true)
    }

    fn load_with(
        dir: &Path,
        sources: &mut Sources,
        providers: &Providers,
        generating: bool,
    ) -> Result<Stack, Diagnostics> {
        let releases = Stack::releases(providers);
        let (tree, diags) = iac_lang::load_stack(dir, sources, &releases);
        Stack::build(dir, tree, diags, sources, providers, generating)
    }

    /// The releases of the compiled-in providers, as loading checks them.
    fn releases(providers: &Providers) -> Vec<iac_lang::ProviderRelease> {
        providers
            .iter()
            .map(|(name, p)| {
                let r = p.release();
                iac_lang::ProviderRelease::new(name, r.source, r.version)
                    .expect("a provider's release version is MAJOR.MINOR.PATCH")
            })
            .collect()
    }

    /// Checks a loaded module tree against the providers and builds its graph.
    fn build(
        dir: &Path,
        mut tree: ModuleTree,
        mut diags: Diagnostics,
        sources: &mut Sources,
        providers: &Providers,
        generating: bool,
    ) -> Result<Stack, Diagnostics> {
        iac_lang::settle_json_bodies(&mut tree, sources, &SchemaShapes(providers));
        for (_, module) in tree.walk() {
            for res in &module.resources {
                if !providers.contains_key(res.provider_name())
                    || provider_schema(providers, res).is_none()
                {
                    diags.push(unknown_type(res, providers));
                }
            }
        }
        diags.extend(check_schemas(&tree, providers).0);
        diags.extend(import_blocks::check(&tree, generating).0);
        let (moves, move_diags) = moves::statements(&tree, sources);
        diags.extend(move_diags.0);
        let graph = match Graph::build(&tree) {
            Ok(g) => g,
            Err(ds) => {
                diags.extend(ds.0);
                return Err(diags);
            }
        };
        if diags.has_errors() {
            // Loading's static checks and the schema checks may find the same problem.
            let mut unique: Vec<Diagnostic> = Vec::with_capacity(diags.0.len());
            for d in diags.0 {
                if !unique.contains(&d) {
                    unique.push(d);
                }
            }
            return Err(Diagnostics(unique));
        }
        let mut hasher = sha2::Sha256::new();
        for (path, module) in tree.walk() {
            for &f in &module.files {
                let name = sources
                    .path(f)
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy();
                hasher.update(format!("{}/{name}", path.join("/")).as_bytes());
                hasher.update([0]);
                hasher.update(sources.text(f).as_bytes());
                hasher.update([0]);
            }
        }
        let digest = format!("{:x}", hasher.finalize());
        Ok(Stack {
            tree,
            graph,
            root_dir: dir.to_path_buf(),
            digest,
            moves,
        })
    }

    /// Checks each variable's default against its `validation` rules (what `iac
    /// validate` adds to loading: a value given with `-var` may replace a bad default).
    pub fn validate_defaults(&self) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for (_, module) in self.tree.walk() {
            let ctx = EvalContext::new(&iac_lang::eval::NoScope, working_dir());
            for v in module.variables.values() {
                let Some(default) = &v.default else { continue };
                if let Ok(value) = iac_lang::eval::evaluate_as(default, &v.ty, &ctx) {
                    diags.extend(iac_lang::vars::validate(v, &value, working_dir()));
                }
            }
        }
        diags
    }
}

/// Checks every resource, data source and provider block against its schema, and
/// variable defaults against their types, with every reference
/// standing for a value not known yet (no provider is called).
fn check_schemas(tree: &ModuleTree, providers: &Providers) -> Diagnostics {
    struct Unknowns;
    impl Scope for Unknowns {
        fn resolve(&self, _: &str, attrs: &[&str], _: &Span) -> Result<(Value, usize), Diagnostic> {
            Ok((Value::Unknown, attrs.len()))
        }
    }
    let mut diags = Diagnostics::default();
    for (_, module) in tree.walk() {
        let ctx = EvalContext::new(&Unknowns, working_dir());
        for res in &module.resources {
            if let Some(schema) = provider_schema(providers, res) {
                match decode::decode_body(&res.body, schema, &ctx, &res.span) {
                    Err(ds) => diags.extend(ds),
                    // What the provider can tell from the configuration alone.
                    Ok(config) if res.mode == Mode::Managed => {
                        let provider = providers.get(res.provider_name()).expect("has a schema");
                        let problems = provider.validate(&res.ty, &config);
                        diags.extend(validation::diagnostics(res, schema, &config, problems));
                    }
                    Ok(_) => {}
                }
            }
            for e in res.count.iter().chain(&res.for_each) {
                if let Err(d) = iac_lang::eval::evaluate(e, &ctx) {
                    diags.push(d);
                }
            }
        }
        for p in &module.providers {
            if let Some(provider) = providers.get(&p.name)
                && let Err(ds) =
                    decode::decode_body(&p.body, &provider.schema().provider, &ctx, &p.span)
            {
                diags.extend(ds);
            }
        }
        for v in module.variables.values() {
            if let Some(default) = &v.default
                && let Err(d) = iac_lang::eval::evaluate_as(default, &v.ty, &ctx)
            {
                diags.push(d);
            }
        }
        for o in module.outputs.values() {
            if let Err(d) = iac_lang::eval::evaluate(&o.value, &ctx) {
                diags.push(d);
            }
        }
    }
    diags
}

/// The provider schemas as the shapes JSON bodies are read against.
struct SchemaShapes<'a>(&'a Providers);

struct SchemaShape<'a>(&'a iac_provider::Schema);

impl iac_lang::BlockShape for SchemaShape<'_> {
    fn nested(&self, name: &str) -> Option<Box<dyn iac_lang::BlockShape + '_>> {
        let nested = self.0.blocks.get(name)?;
        Some(Box::new(SchemaShape(&nested.schema)))
    }
}

impl iac_lang::Shapes for SchemaShapes<'_> {
    fn resource(&self, res: &Resource) -> Option<Box<dyn iac_lang::BlockShape + '_>> {
        Some(Box::new(SchemaShape(provider_schema(self.0, res)?)))
    }

    fn provider(&self, name: &str) -> Option<Box<dyn iac_lang::BlockShape + '_>> {
        Some(Box::new(SchemaShape(&self.0.get(name)?.schema().provider)))
    }
}

fn provider_schema<'a>(
    providers: &'a Providers,
    res: &Resource,
) -> Option<&'a iac_provider::Schema> {
    let p = providers.get(res.provider_name())?;
    match res.mode {
        Mode::Managed => p.schema().resources.get(&res.ty),
        Mode::Data => p.schema().data_sources.get(&res.ty),
    }
}

/// The diagnostic for a resource type no provider has.
pub(crate) fn unknown_type(res: &Resource, providers: &Providers) -> Diagnostic {
    let kind = if res.mode == Mode::Data {
        "data source"
    } else {
        "resource"
    };
    let Some(p) = providers.get(res.provider_name()) else {
        return Diagnostic::error(format!("Unknown provider \"{}\"", res.provider_name()), Some(res.type_span.clone())).with_detail(format!(
            "The {kind} type \"{}\" belongs to a provider iac does not have. Available providers: {}.",
            res.ty,
            providers.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    };
    let names: Vec<&str> = match res.mode {
        Mode::Managed => p.schema().resources.keys().map(String::as_str).collect(),
        Mode::Data => p.schema().data_sources.keys().map(String::as_str).collect(),
    };
    Diagnostic::error(format!("Invalid {kind} type"), Some(res.type_span.clone())).with_detail(
        format!(
            "The provider {} does not support {kind} type \"{}\".{}",
            p.name(),
            res.ty,
            did_you_mean(&res.ty, names)
        ),
    )
}

/// For every resource node, the managed resources it depends on (looking through
/// variables, locals, outputs, module calls and data sources), as static addresses.
/// Where file functions (`file`, `templatefile`, ...) resolve relative paths: the working
/// directory, as in Terraform, where `path.module` also starts; so
/// `file("${path.module}/init.yaml")` works from wherever `iac` runs.
pub(crate) fn working_dir() -> &'static std::path::Path {
    std::path::Path::new("")
}

pub(crate) fn resource_dependencies(graph: &Graph) -> HashMap<NodeIndex, Vec<String>> {
    let mut out = HashMap::new();
    for idx in graph.graph.node_indices() {
        if !matches!(graph.graph[idx].kind, NodeKind::Resource(..)) {
            continue;
        }
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        let mut todo: Vec<NodeIndex> = graph.dependencies(idx).collect();
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            match &graph.graph[n].kind {
                NodeKind::Resource(Mode::Managed, ..) => found.push(graph.graph[n].to_string()),
                NodeKind::Provider(..) => {}
                _ => todo.extend(graph.dependencies(n)),
            }
        }
        found.sort();
        out.insert(idx, found);
    }
    out
}

/// An instance's resource address without any instance keys, as dependencies are recorded.
pub(crate) fn static_address(addr: &InstanceAddr) -> String {
    let mut s = String::new();
    for (m, _) in &addr.resource.module.0 {
        s.push_str("module.");
        s.push_str(m);
        s.push('.');
    }
    if addr.resource.mode == Mode::Data {
        s.push_str("data.");
    }
    s.push_str(&addr.resource.ty);
    s.push('.');
    s.push_str(&addr.resource.name);
    s
}
