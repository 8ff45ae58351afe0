//! Resolving the intent journal before planning: a create that an earlier run sent but
//! never recorded the answer of (it was killed, or the answer was lost) is looked for
//! through its provider, and what it made is adopted into the prior state.

use std::collections::HashSet;
use std::sync::Mutex;

use iac_lang::Diagnostic;
use iac_provider::{CreateToken, Found, ProviderClient, Schema};
use iac_state::{InstanceStatus, PendingCreate, ResourceState, State};

use crate::addr::InstanceAddr;
use crate::stateval::{paths_from_json, to_state_parts, value_from_json};

/// What the journal entry at an address came to.
pub(crate) enum Resolved {
    /// There was no entry.
    Nothing,
    /// The object was found and is now recorded; the warning says so.
    Adopted(Diagnostic),
    /// Nothing was made. The entry stays, so that the create planned in its place sends
    /// the same idempotency token.
    NotMade,
}

/// Looks for what the journaled create at `addr` made, and records it in `state`.
/// An error means it cannot be told; planning must stop there.
pub(crate) async fn resolve(
    state: &Mutex<State>,
    addr: &InstanceAddr,
    schema: Option<&Schema>,
    client: &dyn ProviderClient,
) -> Result<Resolved, Diagnostic> {
    let address = addr.to_string();
    let Some(entry) = state.lock().expect("state lock").pending(&address).cloned() else {
        return Ok(Resolved::Nothing);
    };
    let recorded_paths = paths_from_json(&entry.sensitive_attributes);
    let planned = value_from_json(&entry.planned, schema, &recorded_paths)
        .unmark_deep()
        .0;
    let token = CreateToken::recorded(entry.token.clone());
    let found = client
        .find_created(&entry.type_name, &planned, &token)
        .await
        .map_err(|e| unresolved(&entry, &format!("looking for it failed: {e}")))?;
    let mut state = state.lock().expect("state lock");
    let mut candidates = unclaimed(&state, &entry.type_name, found);
    match candidates.len() {
        0 => Ok(Resolved::NotMade),
        1 => {
            let found = candidates.pop().expect("one candidate");
            Ok(Resolved::Adopted(adopt(
                &mut state,
                entry,
                found,
                schema,
                &recorded_paths,
            )))
        }
        _ => {
            let ids: Vec<&str> = candidates
                .iter()
                .filter_map(|f| f.state.get("id").as_str())
                .collect();
            Err(unresolved(
                &entry,
                &format!(
                    "{} objects match what it sent, and any of them could be it: {}",
                    candidates.len(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// The candidates that no other state entry of the same type records already.
fn unclaimed(state: &State, type_name: &str, found: Vec<Found>) -> Vec<Found> {
    let recorded: HashSet<&str> = state
        .resources
        .iter()
        .filter(|r| r.type_name == type_name)
        .filter_map(|r| r.attributes.get("id").and_then(|id| id.as_str()))
        .collect();
    found
        .into_iter()
        .filter(|f| {
            f.state
                .get("id")
                .as_str()
                .is_none_or(|id| !recorded.contains(id))
        })
        .collect()
}

/// Records `found` at the entry's address (deposing the object there, which a
/// `create_before_destroy` replacement was superseding) and removes the entry.
fn adopt(
    state: &mut State,
    entry: PendingCreate,
    found: Found,
    schema: Option<&Schema>,
    recorded_paths: &[iac_value::Path],
) -> Diagnostic {
    let value = found.state.mark_paths(recorded_paths);
    let value = match schema {
        Some(s) => {
            let paths = s.sensitive_paths(&value);
            value.mark_paths(&paths)
        }
        None => value,
    };
    let (attributes, sensitive_attributes) = to_state_parts(&value, schema);
    let id = value.get("id").as_str().unwrap_or("(no id)").to_string();
    if state.resource(&entry.address).is_some() {
        state.depose(&entry.address);
    }
    state.remove_pending(&entry.address);
    state.upsert(ResourceState {
        address: entry.address.clone(),
        mode: "managed".into(),
        type_name: entry.type_name,
        provider: entry.provider,
        attributes,
        sensitive_attributes,
        dependencies: entry.dependencies,
        status: if found.complete {
            InstanceStatus::Ready
        } else {
            InstanceStatus::Tainted
        },
        create_before_destroy: entry.create_before_destroy,
        deposed: None,
    });
    let how = if found.complete {
        "recorded it"
    } else {
        "recorded it as tainted (its create had not finished), so this plan replaces it"
    };
    Diagnostic::warning(
        format!("Adopted {} that an interrupted apply created", entry.address),
        None,
    )
    .with_detail(format!(
        "An earlier apply (run {}, at {}) sent the create of {} and stopped before recording its answer. iac found the object it made, {id}, and {how}.",
        entry.run, entry.started, entry.address
    ))
}

fn unresolved(entry: &PendingCreate, why: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Cannot tell whether {} was created", entry.address),
        None,
    )
    .with_detail(format!(
        "An earlier apply (run {}, at {}) sent the create of {} ({}) and stopped before recording its answer; {why}.\n\nCheck by hand whether the object exists. If it does, record it with `iac import {} ID` (and remove any duplicates); if it does not, `iac state rm {}` removes the journal entry.",
        entry.run, entry.started, entry.address, entry.type_name, entry.address, entry.address
    ))
}

/// Resolves the journal entries at addresses no configuration claims (`seen` holds
/// those it does) and that hold no object: an adopted object becomes an orphan the plan
/// deletes; an entry whose create made nothing is dropped.
pub(crate) async fn resolve_unclaimed(
    walk: &crate::walk::Walk<'_>,
    state: &Mutex<State>,
    seen: &HashSet<String>,
) {
    let entries: Vec<PendingCreate> = {
        let state = state.lock().expect("state lock");
        state
            .pending
            .iter()
            .filter(|p| !seen.contains(&p.address) && state.resource(&p.address).is_none())
            .cloned()
            .collect()
    };
    let tasks = entries.into_iter().map(|entry| async move {
        let Ok(addr) = crate::addr::parse_instance(&entry.address) else {
            walk.report(Diagnostic::error(
                format!("Invalid address in the state's journal: {}", entry.address),
                None,
            ));
            return;
        };
        let Some(key) = crate::walk::parse_provider_address(&entry.provider) else {
            walk.report(unresolved(&entry, "its provider is not valid"));
            return;
        };
        let client = match walk.client(&key).await {
            Ok(c) => c,
            Err(d) => return walk.report(d),
        };
        let schema = walk.schema_of(&key.0, addr.resource.mode, &entry.type_name);
        match resolve(state, &addr, schema, &*client).await {
            Ok(Resolved::Adopted(warning)) => walk.report(warning),
            Ok(Resolved::NotMade) => {
                state
                    .lock()
                    .expect("state lock")
                    .remove_pending(&entry.address);
            }
            Ok(Resolved::Nothing) => {}
            Err(d) => walk.report(d),
        }
    });
    futures::future::join_all(tasks).await;
}
