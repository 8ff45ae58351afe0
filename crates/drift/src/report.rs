//! The report and its JSON form (schema in `docs/drift.md`; `format_version` changes
//! its major number only when a field changes meaning or goes away).

use serde::Serialize;

/// One `iac drift` run over one or more stacks.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format_version: &'static str,
    pub stacks: Vec<StackReport>,
    /// Objects no given stack manages, across them all.
    pub unmanaged: Vec<Unmanaged>,
    /// `off`, `types` or `all`: what was listed for `unmanaged`.
    pub unmanaged_scope: &'static str,
    pub summary: Summary,
}

/// One stack's managed drift.
#[derive(Debug, Clone, Serialize)]
pub struct StackReport {
    /// The stack folder as given.
    pub stack: String,
    /// Where its state is (`.iac/state.json`, `s3://bucket/key`).
    pub state: String,
    pub resources: Vec<ResourceDrift>,
    /// Attributes and objects that differ but that `drift { ignore }` or
    /// `lifecycle.ignore_changes` leaves out.
    pub ignored: usize,
}

/// A managed object that differs from what the state records.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceDrift {
    pub address: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The recorded `id`.
    pub id: Option<String>,
    pub change: Change,
    /// Empty when deleted.
    pub attributes: Vec<AttributeDrift>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Changed,
    Deleted,
}

/// One attribute (or set element, list item, map key) that differs.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeDrift {
    /// As in `ignore_changes`: `instance_type`, `tags.Owner`, `ingress`.
    pub path: String,
    /// `changed`; `added` or `removed` for a set element, list item or map key.
    pub change: &'static str,
    /// Null when added, or when sensitive.
    pub recorded: serde_json::Value,
    /// Null when removed, or when sensitive.
    pub real: serde_json::Value,
    pub sensitive: bool,
}

/// An object that no given stack manages.
#[derive(Debug, Clone, Serialize)]
pub struct Unmanaged {
    /// The stack whose provider configuration listed it.
    pub stack: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The id `import` takes.
    pub id: String,
    pub name: String,
    /// The address an adoption would give it, and the block that adopts it.
    pub address: String,
    pub import: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub changed: usize,
    pub deleted: usize,
    pub unmanaged: usize,
    pub ignored: usize,
    pub stacks: usize,
}

impl Report {
    /// Whether anything was found: the run exits 2.
    pub fn found_drift(&self) -> bool {
        self.summary.changed + self.summary.deleted + self.summary.unmanaged > 0
    }

    /// The summary line: `2 changed, 1 deleted, 3 unmanaged in 2 stacks`, or that
    /// nothing differs.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let stacks = match s.stacks {
            1 => "1 stack".to_string(),
            n => format!("{n} stacks"),
        };
        if !self.found_drift() {
            return format!("No drift in {stacks}: the real infrastructure matches the state.");
        }
        let mut parts = vec![
            format!("{} changed", s.changed),
            format!("{} deleted", s.deleted),
        ];
        if self.unmanaged_scope != "off" {
            parts.push(format!("{} unmanaged", s.unmanaged));
        }
        format!("Drift in {stacks}: {}.", parts.join(", "))
    }
}
