//! The intent journal: a create whose answer never reached the state is found by the
//! next plan and adopted, never made twice.

mod support;

use iac_engine::plan::Action;
use iac_state::{Backend, PendingCreate};
use support::{Harness, actions, summaries};

const LOST: &str = "resource \"mem_thing\" \"a\" {\n  name = \"lost-a\"\n}\n";

/// A journal entry as a killed apply leaves it, for a create of `name` at `address`.
fn entry(address: &str, name: &str, token: &str) -> PendingCreate {
    PendingCreate {
        address: address.into(),
        type_name: "mem_thing".into(),
        provider: "provider[\"mem\"]".into(),
        token: token.into(),
        planned: serde_json::json!({ "name": name }),
        sensitive_attributes: vec![],
        dependencies: vec![],
        create_before_destroy: false,
        started: "2026-12-02T05:00:00Z".into(),
        run: "killed-run".into(),
    }
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_adopted_not_made_again() {
    let h = Harness::new(LOST);
    let plan = h.plan().await.unwrap();
    let out = h.apply(&plan).await;
    assert!(summaries(&out.diags).contains("connection reset"));
    let state = h.state();
    assert!(state.resource("mem_thing.a").is_none());
    let pending = state
        .pending("mem_thing.a")
        .expect("the create stays journaled");
    assert_eq!(pending.planned["name"], "lost-a");
    assert_eq!(h.provider.cloud.objects.lock().unwrap().len(), 1);

    let plan = h.plan().await.unwrap();
    assert!(
        actions(&plan).is_empty(),
        "the object the lost create made is recorded, not made again: {:?}",
        actions(&plan)
    );
    let warnings = summaries(&plan.warnings);
    assert!(
        warnings.contains("Adopted mem_thing.a that an interrupted apply created"),
        "{warnings}"
    );
    let adopted = plan.prior_state.resource("mem_thing.a").unwrap();
    assert_eq!(adopted.status, iac_state::InstanceStatus::Ready);
    assert!(plan.prior_state.pending.is_empty());
    h.apply(&plan).await;
    let state = h.state();
    assert!(state.pending.is_empty());
    assert_eq!(
        state.resource("mem_thing.a").unwrap().attributes["name"],
        "lost-a"
    );
    assert_eq!(
        h.provider.cloud.objects.lock().unwrap().len(),
        1,
        "nothing duplicated"
    );
}

#[tokio::test]
async fn a_create_that_made_nothing_is_sent_again_with_the_same_token() {
    let h = Harness::new("resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\n");
    let mut state = iac_state::State::new();
    state.add_pending(entry(
        "mem_thing.a",
        "a",
        "0123456789abcdef0123456789abcdef",
    ));
    h.backend.write(&state).unwrap();

    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        [("mem_thing.a".to_string(), Action::Create)]
    );
    assert!(plan.warnings.is_empty());
    h.apply(&plan).await;
    let tokens = h.provider.cloud.tokens.lock().unwrap().clone();
    assert_eq!(
        tokens.keys().collect::<Vec<_>>(),
        ["0123456789abcdef0123456789abcdef"],
        "the retried create carries the journaled token"
    );
    let state = h.state();
    assert!(state.pending.is_empty());
    assert!(state.resource("mem_thing.a").is_some());
}

#[tokio::test]
async fn an_adopted_object_no_configuration_claims_is_destroyed() {
    let h = Harness::new(LOST);
    let plan = h.plan().await.unwrap();
    h.apply(&plan).await;
    h.write("main.hcl", "");

    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        [("mem_thing.a".to_string(), Action::Delete)]
    );
    let out = h.apply(&plan).await;
    assert!(!out.diags.has_errors(), "{}", summaries(&out.diags));
    assert!(h.provider.cloud.objects.lock().unwrap().is_empty());
    let state = h.state();
    assert!(state.pending.is_empty() && state.resources.is_empty());
}

#[tokio::test]
async fn an_entry_whose_create_made_nothing_and_is_no_longer_declared_is_dropped() {
    let h = Harness::new("");
    let mut state = iac_state::State::new();
    state.add_pending(entry("mem_thing.gone", "gone", "token"));
    h.backend.write(&state).unwrap();
    let plan = h.plan().await.unwrap();
    assert!(actions(&plan).is_empty());
    assert!(plan.prior_state.pending.is_empty());
}

#[tokio::test]
async fn a_create_that_cannot_be_looked_for_stops_the_plan_naming_it() {
    let h = Harness::new("resource \"mem_thing\" \"a\" {\n  name = \"unknowable\"\n}\n");
    let mut state = iac_state::State::new();
    state.add_pending(entry("mem_thing.a", "unknowable", "token"));
    h.backend.write(&state).unwrap();
    let Err(diags) = h.plan().await else {
        panic!("the plan stops")
    };
    let text = summaries(&diags);
    assert!(
        text.contains("Cannot tell whether mem_thing.a was created"),
        "{text}"
    );
    let detail = diags.0[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("access denied"), "{detail}");
    assert!(detail.contains("iac state rm mem_thing.a"), "{detail}");
}

#[tokio::test]
async fn a_candidate_another_address_records_is_not_adopted_twice() {
    let h = Harness::new(
        "resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\nresource \"mem_thing\" \"b\" {\n  name = \"b\"\n}\n",
    );
    h.converge().await;
    let tokens = h.provider.cloud.tokens.lock().unwrap().clone();
    let (token_of_a, _) = tokens
        .iter()
        .find(|(_, id)| h.state().resource("mem_thing.a").unwrap().attributes["id"] == id.as_str())
        .unwrap();
    // A journal entry for b that names a's token finds a's object, which a records.
    let mut state = h.state();
    state.remove("mem_thing.b");
    state.add_pending(entry("mem_thing.b", "b", token_of_a));
    h.backend.write(&state).unwrap();
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        [("mem_thing.b".to_string(), Action::Create)]
    );
}
