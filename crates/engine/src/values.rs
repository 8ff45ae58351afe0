//! The values known so far during a walk, and the scope expressions see them through.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use iac_lang::config::{Mode, ModuleTree};
use iac_lang::eval::Scope;
use iac_lang::{Diagnostic, Span, did_you_mean};
use iac_value::Value;

use crate::addr::{InstanceKey, ModuleInstance, ResourceAddr};

/// How a resource or module call expanded.
#[derive(Debug, Clone, PartialEq)]
pub enum Expansion {
    /// Neither `count` nor `for_each`: one instance with no key.
    Single,
    /// `count = n`.
    Count(usize),
    /// `for_each`: each key with its `each.value`.
    ForEach(BTreeMap<String, Value>),
}

impl Expansion {
    /// The instance keys, in order.
    pub fn keys(&self) -> Vec<InstanceKey> {
        match self {
            Expansion::Single => vec![InstanceKey::None],
            Expansion::Count(n) => (0..*n as i64).map(InstanceKey::Int).collect(),
            Expansion::ForEach(m) => m.keys().map(|k| InstanceKey::Str(k.clone())).collect(),
        }
    }

    /// `each.value` for `key`, if this is a `for_each` expansion.
    pub fn each_value(&self, key: &InstanceKey) -> Option<Value> {
        match (self, key) {
            (Expansion::ForEach(m), InstanceKey::Str(k)) => m.get(k).cloned(),
            _ => None,
        }
    }

    /// Gathers per-instance values into the value a reference sees: the object itself, a
    /// list by index, or a map by key.
    pub fn aggregate(&self, mut get: impl FnMut(&InstanceKey) -> Value) -> Value {
        match self {
            Expansion::Single => get(&InstanceKey::None),
            Expansion::Count(_) => Value::List(self.keys().iter().map(&mut get).collect()),
            Expansion::ForEach(m) => Value::Map(
                m.keys()
                    .map(|k| (k.clone(), get(&InstanceKey::Str(k.clone()))))
                    .collect(),
            ),
        }
    }
}

/// The values of a resource's instances.
#[derive(Debug, Clone)]
pub struct ResourceValues {
    pub expansion: Expansion,
    pub instances: BTreeMap<InstanceKey, Value>,
}

/// Everything evaluated so far, by module instance.
#[derive(Default)]
pub struct Values {
    pub vars: HashMap<(ModuleInstance, String), Value>,
    pub locals: HashMap<(ModuleInstance, String), Value>,
    pub outputs: HashMap<(ModuleInstance, String), Value>,
    pub resources: HashMap<ResourceAddr, ResourceValues>,
    pub modules: HashMap<(ModuleInstance, String), Expansion>,
}

impl Values {
    /// Every instance of the module at static path `path`.
    pub fn module_instances(&self, path: &[String]) -> Vec<ModuleInstance> {
        let mut out = vec![ModuleInstance::root()];
        for name in path {
            let mut next = Vec::new();
            for parent in &out {
                if let Some(exp) = self.modules.get(&(parent.clone(), name.clone())) {
                    for key in exp.keys() {
                        next.push(parent.child(name, key));
                    }
                }
            }
            out = next;
        }
        out
    }

    fn resource_value(&self, addr: &ResourceAddr) -> Value {
        match self.resources.get(addr) {
            Some(rv) => rv
                .expansion
                .aggregate(|k| rv.instances.get(k).cloned().unwrap_or(Value::Unknown)),
            None => Value::Unknown,
        }
    }

    fn module_value(&self, parent: &ModuleInstance, name: &str, outputs: &[String]) -> Value {
        let Some(exp) = self.modules.get(&(parent.clone(), name.to_string())) else {
            return Value::Unknown;
        };
        exp.aggregate(|key| {
            let child = parent.child(name, key.clone());
            Value::Map(
                outputs
                    .iter()
                    .map(|o| {
                        (
                            o.clone(),
                            self.outputs
                                .get(&(child.clone(), o.clone()))
                                .cloned()
                                .unwrap_or(Value::Unknown),
                        )
                    })
                    .collect(),
            )
        })
    }
}

/// The per-instance context of an evaluation: `count.index`, `each.*`.
#[derive(Debug, Clone, Default)]
pub struct Repetition {
    pub key: Option<InstanceKey>,
    pub each_value: Option<Value>,
}

/// Resolves references for an evaluation inside one module instance.
pub struct InstanceScope<'a> {
    pub values: &'a Values,
    pub tree: &'a ModuleTree,
    pub module: &'a ModuleInstance,
    pub repetition: Repetition,
    pub root_dir: &'a Path,
}

impl InstanceScope<'_> {
    fn module_dir(&self) -> PathBuf {
        self.tree
            .at(&self.module.static_path())
            .map(|t| t.module.dir.clone())
            .unwrap_or_else(|| self.root_dir.to_path_buf())
    }
}

fn path_string(p: &Path) -> Value {
    Value::String(p.display().to_string())
}

impl Scope for InstanceScope<'_> {
    fn resolve(
        &self,
        root: &str,
        attrs: &[&str],
        span: &Span,
    ) -> Result<(Value, usize), Diagnostic> {
        let err = |summary: &str, detail: String| {
            Err(Diagnostic::error(summary, Some(span.clone())).with_detail(detail))
        };
        let first = attrs.first().copied();
        let m = self.module;
        match (root, first) {
            ("var", Some(name)) => Ok((self.values.vars.get(&(m.clone(), name.to_string())).cloned().unwrap_or(Value::Unknown), 1)),
            ("local", Some(name)) => Ok((self.values.locals.get(&(m.clone(), name.to_string())).cloned().unwrap_or(Value::Unknown), 1)),
            ("module", Some(name)) => {
                let mut child = m.static_path();
                child.push(name.to_string());
                let outputs: Vec<String> = self.tree.at(&child).map(|t| t.module.outputs.keys().cloned().collect()).unwrap_or_default();
                Ok((self.values.module_value(m, name, &outputs), 1))
            }
            ("data", Some(ty)) if attrs.len() >= 2 => {
                let addr = ResourceAddr { module: m.clone(), mode: Mode::Data, ty: ty.to_string(), name: attrs[1].to_string() };
                Ok((self.values.resource_value(&addr), 2))
            }
            ("count", Some("index")) => match &self.repetition.key {
                Some(InstanceKey::Int(i)) => Ok((Value::Number(*i as f64), 1)),
                _ => err("Reference to \"count\" in non-counted context", "The \"count\" object can only be used in resource and module blocks, and only when the \"count\" argument is set.".into()),
            },
            ("each", Some(attr @ ("key" | "value"))) => match (&self.repetition.key, &self.repetition.each_value) {
                (Some(k @ InstanceKey::Str(_)), Some(v)) => Ok((if attr == "key" { k.to_value() } else { v.clone() }, 1)),
                _ => err("each.value cannot be used in this context", "A reference to \"each.key\" or \"each.value\" has been used in a context in which it is unavailable, such as when the configuration no longer contains the value in its \"for_each\" expression.".into()),
            },
            ("path", Some("module")) => Ok((path_string(&self.module_dir()), 1)),
            ("path", Some("root")) => Ok((path_string(self.root_dir), 1)),
            ("path", Some("cwd")) => Ok((path_string(&std::env::current_dir().unwrap_or_default()), 1)),
            ("path", Some(other)) => err("Invalid \"path\" attribute", format!("The \"path\" object has no attribute \"{other}\".{}", did_you_mean(other, ["module", "root", "cwd"]))),
            ("terraform", Some("workspace")) => Ok((Value::from("default"), 1)),
            ("self", _) => err("Invalid \"self\" reference", "The \"self\" object is only available in provisioner and connection blocks, which iac does not support.".into()),
            (ty, Some(name)) if ty.contains('_') => {
                let addr = ResourceAddr { module: m.clone(), mode: Mode::Managed, ty: ty.to_string(), name: name.to_string() };
                Ok((self.values.resource_value(&addr), 1))
            }
            (root, _) => err(&format!("Invalid reference \"{root}\""), "A reference is written as var.NAME, local.NAME, module.NAME.OUTPUT, data.TYPE.NAME or TYPE.NAME.".into()),
        }
    }
}
