//! An in-memory provider ("mem") and a harness to plan and apply stacks with it.
// Each test file uses some of these helpers, none uses all.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use iac_engine::applier::{self, ApplyOutcome, Event, Progress};
use iac_engine::plan::{Action, Plan, ResourceChange};
use iac_engine::planner::{self, PlanOptions};
use iac_engine::{Providers, Stack};
use iac_lang::{Diagnostics, Sources};
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, NestedBlock,
    PlannedState, Provider, ProviderClient, ProviderSchema, Schema, ValidationError,
};
use iac_state::{Backend, LocalBackend, State};
use iac_value::{PathStep, Type, Value};

/// Objects the fake cloud holds, and a log of operations in order.
#[derive(Default)]
pub struct Cloud {
    pub objects: Mutex<BTreeMap<String, Value>>,
    /// While set, deleting an object whose name starts with "stuck" fails.
    pub stuck: AtomicBool,
    pub log: Mutex<Vec<String>>,
    /// The id each create token made, as an API with idempotency tokens keeps it.
    pub tokens: Mutex<BTreeMap<String, String>>,
    next: AtomicUsize,
}

pub struct MemProvider {
    schema: ProviderSchema,
    pub cloud: Arc<Cloud>,
}

fn thing_schema() -> Schema {
    Schema::new(
        [
            ("name", Attribute::required(Type::String).force_new()),
            ("size", Attribute::optional(Type::Number)),
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("secret", Attribute::optional(Type::String).sensitive()),
            ("id", Attribute::computed(Type::String)),
            ("label", Attribute::optional_computed(Type::String)),
        ],
        [(
            "rule",
            NestedBlock::list(Schema::new(
                [("port", Attribute::required(Type::Number))],
                [],
            )),
        )],
    )
}

/// Blocks in Terraform's shapes: `settings` given at most once (a list of one),
/// `entry` a set.
fn box_schema() -> Schema {
    Schema::new(
        [
            ("name", Attribute::required(Type::String)),
            ("id", Attribute::computed(Type::String)),
        ],
        [
            (
                "settings",
                NestedBlock::list_max_one(Schema::new(
                    [
                        ("mode", Attribute::optional(Type::String)),
                        ("zone", Attribute::computed(Type::String)),
                    ],
                    [],
                )),
            ),
            (
                "entry",
                NestedBlock::set(Schema::new(
                    [
                        ("name", Attribute::required(Type::String)),
                        ("value", Attribute::optional(Type::String)),
                    ],
                    [],
                )),
            ),
        ],
    )
}

impl MemProvider {
    pub fn new() -> MemProvider {
        let mut resources = BTreeMap::new();
        resources.insert("mem_thing".to_string(), thing_schema());
        resources.insert("mem_box".to_string(), box_schema());
        resources.insert(
            "mem_link".to_string(),
            Schema::new(
                [
                    ("target", Attribute::required(Type::String)),
                    ("note", Attribute::optional(Type::String)),
                    ("groups", Attribute::optional(Type::set(Type::String))),
                    ("id", Attribute::computed(Type::String)),
                ],
                [],
            ),
        );
        // `tags_all` is `tags` over the provider's own `managed = "mem"`, as AWS computes
        // it from `default_tags`.
        resources.insert(
            "mem_tagged".to_string(),
            Schema::new(
                [
                    ("name", Attribute::required(Type::String)),
                    ("tags", Attribute::optional(Type::map(Type::String))),
                    (
                        "tags_all",
                        Attribute::computed(Type::map(Type::String)).derived_from("tags"),
                    ),
                    ("id", Attribute::computed(Type::String)),
                ],
                [],
            ),
        );
        // `script` is held only by the configuration and recorded as the provider plans
        // it (upper-cased here, as a digest would be), as a droplet's `user_data`.
        resources.insert(
            "mem_script".to_string(),
            Schema::new(
                [
                    (
                        "script",
                        Attribute::optional(Type::String).force_new().config_only(),
                    ),
                    ("id", Attribute::computed(Type::String)),
                ],
                [],
            ),
        );
        let mut data_sources = BTreeMap::new();
        data_sources.insert(
            "mem_lookup".to_string(),
            Schema::new(
                [
                    ("input", Attribute::required(Type::String)),
                    ("result", Attribute::computed(Type::String)),
                ],
                [],
            ),
        );
        MemProvider {
            schema: ProviderSchema {
                provider: Schema::new([("prefix", Attribute::optional(Type::String))], []),
                resources,
                data_sources,
                // Things can be listed by name prefix; boxes cannot be listed.
                lists: BTreeMap::from([(
                    "mem_thing".to_string(),
                    Schema::new([("name_prefix", Attribute::optional(Type::String))], []),
                )]),
            },
            cloud: Arc::new(Cloud::default()),
        }
    }
}

#[async_trait]
impl Provider for MemProvider {
    fn name(&self) -> &'static str {
        "mem"
    }
    fn release(&self) -> iac_provider::Release {
        iac_provider::Release {
            source: "example/mem",
            version: "1.0.0",
        }
    }
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }
    /// A box's `entry` without a `value` is refused, as a provider refuses what the
    /// configuration alone shows to be wrong.
    fn validate(&self, type_name: &str, config: &Value) -> Vec<ValidationError> {
        if type_name != "mem_box" {
            return Vec::new();
        }
        let entries = config.get("entry").as_items().unwrap_or(&[]).to_vec();
        entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.get("value").is_null())
            .map(|(i, _)| ValidationError {
                path: vec![
                    PathStep::Key("entry".into()),
                    PathStep::Index(i),
                    PathStep::Key("value".into()),
                ],
                message: "an entry needs a value".into(),
            })
            .collect()
    }
    async fn configure(&self, config: Value) -> Result<Arc<dyn ProviderClient>, Error> {
        Ok(Arc::new(MemClient {
            cloud: self.cloud.clone(),
            prefix: config
                .get("prefix")
                .as_str()
                .unwrap_or_default()
                .to_string(),
        }))
    }
}

struct MemClient {
    cloud: Arc<Cloud>,
    /// From the provider block: put in front of every id this configuration makes.
    prefix: String,
}

fn with(v: &Value, k: &str, x: Value) -> Value {
    let mut m = v.as_map().cloned().unwrap_or_default();
    m.insert(k.to_string(), x);
    Value::Map(m)
}

#[async_trait]
impl ProviderClient for MemClient {
    fn plan(
        &self,
        type_name: &str,
        _prior: Option<&Value>,
        proposed: Value,
    ) -> Result<PlannedState, Error> {
        let mut planned = proposed;
        if type_name == "mem_box"
            && let Some([settings]) = planned.get("settings").as_items()
            && settings.get("zone").is_unknown()
        {
            let settings = with(settings, "zone", Value::from("zone-a"));
            planned = with(&planned, "settings", Value::List(vec![settings]));
        }
        if type_name == "mem_thing"
            && planned.get("label").is_unknown()
            && planned.get("name").is_wholly_known()
            && let Some(name) = planned.get("name").as_str()
        {
            planned = with(&planned, "label", Value::from(format!("label-{name}")));
        }
        if type_name == "mem_script"
            && let Some(script) = planned.get("script").as_str()
        {
            let recorded = Value::from(script.to_uppercase());
            planned = with(&planned, "script", recorded);
        }
        if type_name == "mem_tagged" {
            let all = match planned.get("tags") {
                Value::Unknown => Value::Unknown,
                tags => {
                    let mut all = BTreeMap::from([("managed".to_string(), Value::from("mem"))]);
                    all.extend(tags.as_map().cloned().unwrap_or_default());
                    Value::Map(all)
                }
            };
            planned = with(&planned, "tags_all", all);
        }
        Ok(PlannedState {
            planned,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, Error> {
        let id = current.get("id").as_str().unwrap_or_default().to_string();
        let found = self.cloud.objects.lock().unwrap().get(&id).cloned();
        // The cloud does not hold a script: it is kept from what is known.
        Ok(found.map(|o| match type_name {
            "mem_script" => with(&o, "script", current.get("script").clone()),
            _ => o,
        }))
    }

    async fn create(
        &self,
        type_name: &str,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let name = planned.get("name").as_str().unwrap_or_default().to_string();
        self.cloud.log.lock().unwrap().push(format!(
            "create {type_name} {}",
            if name.is_empty() {
                planned
                    .get("target")
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            } else {
                name.clone()
            }
        ));
        if name.starts_with("fail") {
            return Err(Error::api("CreateThing", format!("cannot create {name}")).into());
        }
        let id = format!(
            "{}{}-{}",
            self.prefix,
            type_name.trim_start_matches("mem_"),
            self.cloud.next.fetch_add(1, Ordering::SeqCst)
        );
        let mut obj = with(planned, "id", Value::from(id.as_str()));
        if obj.get("label").is_unknown() {
            obj = with(&obj, "label", Value::from(format!("label-{name}")));
        }
        self.cloud
            .objects
            .lock()
            .unwrap()
            .insert(id.clone(), obj.clone());
        self.cloud
            .tokens
            .lock()
            .unwrap()
            .insert(token.to_string(), id);
        if name.starts_with("lost") {
            // Made, but the answer never arrives.
            return Err(Error::api("CreateThing", "connection reset").into());
        }
        if name.starts_with("partial") {
            return Err(ApplyError {
                error: Error::api("TagThing", "tagging failed"),
                partial: Some(obj),
            });
        }
        if name.starts_with("slow")
            && let Err(stopped) =
                iac_provider::stop::sleep(std::time::Duration::from_secs(3600)).await
        {
            // Made, but never seen ready: an interrupted create reports what it made.
            return Err(ApplyError {
                error: Error::api(
                    "WaitThing",
                    format!("stopped waiting for {name}: {stopped}"),
                ),
                partial: Some(obj),
            });
        }
        Ok(obj)
    }

    async fn find_created(
        &self,
        _type_name: &str,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        if planned
            .get("name")
            .as_str()
            .unwrap_or_default()
            .starts_with("unknowable")
        {
            return Err(Error::api("ListThings", "access denied"));
        }
        let id = self
            .cloud
            .tokens
            .lock()
            .unwrap()
            .get(token.as_str())
            .cloned();
        let objects = self.cloud.objects.lock().unwrap();
        Ok(id
            .and_then(|id| objects.get(&id).cloned())
            .map(|state| Found {
                state,
                complete: true,
            })
            .into_iter()
            .collect())
    }

    async fn update(
        &self,
        type_name: &str,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = prior.get("id").as_str().unwrap_or_default().to_string();
        self.cloud
            .log
            .lock()
            .unwrap()
            .push(format!("update {type_name} {id}"));
        let obj = with(planned, "id", Value::from(id.as_str()));
        self.cloud.objects.lock().unwrap().insert(id, obj.clone());
        Ok(obj)
    }

    async fn delete(&self, type_name: &str, prior: &Value) -> Result<(), Error> {
        let id = prior.get("id").as_str().unwrap_or_default().to_string();
        let name = prior
            .get("name")
            .as_str()
            .or(prior.get("target").as_str())
            .unwrap_or_default()
            .to_string();
        self.cloud
            .log
            .lock()
            .unwrap()
            .push(format!("delete {type_name} {name}"));
        if name.starts_with("stuck") && self.cloud.stuck.load(Ordering::SeqCst) {
            return Err(Error::api("DeleteThing", format!("{name} is still in use")));
        }
        self.cloud.objects.lock().unwrap().remove(&id);
        Ok(())
    }

    async fn import(&self, _type_name: &str, id: &str) -> Result<Value, Error> {
        self.cloud
            .objects
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .ok_or_else(|| Error::new("not found"))
    }

    /// The things whose name starts with the filter's `name_prefix`, in id order; the
    /// log records the provider's `prefix` and the filter.
    async fn list(&self, type_name: &str, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let prefix = request
            .filter
            .get("name_prefix")
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.cloud.log.lock().unwrap().push(format!(
            "list {type_name} provider_prefix={} name_prefix={prefix}",
            self.prefix
        ));
        let objects = self.cloud.objects.lock().unwrap();
        Ok(objects
            .iter()
            .filter(|(_, o)| {
                o.get("name")
                    .as_str()
                    .is_some_and(|n| n.starts_with(&prefix))
            })
            .take(request.limit.unwrap_or(usize::MAX))
            .map(|(id, o)| Listed {
                id: id.clone(),
                display_name: o.get("name").as_str().unwrap_or_default().to_string(),
                state: request.include_resource.then(|| o.clone()),
                written: Value::Null,
            })
            .collect())
    }

    async fn read_data(&self, _type_name: &str, config: &Value) -> Result<Value, Error> {
        let input = config.get("input").as_str().unwrap_or_default();
        Ok(with(
            config,
            "result",
            Value::from(format!("looked-up-{input}")),
        ))
    }
}

/// A stack folder, the fake provider, and a local state.
pub struct Harness {
    pub dir: tempfile::TempDir,
    pub provider: Arc<MemProvider>,
    pub backend: LocalBackend,
}

struct Quiet;
impl Progress for Quiet {
    fn event(&self, _: Event) {}
}

impl Harness {
    pub fn new(main: &str) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.hcl"), main).unwrap();
        let backend = LocalBackend::for_stack(dir.path());
        Harness {
            dir,
            provider: Arc::new(MemProvider::new()),
            backend,
        }
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn providers(&self) -> Providers {
        let p: Arc<dyn Provider> = self.provider.clone();
        BTreeMap::from([("mem".to_string(), p)])
    }

    pub fn state(&self) -> State {
        self.backend.read().unwrap().unwrap_or_default()
    }

    /// The stack's configuration, for plan JSON.
    pub fn tree(&self) -> iac_lang::config::ModuleTree {
        self.load().expect("stack loads").0.tree
    }

    fn load(&self) -> Result<(Stack, Sources), Diagnostics> {
        let mut sources = Sources::default();
        let stack = Stack::load(self.dir.path(), &mut sources, &self.providers())?;
        Ok((stack, sources))
    }

    /// Plans with `opts` and the given root variables.
    pub async fn plan_with(
        &self,
        opts: &PlanOptions,
        vars: &[(&str, Value)],
    ) -> Result<Plan, Diagnostics> {
        let (stack, mut sources) = self.load()?;
        let (mut values, diags) = iac_lang::vars::root_variables(
            self.dir.path(),
            &stack.tree.module,
            &[],
            std::iter::empty(),
            &mut sources,
        );
        if diags.has_errors() {
            return Err(diags);
        }
        for (k, v) in vars {
            values.insert(k.to_string(), v.clone());
        }
        planner::plan(&stack, &self.providers(), &self.state(), &values, opts).await
    }

    pub async fn plan(&self) -> Result<Plan, Diagnostics> {
        self.plan_with(&PlanOptions::default(), &[]).await
    }

    pub async fn apply(&self, plan: &Plan) -> ApplyOutcome {
        self.apply_until(plan, &iac_provider::Stop::new()).await
    }

    /// Applies until `stop` is requested.
    pub async fn apply_until(&self, plan: &Plan, stop: &iac_provider::Stop) -> ApplyOutcome {
        let (stack, _) = self.load().expect("stack loads");
        applier::apply(
            &stack,
            &self.providers(),
            plan,
            &self.backend,
            4,
            stop,
            &Quiet,
        )
        .await
    }

    /// Plans and applies, expecting success.
    pub async fn converge(&self) -> Plan {
        let plan = self
            .plan()
            .await
            .unwrap_or_else(|d| panic!("plan failed: {d:?}"));
        let out = self.apply(&plan).await;
        assert!(out.diags.is_empty(), "apply failed: {:?}", out.diags);
        plan
    }

    /// Loads the stack with its query files and runs its list blocks.
    pub async fn query(
        &self,
        vars: &[(&str, Value)],
    ) -> Result<Vec<iac_engine::listing::Found>, Diagnostics> {
        let mut sources = Sources::default();
        let q = iac_engine::listing::Query::load(self.dir.path(), &mut sources, &self.providers())?;
        let (mut values, diags) = iac_lang::vars::root_variables(
            self.dir.path(),
            &q.stack.tree.module,
            &[],
            std::iter::empty(),
            &mut sources,
        );
        if diags.has_errors() {
            return Err(diags);
        }
        for (k, v) in vars {
            values.insert(k.to_string(), v.clone());
        }
        q.run(&self.providers(), &values, false).await
    }

    pub fn log(&self) -> Vec<String> {
        self.provider.cloud.log.lock().unwrap().clone()
    }
}

/// The actions of a plan as (address, action) pairs, no-ops left out.
pub fn actions(plan: &Plan) -> Vec<(String, Action)> {
    plan.actions()
        .map(|c| (c.addr.to_string(), c.action))
        .collect()
}

/// The change at `addr`.
pub fn change<'a>(plan: &'a Plan, addr: &str) -> &'a ResourceChange {
    plan.changes
        .iter()
        .find(|c| c.addr.to_string() == addr)
        .unwrap_or_else(|| panic!("no change for {addr}"))
}

/// The summaries of all diagnostics, joined.
pub fn summaries(d: &Diagnostics) -> String {
    d.0.iter()
        .map(|d| format!("{}: {}", d.summary, d.detail.clone().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}
