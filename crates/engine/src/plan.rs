//! The plan: what an apply will do, resource instance by resource instance.

use std::collections::BTreeMap;

use iac_lang::config::Mode;
use iac_value::{Path, Value};

use crate::addr::InstanceAddr;

/// What happens to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    NoOp,
    Create,
    /// A data source read during apply, because its configuration is not yet known.
    Read,
    Update,
    /// Delete, then create.
    Replace,
    /// Create the replacement first, then delete (`create_before_destroy`).
    CreateThenDelete,
    Delete,
    /// Remove from state without destroying (`removed` with `destroy = false`).
    Forget,
}

impl Action {
    /// The action as Terraform's JSON plan lists it.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::Replace => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Forget => &["forget"],
        }
    }

    /// Parses [`Action::json_actions`] back.
    pub fn from_json_actions(actions: &[String]) -> Option<Action> {
        let a: Vec<&str> = actions.iter().map(String::as_str).collect();
        Some(match a.as_slice() {
            ["no-op"] => Action::NoOp,
            ["create"] => Action::Create,
            ["read"] => Action::Read,
            ["update"] => Action::Update,
            ["delete", "create"] => Action::Replace,
            ["create", "delete"] => Action::CreateThenDelete,
            ["delete"] => Action::Delete,
            ["forget"] => Action::Forget,
            _ => return None,
        })
    }

    /// Whether the action deletes the existing object.
    pub fn deletes(self) -> bool {
        matches!(
            self,
            Action::Replace | Action::CreateThenDelete | Action::Delete
        )
    }

    /// Whether the action makes or changes an object through the provider.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Update | Action::Replace | Action::CreateThenDelete
        )
    }
}

/// Why an action was chosen, as in Terraform's `action_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    ReplaceBecauseTainted,
    ReplaceBecauseCannotUpdate,
    ReplaceByRequest,
    ReplaceByTriggers,
    DeleteBecauseNoResourceConfig,
    DeleteBecauseWrongRepetition,
    DeleteBecauseCountIndex,
    DeleteBecauseEachKey,
    DeleteBecauseNoModule,
    ReadBecauseConfigUnknown,
    ReadBecauseDependencyPending,
}

impl Reason {
    /// The reason's name in plan JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ReplaceBecauseTainted => "replace_because_tainted",
            Reason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
            Reason::ReplaceByRequest => "replace_by_request",
            Reason::ReplaceByTriggers => "replace_by_triggers",
            Reason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
            Reason::DeleteBecauseWrongRepetition => "delete_because_wrong_repetition",
            Reason::DeleteBecauseCountIndex => "delete_because_count_index",
            Reason::DeleteBecauseEachKey => "delete_because_each_key",
            Reason::DeleteBecauseNoModule => "delete_because_no_module",
            Reason::ReadBecauseConfigUnknown => "read_because_config_unknown",
            Reason::ReadBecauseDependencyPending => "read_because_dependency_pending",
        }
    }

    /// Parses [`Reason::as_str`] back.
    pub fn parse(s: &str) -> Option<Reason> {
        [
            Reason::ReplaceBecauseTainted,
            Reason::ReplaceBecauseCannotUpdate,
            Reason::ReplaceByRequest,
            Reason::ReplaceByTriggers,
            Reason::DeleteBecauseNoResourceConfig,
            Reason::DeleteBecauseWrongRepetition,
            Reason::DeleteBecauseCountIndex,
            Reason::DeleteBecauseEachKey,
            Reason::DeleteBecauseNoModule,
            Reason::ReadBecauseConfigUnknown,
            Reason::ReadBecauseDependencyPending,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// The planned change of one resource instance.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    pub addr: InstanceAddr,
    /// The provider configuration, e.g. `provider["aws"]`.
    pub provider: String,
    pub action: Action,
    pub reason: Option<Reason>,
    /// The object before (refreshed), with sensitive marks.
    pub before: Option<Value>,
    /// The planned object, with unknowns and sensitive marks.
    pub after: Option<Value>,
    /// Attributes whose change forces replacement.
    pub replace_paths: Vec<Path>,
    /// The address the object had before a `moved` block renamed it.
    pub moved_from: Option<String>,
    /// Resource addresses this instance depends on, recorded in state.
    pub dependencies: Vec<String>,
    pub create_before_destroy: bool,
    /// For the deletion of a deposed object (one a `create_before_destroy` replacement
    /// superseded but could not yet destroy): its key.
    pub deposed: Option<String>,
    /// The id an `import` block adopts this object by: the apply records `before` as
    /// the object, then carries out `action` on it.
    pub importing: Option<String>,
}

impl ResourceChange {
    /// The order changes are kept in: by address, the current object before deposed ones.
    pub fn sort_key(&self) -> (&InstanceAddr, Option<&str>) {
        (&self.addr, self.deposed.as_deref())
    }

    /// Whether applying it does anything: an action, or an import.
    pub fn does_something(&self) -> bool {
        self.action != Action::NoOp || self.importing.is_some()
    }

    /// Whether this is a managed resource (not a data source).
    pub fn is_managed(&self) -> bool {
        self.addr.resource.mode == Mode::Managed
    }
}

/// A root output's planned change.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputChange {
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

/// Which kind of plan it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanMode {
    #[default]
    Normal,
    Destroy,
    RefreshOnly,
}

/// A whole plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub mode: PlanMode,
    /// Every resource instance's change (no-ops included), sorted by address.
    pub changes: Vec<ResourceChange>,
    /// Objects that changed outside iac since the last apply (found by the refresh).
    pub drift: Vec<ResourceChange>,
    pub outputs: BTreeMap<String, OutputChange>,
    /// The state the plan was made against, after refresh and moves.
    pub prior_state: iac_state::State,
    /// The lineage and serial of the stored state when the plan was made.
    pub state_lineage: String,
    pub state_serial: u64,
    /// The root variables the plan was made with.
    pub variables: BTreeMap<String, Value>,
    /// A digest of the stack's files, by their paths relative to the stack (so a copy of
    /// the stack in another folder has the same digest). A saved plan records no folder:
    /// it applies to the stack it is applied in, if that stack's files and state are the
    /// ones it was made against.
    pub config_digest: String,
    pub targets: Vec<String>,
    /// What the planner warns of (objects an interrupted apply made, now adopted); shown
    /// when the plan is made, not kept in a saved plan.
    pub warnings: iac_lang::Diagnostics,
}

impl Plan {
    /// The changes that do something (imports included).
    pub fn actions(&self) -> impl Iterator<Item = &ResourceChange> {
        self.changes.iter().filter(|c| c.does_something())
    }

    /// How many objects `import` blocks adopt.
    pub fn imports(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.importing.is_some())
            .count()
    }

    /// Counts of (add, change, destroy) as the summary line shows them.
    pub fn summary(&self) -> (usize, usize, usize) {
        let (mut add, mut change, mut destroy) = (0, 0, 0);
        for c in self.changes.iter().filter(|c| c.is_managed()) {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Replace | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::Delete => destroy += 1,
                Action::NoOp | Action::Read | Action::Forget => {}
            }
        }
        (add, change, destroy)
    }

    /// Whether applying would change anything: resources or outputs, or, for a
    /// refresh-only plan, the recorded objects (what it shows as "No changes" is none).
    pub fn has_changes(&self) -> bool {
        match self.mode {
            PlanMode::RefreshOnly => !self.drift.is_empty(),
            _ => {
                self.actions().next().is_some()
                    || self.outputs.values().any(|o| o.before != o.after)
            }
        }
    }

    /// The change for `addr`.
    pub fn change(&self, addr: &InstanceAddr) -> Option<&ResourceChange> {
        self.changes
            .binary_search_by(|c| c.addr.cmp(addr))
            .ok()
            .map(|i| &self.changes[i])
    }
}
