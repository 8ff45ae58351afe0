//! Planning what nothing in the configuration claims: state entries whose block,
//! instance or module is gone (deletes, or `forget`s under `removed`), and deposed objects.

use iac_lang::Diagnostic;
use iac_lang::config::{Mode, Resource};
use iac_state::ResourceState;

use super::{Planner, prevent_destroy_error};
use crate::addr::{InstanceAddr, InstanceKey, parse_instance};
use crate::exprs::expr_target;
use crate::plan::{Action, PlanMode, Reason, ResourceChange};
use crate::stateval::state_value;
use crate::walk::parse_provider_address;

impl Planner<'_> {
    /// Plans what to do with state entries no configuration claims.
    pub(super) async fn plan_orphans(&self) {
        let seen = self.seen.lock().expect("seen lock").clone();
        crate::recovery::resolve_unclaimed(&self.walk, &self.prior, &seen).await;
        let orphans: Vec<ResourceState> = {
            self.prior
                .lock()
                .expect("prior lock")
                .resources
                .iter()
                .filter(|r| r.deposed.is_some() || !seen.contains(&r.address))
                .cloned()
                .collect()
        };
        let tasks = orphans.into_iter().map(|stored| async move {
            if stored.deposed.is_some() {
                return self.plan_deposed(stored);
            }
            let Ok(addr) = parse_instance(&stored.address) else {
                self.walk.report(Diagnostic::error(
                    format!("Invalid address in state: {}", stored.address),
                    None,
                ));
                return;
            };
            if addr.resource.mode == Mode::Data {
                self.prior
                    .lock()
                    .expect("prior lock")
                    .remove(&stored.address);
                return;
            }
            if !self.opts.targets.is_empty() && !self.opts.targets.iter().any(|t| t.contains(&addr))
            {
                return;
            }
            let Some(key) = parse_provider_address(&stored.provider) else {
                self.walk.report(Diagnostic::error(
                    format!(
                        "Invalid provider \"{}\" in state for {}",
                        stored.provider, stored.address
                    ),
                    None,
                ));
                return;
            };
            let schema = self
                .walk
                .schema_of(&key.0, addr.resource.mode, &addr.resource.ty);
            let client = match self.walk.client(&key).await {
                Ok(c) => c,
                Err(d) => {
                    self.walk.report(d);
                    return;
                }
            };
            let prior = match schema {
                Some(schema) => match self.refresh(&addr, schema, &*client).await {
                    Ok(Some((v, _))) => v,
                    Ok(None) => return,
                    Err(d) => {
                        self.walk.report(d);
                        return;
                    }
                },
                None => state_value(&stored, None),
            };
            let (action, reason) = self.orphan_action(&addr);
            if action == Action::Delete
                && self.opts.mode != PlanMode::Destroy
                && let Some(res) = self
                    .config_of(&addr)
                    .filter(|r| r.lifecycle.prevent_destroy)
            {
                self.walk.report(prevent_destroy_error(&addr, res));
                return;
            }
            if self.opts.mode == PlanMode::RefreshOnly {
                return;
            }
            self.changes
                .lock()
                .expect("changes lock")
                .push(ResourceChange {
                    moved_from: self.moved_from.get(&stored.address).cloned(),
                    addr,
                    provider: stored.provider.clone(),
                    action,
                    reason: Some(reason),
                    before: Some(prior),
                    after: None,
                    replace_paths: Vec::new(),
                    dependencies: stored.dependencies.clone(),
                    create_before_destroy: stored.create_before_destroy,
                    deposed: None,
                    importing: None,
                });
        });
        futures::future::join_all(tasks).await;
    }

    /// A deposed object is always destroyed (a refresh-only plan leaves it).
    fn plan_deposed(&self, stored: ResourceState) {
        let Ok(addr) = parse_instance(&stored.address) else {
            return;
        };
        let targeted =
            self.opts.targets.is_empty() || self.opts.targets.iter().any(|t| t.contains(&addr));
        if self.opts.mode == PlanMode::RefreshOnly || !targeted {
            return;
        }
        let provider = parse_provider_address(&stored.provider)
            .map(|k| k.0)
            .unwrap_or_default();
        let schema = self
            .walk
            .schema_of(&provider, addr.resource.mode, &addr.resource.ty);
        self.changes
            .lock()
            .expect("changes lock")
            .push(ResourceChange {
                addr,
                provider: stored.provider.clone(),
                action: Action::Delete,
                reason: None,
                before: Some(state_value(&stored, schema)),
                after: None,
                replace_paths: Vec::new(),
                moved_from: None,
                dependencies: stored.dependencies.clone(),
                create_before_destroy: stored.create_before_destroy,
                deposed: stored.deposed.clone(),
                importing: None,
            });
    }

    fn config_of(&self, addr: &InstanceAddr) -> Option<&Resource> {
        let tree = self.walk.tree().at(&addr.resource.module.static_path())?;
        tree.module
            .resource(addr.resource.mode, &addr.resource.ty, &addr.resource.name)
    }

    fn orphan_action(&self, addr: &InstanceAddr) -> (Action, Reason) {
        if self.opts.mode == PlanMode::Destroy {
            return (Action::Delete, Reason::DeleteBecauseNoResourceConfig);
        }
        for r in &self.walk.tree().module.removed {
            if let Ok(t) = expr_target(&r.from)
                && t.contains(addr)
            {
                return (
                    if r.destroy {
                        Action::Delete
                    } else {
                        Action::Forget
                    },
                    Reason::DeleteBecauseNoResourceConfig,
                );
            }
        }
        if self
            .walk
            .tree()
            .at(&addr.resource.module.static_path())
            .is_none()
        {
            return (Action::Delete, Reason::DeleteBecauseNoModule);
        }
        let module_exists = self
            .walk
            .values
            .lock()
            .expect("values lock")
            .module_instances(&addr.resource.module.static_path())
            .contains(&addr.resource.module);
        if !module_exists {
            return (Action::Delete, Reason::DeleteBecauseNoModule);
        }
        let Some(res) = self.config_of(addr) else {
            return (Action::Delete, Reason::DeleteBecauseNoResourceConfig);
        };
        let reason = match (&addr.key, res.count.is_some(), res.for_each.is_some()) {
            (InstanceKey::Int(_), true, _) => Reason::DeleteBecauseCountIndex,
            (InstanceKey::Str(_), _, true) => Reason::DeleteBecauseEachKey,
            _ => Reason::DeleteBecauseWrongRepetition,
        };
        (Action::Delete, reason)
    }
}
