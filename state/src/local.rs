use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::lock::{LockError, LockGuard, LockInfo};
use crate::{Backend, State};

/// The default state folder inside a stack; it carries its own `.gitignore` so the state
/// stays out of git without touching the user's files.
pub const STATE_DIR: &str = ".iac";

/// Keeps the state in a local file.
#[derive(Debug, Clone)]
pub struct LocalBackend {
    path: PathBuf,
}

impl LocalBackend {
    /// The default state of the stack in `stack_dir`: `<stack>/.iac/state.json`.
    pub fn for_stack(stack_dir: &Path) -> LocalBackend {
        LocalBackend {
            path: stack_dir.join(STATE_DIR).join("state.json"),
        }
    }

    /// A state at an explicit path (the `local` backend's `path`).
    pub fn at(path: PathBuf) -> LocalBackend {
        LocalBackend { path }
    }

    /// The state file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    /// The backup of the previous snapshot.
    pub fn backup_path(&self) -> PathBuf {
        self.sibling(".backup")
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.sibling(".lock")
    }

    fn ensure_dir(&self) -> std::io::Result<()> {
        let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) else {
            return Ok(());
        };
        if !dir.is_dir() {
            fs::create_dir_all(dir)?;
            if dir.file_name().is_some_and(|n| n == STATE_DIR) {
                fs::write(dir.join(".gitignore"), "# iac state: never commit it.\n*\n")?;
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync, rename, and
/// fsync of the folder. The file gets mode 0600.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

impl Backend for LocalBackend {
    fn read(&self) -> std::io::Result<Option<State>> {
        match fs::read_to_string(&self.path) {
            Ok(text) => State::from_json(&text).map(Some),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn write(&self, state: &State) -> std::io::Result<()> {
        self.ensure_dir()?;
        match fs::read(&self.path) {
            Ok(previous) => write_atomic(&self.backup_path(), &previous)?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        write_atomic(&self.path, state.to_json().as_bytes())
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, LockError> {
        self.ensure_dir()?;
        let lock_path = self.lock_path();
        let info = LockInfo::for_this_process(operation, &self.path.display().to_string());
        let body = serde_json::to_string_pretty(&info).expect("lock info serializes");
        let deadline = Instant::now() + timeout;
        loop {
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&lock_path) {
                Ok(mut f) => {
                    f.write_all(body.as_bytes())?;
                    f.sync_all()?;
                    return Ok(LockGuard {
                        info,
                        file: Some(lock_path),
                    });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if Instant::now() >= deadline {
                        let text = fs::read_to_string(&lock_path).unwrap_or_default();
                        let holder = serde_json::from_str(&text).unwrap_or_else(|_| LockInfo {
                            id: "(unreadable)".into(),
                            operation: "unknown".into(),
                            who: "unknown".into(),
                            host: "unknown".into(),
                            pid: 0,
                            created: "unknown".into(),
                            path: self.path.display().to_string(),
                        });
                        return Err(LockError::Held(Box::new(holder)));
                    }
                    std::thread::sleep(Duration::from_millis(200).min(deadline - Instant::now()));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn force_unlock(&self, id: &str) -> Result<(), LockError> {
        let lock_path = self.lock_path();
        let text = match fs::read_to_string(&lock_path) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(LockError::WrongId {
                    given: id.into(),
                    actual: None,
                });
            }
            Err(e) => return Err(e.into()),
        };
        let info: Option<LockInfo> = serde_json::from_str(&text).ok();
        match info {
            Some(i) if i.id == id => Ok(fs::remove_file(&lock_path)?),
            None if id == "(unreadable)" => Ok(fs::remove_file(&lock_path)?),
            actual => Err(LockError::WrongId {
                given: id.into(),
                actual: actual.map(Box::new),
            }),
        }
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_is_atomic_private_and_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        assert!(b.read().unwrap().is_none());
        let mut s = State::new();
        b.write(&s).unwrap();
        s.serial = 1;
        b.write(&s).unwrap();
        assert_eq!(b.read().unwrap().unwrap().serial, 1);
        let backup = State::from_json(&fs::read_to_string(b.backup_path()).unwrap()).unwrap();
        assert_eq!(backup.serial, 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(b.path()).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert_eq!(
            fs::read_to_string(dir.path().join(".iac/.gitignore"))
                .unwrap()
                .lines()
                .last(),
            Some("*")
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path().join(".iac"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_second_lock_names_the_holder_and_force_unlock_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        let guard = b.lock("apply", Duration::ZERO).unwrap();
        let err = b
            .lock("plan", Duration::from_millis(300))
            .err()
            .expect("second lock fails");
        let LockError::Held(info) = &err else {
            panic!("{err}")
        };
        assert_eq!(info.operation, "apply");
        assert_eq!(info.pid, std::process::id());
        assert!(
            err.to_string()
                .contains(&format!("iac force-unlock {}", guard.info.id))
        );
        assert!(matches!(
            b.force_unlock("wrong"),
            Err(LockError::WrongId { .. })
        ));
        let id = guard.info.id.clone();
        std::mem::forget(guard);
        b.force_unlock(&id).unwrap();
        b.lock("plan", Duration::ZERO).unwrap();
    }

    #[test]
    fn dropping_the_guard_releases_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        drop(b.lock("apply", Duration::ZERO).unwrap());
        assert!(!b.lock_path().exists());
        b.lock("apply", Duration::ZERO).unwrap();
    }

    #[test]
    fn a_lock_is_waited_for_up_to_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        let guard = b.lock("apply", Duration::ZERO).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(guard);
        });
        b.lock("plan", Duration::from_secs(5)).unwrap();
        releaser.join().unwrap();
    }
}
