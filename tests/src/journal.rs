//! Journal entries (`pending`) as the applier writes them, for tests of what a run makes
//! of creates whose answers were lost: written into a stack's state, then adopted.

use serde_json::{Value, json};

use crate::{Run, Stack, unique};

/// A token as the applier makes them (32 lowercase hex digits), unique per call.
pub fn token() -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(unique("token").as_bytes());
    format!("{digest:x}")[..32].to_string()
}

/// The journal entry of an AWS create of `address` (its type is the address's) that
/// carried `token` and was planned as `planned`, by a run that was killed.
pub fn entry(address: &str, token: &str, planned: Value) -> Value {
    json!({
        "address": address,
        "type": address.split('.').next().unwrap(),
        "provider": "provider[\"aws\"]",
        "token": token,
        "planned": planned,
        "started": "2026-12-02T05:00:00Z",
        "run": "killed-run"
    })
}

/// Writes a state whose only content is the journal `entries`.
pub fn write(stack: &Stack, entries: Vec<Value>) {
    let state = json!({
        "version": 1,
        "lineage": "5b0c2a4e-8d7f-4e53-9a40-3f4f1c8e7d21",
        "serial": 1,
        "resources": [],
        "pending": entries
    });
    std::fs::create_dir_all(stack.path().join(".iac")).unwrap();
    std::fs::write(
        stack.path().join(".iac/state.json"),
        serde_json::to_vec_pretty(&state).unwrap(),
    )
    .unwrap();
}

/// Moves the state entries at `addresses` into journal entries, as if their creates had
/// been sent and their answers lost: each planned as recorded, with its ids unknown
/// (null, as the applier journals them) and a fresh token. The objects stay.
pub fn forget(stack: &Stack, addresses: &[&str]) {
    let mut state = stack.state();
    let resources = state["resources"].as_array_mut().unwrap();
    let mut pending = Vec::new();
    for address in addresses {
        let at = resources
            .iter()
            .position(|r| r["address"] == *address)
            .unwrap_or_else(|| panic!("{address} is not in the state"));
        let entry = resources.remove(at);
        let mut planned = entry["attributes"].clone();
        for computed in ["id", "arn"] {
            if planned.get(computed).is_some() {
                planned[computed] = Value::Null;
            }
        }
        pending.push(json!({
            "address": address,
            "type": entry["type"],
            "provider": entry["provider"],
            "token": token(),
            "planned": planned,
            "dependencies": entry.get("dependencies").cloned().unwrap_or(json!([])),
            "started": "2026-12-02T05:00:00Z",
            "run": "killed-run"
        }));
    }
    state["pending"] = Value::Array(pending);
    std::fs::write(
        stack.path().join(".iac/state.json"),
        serde_json::to_vec_pretty(&state).unwrap(),
    )
    .unwrap();
}

/// Applies the stack: the run adopts each of `addresses` (saying so), leaves no journal
/// entry, and a re-plan is clean.
pub fn apply_adopts(stack: &Stack, addresses: &[&str]) -> Run {
    let run = stack.iac(&["apply", "-auto-approve"]).expect(0);
    let all = format!("{}{}", run.stdout, run.stderr);
    for address in addresses {
        assert!(
            all.contains(&format!("Adopted {address}")),
            "no adoption warning for {address}:\n{all}"
        );
    }
    let state = stack.state();
    assert!(
        state
            .get("pending")
            .is_none_or(|p| p.as_array().unwrap().is_empty()),
        "the journal entry is left: {state:#}"
    );
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);
    run
}

/// Writes a state whose only content is the journal entry of a create of `address`
/// that carried `token` and was planned as `planned` (see [`entry`]).
pub fn write_one(stack: &Stack, address: &str, token: &str, planned: Value) {
    write(stack, vec![entry(address, token, planned)]);
}
