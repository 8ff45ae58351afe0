//! Saving the state while an apply runs ([`Saver`]): after every operation, and when the
//! backend refuses a write (disk full, permissions, its folder replaced), the state stays
//! in memory and every later save tries again; what still cannot be stored at the end
//! goes to an errored file, with one error saying how to recover it.

use std::sync::Mutex;

use iac_lang::Diagnostic;
use iac_state::{Backend, State};

/// Saves an apply's working state through a backend. It reads the stored state once, at
/// its first save, and then knows what it wrote: the lock keeps other writers out.
pub(crate) struct Saver<'a> {
    backend: &'a dyn Backend,
    record: Mutex<Record>,
}

#[derive(Default)]
struct Record {
    /// What the backend holds, as last read or written; `None` until first read.
    stored: Option<Option<State>>,
    /// Why the last save failed, while saves fail.
    failing: Option<String>,
}

impl<'a> Saver<'a> {
    pub(crate) fn new(backend: &'a dyn Backend) -> Saver<'a> {
        Saver {
            backend,
            record: Mutex::default(),
        }
    }

    /// Where the state is stored, for messages.
    pub(crate) fn place(&self) -> String {
        self.backend.describe()
    }

    /// Stores `state` if its content differs from what is stored, giving it the serial
    /// after the stored one (or the stored serial when nothing changed). When the
    /// backend refuses, nothing is lost: the next save tries again. Returns why, when
    /// this save is the first to fail after saves that succeeded.
    pub(crate) fn save(&self, state: &mut State) -> Option<String> {
        let mut record = self.record.lock().expect("saver lock");
        let failed = match self.store(&mut record, state) {
            Ok(()) => {
                record.failing = None;
                return None;
            }
            Err(e) => e,
        };
        let first = record.failing.is_none();
        record.failing = Some(failed.clone());
        first.then_some(failed)
    }

    fn store(&self, record: &mut Record, state: &mut State) -> Result<(), String> {
        if record.stored.is_none() {
            let stored = self
                .backend
                .read()
                .map_err(|e| format!("reading it failed: {e}"))?;
            record.stored = Some(stored);
        }
        match record.stored.as_ref().and_then(Option::as_ref) {
            Some(stored) if stored.same_content(state) => {
                state.serial = stored.serial;
                return Ok(());
            }
            Some(stored) => state.serial = stored.serial + 1,
            None => state.serial = state.serial.max(1),
        }
        self.backend.write(state).map_err(|e| e.to_string())?;
        record.stored = Some(Some(state.clone()));
        Ok(())
    }

    /// The last save of the run. If the state still cannot be stored, it is written to
    /// an errored file, and the error returned says where and how to store it later.
    pub(crate) fn finish(&self, state: &mut State) -> Option<Diagnostic> {
        self.save(state);
        let why = self.record.lock().expect("saver lock").failing.clone()?;
        let place = self.place();
        let summary = "Failed to save the state";
        let detail = match self.backend.write_errored(state) {
            Ok(path) => format!(
                "iac could not store the state in {place}: {why}.\n\nThe state, with every object this apply made, was written to {} instead. Once the problem is fixed, store it from the stack's folder with:\n  iac state push {}\nUntil then the stored state does not know these objects, and a plan would make them again.",
                path.display(),
                path.display()
            ),
            Err(e) => format!(
                "iac could not store the state in {place}: {why}; nor write it to an errored file: {e}.\n\nThe objects this apply made are recorded nowhere. Adopt them again with `iac import ADDRESS ID` once the problem is fixed:\n{}",
                objects(state)
            ),
        };
        Some(Diagnostic::error(summary, None).with_detail(detail))
    }
}

/// Each object of `state` as `address (id)`, a line each: no other attribute, as they
/// may be secret.
fn objects(state: &State) -> String {
    state
        .resources
        .iter()
        .filter(|r| r.mode == "managed")
        .map(|r| match r.attributes.get("id").and_then(|v| v.as_str()) {
            Some(id) => format!("  {} ({id})", r.address),
            None => format!("  {}", r.address),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use iac_state::LocalBackend;

    use super::*;

    fn with_output(state: &mut State, name: &str) {
        state.outputs.insert(
            name.into(),
            iac_state::OutputState {
                value: serde_json::json!(name),
                sensitive: false,
            },
        );
    }

    fn stored(path: &Path) -> State {
        State::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn saves_bump_the_serial_only_when_something_changed() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::at(dir.path().join("state.json"));
        let saver = Saver::new(&backend);
        let mut state = State::new();
        assert_eq!(saver.save(&mut state), None);
        assert_eq!(stored(backend.path()).serial, 1);
        assert_eq!(saver.save(&mut state), None);
        assert_eq!(state.serial, 1, "nothing changed");
        with_output(&mut state, "a");
        saver.save(&mut state);
        assert_eq!(stored(backend.path()).serial, 2);
        assert!(saver.finish(&mut state).is_none());
    }

    #[test]
    fn a_refused_write_is_retried_and_what_is_never_stored_goes_to_the_errored_file() {
        let dir = tempfile::tempdir().unwrap();
        let backend = LocalBackend::at(dir.path().join("state.json"));
        let saver = Saver::new(&backend);
        let mut state = State::new();
        saver.save(&mut state);
        // The state's place becomes a folder: every write fails (EISDIR), even as root.
        std::fs::remove_file(backend.path()).unwrap();
        std::fs::create_dir(backend.path()).unwrap();
        with_output(&mut state, "a");
        let first = saver.save(&mut state).expect("the first failure is told");
        assert!(first.contains("directory"), "{first}");
        with_output(&mut state, "b");
        assert_eq!(saver.save(&mut state), None, "told once, not at every save");

        // Fixed in the middle of the run: the next save stores everything.
        std::fs::remove_dir(backend.path()).unwrap();
        with_output(&mut state, "c");
        assert_eq!(saver.save(&mut state), None);
        assert_eq!(stored(backend.path()).outputs.len(), 3);

        std::fs::remove_file(backend.path()).unwrap();
        std::fs::create_dir(backend.path()).unwrap();
        with_output(&mut state, "d");
        assert!(
            saver.save(&mut state).is_some(),
            "a new failure is told again"
        );
        let error = saver.finish(&mut state).expect("an error at the end");
        let detail = error.detail.clone().unwrap_or_default();
        let errored = dir.path().join("errored.state.json");
        assert!(
            detail.contains(&format!("iac state push {}", errored.display())),
            "{detail}"
        );
        let saved = stored(&errored);
        assert_eq!(saved.outputs.len(), 4, "everything, in the errored file");
        assert_eq!(saved.lineage, state.lineage);
        assert_eq!(saved.serial, 3, "one past the serial stored");
    }
}
