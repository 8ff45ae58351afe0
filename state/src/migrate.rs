//! Moving a stack's state to the backend its configuration now names (`iac init
//! -migrate-state`): the state is copied once, never over another one.

use std::time::Duration;

use crate::{Backend, LockError};

/// What a migration did.
#[derive(Debug, PartialEq)]
pub enum Migration {
    /// The state (of this serial) was copied.
    Copied { serial: u64 },
    /// There was no state to copy.
    NothingToCopy,
    /// The new backend already holds the same state.
    AlreadyThere,
}

/// Why a migration did not copy.
#[derive(Debug)]
pub enum MigrationError {
    /// The new backend holds another state, which a copy would replace.
    Conflict {
        from_serial: u64,
        to_serial: u64,
    },
    Lock(LockError),
    Io(std::io::Error),
}

impl std::fmt::Display for MigrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrationError::Conflict {
                from_serial,
                to_serial,
            } => write!(
                f,
                "both backends hold a state, and they differ (serial {from_serial} here, {to_serial} there): nothing was copied. Keep the one you want with `iac state pull` and `iac state push`."
            ),
            MigrationError::Lock(e) => write!(f, "{e}"),
            MigrationError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<std::io::Error> for MigrationError {
    fn from(e: std::io::Error) -> MigrationError {
        MigrationError::Io(e)
    }
}

/// Copies the state of `from` to `to` under `to`'s lock, unless `to` holds one already.
pub fn migrate(from: &dyn Backend, to: &dyn Backend) -> Result<Migration, MigrationError> {
    let Some(state) = from.read()? else {
        return Ok(Migration::NothingToCopy);
    };
    let _lock = to
        .lock("migrate", Duration::ZERO)
        .map_err(MigrationError::Lock)?;
    match to.read()? {
        Some(there) if there.same_content(&state) => Ok(Migration::AlreadyThere),
        Some(there) => Err(MigrationError::Conflict {
            from_serial: state.serial,
            to_serial: there.serial,
        }),
        None => {
            to.write(&state)?;
            Ok(Migration::Copied {
                serial: state.serial,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LocalBackend, State};

    #[test]
    fn a_state_is_copied_once_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (
            LocalBackend::at(dir.path().join("a/state.json")),
            LocalBackend::at(dir.path().join("b/state.json")),
        );
        assert_eq!(migrate(&from, &to).unwrap(), Migration::NothingToCopy);
        let mut state = State::new();
        state.serial = 3;
        from.write(&state).unwrap();
        assert_eq!(
            migrate(&from, &to).unwrap(),
            Migration::Copied { serial: 3 }
        );
        assert_eq!(to.read().unwrap().unwrap().lineage, state.lineage);
        assert_eq!(migrate(&from, &to).unwrap(), Migration::AlreadyThere);
        let other = State::new();
        LocalBackend::at(dir.path().join("b/state.json"))
            .write(&other)
            .unwrap();
        assert!(matches!(
            migrate(&from, &to),
            Err(MigrationError::Conflict { .. })
        ));
    }
}
