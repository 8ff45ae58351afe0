//! `iac drift`: whether the real infrastructure still matches what each stack's state
//! records (`managed`: a refresh-only plan, attribute by attribute), what exists that no
//! given stack manages (`unmanaged`: the providers' listings), less what the stacks
//! ignore (`ignore`: `drift { ignore }`, and `lifecycle.ignore_changes`). The state is
//! read, never written. The report (`report`) is JSON for tools and Markdown for a pull
//! request (`markdown`).

pub mod ignore;
pub mod managed;
pub mod markdown;
pub mod report;
pub mod unmanaged;

use std::collections::{BTreeMap, BTreeSet};

use iac_discovery::select::TagFilter;
use iac_engine::plan::PlanMode;
use iac_engine::planner::{self, PlanOptions};
use iac_engine::{Providers, Stack};
use iac_lang::{Diagnostic, Diagnostics};
use iac_state::State;
use iac_value::Value;

pub use ignore::Ignores;
pub use report::{Report, StackReport, Summary};

/// Which unmanaged objects are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Off,
    /// Of the types the stacks declare or record.
    Types,
    /// Of every type the stacks' providers can list.
    All,
}

impl Scope {
    /// `off`, `types` or `all`.
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "off" => Some(Scope::Off),
            "types" => Some(Scope::Types),
            "all" => Some(Scope::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Off => "off",
            Scope::Types => "types",
            Scope::All => "all",
        }
    }
}

/// One stack to check: loaded, with its stored state and root variables.
pub struct StackInput<'a> {
    /// The folder as given on the command line.
    pub name: String,
    /// Where the state is, as the backend describes it.
    pub place: String,
    pub stack: &'a Stack,
    pub state: State,
    pub vars: &'a BTreeMap<String, Value>,
    pub ignores: Ignores,
}

impl<'a> StackInput<'a> {
    /// A stack whose backend answered `stored`: no state at all is an error, since
    /// nothing recorded can be compared (and "nothing found" would read as clean).
    pub fn new(
        name: String,
        place: String,
        stack: &'a Stack,
        stored: Option<State>,
        vars: &'a BTreeMap<String, Value>,
        providers: &Providers,
    ) -> Result<StackInput<'a>, Diagnostics> {
        let Some(state) = stored else {
            return Err(Diagnostic::error(format!("No state for the stack {name}"), None)
                .with_detail(format!(
                    "There is no state at {place}, so there is nothing to compare the real infrastructure with. Apply the stack (or adopt what exists with `iac adopt`) first, or check its backend settings."
                ))
                .into());
        };
        let types: BTreeSet<String> = providers
            .values()
            .flat_map(|p| p.schema().resources.keys().cloned())
            .collect();
        let ignores = Ignores::read(stack.tree.module.drift.as_ref(), &types)?;
        Ok(StackInput {
            name,
            place,
            stack,
            state,
            vars,
            ignores,
        })
    }
}

/// Checks every stack and lists what none of them manages: one report.
pub async fn check(
    inputs: &[StackInput<'_>],
    providers: &Providers,
    scope: Scope,
    tags: &[TagFilter],
    parallelism: usize,
) -> Result<Report, Diagnostics> {
    let mut stacks = Vec::new();
    let mut summary = Summary {
        stacks: inputs.len(),
        ..Summary::default()
    };
    for input in inputs {
        let options = PlanOptions {
            mode: PlanMode::RefreshOnly,
            parallelism,
            ..PlanOptions::default()
        };
        let plan = planner::plan(input.stack, providers, &input.state, input.vars, &options)
            .await
            .map_err(|d| in_stack(&input.name, d))?;
        let (resources, ignored) =
            managed::report(input.stack, providers, &plan.drift, &input.ignores)
                .map_err(|d| in_stack(&input.name, d))?;
        for r in &resources {
            match r.change {
                report::Change::Changed => summary.changed += 1,
                report::Change::Deleted => summary.deleted += 1,
            }
        }
        summary.ignored += ignored;
        stacks.push(StackReport {
            stack: input.name.clone(),
            state: input.place.clone(),
            resources,
            ignored,
        });
    }
    let unmanaged = unmanaged::list(inputs, providers, scope, tags).await?;
    summary.unmanaged = unmanaged.len();
    Ok(Report {
        format_version: "1.0",
        stacks,
        unmanaged,
        unmanaged_scope: scope.as_str(),
        summary,
    })
}

/// Errors of one stack, each naming it (a run over several stacks must say which).
fn in_stack(name: &str, diags: Diagnostics) -> Diagnostics {
    if name == "." {
        return diags;
    }
    let mut out = Diagnostics::default();
    for d in diags.0 {
        let summary = format!("{name}: {}", d.summary);
        out.push(Diagnostic { summary, ..d });
    }
    out
}
