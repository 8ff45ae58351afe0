//! What a provider call is waiting on, for the engine's progress lines ("Still
//! creating... (throttled, retrying)"). The engine runs each operation inside
//! [`Status::scope`]; a provider that retries a throttled or failing request says so
//! with [`retrying`] and takes it back with [`clear`] once a request succeeds.

use std::future::Future;
use std::sync::{Arc, Mutex};

/// The note of one operation, shared between the provider call and the engine.
#[derive(Debug, Clone, Default)]
pub struct Status(Arc<Mutex<Option<String>>>);

tokio::task_local! {
    static CURRENT: Status;
}

impl Status {
    pub fn new() -> Status {
        Status::default()
    }

    /// Runs `work` with this status as the one [`retrying`] and [`clear`] set.
    pub async fn scope<F: Future>(&self, work: F) -> F::Output {
        CURRENT.scope(self.clone(), work).await
    }

    /// What the operation is waiting on now, if anything.
    pub fn note(&self) -> Option<String> {
        self.0.lock().expect("status lock").clone()
    }

    fn set(&self, note: Option<String>) {
        *self.0.lock().expect("status lock") = note;
    }
}

/// Says that the current operation is retrying, and why (`throttled`, `HTTP 503`).
/// Outside [`Status::scope`] it does nothing.
pub fn retrying(why: &str) {
    let _ = CURRENT.try_with(|s| s.set(Some(format!("{why}, retrying"))));
}

/// Takes back what [`retrying`] said.
pub fn clear() {
    let _ = CURRENT.try_with(|s| s.set(None));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_note_lasts_until_cleared_and_stays_in_its_scope() {
        let status = Status::new();
        status
            .scope(async {
                retrying("throttled");
            })
            .await;
        assert_eq!(status.note().as_deref(), Some("throttled, retrying"));
        retrying("outside any scope");
        status.scope(async { clear() }).await;
        assert_eq!(status.note(), None);
    }
}
