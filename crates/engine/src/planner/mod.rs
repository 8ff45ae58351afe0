//! Planning: refresh what exists, evaluate the configuration, and decide per resource
//! instance whether to create, update, replace, delete, read or leave it; `orphans`, what
//! the state holds that nothing declares.

mod orphans;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use iac_lang::config::{Mode, Resource};
use iac_lang::{Diagnostic, Diagnostics};
use iac_provider::Schema;
use iac_state::{InstanceStatus, OutputState, State};
use iac_value::Value;
use petgraph::graph::NodeIndex;

use crate::addr::{InstanceAddr, ModuleInstance, Target};
use crate::decode::decode_body;
use crate::exprs::expr_target;
use crate::graph::{Node, NodeKind};
use crate::import_blocks::ImportInstance;
use crate::plan::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use crate::proposal::{propose, replace_paths};
use crate::recovery::Resolved;
use crate::sched::{self, Outcome};
use crate::stateval::{paths_from_json, state_value};
use crate::values::Repetition;
use crate::walk::{ProviderKey, Providers, Walk, provider_address};
use crate::{Stack, resource_dependencies};

/// How to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub mode: PlanMode,
    /// Read every object's current state from its provider first.
    pub refresh: bool,
    /// Plan only these and what they depend on (empty: everything).
    pub targets: Vec<Target>,
    /// Instances to replace even if nothing forces it.
    pub replace: Vec<InstanceAddr>,
    /// Provider operations in flight at once.
    pub parallelism: usize,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            mode: PlanMode::Normal,
            refresh: true,
            targets: Vec::new(),
            replace: Vec::new(),
            parallelism: 10,
        }
    }
}

/// What every instance of one resource block is planned with.
struct Block<'a> {
    res: &'a Resource,
    schema: &'a Schema,
    client: &'a dyn iac_provider::ProviderClient,
    provider: &'a ProviderKey,
    /// The managed resources it depends on, recorded in state.
    dependencies: Vec<String>,
}

struct Planner<'a> {
    walk: Walk<'a>,
    opts: &'a PlanOptions,
    /// The prior state, refreshed as the walk goes.
    prior: Mutex<State>,
    changes: Mutex<Vec<ResourceChange>>,
    drift: Mutex<Vec<ResourceChange>>,
    seen: Mutex<HashSet<String>>,
    moved_from: HashMap<String, String>,
    deps: HashMap<NodeIndex, Vec<String>>,
    /// Nodes named by `-target` themselves (their instances are filtered by the targets).
    direct_targets: HashSet<NodeIndex>,
}

/// Makes a plan for `stack` against `stored` state.
pub async fn plan(
    stack: &Stack,
    providers: &Providers,
    stored: &State,
    vars: &BTreeMap<String, Value>,
    opts: &PlanOptions,
) -> Result<Plan, Diagnostics> {
    let mut prior = stored.clone();
    let moved_from = crate::moves::apply(&stack.moves, &mut prior);
    let graph = &stack.graph;
    let (subset, direct_targets) = target_subset(stack, &opts.targets);
    let planner = Planner {
        walk: Walk::new(stack, providers, vars, opts.parallelism),
        opts,
        prior: Mutex::new(prior),
        changes: Mutex::new(Vec::new()),
        drift: Mutex::new(Vec::new()),
        seen: Mutex::new(HashSet::new()),
        moved_from,
        deps: resource_dependencies(graph),
        direct_targets,
    };
    // Planning changes nothing: an interrupt drops it, provider waits and all.
    let outcomes = sched::run(&graph.graph, &subset, &iac_provider::Stop::new(), |idx| {
        planner.plan_node(idx)
    })
    .await;
    let walk_failed = outcomes.values().any(|o| *o != Outcome::Succeeded);
    if !walk_failed || opts.mode == PlanMode::Destroy {
        planner.plan_orphans().await;
    }
    let mut diags = planner.walk.diags.into_inner().expect("diagnostics lock");
    if diags.has_errors() || walk_failed {
        if !diags.has_errors() {
            diags.push(
                Diagnostic::error("Planning stopped", None)
                    .with_detail("A step failed without a message; see the log."),
            );
        }
        return Err(diags);
    }
    let values = planner.walk.values.into_inner().expect("values lock");
    let prior = planner.prior.into_inner().expect("prior lock");
    let mut changes = planner.changes.into_inner().expect("changes lock");
    changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut drift = planner.drift.into_inner().expect("drift lock");
    drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    let outputs = plan_outputs(stack, &prior, &values, opts.mode);
    Ok(Plan {
        mode: opts.mode,
        changes,
        drift,
        outputs,
        prior_state: prior,
        state_lineage: stored.lineage.clone(),
        state_serial: stored.serial,
        variables: vars.clone(),
        config_digest: stack.digest.clone(),
        targets: opts.targets.iter().map(ToString::to_string).collect(),
        warnings: diags,
    })
}

fn plan_outputs(
    stack: &Stack,
    prior: &State,
    values: &crate::values::Values,
    mode: PlanMode,
) -> BTreeMap<String, OutputChange> {
    let mut out = BTreeMap::new();
    for (name, o) in &stack.tree.module.outputs {
        let before = prior
            .outputs
            .get(name)
            .map(|s| Value::from_json(&s.value).mark_if(s.sensitive));
        let after = match mode {
            PlanMode::Destroy => None,
            _ => values
                .outputs
                .get(&(ModuleInstance::root(), name.clone()))
                .cloned(),
        };
        let before = recorded_as(before, after.as_ref());
        out.insert(
            name.clone(),
            OutputChange {
                before,
                after,
                sensitive: o.sensitive,
            },
        );
    }
    for (name, s) in &prior.outputs {
        out.entry(name.clone()).or_insert_with(|| OutputChange {
            before: Some(Value::from_json(&s.value).mark_if(s.sensitive)),
            after: None,
            sensitive: s.sensitive,
        });
    }
    out
}

/// The outputs as the state records them after an apply.
pub fn outputs_for_state(values: &BTreeMap<String, Value>) -> BTreeMap<String, OutputState> {
    values
        .iter()
        .filter(|(_, v)| v.is_wholly_known())
        .map(|(k, v)| {
            (
                k.clone(),
                OutputState {
                    value: v.to_json(),
                    sensitive: v.contains_sensitive(),
                },
            )
        })
        .collect()
}

/// The nodes to walk for `targets` (all when empty), and those named directly.
fn target_subset(stack: &Stack, targets: &[Target]) -> (HashSet<NodeIndex>, HashSet<NodeIndex>) {
    let graph = &stack.graph;
    if targets.is_empty() {
        return (graph.graph.node_indices().collect(), HashSet::new());
    }
    let direct: HashSet<NodeIndex> = graph
        .graph
        .node_indices()
        .filter(|&n| {
            let node = &graph.graph[n];
            targets.iter().any(|t| match (t, &node.kind) {
                (Target::Module(m), _) => node.module.starts_with(&m.static_path()),
                (Target::Resource(r), NodeKind::Resource(mode, ty, name)) => {
                    node.module == r.module.static_path()
                        && *mode == r.mode
                        && *ty == r.ty
                        && *name == r.name
                }
                (Target::Instance(i), NodeKind::Resource(mode, ty, name)) => {
                    let r = &i.resource;
                    node.module == r.module.static_path()
                        && *mode == r.mode
                        && *ty == r.ty
                        && *name == r.name
                }
                _ => false,
            })
        })
        .collect();
    let mut all = HashSet::new();
    let mut stack_: Vec<NodeIndex> = direct.iter().copied().collect();
    while let Some(n) = stack_.pop() {
        if all.insert(n) {
            stack_.extend(graph.dependencies(n));
        }
    }
    (all, direct)
}

impl Planner<'_> {
    async fn plan_node(&self, idx: NodeIndex) -> bool {
        let node = &self.walk.stack.graph.graph[idx];
        match &node.kind {
            NodeKind::Resource(..) => {
                self.plan_resource(idx, node, self.walk.resource_of(node))
                    .await
            }
            _ => self.walk.eval_node(node).await,
        }
    }

    fn targeted(&self, idx: NodeIndex, addr: &InstanceAddr) -> bool {
        !self.direct_targets.contains(&idx) || self.opts.targets.iter().any(|t| t.contains(addr))
    }

    async fn plan_resource(&self, idx: NodeIndex, node: &Node, res: &Resource) -> bool {
        let Some(schema) = self.walk.schema(res) else {
            self.walk
                .report(crate::unknown_type(res, self.walk.providers));
            return false;
        };
        let provider: ProviderKey = crate::walk::provider_key(self.walk.tree(), &node.module, res);
        let client = match self.walk.client(&provider).await {
            Ok(c) => c,
            Err(d) => {
                self.walk
                    .report(d.with_related(res.span.clone(), "used by this resource"));
                return false;
            }
        };
        let Some(instances) = self.walk.expand_resource(&node.module, res) else {
            return false;
        };
        let imports = if self.opts.mode == PlanMode::Normal && res.mode == Mode::Managed {
            let declared: Vec<InstanceAddr> = instances.iter().map(|(a, _)| a.clone()).collect();
            match crate::import_blocks::instances_for(&self.walk, &node.module, res, &declared) {
                Ok(i) => i,
                Err(ds) => {
                    self.walk.report_all(ds.0);
                    return false;
                }
            }
        } else {
            BTreeMap::new()
        };
        let imports = &imports;
        let block = Block {
            res,
            schema,
            client: &*client,
            provider: &provider,
            dependencies: self.deps.get(&idx).cloned().unwrap_or_default(),
        };
        let block = &block;
        let results =
            futures::future::join_all(instances.into_iter().map(|(addr, rep)| async move {
                if !self.targeted(idx, &addr) {
                    self.seen
                        .lock()
                        .expect("seen lock")
                        .insert(addr.to_string());
                    self.walk.use_recorded_value(&addr, &self.prior, schema);
                    return true;
                }
                let import = imports.get(&addr);
                self.plan_instance(block, addr, rep, import).await
            }))
            .await;
        results.into_iter().all(|ok| ok)
    }

    /// Reads the current object through the provider and records any drift.
    async fn refresh(
        &self,
        addr: &InstanceAddr,
        schema: &Schema,
        client: &dyn iac_provider::ProviderClient,
    ) -> Result<Option<(Value, bool)>, Diagnostic> {
        if let Resolved::Adopted(warning) =
            crate::recovery::resolve(&self.prior, addr, Some(schema), client).await?
        {
            self.walk.report(warning);
        }
        let key = addr.to_string();
        let Some(stored) = self
            .prior
            .lock()
            .expect("prior lock")
            .resource(&key)
            .cloned()
        else {
            return Ok(None);
        };
        let prior = state_value(&stored, Some(schema));
        let tainted = stored.status == InstanceStatus::Tainted;
        if !self.opts.refresh || addr.resource.mode == Mode::Data {
            return Ok(Some((prior, tainted)));
        }
        let read = {
            let _permit = self.walk.limit.acquire().await.expect("semaphore open");
            client
                .read(&addr.resource.ty, &prior.clone().unmark_deep().0)
                .await
        };
        let read = read.map_err(|e| provider_error(addr, "reading", &e))?;
        let mut prior_state = self.prior.lock().expect("prior lock");
        match read {
            None => {
                prior_state.remove(&key);
                self.drift.lock().expect("drift lock").push(drift_change(
                    addr,
                    &stored,
                    Some(prior),
                    None,
                ));
                Ok(None)
            }
            Some(current) => {
                // The provider knows the schema's sensitive attributes only; the marks the
                // configuration gave (a sensitive variable in `tags`) are in the state.
                let recorded = paths_from_json(&stored.sensitive_attributes);
                let current = current.mark_paths(&recorded);
                let paths = schema.sensitive_paths(&current);
                let current = current.mark_paths(&paths);
                let (attributes, sensitive_attributes) =
                    crate::stateval::to_state_parts(&current, Some(schema));
                // Against the prior value in the schema's shape, so that state written
                // in an older shape reads as no drift.
                let (recorded, _) = crate::stateval::to_state_parts(&prior, Some(schema));
                if attributes != recorded {
                    self.drift.lock().expect("drift lock").push(drift_change(
                        addr,
                        &stored,
                        Some(prior),
                        Some(current.clone()),
                    ));
                }
                prior_state.upsert(iac_state::ResourceState {
                    attributes,
                    sensitive_attributes,
                    ..stored
                });
                Ok(Some((current, tainted)))
            }
        }
    }

    /// The prior object with the `config_only` attributes it never recorded taken from
    /// `config` (the configuration, or the object planned from it), also in the
    /// refreshed state that apply saves.
    fn adopt_config_only(
        &self,
        addr: &InstanceAddr,
        schema: &Schema,
        prior: Value,
        config: &Value,
    ) -> Value {
        let adopted = crate::proposal::adopt_config_only(schema, prior.clone(), config);
        if adopted == prior {
            return prior;
        }
        let adopted = adopted
            .clone()
            .mark_paths(&schema.sensitive_paths(&adopted));
        let mut state = self.prior.lock().expect("prior lock");
        if let Some(stored) = state.resource(&addr.to_string()).cloned() {
            let (attributes, sensitive_attributes) =
                crate::stateval::to_state_parts(&adopted, Some(schema));
            state.upsert(iac_state::ResourceState {
                attributes,
                sensitive_attributes,
                ..stored
            });
        }
        adopted
    }

    async fn plan_instance(
        &self,
        block: &Block<'_>,
        addr: InstanceAddr,
        rep: Repetition,
        import: Option<&ImportInstance>,
    ) -> bool {
        let Block {
            res,
            schema,
            client,
            provider,
            ..
        } = *block;
        let dependencies = block.dependencies.clone();
        let key = addr.to_string();
        self.seen.lock().expect("seen lock").insert(key.clone());
        // An import block adopts the object only where the state has none: once
        // imported, the block plans nothing (also when the object is gone since).
        let import = import.filter(|_| {
            self.opts.mode == PlanMode::Normal
                && self
                    .prior
                    .lock()
                    .expect("prior lock")
                    .resource(&key)
                    .is_none()
        });
        let refreshed = match self.refresh(&addr, schema, client).await {
            Ok(r) => r,
            Err(d) => {
                self.walk.report(d);
                return false;
            }
        };
        let mut importing = None;
        let (prior, tainted) = match (refreshed, import) {
            (Some((v, t)), _) => (Some(v), t),
            (None, Some(import)) => {
                let read = {
                    let _permit = self.walk.limit.acquire().await.expect("semaphore open");
                    crate::import_blocks::read(client, schema, import).await
                };
                match read {
                    Ok(v) => {
                        importing = Some(import.id.clone());
                        (Some(v), false)
                    }
                    Err(d) => {
                        self.walk.report(d);
                        return false;
                    }
                }
            }
            (None, _) => (None, false),
        };
        if matches!(self.opts.mode, PlanMode::Destroy | PlanMode::RefreshOnly) {
            if self.opts.mode == PlanMode::Destroy {
                self.seen.lock().expect("seen lock").remove(&key);
            }
            self.walk
                .set_instance_value(&addr, prior.clone().unwrap_or(Value::Unknown));
            return true;
        }
        let module = addr.resource.module.clone();
        let config = self.walk.with_scope(&module, rep, |ctx| {
            decode_body(&res.body, schema, ctx, &res.span)
        });
        let config = match config {
            Ok(c) => c,
            Err(ds) => {
                self.walk.report_all(ds);
                return false;
            }
        };
        let recorded = prior;
        let prior = recorded
            .clone()
            .map(|p| self.adopt_config_only(&addr, schema, p, &config));
        let problems = client.validate(&res.ty, &config);
        if !problems.is_empty() {
            self.walk.report_all(crate::validation::diagnostics(
                res, schema, &config, problems,
            ));
            return false;
        }
        let base = ResourceChange {
            addr: addr.clone(),
            provider: provider_address(provider),
            action: Action::NoOp,
            reason: None,
            before: prior.clone(),
            after: None,
            replace_paths: Vec::new(),
            moved_from: self.moved_from.get(&key).cloned(),
            dependencies,
            create_before_destroy: res.lifecycle.create_before_destroy,
            deposed: None,
            importing,
        };
        if res.mode == Mode::Data {
            return self.plan_data(res, schema, client, base, config).await;
        }
        let planned =
            match self
                .walk
                .plan_object(res, schema, client, &addr, prior.as_ref(), &config)
            {
                Ok(p) => p,
                Err(d) => {
                    self.walk.report(d);
                    return false;
                }
            };
        let (mut planned, extra_replace) = planned;
        // What was adopted is recorded as the provider plans it (`user_data` as the
        // digest the state keeps), so that it compares with what is planned.
        let prior = match recorded {
            Some(r) if prior.as_ref() != Some(&r) => {
                Some(self.adopt_config_only(&addr, schema, r, &planned))
            }
            _ => prior,
        };
        let mut change = ResourceChange {
            before: prior.clone(),
            ..base
        };
        match &prior {
            None => {
                change.action = Action::Create;
            }
            Some(p) => {
                let mut paths = replace_paths(schema, p, &planned);
                paths.extend(extra_replace);
                let reason = if tainted {
                    Some(Reason::ReplaceBecauseTainted)
                } else if self.opts.replace.contains(&addr) {
                    Some(Reason::ReplaceByRequest)
                } else if !paths.is_empty() {
                    Some(Reason::ReplaceBecauseCannotUpdate)
                } else if self.triggered(res, &module) {
                    Some(Reason::ReplaceByTriggers)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    planned = match self
                        .walk
                        .plan_object(res, schema, client, &addr, None, &config)
                    {
                        Ok((p, _)) => p,
                        Err(d) => {
                            self.walk.report(d);
                            return false;
                        }
                    };
                    change.action = if res.lifecycle.create_before_destroy {
                        Action::CreateThenDelete
                    } else {
                        Action::Replace
                    };
                    change.reason = Some(reason);
                    change.replace_paths = paths;
                } else if crate::proposal::changes_object(p, &planned) {
                    change.action = Action::Update;
                }
            }
        }
        if change.action.deletes() && res.lifecycle.prevent_destroy {
            self.walk.report(prevent_destroy_error(&addr, res));
            return false;
        }
        self.walk.set_instance_value(&addr, planned.clone());
        change.after = Some(planned);
        self.changes.lock().expect("changes lock").push(change);
        true
    }

    fn triggered(&self, res: &Resource, module: &ModuleInstance) -> bool {
        if res.lifecycle.replace_triggered_by.is_empty() {
            return false;
        }
        let changes = self.changes.lock().expect("changes lock");
        res.lifecycle
            .replace_triggered_by
            .iter()
            .filter_map(|e| expr_target(e).ok())
            .any(|t| {
                let t = match t {
                    Target::Resource(mut r) => {
                        r.module = module.clone();
                        Target::Resource(r)
                    }
                    Target::Instance(mut i) => {
                        i.resource.module = module.clone();
                        Target::Instance(i)
                    }
                    other => other,
                };
                changes.iter().any(|c| {
                    t.contains(&c.addr)
                        && matches!(
                            c.action,
                            Action::Update | Action::Replace | Action::CreateThenDelete
                        )
                })
            })
    }

    async fn plan_data(
        &self,
        res: &Resource,
        schema: &Schema,
        client: &dyn iac_provider::ProviderClient,
        mut change: ResourceChange,
        config: Value,
    ) -> bool {
        let addr = change.addr.clone();
        // As in Terraform, a data source is read during apply when its configuration
        // is not known yet, or when a resource it depends on is about to change (it
        // would otherwise see the world before the change).
        let deferred = if !config.is_wholly_known() {
            Some(Reason::ReadBecauseConfigUnknown)
        } else if self.dependency_pending(&change.dependencies) {
            Some(Reason::ReadBecauseDependencyPending)
        } else {
            None
        };
        if let Some(reason) = deferred {
            let after = propose(schema, None, &config);
            self.walk.set_instance_value(&addr, after.clone());
            change.action = Action::Read;
            change.reason = Some(reason);
            change.after = Some(after);
            change.before = None;
            self.changes.lock().expect("changes lock").push(change);
            return true;
        }
        let result = {
            let _permit = self.walk.limit.acquire().await.expect("semaphore open");
            client
                .read_data(&res.ty, &config.clone().unmark_deep().0)
                .await
        };
        match result {
            Ok(v) => {
                let (_, marks) = config.unmark_deep();
                let v = v.mark_paths(&marks);
                let v = v.clone().mark_paths(&schema.sensitive_paths(&v));
                self.walk.set_instance_value(&addr, v.clone());
                change.after = Some(v);
                self.changes.lock().expect("changes lock").push(change);
                true
            }
            Err(e) => {
                self.walk.report(
                    provider_error(&addr, "reading data source", &e)
                        .with_related(res.span.clone(), "declared here"),
                );
                false
            }
        }
    }

    /// Whether any of `dependencies` (resource addresses) has a change planned.
    fn dependency_pending(&self, dependencies: &[String]) -> bool {
        self.changes.lock().expect("changes lock").iter().any(|c| {
            c.action != Action::NoOp
                && c.addr.resource.mode == Mode::Managed
                && dependencies.contains(&crate::static_address(&c.addr))
        })
    }
}

fn drift_change(
    addr: &InstanceAddr,
    stored: &iac_state::ResourceState,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceChange {
    ResourceChange {
        addr: addr.clone(),
        provider: stored.provider.clone(),
        action: if after.is_some() {
            Action::Update
        } else {
            Action::Delete
        },
        reason: None,
        before,
        after,
        replace_paths: Vec::new(),
        moved_from: None,
        dependencies: Vec::new(),
        create_before_destroy: false,
        deposed: None,
        importing: None,
    }
}

fn prevent_destroy_error(addr: &InstanceAddr, res: &Resource) -> Diagnostic {
    Diagnostic::error("Instance cannot be destroyed", Some(res.span.clone())).with_detail(format!(
        "Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag."
    ))
}

/// An error from a provider, as a diagnostic naming the resource and the API operation.
pub(crate) fn provider_error(
    addr: &InstanceAddr,
    doing: &str,
    e: &iac_provider::Error,
) -> Diagnostic {
    let summary = match &e.operation {
        Some(op) => format!("{addr}: {doing} failed in {op}"),
        None => format!("{addr}: {doing} failed"),
    };
    Diagnostic::error(summary, None).with_detail(e.message.clone())
}

/// The state records an output's value without its type, so a set or a tuple reads back
/// as a list: when the recorded value is the same as the new one but for that, it is the
/// new one (no change), as in Terraform.
fn recorded_as(before: Option<Value>, after: Option<&Value>) -> Option<Value> {
    match (before, after) {
        (Some(b), Some(a))
            if a.is_wholly_known()
                && b.contains_sensitive() == a.contains_sensitive()
                && b.to_json() == a.to_json() =>
        {
            Some(a.clone())
        }
        (before, _) => before,
    }
}
