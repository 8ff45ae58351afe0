//! `iac query`: the `list` blocks of a stack's query files (`*.tfquery.hcl`), each
//! expanded by its `count`/`for_each`, its `config` decoded against the type's list
//! schema ([`iac_provider::ProviderSchema::lists`]), and listed through its provider,
//! configured as `plan` configures it.

use std::collections::BTreeMap;
use std::path::Path;

use iac_lang::config::{Body, ListBlock};
use iac_lang::eval::{EvalContext, evaluate};
use iac_lang::{Diagnostic, Diagnostics, Sources, did_you_mean};
use iac_provider::{ListRequest, Listed, Schema};
use iac_value::{Type, Value, convert};

use crate::Stack;
use crate::addr::ModuleInstance;
use crate::expand::expansion;
use crate::graph::{Node, NodeKind};
use crate::values::Repetition;
use crate::walk::{Providers, Walk};

/// How many results a list block returns without a `limit`, as in Terraform.
pub const DEFAULT_LIMIT: usize = 100;

/// A stack with the list blocks of its query files.
pub struct Query {
    pub stack: Stack,
    pub lists: Vec<ListBlock>,
}

/// What one instance of a list block found.
#[derive(Debug, Clone)]
pub struct Found {
    /// `list.TYPE.NAME`, with the instance key (`[0]`, `["web"]`) when it has one.
    pub address: String,
    pub type_name: String,
    /// The resource schema of the type: how a result's state is rendered.
    pub schema: Schema,
    /// The filters the instance listed with (its decoded `config`).
    pub filter: Value,
    pub results: Vec<Listed>,
}

impl Query {
    /// Loads the stack in `dir` with its query files, checking every list block's
    /// provider, type and filters.
    pub fn load(
        dir: &Path,
        sources: &mut Sources,
        providers: &Providers,
    ) -> Result<Query, Diagnostics> {
        let releases = Stack::releases(providers);
        let (tree, mut diags, lists) = {
            let (tree, lists, diags) = iac_lang::load_query(dir, sources, &releases);
            (tree, diags, lists)
        };
        for list in &lists {
            if let Err(d) = list_schema(list, providers) {
                diags.push(d);
            }
        }
        let stack = Stack::build(dir, tree, diags, sources, providers, false)?;
        Ok(Query { stack, lists })
    }

    /// Lists the objects every list block asks for, in block order; with
    /// `with_resources`, each result's state whatever the block's `include_resource`
    /// (configuration is generated from it).
    pub async fn run(
        &self,
        providers: &Providers,
        vars: &BTreeMap<String, Value>,
        with_resources: bool,
    ) -> Result<Vec<Found>, Diagnostics> {
        let walk = Walk::new(&self.stack, providers, vars, 1);
        crate::importer::evaluate(&self.stack, &walk, self.roots())
            .await
            .map_err(|d| Diagnostics(vec![d]))?;
        let mut found = Vec::new();
        let mut diags = Diagnostics::default();
        for list in &self.lists {
            match self.run_one(&walk, providers, list, with_resources).await {
                Ok(mut f) => found.append(&mut f),
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(found)
    }

    /// The variables, locals and providers the list blocks need evaluated first.
    fn roots(&self) -> Vec<petgraph::graph::NodeIndex> {
        let mut nodes = Vec::new();
        for list in &self.lists {
            let exprs = [
                &list.count,
                &list.for_each,
                &list.include_resource,
                &list.limit,
            ];
            let mut refs: Vec<iac_lang::Reference> = exprs
                .into_iter()
                .flatten()
                .flat_map(iac_lang::references)
                .collect();
            if let Some(config) = &list.config {
                refs.extend(
                    config
                        .body
                        .attrs
                        .iter()
                        .flat_map(|a| iac_lang::references(&a.expr)),
                );
            }
            for r in refs {
                let kind = match (r.root.as_str(), r.attrs.first()) {
                    ("var", Some(name)) => NodeKind::Variable(name.clone()),
                    ("local", Some(name)) => NodeKind::Local(name.clone()),
                    _ => continue,
                };
                nodes.push(Node {
                    module: vec![],
                    kind,
                });
            }
            let provider = NodeKind::Provider(
                list.provider_name().to_string(),
                list.provider_alias().map(str::to_string),
            );
            nodes.push(Node {
                module: vec![],
                kind: provider,
            });
        }
        nodes
            .iter()
            .filter_map(|n| self.stack.graph.index.get(n).copied())
            .collect()
    }

    /// Every instance of one list block, listed.
    async fn run_one(
        &self,
        walk: &Walk<'_>,
        providers: &Providers,
        list: &ListBlock,
        with_resources: bool,
    ) -> Result<Vec<Found>, Diagnostic> {
        let (schema, filters) = list_schema(list, providers)?;
        let root = ModuleInstance::root();
        let exp = walk.with_scope(&root, Repetition::default(), |ctx| {
            expansion(list.count.as_ref(), list.for_each.as_ref(), ctx)
        })?;
        let key = (
            list.provider_name().to_string(),
            list.provider_alias().map(str::to_string),
        );
        let client = walk.client(&key).await?;
        let mut out = Vec::new();
        for k in exp.keys() {
            let rep = Repetition {
                each_value: exp.each_value(&k),
                key: Some(k.clone()).filter(|k| *k != crate::addr::InstanceKey::None),
            };
            let address = format!("{}{k}", list.address());
            let mut request = walk.with_scope(&root, rep, |ctx| request(list, filters, ctx))?;
            request.include_resource |= with_resources;
            let mut results = client.list(&list.ty, &request).await.map_err(|e| {
                Diagnostic::error(format!("Listing {address} failed"), Some(list.span.clone()))
                    .with_detail(e.to_string())
            })?;
            for r in &mut results {
                if let Some(state) = r.state.take() {
                    let paths = schema.sensitive_paths(&state);
                    r.state = Some(state.mark_paths(&paths));
                }
            }
            out.push(Found {
                address,
                type_name: list.ty.clone(),
                schema: schema.clone(),
                filter: request.filter,
                results,
            });
        }
        Ok(out)
    }
}

/// The resource schema and the filter schema of a list block's type, or why it cannot
/// be listed.
fn list_schema<'a>(
    list: &ListBlock,
    providers: &'a Providers,
) -> Result<(Schema, &'a Schema), Diagnostic> {
    let name = list.provider_name();
    let provider = providers.get(name).ok_or_else(|| {
        Diagnostic::error(
            format!("Unknown provider \"{name}\""),
            Some(list.span.clone()),
        )
        .with_detail(format!(
            "{} needs the provider \"{name}\", which iac does not have.{}",
            list.address(),
            did_you_mean(name, providers.keys().map(String::as_str))
        ))
    })?;
    let schema = provider.schema();
    let Some(resource) = schema.resources.get(&list.ty) else {
        return Err(
            Diagnostic::error("Invalid list resource type", Some(list.span.clone())).with_detail(
                format!(
                    "The provider \"{name}\" has no resource type \"{}\".{}",
                    list.ty,
                    did_you_mean(&list.ty, schema.resources.keys().map(String::as_str))
                ),
            ),
        );
    };
    let Some(filters) = schema.lists.get(&list.ty) else {
        return Err(
            Diagnostic::error("Resource type cannot be listed", Some(list.span.clone()))
                .with_detail(format!(
                    "The provider \"{name}\" cannot list objects of type \"{}\".",
                    list.ty
                )),
        );
    };
    Ok((resource.clone(), filters))
}

/// One instance's request: its filters, `include_resource` and `limit`.
fn request(
    list: &ListBlock,
    filters: &Schema,
    ctx: &EvalContext,
) -> Result<ListRequest, Diagnostic> {
    let empty = Body::default();
    let (body, header) = match &list.config {
        Some(c) => (&c.body, &c.span),
        None => (&empty, &list.span),
    };
    let filter = crate::decode::decode_body(body, filters, ctx, header).map_err(|ds| {
        ds.into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error("Invalid config block", Some(header.clone())))
    })?;
    let include_resource = match &list.include_resource {
        None => false,
        Some(e) => match convert(evaluate(e, ctx)?.into_unmarked().0, &Type::Bool) {
            Ok(Value::Bool(b)) => b,
            _ => {
                return Err(
                    Diagnostic::error("Invalid include_resource", Some(e.span()))
                        .with_detail("include_resource is true or false."),
                );
            }
        },
    };
    let limit = match &list.limit {
        None => DEFAULT_LIMIT,
        Some(e) => match convert(evaluate(e, ctx)?.into_unmarked().0, &Type::Number) {
            Ok(Value::Number(n)) if n >= 0.0 && n.fract() == 0.0 => n as usize,
            _ => {
                return Err(Diagnostic::error("Invalid limit", Some(e.span()))
                    .with_detail("limit is a whole number of results, 0 or more."));
            }
        },
    };
    Ok(ListRequest {
        filter,
        include_resource,
        limit: Some(limit),
    })
}
