//! The `errored` file: a state that could not be stored, written where it can be, for
//! `iac state push` to store once the problem is fixed.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::State;

/// Writes `state` to a new file (mode 0600) named after `name` (`errored.state.json`,
/// then `errored-2.state.json`... so that an earlier one is never overwritten) in the
/// first of `folders` that takes it.
pub(crate) fn write_errored(
    state: &State,
    name: &str,
    folders: &[PathBuf],
) -> std::io::Result<PathBuf> {
    let json = state.to_json();
    let mut last = std::io::Error::new(ErrorKind::NotFound, "no folder to write to");
    for folder in folders {
        match write_new(folder, name, json.as_bytes()) {
            Ok(path) => return Ok(path),
            Err(e) => last = std::io::Error::new(e.kind(), format!("{}: {e}", folder.display())),
        }
    }
    Err(last)
}

fn write_new(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    for n in 1..1000 {
        let path = folder.join(if n == 1 {
            format!("errored.{name}")
        } else {
            format!("errored-{n}.{name}")
        });
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = match options.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
            drop(file);
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        return Ok(path);
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        "999 errored files are there already",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_folder_that_takes_it_gets_a_new_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("not-a-folder");
        fs::write(&blocked, "").unwrap();
        let mut state = State::new();
        state.serial = 7;
        let folders = [blocked.clone(), dir.path().to_path_buf()];
        let first = write_errored(&state, "state.json", &folders).unwrap();
        assert_eq!(first, dir.path().join("errored.state.json"));
        let second = write_errored(&state, "state.json", &folders).unwrap();
        assert_eq!(second, dir.path().join("errored-2.state.json"));
        let back = State::from_json(&fs::read_to_string(&first).unwrap()).unwrap();
        assert_eq!(back.serial, 7);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&first).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let err = write_errored(&state, "state.json", &[blocked]).unwrap_err();
        assert!(err.to_string().contains("not-a-folder"), "{err}");
    }
}
