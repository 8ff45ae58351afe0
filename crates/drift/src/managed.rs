//! Managed drift: the refresh's changes, attribute by attribute, recorded value against
//! real value. Sets are compared by content (an added rule is an added rule, not the
//! rule beside it changed); lists and objects by position and key.

use iac_engine::plan::{Action, ResourceChange};
use iac_engine::{Providers, Stack};
use iac_lang::config::Mode;
use iac_lang::{Diagnostic, Diagnostics};
use iac_value::{Path, PathStep, Value};

use crate::ignore::Ignores;
use crate::report::{AttributeDrift, Change, ResourceDrift};

/// What `changes` (a refresh-only plan's drift) report once `ignores` and each
/// resource's `lifecycle.ignore_changes` are left out, and how many attributes or
/// objects were left out.
pub fn report(
    stack: &Stack,
    providers: &Providers,
    changes: &[ResourceChange],
    ignores: &Ignores,
) -> Result<(Vec<ResourceDrift>, usize), Diagnostics> {
    let mut out = Vec::new();
    let mut ignored = 0;
    for c in changes.iter().filter(|c| c.is_managed()) {
        let id = c
            .before
            .as_ref()
            .and_then(|b| b.get("id").as_str().map(str::to_string));
        if c.action == Action::Delete {
            if ignores.managed(&c.addr, &[]) {
                ignored += 1;
            } else {
                out.push(ResourceDrift {
                    address: c.addr.to_string(),
                    type_name: c.addr.resource.ty.clone(),
                    id,
                    change: Change::Deleted,
                    attributes: Vec::new(),
                });
            }
            continue;
        }
        let lifecycle = ignore_changes(stack, providers, c).map_err(Diagnostics::from)?;
        let mut leaves = Vec::new();
        diff(
            c.before.as_ref().unwrap_or(&Value::Null),
            c.after.as_ref().unwrap_or(&Value::Null),
            false,
            &mut Path::new(),
            &mut leaves,
        );
        let before = leaves.len();
        leaves.retain(|l| {
            !ignores.managed(&c.addr, &l.path) && !lifecycle.iter().any(|p| l.path.starts_with(p))
        });
        ignored += before - leaves.len();
        if leaves.is_empty() {
            continue;
        }
        out.push(ResourceDrift {
            address: c.addr.to_string(),
            type_name: c.addr.resource.ty.clone(),
            id,
            change: Change::Changed,
            attributes: leaves.into_iter().map(Leaf::into_drift).collect(),
        });
    }
    Ok((out, ignored))
}

/// The paths the resource block's `lifecycle.ignore_changes` names; none for an object
/// the configuration no longer declares.
fn ignore_changes(
    stack: &Stack,
    providers: &Providers,
    c: &ResourceChange,
) -> Result<Vec<Path>, Diagnostic> {
    let module = stack.tree.at(&c.addr.resource.module.static_path());
    let Some(res) = module.and_then(|m| {
        m.module
            .resource(Mode::Managed, &c.addr.resource.ty, &c.addr.resource.name)
    }) else {
        return Ok(Vec::new());
    };
    let schema = providers
        .get(res.provider_name())
        .and_then(|p| p.schema().resources.get(&res.ty));
    match schema {
        Some(schema) => iac_engine::ignored_paths(res, schema),
        None => Ok(Vec::new()),
    }
}

/// One differing value: absent on one side when a set element or list item was added
/// or removed.
struct Leaf {
    path: Path,
    recorded: Option<Value>,
    real: Option<Value>,
    sensitive: bool,
}

impl Leaf {
    fn into_drift(self) -> AttributeDrift {
        let shown = |v: Option<Value>| match v {
            Some(v) if !self.sensitive => v.to_json(),
            _ => serde_json::Value::Null,
        };
        AttributeDrift {
            path: iac_engine::path_string(&self.path),
            change: match (&self.recorded, &self.real) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            },
            recorded: shown(self.recorded),
            real: shown(self.real),
            sensitive: self.sensitive,
        }
    }
}

fn diff(before: &Value, after: &Value, sensitive: bool, path: &mut Path, out: &mut Vec<Leaf>) {
    let (b, b_marked) = before.unmark();
    let (a, a_marked) = after.unmark();
    let sensitive = sensitive || b_marked || a_marked;
    if b == a {
        return;
    }
    let leaf =
        |path: &Path, recorded: Option<&Value>, real: Option<&Value>, sensitive: bool| Leaf {
            path: path.clone(),
            recorded: recorded.cloned(),
            real: real.cloned(),
            sensitive: sensitive
                || recorded.is_some_and(Value::contains_sensitive)
                || real.is_some_and(Value::contains_sensitive),
        };
    match (b, a) {
        (Value::Map(bm), Value::Map(am)) => {
            let keys: std::collections::BTreeSet<&String> = bm.keys().chain(am.keys()).collect();
            for k in keys {
                path.push(PathStep::Key(k.clone()));
                diff(
                    bm.get(k).unwrap_or(&Value::Null),
                    am.get(k).unwrap_or(&Value::Null),
                    sensitive,
                    path,
                    out,
                );
                path.pop();
            }
        }
        (Value::List(bl), Value::List(al)) => {
            for i in 0..bl.len().max(al.len()) {
                path.push(PathStep::Index(i));
                match (bl.get(i), al.get(i)) {
                    (Some(x), Some(y)) => diff(x, y, sensitive, path, out),
                    (x, y) => out.push(leaf(path, x, y, sensitive)),
                }
                path.pop();
            }
        }
        (Value::Set(bs), Value::Set(as_)) => {
            for removed in bs.iter().filter(|x| !as_.contains(x)) {
                out.push(leaf(path, Some(removed), None, sensitive));
            }
            for added in as_.iter().filter(|x| !bs.contains(x)) {
                out.push(leaf(path, None, Some(added), sensitive));
            }
        }
        _ => out.push(leaf(path, Some(b), Some(a), sensitive)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn rule(port: f64, cidr: &str) -> Value {
        obj(&[
            ("from_port", Value::Number(port)),
            ("cidr_blocks", Value::List(vec![cidr.into()])),
        ])
    }

    fn leaves(before: &Value, after: &Value) -> Vec<AttributeDrift> {
        let mut out = Vec::new();
        diff(before, after, false, &mut Path::new(), &mut out);
        out.into_iter().map(Leaf::into_drift).collect()
    }

    #[test]
    fn an_added_set_element_is_one_addition_not_a_changed_neighbour() {
        let before = obj(&[("ingress", Value::set(vec![rule(443.0, "10.0.0.0/8")]))]);
        let after = obj(&[(
            "ingress",
            Value::set(vec![rule(443.0, "10.0.0.0/8"), rule(22.0, "0.0.0.0/0")]),
        )]);
        let got = leaves(&before, &after);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, "ingress");
        assert_eq!(got[0].change, "added");
        assert_eq!(got[0].recorded, serde_json::Value::Null);
        assert_eq!(got[0].real["from_port"], 22);
    }

    #[test]
    fn objects_and_maps_differ_per_key_and_secrets_stay_masked() {
        let before = obj(&[
            ("tags", obj(&[("Env", "prod".into())])),
            ("password", Value::Sensitive(Box::new("old".into()))),
            ("instance_type", "t3.micro".into()),
        ]);
        let after = obj(&[
            (
                "tags",
                obj(&[("Env", "prod".into()), ("Owner", "ops".into())]),
            ),
            ("password", Value::Sensitive(Box::new("new".into()))),
            ("instance_type", "t3.micro".into()),
        ]);
        let got = leaves(&before, &after);
        let paths: Vec<&str> = got.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["password", "tags.Owner"]);
        assert!(got[0].sensitive);
        assert_eq!(got[0].real, serde_json::Value::Null, "never the secret");
        assert_eq!(got[1].recorded, serde_json::Value::Null);
        assert_eq!(got[1].real, "ops");
    }
}
