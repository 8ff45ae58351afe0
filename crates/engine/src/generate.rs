//! `plan -generate-config-out`: reading the objects of the import blocks whose target
//! has no resource block, so that the CLI can write blocks for them.

use iac_lang::config::{Import, Mode};
use iac_lang::{Diagnostic, Diagnostics, references};
use iac_provider::Schema;
use iac_value::Value;
use std::collections::BTreeMap;

use crate::addr::ModuleInstance;
use crate::graph::{Node, NodeKind};
use crate::import_blocks::{import_id, missing_targets};
use crate::importer::{configure_provider, evaluate_nodes};
use crate::values::Repetition;
use crate::walk::{ProviderKey, Providers, Walk};
use crate::{Stack, planner::provider_error};

/// An object to write a resource block for.
pub struct ToGenerate<'a> {
    pub import: &'a Import,
    /// The id it was imported by.
    pub id: String,
    pub schema: &'a Schema,
    /// The object as the provider read it, with the schema's sensitive marks.
    pub value: Value,
}

/// Reads the object of every import block whose target has no resource block (the
/// stack must be loaded with [`Stack::load_generating`]).
pub async fn read_missing<'a>(
    stack: &'a Stack,
    providers: &'a Providers,
    vars: &BTreeMap<String, Value>,
) -> Result<Vec<ToGenerate<'a>>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    let walk = Walk::new(stack, providers, vars, 1);
    for import in missing_targets(&stack.tree) {
        match read_one(stack, providers, &walk, import).await {
            Ok(g) => out.push(g),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

async fn read_one<'a>(
    stack: &Stack,
    providers: &'a Providers,
    walk: &Walk<'_>,
    import: &'a Import,
) -> Result<ToGenerate<'a>, Diagnostic> {
    let t = &import.target;
    if !t.modules.is_empty() {
        return Err(Diagnostic::error("Cannot generate configuration in a module", Some(import.to.span())).with_detail(format!(
            "Configuration is generated only for resources of the root module. Add a resource block for {} to the module by hand.",
            t.static_address()
        )));
    }
    if import.for_each.is_some() || t.key.is_some() {
        return Err(Diagnostic::error("Configuration generation for count and for_each resources not supported", Some(import.span.clone())).with_detail(format!(
            "The resource block for {} does not exist, and configuration cannot be generated for an import block with for_each or an instance key. Write the resource block with its for_each by hand.",
            t.static_address()
        )));
    }
    let key: ProviderKey = match &import.provider {
        Some((p, _)) => (p.name.clone(), p.alias.clone()),
        None => (t.ty.split('_').next().unwrap_or(&t.ty).to_string(), None),
    };
    let schema = providers
        .get(&key.0)
        .and_then(|p| p.schema().resources.get(&t.ty))
        .ok_or_else(|| {
            Diagnostic::error("Invalid resource type", Some(import.to.span())).with_detail(format!(
                "No provider of iac has the resource type \"{}\" (the provider \"{}\" is {}).",
                t.ty,
                key.0,
                if providers.contains_key(&key.0) {
                    "known"
                } else {
                    "unknown"
                }
            ))
        })?;
    let needed = references(&import.id).into_iter().filter_map(|r| {
        let name = r.attrs.first()?.clone();
        let kind = match r.root.as_str() {
            "var" => NodeKind::Variable(name),
            "local" => NodeKind::Local(name),
            _ => return None,
        };
        Some(Node {
            module: vec![],
            kind,
        })
    });
    evaluate_nodes(stack, walk, needed).await?;
    let id = walk.with_scope(&ModuleInstance::root(), Repetition::default(), |ctx| {
        import_id(&import.id, ctx)
    })?;
    configure_provider(stack, walk, &key).await?;
    let client = walk.client(&key).await?;
    let addr = crate::addr::ResourceAddr {
        module: ModuleInstance::root(),
        mode: Mode::Managed,
        ty: t.ty.clone(),
        name: t.name.clone(),
    }
    .instance(crate::addr::InstanceKey::None);
    let value = client.import(&t.ty, &id).await.map_err(|e| {
        provider_error(&addr, &format!("importing \"{id}\""), &e)
            .with_related(import.span.clone(), "imported by this block")
    })?;
    let paths = schema.sensitive_paths(&value);
    Ok(ToGenerate {
        import,
        id,
        schema,
        value: value.mark_paths(&paths),
    })
}
