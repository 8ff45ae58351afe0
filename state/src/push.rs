//! `iac state push`: when a state given by the user may replace the stored one.

use std::fmt;

use crate::State;

/// Why a pushed state was refused (`-force` overrides both).
#[derive(Debug, PartialEq)]
pub enum PushRefusal {
    /// It is the state of another stack (or of a state made afresh).
    Lineage { stored: String, pushed: String },
    /// The stored state is newer: pushing would undo what was recorded since.
    Serial { stored: u64, pushed: u64 },
}

impl fmt::Display for PushRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushRefusal::Lineage { stored, pushed } => write!(
                f,
                "The state to push has lineage \"{pushed}\", but the stored state's is \"{stored}\": they are not versions of the same state. Use -force to replace it anyway."
            ),
            PushRefusal::Serial { stored, pushed } => write!(
                f,
                "The stored state (serial {stored}) is newer than the state to push (serial {pushed}): pushing it would lose what was recorded since. Use -force to replace it anyway."
            ),
        }
    }
}

/// The state to store for a push of `pushed` over `stored`, or `None` when it holds
/// what is stored already. Unless `force`, a different lineage or a lower serial than
/// the stored one is refused. The stored serial moves past the old one (so that plans
/// saved against the old state go stale), and is never below the pushed one.
pub fn prepare_push(
    stored: Option<&State>,
    mut pushed: State,
    force: bool,
) -> Result<Option<State>, PushRefusal> {
    let Some(stored) = stored else {
        return Ok(Some(pushed));
    };
    if !force && stored.lineage != pushed.lineage {
        return Err(PushRefusal::Lineage {
            stored: stored.lineage.clone(),
            pushed: pushed.lineage,
        });
    }
    if !force && stored.serial > pushed.serial {
        return Err(PushRefusal::Serial {
            stored: stored.serial,
            pushed: pushed.serial,
        });
    }
    if stored.same_content(&pushed) && stored.serial >= pushed.serial {
        return Ok(None);
    }
    pushed.serial = pushed.serial.max(stored.serial + 1);
    Ok(Some(pushed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OutputState;

    fn with_output(base: &State, serial: u64, value: &str) -> State {
        let mut s = base.clone();
        s.serial = serial;
        s.outputs.insert(
            "v".into(),
            OutputState {
                value: serde_json::json!(value),
                sensitive: false,
            },
        );
        s
    }

    #[test]
    fn a_push_over_nothing_is_stored_as_given() {
        let s = with_output(&State::new(), 3, "a");
        assert_eq!(prepare_push(None, s.clone(), false), Ok(Some(s)));
    }

    #[test]
    fn another_lineage_is_refused_unless_forced() {
        let stored = with_output(&State::new(), 2, "a");
        let other = with_output(&State::new(), 9, "b");
        assert!(matches!(
            prepare_push(Some(&stored), other.clone(), false),
            Err(PushRefusal::Lineage { .. })
        ));
        let forced = prepare_push(Some(&stored), other.clone(), true)
            .unwrap()
            .unwrap();
        assert_eq!(forced.lineage, other.lineage);
        assert_eq!(forced.serial, 9);
    }

    #[test]
    fn an_older_serial_is_refused_unless_forced_and_then_moves_past_the_stored_one() {
        let stored = with_output(&State::new(), 5, "new");
        let older = with_output(&stored, 4, "old");
        let err = prepare_push(Some(&stored), older.clone(), false).unwrap_err();
        assert_eq!(
            err,
            PushRefusal::Serial {
                stored: 5,
                pushed: 4
            }
        );
        assert!(err.to_string().contains("-force"));
        let forced = prepare_push(Some(&stored), older, true).unwrap().unwrap();
        assert_eq!(forced.serial, 6);
        assert_eq!(forced.outputs["v"].value, "old");
    }

    #[test]
    fn the_same_serial_with_other_content_is_stored_one_higher() {
        let stored = with_output(&State::new(), 5, "a");
        let edited = with_output(&stored, 5, "b");
        assert_eq!(
            prepare_push(Some(&stored), edited, false)
                .unwrap()
                .unwrap()
                .serial,
            6
        );
        let newer = with_output(&stored, 8, "c");
        assert_eq!(
            prepare_push(Some(&stored), newer, false)
                .unwrap()
                .unwrap()
                .serial,
            8
        );
    }

    #[test]
    fn the_stored_state_itself_changes_nothing() {
        let stored = with_output(&State::new(), 5, "a");
        assert_eq!(prepare_push(Some(&stored), stored.clone(), false), Ok(None));
    }
}
