//! `import` blocks: checked against the configuration when the stack loads, evaluated
//! into the instances they adopt while planning (`for_each`, `each.*` in `to` and `id`),
//! and read through the provider when their target has no object yet.

use std::collections::BTreeMap;

use iac_lang::config::{Expr, Import, Mode, ModuleTree, Resource};
use iac_lang::eval::{EvalContext, evaluate};
use iac_lang::{Diagnostic, Diagnostics, Span};
use iac_provider::{ProviderClient, Schema};
use iac_value::Value;

use crate::addr::{InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr};
use crate::expand::expansion;
use crate::values::Repetition;
use crate::walk::Walk;

/// One instance an import block adopts.
#[derive(Debug, Clone)]
pub(crate) struct ImportInstance {
    pub addr: InstanceAddr,
    pub id: String,
    /// The block's header, for errors.
    pub span: Span,
}

/// The import blocks whose target has no resource block (what `-generate-config-out`
/// writes configuration for).
pub fn missing_targets(tree: &ModuleTree) -> Vec<&Import> {
    tree.module
        .imports
        .iter()
        .filter(|i| target_block(tree, i).is_none())
        .collect()
}

/// The resource block an import block's `to` names, if the configuration has it.
pub(crate) fn target_block<'a>(tree: &'a ModuleTree, import: &Import) -> Option<&'a Resource> {
    let t = &import.target;
    tree.at(&t.module_path())?
        .module
        .resource(Mode::Managed, &t.ty, &t.name)
}

/// Terraform's static checks of import blocks: a target block exists (unless
/// configuration is being generated for it), its provider is the import's, and no two
/// blocks without `for_each` name the same instance.
pub(crate) fn check(tree: &ModuleTree, generating: bool) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut seen: BTreeMap<String, &Import> = BTreeMap::new();
    for import in &tree.module.imports {
        let t = &import.target;
        match target_block(tree, import) {
            None if !generating => diags.push(
                Diagnostic::error("Configuration for import target does not exist", Some(import.to.span()))
                    .with_detail(format!(
                        "The configuration for the given import target {} does not exist. If you wish to automatically generate config for this resource, use the -generate-config-out option within iac plan. Otherwise, make sure the target resource exists within your configuration. For example:\n\n  resource \"{}\" \"{}\" {{\n    # (resource arguments)\n  }}",
                        t.static_address(), t.ty, t.name
                    )),
            ),
            None => {}
            Some(res) => {
                if let Some((provider, span)) = &import.provider {
                    let used = tree.provider_of(&t.module_path(), res);
                    if *provider != used {
                        diags.push(
                            Diagnostic::error("Invalid import provider argument", Some(span.clone()))
                                .with_detail(format!("The provider argument in the target resource block must match the import block: the import names {provider}, {} uses {used}.", t.static_address()))
                                .with_related(res.span.clone(), "the target resource block"),
                        );
                    }
                }
            }
        }
        if import.for_each.is_none()
            && let Some(text) = crate::exprs::address_text(&import.to)
        {
            if let Some(first) = seen.get(&text) {
                diags.push(duplicate(&text, import, first.span.clone()));
            } else {
                seen.insert(text, import);
            }
        }
    }
    diags
}

fn duplicate(addr: &str, import: &Import, first: Span) -> Diagnostic {
    Diagnostic::error(format!("Duplicate import configuration for \"{addr}\""), Some(import.span.clone()))
        .with_detail(format!("An import block for the resource \"{addr}\" was already declared. A resource can have only one import block."))
        .with_related(first, "the first import block for it")
}

/// Evaluates the import blocks whose `to` names `res` (in the module at `path`), and
/// checks that each instance they name is one the block declares.
pub(crate) fn instances_for(
    walk: &Walk<'_>,
    path: &[String],
    res: &Resource,
    declared: &[InstanceAddr],
) -> Result<BTreeMap<InstanceAddr, ImportInstance>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut out: BTreeMap<InstanceAddr, ImportInstance> = BTreeMap::new();
    let imports = walk.tree().module.imports.iter().filter(|i| {
        i.target.module_path() == path && i.target.ty == res.ty && i.target.name == res.name
    });
    for import in imports {
        let instances = match expand(walk, import) {
            Ok(i) => i,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        for inst in instances {
            if !declared.contains(&inst.addr) {
                diags.push(
                    Diagnostic::error("Configuration for import target does not exist", Some(import.to.span()))
                        .with_detail(format!("The configuration for the given import {} does not exist. All target instances must have an associated configuration to be imported.", inst.addr))
                        .with_related(res.span.clone(), "the resource block, whose count or for_each has no such instance"),
                );
            } else if let Some(first) = out.get(&inst.addr) {
                diags.push(duplicate(
                    &inst.addr.to_string(),
                    import,
                    first.span.clone(),
                ));
            } else {
                out.insert(inst.addr.clone(), inst);
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// The instances one import block names: one, or one per `for_each` element.
fn expand(walk: &Walk<'_>, import: &Import) -> Result<Vec<ImportInstance>, Diagnostic> {
    let root = ModuleInstance::root();
    let reps = match &import.for_each {
        None => vec![Repetition::default()],
        Some(for_each) => {
            let exp = walk.with_scope(&root, Repetition::default(), |ctx| {
                expansion(None, Some(for_each), ctx)
            })?;
            exp.keys()
                .into_iter()
                .map(|k| Repetition {
                    each_value: exp.each_value(&k),
                    key: Some(k),
                })
                .collect()
        }
    };
    reps.into_iter()
        .map(|rep| walk.with_scope(&root, rep, |ctx| instance(import, ctx)))
        .collect()
}

fn instance(import: &Import, ctx: &EvalContext) -> Result<ImportInstance, Diagnostic> {
    let t = &import.target;
    let mut module = ModuleInstance::root();
    for (name, key) in &t.modules {
        module = module.child(name, instance_key(key.as_ref(), ctx)?);
    }
    let addr = ResourceAddr {
        module,
        mode: Mode::Managed,
        ty: t.ty.clone(),
        name: t.name.clone(),
    }
    .instance(instance_key(t.key.as_ref(), ctx)?);
    Ok(ImportInstance {
        addr,
        id: import_id(&import.id, ctx)?,
        span: import.span.clone(),
    })
}

fn instance_key(key: Option<&Expr>, ctx: &EvalContext) -> Result<InstanceKey, Diagnostic> {
    let Some(expr) = key else {
        return Ok(InstanceKey::None);
    };
    let bad = |detail: &str| {
        Diagnostic::error("Invalid import address", Some(expr.span()))
            .with_detail(detail.to_string())
    };
    match evaluate(expr, ctx)?.into_unmarked().0 {
        Value::String(s) => Ok(InstanceKey::Str(s)),
        Value::Number(n) if n.fract() == 0.0 && n >= 0.0 => Ok(InstanceKey::Int(n as i64)),
        Value::Unknown => Err(bad(
            "The instance key depends on values that cannot be determined until apply.",
        )),
        other => Err(bad(&format!(
            "An instance key must be a string or a whole number, not {}.",
            other.type_name()
        ))),
    }
}

pub(crate) fn import_id(expr: &Expr, ctx: &EvalContext) -> Result<String, Diagnostic> {
    let bad = |detail: &str| {
        Diagnostic::error("Invalid import id argument", Some(expr.span()))
            .with_detail(detail.to_string())
    };
    match evaluate(expr, ctx)?.into_unmarked().0 {
        Value::String(s) if s.is_empty() => Err(bad("The import ID cannot be empty.")),
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(iac_value::display_number(n)),
        Value::Null => Err(bad("The import ID cannot be null.")),
        Value::Unknown => Err(bad(
            "The import block \"id\" argument depends on resource attributes that cannot be determined until apply, so iac cannot plan to import this resource.",
        )),
        other => Err(bad(&format!(
            "The import ID value is unsuitable: a string is required, not {}.",
            other.type_name()
        ))),
    }
}

/// Reads the object an import block names, with the schema's sensitive marks.
pub(crate) async fn read(
    client: &dyn ProviderClient,
    schema: &Schema,
    import: &ImportInstance,
) -> Result<Value, Diagnostic> {
    let addr = &import.addr;
    let value = client
        .import(&addr.resource.ty, &import.id)
        .await
        .map_err(|e| {
            let place = e.operation.as_deref().map(|op| format!(" ({op})")).unwrap_or_default();
            Diagnostic::error(format!("Cannot import {addr} from id \"{}\"", import.id), Some(import.span.clone()))
                .with_detail(format!("{}{place}\n\nOnly objects that exist can be imported: check that the id is right and that the object is in the region or endpoint the provider is configured for.", e.message))
        })?;
    // In the shape the state gives it (sets as sets), as a refreshed object has it.
    let (attributes, sensitive) = crate::stateval::to_state_parts(&value, Some(schema));
    Ok(crate::stateval::value_from_json(
        &attributes,
        Some(schema),
        &crate::stateval::paths_from_json(&sensitive),
    ))
}
