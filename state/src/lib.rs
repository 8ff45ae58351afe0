//! The state file: what `iac` knows exists.
//!
//! [`State`] is the model and its JSON format (documented in ARCHITECTURE.md);
//! [`LocalBackend`] stores it with atomic writes, a backup of the state as the run found
//! it, mode 0600, and a lock file recording who holds it, under an OS lock that a
//! killed process cannot keep; [`S3Backend`] keeps it in a bucket, locked by an object
//! beside it, every write a compare-and-swap. [`prepare_push`] decides what
//! `iac state push` stores.

mod errored;
mod leftovers;
mod local;
mod lock;
mod lockfile;
mod migrate;
mod model;
mod process;
mod push;
mod s3;

use std::path::PathBuf;

pub use local::LocalBackend;
pub use lock::{LockError, LockGuard, LockInfo};
pub use migrate::{Migration, MigrationError, migrate};
pub use model::{
    FORMAT_VERSION, InstanceStatus, OutputState, PathStepJson, PendingCreate, ResourceState, State,
};
pub use push::{PushRefusal, prepare_push};
pub use s3::{S3Backend, S3Settings};

/// Where states are kept. Implementations: [`LocalBackend`], [`S3Backend`].
pub trait Backend: Send + Sync {
    /// The stored state, or `None` when there is none yet.
    fn read(&self) -> std::io::Result<Option<State>>;
    /// Stores `state` atomically. The first write of a run first keeps the stored state,
    /// as the run found it, as a backup.
    fn write(&self, state: &State) -> std::io::Result<()>;
    /// Takes the lock for `operation`, waiting up to `timeout` for a holder to release it.
    /// A lock left by a process of this host that no longer runs is taken over at once
    /// (the guard's `took_over` names it); temporary files of writes that were killed
    /// are removed.
    fn lock(&self, operation: &str, timeout: std::time::Duration) -> Result<LockGuard, LockError>;
    /// Removes a lock left behind, if its id is `id`.
    fn force_unlock(&self, id: &str) -> Result<(), LockError>;
    /// Writes `state`, which [`Backend::write`] could not store, to a new file of its own
    /// (mode 0600) for `iac state push`: beside the state if possible, else in the
    /// working folder, else in the temp folder. Returns the file's path.
    fn write_errored(&self, state: &State) -> std::io::Result<PathBuf>;
    /// A description of where the state lives, for messages.
    fn describe(&self) -> String;
}
