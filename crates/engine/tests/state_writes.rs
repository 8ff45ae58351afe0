//! An apply whose state cannot be written: every operation still runs, the user is told
//! once while it runs and once at the end, and the errored file holds everything made.

mod support;

use std::sync::Mutex;

use iac_engine::applier::{self, Event, Progress};
use iac_lang::Sources;
use iac_state::{Backend, State};
use support::Harness;

#[derive(Default)]
struct Recorder(Mutex<Vec<Event>>);

impl Progress for Recorder {
    fn event(&self, event: Event) {
        self.0.lock().unwrap().push(event);
    }
}

#[tokio::test]
async fn an_unwritable_state_loses_nothing_and_is_reported_once() {
    let h = Harness::new(
        r#"
resource "mem_thing" "a" {
  name = "a"
}
resource "mem_thing" "b" {
  name = "b-${mem_thing.a.id}"
}
resource "mem_thing" "c" {
  count = 3
  name  = "c${count.index}-${mem_thing.b.id}"
}
"#,
    );
    let plan = h.plan().await.unwrap();
    // The state's place becomes a folder: every read and write fails, even as root.
    let state_path = h.dir.path().join(".iac/state.json");
    std::fs::create_dir_all(&state_path).unwrap();

    let mut sources = Sources::default();
    let stack = iac_engine::Stack::load(h.dir.path(), &mut sources, &h.providers()).unwrap();
    let recorder = Recorder::default();
    let out = applier::apply(
        &stack,
        &h.providers(),
        &plan,
        &h.backend,
        4,
        &iac_provider::Stop::new(),
        &recorder,
    )
    .await;

    let creates = h.log().iter().filter(|op| op.starts_with("create")).count();
    assert_eq!(
        creates,
        5,
        "every operation ran, dependents too: {:?}",
        h.log()
    );
    let warnings = recorder
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Event::StateNotSaved { .. }))
        .count();
    assert_eq!(warnings, 1, "told once while it runs");
    assert_eq!(
        out.diags.0.len(),
        1,
        "one error at the end: {:?}",
        out.diags
    );
    let error = &out.diags.0[0];
    assert_eq!(error.summary, "Failed to save the state");
    let errored = h.dir.path().join(".iac/errored.state.json");
    let detail = error.detail.clone().unwrap_or_default();
    assert!(
        detail.contains(&format!("iac state push {}", errored.display())),
        "{detail}"
    );
    let saved = State::from_json(&std::fs::read_to_string(&errored).unwrap()).unwrap();
    assert_eq!(
        saved.resources.len(),
        5,
        "everything made is in the errored file"
    );
    assert_eq!(saved.resources, out.state.resources);

    // Fixed, and the errored file stored: the next plan has nothing to do.
    std::fs::remove_dir(&state_path).unwrap();
    h.backend.write(&saved).unwrap();
    let again = h.plan().await.unwrap();
    assert!(!again.has_changes(), "{:?}", support::actions(&again));
}
