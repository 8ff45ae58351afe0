//! Re-reading, once an apply's operations are done, the objects they depended on: an
//! operation can change what it refers to (attaching an Elastic IP changes the
//! instance's public address, validating a certificate issues it, a rule resource adds
//! to its security group's rules). Recording what they now are keeps the next refresh
//! from reporting iac's own work as a change made outside it.

use std::collections::BTreeSet;
use std::sync::Mutex;

use iac_state::State;

use crate::addr::parse_instance;
use crate::plan::Plan;
use crate::stateval::{paths_from_json, state_value, to_state_parts};
use crate::static_address;
use crate::walk::{Walk, parse_provider_address};

/// Reads again every managed object that a create or update of `plan` depends on and
/// that no operation of the plan wrote or deleted, and records it in `state`. A failed
/// read changes nothing: the next refresh reads it anyway.
pub(crate) async fn dependencies_of_writes(walk: &Walk<'_>, plan: &Plan, state: &Mutex<State>) {
    let depended_on: BTreeSet<&str> = plan
        .changes
        .iter()
        .filter(|c| c.is_managed() && c.action.writes())
        .flat_map(|c| c.dependencies.iter().map(String::as_str))
        .collect();
    if depended_on.is_empty() {
        return;
    }
    let touched: BTreeSet<String> = plan
        .changes
        .iter()
        .filter(|c| c.does_something())
        .map(|c| c.addr.to_string())
        .collect();
    let stale: Vec<iac_state::ResourceState> = state
        .lock()
        .expect("state lock")
        .resources
        .iter()
        .filter(|r| r.mode == "managed" && r.deposed.is_none())
        .filter(|r| !touched.contains(&r.address))
        .filter(|r| {
            parse_instance(&r.address)
                .is_ok_and(|a| depended_on.contains(static_address(&a).as_str()))
        })
        .cloned()
        .collect();
    let reads = stale.into_iter().map(|stored| async move {
        let addr = parse_instance(&stored.address).ok()?;
        let key = parse_provider_address(&stored.provider)?;
        let schema = walk.schema_of(&key.0, addr.resource.mode, &addr.resource.ty)?;
        let client = walk.client(&key).await.ok()?;
        let prior = state_value(&stored, Some(schema)).unmark_deep().0;
        let current = {
            let _permit = walk.limit.acquire().await.ok()?;
            client.read(&addr.resource.ty, &prior).await.ok()??
        };
        let recorded = paths_from_json(&stored.sensitive_attributes);
        let current = current.mark_paths(&recorded);
        let paths = schema.sensitive_paths(&current);
        let current = current.mark_paths(&paths);
        let (attributes, sensitive_attributes) = to_state_parts(&current, Some(schema));
        Some(iac_state::ResourceState {
            attributes,
            sensitive_attributes,
            ..stored
        })
    });
    for read in futures::future::join_all(reads).await.into_iter().flatten() {
        state.lock().expect("state lock").upsert(read);
    }
}
