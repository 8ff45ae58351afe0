//! What plan and apply share while walking the graph: the values evaluated so far, the
//! configured providers, and the evaluation of every node that is not a resource.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use iac_lang::config::{ModuleTree, Resource};
use iac_lang::eval::{EvalContext, Phase, evaluate};
use iac_lang::{Diagnostic, Diagnostics};
use iac_provider::{Provider, ProviderClient, Schema};
use iac_value::{Value, convert};

use crate::Stack;
use crate::addr::{InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr};
use crate::decode::decode_body;
use crate::expand::expansion;
use crate::graph::{Node, NodeKind};
use crate::values::{Expansion, InstanceScope, Repetition, ResourceValues, Values};

/// A provider configuration: local name and alias.
pub type ProviderKey = (String, Option<String>);

/// The provider configuration's address as state and plans write it.
pub fn provider_address(key: &ProviderKey) -> String {
    match &key.1 {
        None => format!("provider[\"{}\"]", key.0),
        Some(a) => format!("provider[\"{}\"].{a}", key.0),
    }
}

/// Parses [`provider_address`] back.
pub fn parse_provider_address(s: &str) -> Option<ProviderKey> {
    let rest = s.strip_prefix("provider[\"")?;
    let (name, rest) = rest.split_once("\"]")?;
    let alias = rest.strip_prefix('.').map(str::to_string);
    Some((name.to_string(), alias))
}

/// The root provider configuration a resource in the module at `path` uses.
pub fn provider_key(tree: &ModuleTree, path: &[String], res: &Resource) -> ProviderKey {
    let r = tree.provider_of(path, res);
    (r.name, r.alias)
}

/// The compiled-in providers by name.
pub type Providers = BTreeMap<String, Arc<dyn Provider>>;

/// Shared state of one walk over the graph.
pub(crate) struct Walk<'a> {
    pub stack: &'a Stack,
    pub providers: &'a Providers,
    pub root_vars: &'a BTreeMap<String, Value>,
    pub values: Mutex<Values>,
    clients: tokio::sync::Mutex<HashMap<ProviderKey, Arc<dyn ProviderClient>>>,
    pub diags: Mutex<Diagnostics>,
    /// Bounds the provider operations in flight (`-parallelism`).
    pub limit: tokio::sync::Semaphore,
    /// Planning or applying, for the functions that are unknown while planning.
    phase: Phase,
}

impl<'a> Walk<'a> {
    pub fn new(
        stack: &'a Stack,
        providers: &'a Providers,
        root_vars: &'a BTreeMap<String, Value>,
        parallelism: usize,
    ) -> Walk<'a> {
        Walk {
            stack,
            providers,
            root_vars,
            values: Mutex::new(Values::default()),
            clients: tokio::sync::Mutex::new(HashMap::new()),
            diags: Mutex::new(Diagnostics::default()),
            limit: tokio::sync::Semaphore::new(parallelism.max(1)),
            phase: Phase::Plan,
        }
    }

    /// The same walk, evaluating configuration in `phase`.
    pub fn in_phase(mut self, phase: Phase) -> Walk<'a> {
        self.phase = phase;
        self
    }

    pub fn tree(&self) -> &ModuleTree {
        &self.stack.tree
    }

    /// Records a diagnostic.
    pub fn report(&self, d: Diagnostic) {
        self.diags.lock().expect("diagnostics lock").push(d);
    }

    /// Records diagnostics.
    pub fn report_all(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diags.lock().expect("diagnostics lock").extend(ds);
    }

    /// Evaluates with the scope of `module` and `rep`.
    pub fn with_scope<T>(
        &self,
        module: &ModuleInstance,
        rep: Repetition,
        f: impl FnOnce(&EvalContext) -> T,
    ) -> T {
        let values = self.values.lock().expect("values lock");
        let scope = InstanceScope {
            values: &values,
            tree: &self.stack.tree,
            module,
            repetition: rep,
            root_dir: &self.stack.root_dir,
        };
        let ctx = EvalContext::new(&scope, crate::working_dir()).with_phase(self.phase);
        f(&ctx)
    }

    /// Every instance of the module at a static path.
    pub fn module_instances(&self, path: &[String]) -> Vec<ModuleInstance> {
        self.values
            .lock()
            .expect("values lock")
            .module_instances(path)
    }

    /// The schema of a resource or data source type.
    pub fn schema(&self, res: &Resource) -> Option<&'a Schema> {
        let provider = self.providers.get(res.provider_name())?;
        let schemas = match res.mode {
            iac_lang::config::Mode::Managed => &provider.schema().resources,
            iac_lang::config::Mode::Data => &provider.schema().data_sources,
        };
        schemas.get(&res.ty)
    }

    /// The schema of a type by mode and name, for state entries with no configuration.
    pub fn schema_of(
        &self,
        provider: &str,
        mode: iac_lang::config::Mode,
        ty: &str,
    ) -> Option<&'a Schema> {
        let p = self.providers.get(provider)?;
        match mode {
            iac_lang::config::Mode::Managed => p.schema().resources.get(ty),
            iac_lang::config::Mode::Data => p.schema().data_sources.get(ty),
        }
    }

    /// Evaluates a non-resource node in every instance of its module. Returns false on error.
    pub async fn eval_node(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Variable(name) => self.eval_variable(&node.module, name),
            NodeKind::Local(name) => self.eval_local(&node.module, name),
            NodeKind::Output(name) => self.eval_output(&node.module, name),
            NodeKind::ModuleCall(name) => self.eval_module_call(&node.module, name),
            NodeKind::Provider(name, alias) => self.configure_provider(name, alias.clone()).await,
            NodeKind::Resource(..) => {
                unreachable!("resources are walked by the planner or applier")
            }
        }
    }

    fn module(&self, path: &[String]) -> &iac_lang::config::Module {
        &self
            .stack
            .tree
            .at(path)
            .expect("static path from the graph")
            .module
    }

    fn eval_variable(&self, path: &[String], name: &str) -> bool {
        let var = &self.module(path).variables[name];
        let mut ok = true;
        for inst in self.module_instances(path) {
            let value = match inst.parent() {
                None => self.root_vars.get(name).cloned().unwrap_or(Value::Unknown),
                Some((parent, (call_name, key))) => {
                    let call = &self.module(&parent.static_path()).module_calls[call_name];
                    let rep = self.call_repetition(&parent, call_name, key);
                    let given = call.inputs.iter().find(|i| i.name == name);
                    let result = match (given, &var.default) {
                        (Some(input), _) => {
                            self.with_scope(&parent, rep, |ctx| evaluate(&input.expr, ctx))
                        }
                        (None, Some(default)) => {
                            self.with_scope(&inst, Repetition::default(), |ctx| {
                                evaluate(default, ctx)
                            })
                        }
                        (None, None) => Ok(Value::Null),
                    };
                    let span = given
                        .map(|g| g.expr.span())
                        .unwrap_or_else(|| var.span.clone());
                    let checked = result.and_then(|v| {
                        if v.is_null() && !var.nullable {
                            return Err(Diagnostic::error(format!("Invalid value for variable \"{name}\""), Some(span.clone())).with_detail("The variable is declared with nullable = false, so it may not be null."));
                        }
                        convert(v.mark_if(var.sensitive), &var.ty).map_err(|m| {
                            Diagnostic::error(format!("Invalid value for variable \"{name}\""), Some(span.clone())).with_detail(m)
                        })
                    });
                    match checked {
                        Ok(v) => {
                            let problems = iac_lang::vars::validate(var, &v, crate::working_dir());
                            if !problems.is_empty() {
                                ok = false;
                                self.report_all(problems);
                            }
                            v
                        }
                        Err(d) => {
                            ok = false;
                            self.report(d);
                            Value::Unknown
                        }
                    }
                }
            };
            self.values
                .lock()
                .expect("values lock")
                .vars
                .insert((inst, name.to_string()), value);
        }
        ok
    }

    fn call_repetition(
        &self,
        parent: &ModuleInstance,
        call: &str,
        key: &InstanceKey,
    ) -> Repetition {
        let values = self.values.lock().expect("values lock");
        let each_value = values
            .modules
            .get(&(parent.clone(), call.to_string()))
            .and_then(|e| e.each_value(key));
        Repetition {
            key: Some(key.clone()).filter(|k| *k != InstanceKey::None),
            each_value,
        }
    }

    /// Evaluates `eval` in every instance of the module at `path` and stores each result
    /// with `store`; a failure is reported and stored as unknown.
    fn each_instance(
        &self,
        path: &[String],
        eval: impl Fn(&ModuleInstance) -> Result<Value, Diagnostic>,
        store: impl Fn(&mut Values, ModuleInstance, Value),
    ) -> bool {
        let mut ok = true;
        for inst in self.module_instances(path) {
            let value = eval(&inst).unwrap_or_else(|d| {
                ok = false;
                self.report(d);
                Value::Unknown
            });
            store(&mut self.values.lock().expect("values lock"), inst, value);
        }
        ok
    }

    fn eval_local(&self, path: &[String], name: &str) -> bool {
        let local = &self.module(path).locals[name];
        self.each_instance(
            path,
            |inst| {
                self.with_scope(inst, Repetition::default(), |ctx| {
                    evaluate(&local.expr, ctx)
                })
            },
            |values, inst, v| {
                values.locals.insert((inst, name.to_string()), v);
            },
        )
    }

    fn eval_output(&self, path: &[String], name: &str) -> bool {
        let output = &self.module(path).outputs[name];
        self.each_instance(
            path,
            |inst| {
                let v = self.with_scope(inst, Repetition::default(), |ctx| evaluate(&output.value, ctx))?;
                if inst.is_root() && v.contains_sensitive() && !output.sensitive {
                    return Err(Diagnostic::error("Output refers to sensitive values", Some(output.span.clone())).with_detail(
                        "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, iac requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                    ));
                }
                Ok(v.mark_if(output.sensitive))
            },
            |values, inst, v| {
                values.outputs.insert((inst, name.to_string()), v);
            },
        )
    }

    fn eval_module_call(&self, path: &[String], name: &str) -> bool {
        let call = &self.module(path).module_calls[name];
        let mut ok = true;
        for inst in self.module_instances(path) {
            let expansion = self.with_scope(&inst, Repetition::default(), |ctx| {
                expansion(call.count.as_ref(), call.for_each.as_ref(), ctx)
            });
            let expansion = match expansion {
                Ok(e) => e,
                Err(d) => {
                    ok = false;
                    self.report(d);
                    Expansion::Count(0)
                }
            };
            self.values
                .lock()
                .expect("values lock")
                .modules
                .insert((inst, name.to_string()), expansion);
        }
        ok
    }

    /// Evaluates a `provider` block and configures the provider.
    async fn configure_provider(&self, name: &str, alias: Option<String>) -> bool {
        let block = self
            .module(&[])
            .providers
            .iter()
            .find(|p| p.name == name && p.alias == alias)
            .expect("provider node has a block");
        let Some(provider) = self.providers.get(name) else {
            self.report(unknown_provider(
                name,
                self.providers,
                Some(block.span.clone()),
            ));
            return false;
        };
        let config = self.with_scope(&ModuleInstance::root(), Repetition::default(), |ctx| {
            decode_body(&block.body, &provider.schema().provider, ctx, &block.span)
        });
        let config = match config {
            Ok(c) => c,
            Err(ds) => {
                self.report_all(ds);
                return false;
            }
        };
        if !config.is_wholly_known() {
            self.report(Diagnostic::error("Provider configuration depends on values not known until apply", Some(block.span.clone()))
                .with_detail("A provider block may only use values known during planning, such as variables and locals."));
            return false;
        }
        match provider.configure(config.unmark_deep().0).await {
            Ok(client) => {
                self.clients
                    .lock()
                    .await
                    .insert((name.to_string(), alias), client);
                true
            }
            Err(e) => {
                self.report(
                    Diagnostic::error(
                        format!("Failed to configure provider \"{name}\""),
                        Some(block.span.clone()),
                    )
                    .with_detail(e.to_string()),
                );
                false
            }
        }
    }

    /// The configured client for a provider configuration; a provider with no block of
    /// its own is configured with an empty configuration on first use.
    pub async fn client(&self, key: &ProviderKey) -> Result<Arc<dyn ProviderClient>, Diagnostic> {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(key) {
            return Ok(c.clone());
        }
        let Some(provider) = self.providers.get(&key.0) else {
            return Err(unknown_provider(&key.0, self.providers, None));
        };
        if let Some(alias) = &key.1 {
            return Err(Diagnostic::error(format!("Provider configuration not present: {}.{alias}", key.0), None)
                .with_detail("The state refers to a provider configuration the stack no longer declares. Add the provider block back to destroy what it made."));
        }
        let empty = Value::Map(
            provider
                .schema()
                .provider
                .attributes
                .keys()
                .map(|k| (k.clone(), Value::Null))
                .chain(provider.schema().provider.blocks.iter().map(|(k, b)| {
                    (
                        k.clone(),
                        if b.nesting == iac_provider::Nesting::Single {
                            Value::Null
                        } else {
                            Value::List(vec![])
                        },
                    )
                }))
                .collect(),
        );
        let client = provider.configure(empty).await.map_err(|e| {
            Diagnostic::error(format!("Failed to configure provider \"{}\"", key.0), None)
                .with_detail(e.to_string())
        })?;
        clients.insert(key.clone(), client.clone());
        Ok(client)
    }

    /// Evaluates a resource's `count`/`for_each` in each instance of its module, records
    /// the expansion, and returns every instance with its repetition context.
    pub fn expand_resource(
        &self,
        path: &[String],
        res: &Resource,
    ) -> Option<Vec<(InstanceAddr, Repetition)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for inst in self.module_instances(path) {
            let addr = ResourceAddr {
                module: inst.clone(),
                mode: res.mode,
                ty: res.ty.clone(),
                name: res.name.clone(),
            };
            let exp = self.with_scope(&inst, Repetition::default(), |ctx| {
                expansion(res.count.as_ref(), res.for_each.as_ref(), ctx)
            });
            let exp = match exp {
                Ok(e) => e,
                Err(d) => {
                    self.report(d);
                    ok = false;
                    continue;
                }
            };
            for key in exp.keys() {
                let rep = Repetition {
                    each_value: exp.each_value(&key),
                    key: Some(key.clone()).filter(|k| *k != InstanceKey::None),
                };
                out.push((addr.instance(key), rep));
            }
            self.values.lock().expect("values lock").resources.insert(
                addr,
                ResourceValues {
                    expansion: exp,
                    instances: BTreeMap::new(),
                },
            );
        }
        ok.then_some(out)
    }

    /// The resource block a graph node stands for.
    pub fn resource_of(&self, node: &Node) -> &'a Resource {
        let NodeKind::Resource(mode, ty, name) = &node.kind else {
            unreachable!("called for resource nodes only")
        };
        self.stack
            .tree
            .at(&node.module)
            .and_then(|t| t.module.resource(*mode, ty, name))
            .expect("graph nodes come from the configuration")
    }

    /// The planned new state of a managed instance: the configuration proposed over the
    /// prior state (keeping what `ignore_changes` names), then settled by the provider.
    /// Returns it with the configuration's and the schema's sensitive marks, and any
    /// attribute paths the provider says force replacement.
    pub fn plan_object(
        &self,
        res: &Resource,
        schema: &Schema,
        client: &dyn ProviderClient,
        addr: &InstanceAddr,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<(Value, Vec<iac_value::Path>), Diagnostic> {
        let mut proposed = crate::proposal::propose(schema, prior, config);
        if let Some(p) = prior {
            let ignored = crate::exprs::ignored_paths(res, schema)?;
            proposed = crate::proposal::ignore_changes(proposed, p, &ignored);
        }
        let (plain, marks) = proposed.unmark_deep();
        let prior_plain = prior.map(|p| p.clone().unmark_deep().0);
        let settled = client
            .plan(&addr.resource.ty, prior_plain.as_ref(), plain)
            .map_err(|e| crate::planner::provider_error(addr, "planning", &e))?;
        let derived = schema.derived_paths(&marks, &settled.planned);
        let planned = settled.planned.mark_paths(&marks).mark_paths(&derived);
        let sensitive = schema.sensitive_paths(&planned);
        Ok((planned.mark_paths(&sensitive), settled.requires_replace))
    }

    /// Lets references see an instance as the state records it (unknown when it has no
    /// entry), for instances the current run leaves alone.
    pub fn use_recorded_value(
        &self,
        addr: &InstanceAddr,
        state: &Mutex<iac_state::State>,
        schema: &Schema,
    ) {
        let recorded = state
            .lock()
            .expect("state lock")
            .resource(&addr.to_string())
            .map(|r| crate::stateval::state_value(r, Some(schema)));
        self.set_instance_value(addr, recorded.unwrap_or(Value::Unknown));
    }

    /// Records the value of one resource instance for references to see.
    pub fn set_instance_value(&self, addr: &InstanceAddr, value: Value) {
        let mut values = self.values.lock().expect("values lock");
        if let Some(rv) = values.resources.get_mut(&addr.resource) {
            rv.instances.insert(addr.key.clone(), value);
        }
    }
}

fn unknown_provider(name: &str, providers: &Providers, span: Option<iac_lang::Span>) -> Diagnostic {
    Diagnostic::error(format!("Unknown provider \"{name}\""), span).with_detail(format!(
        "iac has no provider named \"{name}\"; it has: {}.{}",
        providers.keys().cloned().collect::<Vec<_>>().join(", "),
        iac_lang::did_you_mean(name, providers.keys().map(String::as_str))
    ))
}
