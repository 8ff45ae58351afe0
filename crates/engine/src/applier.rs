//! Applying a plan: walk the graph, starting each operation as soon as its own
//! dependencies are done, and save the state after every completed operation.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use iac_lang::config::{Mode, Resource};
use iac_lang::eval::Phase;
use iac_lang::{Diagnostic, Diagnostics};
use iac_provider::status::Status;
use iac_provider::{CreateToken, ProviderClient, Schema, Stop};
use iac_state::{Backend, InstanceStatus, PendingCreate, ResourceState, State};
use iac_value::Value;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::addr::{InstanceAddr, ModuleInstance};
use crate::decode::decode_body;
use crate::graph::NodeKind;
use crate::persist::Saver;
use crate::plan::{Action, Plan, PlanMode, ResourceChange};
use crate::planner::{outputs_for_state, provider_error};
use crate::proposal::{inconsistency, path_string};
use crate::sched::{self, Outcome};
use crate::stateval::to_state_parts;
use crate::values::Repetition;
use crate::walk::{Providers, Walk, parse_provider_address};
use crate::{Stack, static_address};

/// What the applier tells the user as it goes.
#[derive(Debug, Clone)]
pub enum Event {
    /// An operation started.
    Started { addr: String, action: Action },
    /// An operation is still running.
    Still {
        addr: String,
        action: Action,
        elapsed: Duration,
        /// What the provider is waiting on (`throttled, retrying`), if it said.
        note: Option<String>,
    },
    /// An operation finished; `id` is the object's id, when it has one.
    Finished {
        addr: String,
        action: Action,
        elapsed: Duration,
        id: Option<String>,
    },
    /// An operation failed.
    Failed { addr: String, action: Action },
    /// An `import` block's object is being recorded.
    Importing { addr: String, id: String },
    /// It is recorded; any change planned for it comes next.
    Imported { addr: String, id: String },
    /// The state could not be written (told once, when writes start failing): the apply
    /// goes on, keeping it in memory and trying again at every later save.
    StateNotSaved { place: String, error: String },
}

/// Receives apply progress.
pub trait Progress: Send + Sync {
    fn event(&self, event: Event);
}

/// How often a running operation reports that it still runs.
const STILL_EVERY: Duration = Duration::from_secs(10);

/// The result of an apply.
pub struct ApplyOutcome {
    pub state: State,
    pub diags: Diagnostics,
    /// Whether the run was stopped by an interrupt.
    pub interrupted: bool,
}

/// The provider call a resource change makes.
enum Write {
    /// A create, carrying its journaled idempotency token.
    Create(CreateToken),
    /// An in-place update of the prior object (marks removed).
    Update(Value),
}

enum ApplyNode {
    Config(NodeIndex),
    /// Deleting (or forgetting) the object of one change.
    Destroy(usize),
}

struct Applier<'a> {
    walk: Walk<'a>,
    plan: &'a Plan,
    state: Mutex<State>,
    saver: Saver<'a>,
    progress: &'a dyn Progress,
    stop: &'a Stop,
    /// This run's id, recorded in the journal entries it makes.
    run: String,
    /// The objects `create_before_destroy` replacements deposed during this apply, by
    /// address, for their destroy step to remove.
    deposed: Mutex<HashMap<String, String>>,
}

/// Applies `plan` to `stack`, saving state through `backend` after each operation.
/// Once `stop` is requested nothing new starts, and the providers' waits in flight end
/// (every provider call runs under it): what they made is recorded, tainted.
pub async fn apply(
    stack: &Stack,
    providers: &Providers,
    plan: &Plan,
    backend: &dyn Backend,
    parallelism: usize,
    stop: &Stop,
    progress: &dyn Progress,
) -> ApplyOutcome {
    let applier = Applier {
        walk: Walk::new(stack, providers, &plan.variables, parallelism).in_phase(Phase::Apply {
            plan_time: std::time::SystemTime::now(),
        }),
        plan,
        state: Mutex::new(plan.prior_state.clone()),
        saver: Saver::new(backend),
        progress,
        stop,
        run: uuid::Uuid::new_v4().to_string(),
        deposed: Mutex::new(HashMap::new()),
    };
    let (graph, subset) = applier.build_graph();
    applier.persist();
    let outcomes = stop
        .scope(sched::run(&graph, &subset, stop, |idx| {
            applier.run_node(&graph[idx])
        }))
        .await;
    let interrupted = stop.requested();
    let failed = outcomes.values().any(|o| *o == Outcome::Failed);
    if !interrupted && plan.mode != PlanMode::Destroy {
        crate::reread::dependencies_of_writes(&applier.walk, plan, &applier.state).await;
    }
    if !failed && !interrupted && outcomes.values().all(|o| *o == Outcome::Succeeded) {
        let outputs: BTreeMap<String, Value> = match plan.mode {
            PlanMode::Destroy => BTreeMap::new(),
            _ => {
                let values = applier.walk.values.lock().expect("values lock");
                stack
                    .tree
                    .module
                    .outputs
                    .keys()
                    .filter_map(|k| {
                        values
                            .outputs
                            .get(&(ModuleInstance::root(), k.clone()))
                            .map(|v| (k.clone(), v.clone()))
                    })
                    .collect()
            }
        };
        let mut state = applier.state.lock().expect("state lock");
        if plan.targets.is_empty() {
            state.outputs = outputs_for_state(&outputs);
        } else {
            state.outputs.extend(outputs_for_state(&outputs));
        }
    }
    let unsaved = applier
        .saver
        .finish(&mut applier.state.lock().expect("state lock"));
    if let Some(e) = unsaved {
        applier.walk.report(e);
    }
    let mut diags = applier.walk.diags.into_inner().expect("diagnostics lock");
    if interrupted {
        diags.push(Diagnostic::error("Apply interrupted", None).with_detail("iac started nothing new after the interrupt, stopped the operations in flight at their next wait (an object one of them had made is recorded as tainted, to be replaced by the next apply), and saved the state."));
    }
    ApplyOutcome {
        state: applier.state.into_inner().expect("state lock"),
        diags,
        interrupted,
    }
}

impl Applier<'_> {
    /// The static graph plus a node per deletion, ordered as Terraform orders them:
    /// dependents are destroyed before what they depend on; a replacement's old object
    /// is destroyed before the new one is made, or after it (and after everything that
    /// refers to it) with `create_before_destroy`.
    fn build_graph(&self) -> (DiGraph<ApplyNode, ()>, HashSet<NodeIndex>) {
        let stack = self.walk.stack;
        let mut g: DiGraph<ApplyNode, ()> = DiGraph::new();
        let config: HashMap<NodeIndex, NodeIndex> = stack
            .graph
            .graph
            .node_indices()
            .map(|n| (n, g.add_node(ApplyNode::Config(n))))
            .collect();
        for e in stack.graph.graph.edge_indices() {
            let (a, b) = stack.graph.graph.edge_endpoints(e).expect("edge");
            g.add_edge(config[&a], config[&b], ());
        }
        let resource_node = |addr: &InstanceAddr| -> Option<NodeIndex> {
            let node = crate::graph::Node {
                module: addr.resource.module.static_path(),
                kind: NodeKind::Resource(
                    addr.resource.mode,
                    addr.resource.ty.clone(),
                    addr.resource.name.clone(),
                ),
            };
            stack.graph.index.get(&node).map(|n| config[n])
        };
        let mut destroys: Vec<(NodeIndex, &ResourceChange)> = Vec::new();
        for (i, c) in self.plan.changes.iter().enumerate() {
            if !(c.action.deletes() || c.action == Action::Forget) {
                continue;
            }
            let d = g.add_node(ApplyNode::Destroy(i));
            destroys.push((d, c));
            if let Some(p) = parse_provider_address(&c.provider)
                && let Some(pn) = stack.graph.index.get(&crate::graph::Node {
                    module: vec![],
                    kind: NodeKind::Provider(p.0, p.1),
                })
            {
                g.add_edge(config[pn], d, ());
            }
            if let Some(rn) = resource_node(&c.addr) {
                match c.action {
                    Action::Replace => {
                        g.add_edge(d, rn, ());
                    }
                    Action::CreateThenDelete => {
                        g.add_edge(rn, d, ());
                        let dependents: Vec<NodeIndex> = g
                            .neighbors_directed(rn, petgraph::Direction::Outgoing)
                            .filter(|n| matches!(g[*n], ApplyNode::Config(_)))
                            .collect();
                        for dep in dependents {
                            g.add_edge(dep, d, ());
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut by_address: HashMap<String, Vec<NodeIndex>> = HashMap::new();
        for (d, c) in &destroys {
            by_address
                .entry(static_address(&c.addr))
                .or_default()
                .push(*d);
        }
        for (d, c) in &destroys {
            let mut after: Vec<NodeIndex> = c
                .dependencies
                .iter()
                .filter_map(|dep| by_address.get(dep))
                .flatten()
                .copied()
                .filter(|o| o != d)
                .collect();
            after.sort();
            after.dedup();
            for other in after {
                g.add_edge(*d, other, ());
            }
        }
        let subset: HashSet<NodeIndex> = if self.plan.targets.is_empty() {
            g.node_indices().collect()
        } else {
            let mut keep: HashSet<NodeIndex> = destroys.iter().map(|(d, _)| *d).collect();
            for c in &self.plan.changes {
                if let Some(rn) = resource_node(&c.addr) {
                    keep.insert(rn);
                }
            }
            let mut todo: Vec<NodeIndex> = keep.iter().copied().collect();
            while let Some(n) = todo.pop() {
                for dep in g.neighbors_directed(n, petgraph::Direction::Incoming) {
                    if keep.insert(dep) {
                        todo.push(dep);
                    }
                }
            }
            keep
        };
        (g, subset)
    }

    /// Saves the working state. A write the backend refuses fails no operation: the
    /// state stays in memory, every later save tries again, the user is told once, and
    /// what is still unsaved at the end goes to an errored file (`Saver::finish`). So
    /// this returns `Ok` whatever happens; callers keep their handling of an `Err`.
    fn persist(&self) {
        let mut state = self.state.lock().expect("state lock");
        if let Some(error) = self.saver.save(&mut state) {
            self.progress.event(Event::StateNotSaved {
                place: self.saver.place(),
                error,
            });
        }
    }

    async fn run_node(&self, node: &ApplyNode) -> bool {
        match node {
            ApplyNode::Destroy(i) => self.destroy(&self.plan.changes[*i]).await,
            ApplyNode::Config(idx) => {
                let node = &self.walk.stack.graph.graph[*idx];
                match &node.kind {
                    NodeKind::Resource(..) => {
                        self.apply_resource(&node.module, self.walk.resource_of(node))
                            .await
                    }
                    _ => self.walk.eval_node(node).await,
                }
            }
        }
    }

    async fn apply_resource(&self, path: &[String], res: &Resource) -> bool {
        if self.plan.mode == PlanMode::Destroy {
            return true;
        }
        let Some(schema) = self.walk.schema(res) else {
            self.walk
                .report(crate::unknown_type(res, self.walk.providers));
            return false;
        };
        let Some(instances) = self.walk.expand_resource(path, res) else {
            return false;
        };
        let key = crate::walk::provider_key(self.walk.tree(), path, res);
        let client = match self.walk.client(&key).await {
            Ok(c) => c,
            Err(d) => {
                self.walk.report(d);
                return false;
            }
        };
        let results = futures::future::join_all(instances.into_iter().map(|(addr, rep)| {
            let client = client.clone();
            async move { self.apply_instance(res, schema, &*client, addr, rep).await }
        }))
        .await;
        results.into_iter().all(|ok| ok)
    }

    async fn apply_instance(
        &self,
        res: &Resource,
        schema: &Schema,
        client: &dyn ProviderClient,
        addr: InstanceAddr,
        rep: Repetition,
    ) -> bool {
        let Some(change) = self.plan.change(&addr) else {
            if self.plan.targets.is_empty() && self.plan.mode == PlanMode::Normal {
                self.walk.report(Diagnostic::error(format!("{addr} is not in the plan"), Some(res.span.clone())).with_detail(
                    "The configuration now expands to an instance the saved plan did not include. Make a new plan.",
                ));
                return false;
            }
            self.walk.use_recorded_value(&addr, &self.state, schema);
            return true;
        };
        if let Some(id) = &change.importing {
            self.import(change, schema, id);
        }
        match change.action {
            Action::NoOp => {
                let value = change
                    .after
                    .clone()
                    .or_else(|| change.before.clone())
                    .unwrap_or(Value::Unknown);
                if res.mode == Mode::Data {
                    self.record(change, &value, schema, InstanceStatus::Ready);
                    self.persist();
                }
                self.walk.set_instance_value(&addr, value);
                true
            }
            Action::Delete | Action::Forget => true,
            Action::Read
            | Action::Create
            | Action::Update
            | Action::Replace
            | Action::CreateThenDelete => {
                let config = self.walk.with_scope(&addr.resource.module, rep, |ctx| {
                    decode_body(&res.body, schema, ctx, &res.span)
                });
                let config = match config {
                    Ok(c) => c,
                    Err(ds) => {
                        self.walk.report_all(ds);
                        return false;
                    }
                };
                if change.action == Action::Read {
                    return self.read_data(res, schema, client, change, config).await;
                }
                self.write(res, schema, client, change, config).await
            }
        }
    }

    async fn read_data(
        &self,
        res: &Resource,
        schema: &Schema,
        client: &dyn ProviderClient,
        change: &ResourceChange,
        config: Value,
    ) -> bool {
        let addr = change.addr.to_string();
        let plain = config.clone().unmark_deep().0;
        let op = client.read_data(&res.ty, &plain);
        let Some((result, elapsed)) = self.operate(&addr, Action::Read, op).await else {
            return false;
        };
        match result {
            Ok(v) => {
                let v = v.mark_paths(&config.unmark_deep().1);
                self.record(change, &v, schema, InstanceStatus::Ready);
                self.walk.set_instance_value(&change.addr, v);
                self.finished(addr, Action::Read, elapsed, None)
            }
            Err(e) => self.failed(
                addr,
                Action::Read,
                provider_error(&change.addr, "reading data source", &e),
            ),
        }
    }

    async fn write(
        &self,
        res: &Resource,
        schema: &Schema,
        client: &dyn ProviderClient,
        change: &ResourceChange,
        config: Value,
    ) -> bool {
        let addr = &change.addr;
        let replacing = matches!(
            change.action,
            Action::Create | Action::Replace | Action::CreateThenDelete
        );
        let prior = if replacing {
            None
        } else {
            change.before.as_ref()
        };
        let final_plan = match self
            .walk
            .plan_object(res, schema, client, addr, prior, &config)
        {
            Ok((planned, _)) => planned,
            Err(d) => {
                self.walk.report(d);
                return false;
            }
        };
        let (plain_final, marks) = final_plan.clone().unmark_deep();
        let plain_config = config.unmark_deep().0;
        if let Some(promised) = &change.after
            && let Some(path) = inconsistency(promised, &final_plan)
        {
            self.walk.report(Diagnostic::error("Provider produced inconsistent final plan", Some(res.span.clone())).with_detail(format!(
                    "When expanding the plan for {addr} to include new values learned so far during apply, the value of {} changed from what the plan said. Make a new plan.",
                    if path.is_empty() { "the object".to_string() } else { path_string(&path) }
                )));
            return false;
        }
        let write = match (replacing, change.before.as_ref()) {
            (false, Some(before)) => Write::Update(before.clone().unmark_deep().0),
            _ => Write::Create(self.journal(change, &final_plan, schema)),
        };
        let action = match write {
            Write::Create(_) => Action::Create,
            Write::Update(_) => Action::Update,
        };
        let addr_text = addr.to_string();
        let op = async {
            match &write {
                Write::Update(before) => {
                    client
                        .update(&addr.resource.ty, before, &plain_final, &plain_config)
                        .await
                }
                Write::Create(token) => {
                    client
                        .create(&addr.resource.ty, &plain_final, &plain_config, token)
                        .await
                }
            }
        };
        let Some((result, elapsed)) = self.operate(&addr_text, action, op).await else {
            return false;
        };
        match result {
            Ok(new) => {
                let new = new.mark_paths(&marks);
                self.record(change, &new, schema, InstanceStatus::Ready);
                self.walk.set_instance_value(addr, new.clone());
                let id = new.get("id").as_str().map(str::to_string);
                self.finished(addr_text, action, elapsed, id)
            }
            Err(err) => {
                if let Some(partial) = err.partial {
                    self.record(
                        change,
                        &partial.mark_paths(&marks),
                        schema,
                        InstanceStatus::Tainted,
                    );
                    self.persist();
                }
                let doing = if action == Action::Create {
                    "creating"
                } else {
                    "updating"
                };
                self.failed(
                    addr_text,
                    action,
                    provider_error(addr, doing, &err.error)
                        .with_related(res.span.clone(), "declared here"),
                )
            }
        }
    }

    /// Journals the create of `change` in the state before it is sent, with the token it
    /// carries: the token of an earlier attempt journaled at the same address (whose
    /// create the plan found made nothing), else a new one. The create is not sent
    /// unless the journal is saved.
    fn journal(&self, change: &ResourceChange, planned: &Value, schema: &Schema) -> CreateToken {
        let address = change.addr.to_string();
        let token = {
            let mut state = self.state.lock().expect("state lock");
            let token = state
                .pending(&address)
                .filter(|p| p.type_name == change.addr.resource.ty)
                .map(|p| CreateToken::recorded(p.token.clone()))
                .unwrap_or_default();
            let (planned, sensitive_attributes) = to_state_parts(planned, Some(schema));
            state.add_pending(PendingCreate {
                address,
                type_name: change.addr.resource.ty.clone(),
                provider: change.provider.clone(),
                token: token.to_string(),
                planned,
                sensitive_attributes,
                dependencies: change.dependencies.clone(),
                create_before_destroy: change.create_before_destroy,
                started: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
                run: self.run.clone(),
            });
            token
        };
        self.persist();
        token
    }

    /// Runs one provider operation when a slot (`-parallelism`) is free: announces it,
    /// reports every so often that it still runs, and times it. `None` once the run has
    /// been interrupted, so queued operations never start.
    async fn operate<T>(
        &self,
        addr: &str,
        action: Action,
        op: impl std::future::Future<Output = T>,
    ) -> Option<(T, Duration)> {
        let _slot = self
            .walk
            .limit
            .acquire()
            .await
            .expect("the semaphore is never closed");
        if self.stop.requested() {
            return None;
        }
        self.progress.event(Event::Started {
            addr: addr.to_string(),
            action,
        });
        let started = Instant::now();
        let status = Status::new();
        let op = status.scope(op);
        tokio::pin!(op);
        let mut ticker =
            tokio::time::interval_at(tokio::time::Instant::now() + STILL_EVERY, STILL_EVERY);
        loop {
            tokio::select! {
                result = &mut op => return Some((result, started.elapsed())),
                _ = ticker.tick() => self.progress.event(Event::Still { addr: addr.to_string(), action, elapsed: started.elapsed(), note: status.note() }),
            }
        }
    }

    /// Records the object an `import` block adopts, as the plan read it.
    fn import(&self, change: &ResourceChange, schema: &Schema, id: &str) {
        let addr = change.addr.to_string();
        let Some(value) = &change.before else {
            return;
        };
        self.progress.event(Event::Importing {
            addr: addr.clone(),
            id: id.to_string(),
        });
        let recorded = ResourceChange {
            action: Action::NoOp,
            ..change.clone()
        };
        self.record(&recorded, value, schema, InstanceStatus::Ready);
        self.persist();
        self.progress.event(Event::Imported {
            addr,
            id: id.to_string(),
        });
    }

    /// Announces a finished operation and saves the state.
    fn finished(
        &self,
        addr: String,
        action: Action,
        elapsed: Duration,
        id: Option<String>,
    ) -> bool {
        self.progress.event(Event::Finished {
            addr,
            action,
            elapsed,
            id,
        });
        self.persist();
        true
    }

    /// Announces a failed operation and reports why.
    fn failed(&self, addr: String, action: Action, why: Diagnostic) -> bool {
        self.progress.event(Event::Failed { addr, action });
        self.walk.report(why);
        false
    }

    /// Writes one instance into the working state.
    fn record(
        &self,
        change: &ResourceChange,
        value: &Value,
        schema: &Schema,
        status: InstanceStatus,
    ) {
        let (attributes, sensitive_attributes) = to_state_parts(value, Some(schema));
        let mode = if change.is_managed() {
            "managed"
        } else {
            "data"
        };
        let mut state = self.state.lock().expect("state lock");
        state.remove_pending(&change.addr.to_string());
        if change.action == Action::CreateThenDelete {
            // The replacement exists now: keep the old object as deposed until it is destroyed.
            let mut deposed = self.deposed.lock().expect("deposed lock");
            let address = change.addr.to_string();
            if !deposed.contains_key(&address)
                && let Some(key) = state.depose(&address)
            {
                deposed.insert(address, key);
            }
        }
        state.upsert(ResourceState {
            address: change.addr.to_string(),
            mode: mode.into(),
            type_name: change.addr.resource.ty.clone(),
            provider: change.provider.clone(),
            attributes,
            sensitive_attributes,
            dependencies: change.dependencies.clone(),
            status,
            create_before_destroy: change.create_before_destroy,
            deposed: None,
        });
    }

    async fn destroy(&self, change: &ResourceChange) -> bool {
        let addr = change.addr.to_string();
        if change.action == Action::Forget {
            self.state.lock().expect("state lock").remove(&addr);
            self.persist();
            return true;
        }
        let Some(key) = parse_provider_address(&change.provider) else {
            return false;
        };
        let client = match self.walk.client(&key).await {
            Ok(c) => c,
            Err(d) => {
                self.walk.report(d);
                return false;
            }
        };
        let Some(before) = &change.before else {
            return true;
        };
        let plain = before.clone().unmark_deep().0;
        let op = client.delete(&change.addr.resource.ty, &plain);
        let Some((result, elapsed)) = self.operate(&addr, Action::Delete, op).await else {
            return false;
        };
        match result {
            Ok(()) => {
                {
                    let mut state = self.state.lock().expect("state lock");
                    let deposed = match (&change.deposed, change.action) {
                        (Some(key), _) => Some(key.clone()),
                        (None, Action::CreateThenDelete) => {
                            self.deposed.lock().expect("deposed lock").remove(&addr)
                        }
                        _ => None,
                    };
                    match deposed {
                        Some(key) => {
                            state.remove_deposed(&addr, &key);
                        }
                        None => {
                            state.remove(&addr);
                        }
                    }
                }
                self.finished(addr, Action::Delete, elapsed, None)
            }
            Err(e) => self.failed(
                addr,
                Action::Delete,
                provider_error(&change.addr, "destroying", &e),
            ),
        }
    }
}
