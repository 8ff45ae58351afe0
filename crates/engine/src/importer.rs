//! `iac import ADDR ID`: adopt an existing object into the state.

use std::collections::{BTreeMap, HashSet};

use iac_lang::Diagnostic;
use iac_lang::config::Mode;
use iac_state::{InstanceStatus, ResourceState};
use iac_value::Value;
use petgraph::graph::NodeIndex;

use crate::addr::InstanceAddr;
use crate::graph::{Node, NodeKind};
use crate::planner::provider_error;
use crate::stateval::to_state_parts;
use crate::walk::{ProviderKey, Providers, Walk, provider_address};
use crate::{Stack, resource_dependencies, sched};

/// Reads the object `id` through the provider of the resource block at `addr` and
/// returns its state entry. The block must exist in the configuration.
pub async fn import(
    stack: &Stack,
    providers: &Providers,
    vars: &BTreeMap<String, Value>,
    addr: &InstanceAddr,
    id: &str,
) -> Result<ResourceState, Diagnostic> {
    let r = &addr.resource;
    let path = r.module.static_path();
    let res = stack.tree.at(&path).and_then(|t| t.module.resource(r.mode, &r.ty, &r.name)).filter(|_| r.mode == Mode::Managed).ok_or_else(|| {
        Diagnostic::error("Configuration for import target does not exist", None).with_detail(format!(
            "The configuration has no resource block for {}. Before importing it, add a block such as:\n\nresource \"{}\" \"{}\" {{\n  # (arguments)\n}}",
            r, r.ty, r.name
        ))
    })?;
    let keyed = res.count.is_some() || res.for_each.is_some();
    if keyed == (addr.key == crate::addr::InstanceKey::None) {
        return Err(Diagnostic::error("Invalid import address", Some(res.span.clone())).with_detail(if keyed {
            format!("{r} uses count or for_each: import one instance of it, such as {r}[0] or {r}[\"key\"].")
        } else {
            format!("{r} has neither count nor for_each: import it without an instance key.")
        }));
    }
    let schema = providers
        .get(res.provider_name())
        .and_then(|p| p.schema().resources.get(&res.ty))
        .ok_or_else(|| crate::unknown_type(res, providers))?;
    let key: ProviderKey = crate::walk::provider_key(&stack.tree, &path, res);
    let walk = Walk::new(stack, providers, vars, 1);
    configure_provider(stack, &walk, &key).await?;
    let client = walk.client(&key).await?;
    let value = client
        .import(&res.ty, id)
        .await
        .map_err(|e| provider_error(addr, "importing", &e))?;
    let value = value.clone().mark_paths(&schema.sensitive_paths(&value));
    let (attributes, sensitive_attributes) = to_state_parts(&value, Some(schema));
    let node = Node {
        module: path,
        kind: NodeKind::Resource(r.mode, r.ty.clone(), r.name.clone()),
    };
    let dependencies = stack
        .graph
        .index
        .get(&node)
        .and_then(|i| resource_dependencies(&stack.graph).remove(i))
        .unwrap_or_default();
    Ok(ResourceState {
        address: addr.to_string(),
        mode: "managed".into(),
        type_name: r.ty.clone(),
        provider: provider_address(&key),
        attributes,
        sensitive_attributes,
        dependencies,
        status: InstanceStatus::Ready,
        create_before_destroy: res.lifecycle.create_before_destroy,
        deposed: None,
    })
}

/// The configured client of the root module's default configuration of `provider`, as
/// importing configures it: for reading objects that no resource block names yet.
pub async fn root_provider_client(
    stack: &Stack,
    providers: &Providers,
    vars: &BTreeMap<String, Value>,
    provider: &str,
) -> Result<std::sync::Arc<dyn iac_provider::ProviderClient>, Diagnostic> {
    let key: ProviderKey = (provider.to_string(), None);
    let walk = Walk::new(stack, providers, vars, 1);
    configure_provider(stack, &walk, &key).await?;
    walk.client(&key).await
}

/// Evaluates the provider block (and what it refers to) and configures it.
pub(crate) async fn configure_provider(
    stack: &Stack,
    walk: &Walk<'_>,
    key: &ProviderKey,
) -> Result<(), Diagnostic> {
    let node = Node {
        module: vec![],
        kind: NodeKind::Provider(key.0.clone(), key.1.clone()),
    };
    evaluate_nodes(stack, walk, [node]).await
}

/// Evaluates root-module `nodes` (variables, locals, provider blocks) and what they
/// refer to, as [`evaluate`] does.
pub(crate) async fn evaluate_nodes(
    stack: &Stack,
    walk: &Walk<'_>,
    nodes: impl IntoIterator<Item = Node>,
) -> Result<(), Diagnostic> {
    let roots = nodes
        .into_iter()
        .filter_map(|n| stack.graph.index.get(&n).copied())
        .collect();
    evaluate(stack, walk, roots).await
}

/// Evaluates the non-resource nodes `roots` and what they refer to (variables, locals,
/// providers), as `import`, import blocks and `query` need them before any plan; a
/// resource among them is an error.
pub(crate) async fn evaluate(
    stack: &Stack,
    walk: &Walk<'_>,
    roots: Vec<NodeIndex>,
) -> Result<(), Diagnostic> {
    let mut subset: HashSet<NodeIndex> = HashSet::new();
    let mut todo = roots;
    while let Some(n) = todo.pop() {
        if subset.insert(n) {
            todo.extend(stack.graph.dependencies(n));
        }
    }
    let outcomes = sched::run(&stack.graph.graph, &subset, &iac_provider::Stop::new(), |n| async move {
        match stack.graph.graph[n].kind {
            NodeKind::Resource(..) => {
                walk.report(Diagnostic::error("Provider configuration depends on a resource", None)
                    .with_detail("The provider block or an import id refers to a resource, which cannot be known before a plan."));
                false
            }
            _ => walk.eval_node(&stack.graph.graph[n]).await,
        }
    })
    .await;
    if outcomes.values().all(|o| *o == sched::Outcome::Succeeded) {
        return Ok(());
    }
    let diags = std::mem::take(&mut *walk.diags.lock().expect("diagnostics lock"));
    Err(diags
        .0
        .into_iter()
        .next()
        .unwrap_or_else(|| Diagnostic::error("Failed to configure the provider", None)))
}
