//! The state file: what `iac` knows exists.
//!
//! [`State`] is the model and its JSON format (documented in ARCHITECTURE.md);
//! [`LocalBackend`] stores it with atomic writes, a backup of the previous snapshot,
//! mode 0600, and a lock file recording who holds it.

mod local;
mod lock;
mod model;

pub use local::LocalBackend;
pub use lock::{LockError, LockGuard, LockInfo};
pub use model::{
    FORMAT_VERSION, InstanceStatus, OutputState, PathStepJson, PendingCreate, ResourceState, State,
};

/// Where states are kept. Implementations: [`LocalBackend`] (an S3 backend comes later).
pub trait Backend: Send + Sync {
    /// The stored state, or `None` when there is none yet.
    fn read(&self) -> std::io::Result<Option<State>>;
    /// Stores `state` atomically, keeping the previous snapshot as a backup.
    fn write(&self, state: &State) -> std::io::Result<()>;
    /// Takes the lock for `operation`, waiting up to `timeout` for a holder to release it.
    fn lock(&self, operation: &str, timeout: std::time::Duration) -> Result<LockGuard, LockError>;
    /// Removes a lock left behind, if its id is `id`.
    fn force_unlock(&self, id: &str) -> Result<(), LockError>;
    /// A description of where the state lives, for messages.
    fn describe(&self) -> String;
}
