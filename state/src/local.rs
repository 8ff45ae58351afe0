use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::leftovers::{remove_stale_temporaries, temporary_for};
use crate::lock::{LockError, LockGuard, LockInfo};
use crate::{Backend, State};

/// The default state folder inside a stack; it carries its own `.gitignore` so the state
/// stays out of git without touching the user's files.
pub const STATE_DIR: &str = ".iac";

/// Keeps the state in a local file.
#[derive(Debug, Clone)]
pub struct LocalBackend {
    path: PathBuf,
    /// Whether this run's backup is made: the first write of a run (of this backend and
    /// its clones) copies the state file as it was to `<state>.backup`; later ones don't.
    backed_up: Arc<AtomicBool>,
}

impl LocalBackend {
    /// The default state of the stack in `stack_dir`: `<stack>/.iac/state.json`.
    pub fn for_stack(stack_dir: &Path) -> LocalBackend {
        LocalBackend::at(stack_dir.join(STATE_DIR).join("state.json"))
    }

    /// A state at an explicit path (the `local` backend's `path`).
    pub fn at(path: PathBuf) -> LocalBackend {
        LocalBackend {
            path,
            backed_up: Arc::default(),
        }
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

    /// The backup: the state as it was when this run first wrote it.
    pub fn backup_path(&self) -> PathBuf {
        self.sibling(".backup")
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.sibling(".lock")
    }

    fn dir(&self) -> Option<&Path> {
        self.path.parent().filter(|d| !d.as_os_str().is_empty())
    }

    fn ensure_dir(&self) -> std::io::Result<()> {
        let Some(dir) = self.dir() else {
            return Ok(());
        };
        if dir.exists() && !dir.is_dir() {
            return Err(std::io::Error::new(
                ErrorKind::NotADirectory,
                format!("{} is not a folder", dir.display()),
            ));
        }
        if !dir.is_dir() {
            fs::create_dir_all(dir)?;
            if dir.file_name().is_some_and(|n| n == STATE_DIR) {
                fs::write(dir.join(".gitignore"), "# iac state: never commit it.\n*\n")?;
            }
        }
        Ok(())
    }

    /// Copies the state file, as it is before this run's first write, to the backup.
    fn back_up_once(&self) -> std::io::Result<()> {
        if self.backed_up.load(Ordering::SeqCst) {
            return Ok(());
        }
        match fs::read(&self.path) {
            Ok(previous) => write_atomic(&self.backup_path(), &previous)?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        self.backed_up.store(true, Ordering::SeqCst);
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it
/// (`<path>.tmp-<pid>`), fsync, rename, and fsync of the folder. The file gets mode 0600.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temporary_for(path);
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
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
        self.back_up_once()?;
        write_atomic(&self.path, state.to_json().as_bytes())
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, LockError> {
        self.ensure_dir()?;
        let info = LockInfo::for_this_process(operation, &self.path.display().to_string());
        let guard = crate::lockfile::acquire(&self.lock_path(), info, timeout)?;
        remove_stale_temporaries(&self.path);
        Ok(guard)
    }

    fn force_unlock(&self, id: &str) -> Result<(), LockError> {
        let lock_path = self.lock_path();
        let text = match fs::read_to_string(&lock_path) {
            Ok(t) if !t.trim().is_empty() => t,
            Ok(_) => {
                return Err(LockError::WrongId {
                    given: id.into(),
                    actual: None,
                });
            }
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

    fn write_errored(&self, state: &State) -> std::io::Result<PathBuf> {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state.json".into());
        let mut folders: Vec<PathBuf> = self.dir().map(Path::to_path_buf).into_iter().collect();
        folders.extend(std::env::current_dir().ok());
        folders.push(std::env::temp_dir());
        crate::errored::write_errored(state, &name, &folders)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn with_serial(base: &State, serial: u64) -> State {
        State {
            serial,
            ..base.clone()
        }
    }

    #[test]
    fn write_is_atomic_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        assert!(b.read().unwrap().is_none());
        b.write(&State::new()).unwrap();
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
    fn the_backup_holds_the_state_as_the_run_began() {
        let dir = tempfile::tempdir().unwrap();
        let first_run = LocalBackend::for_stack(dir.path());
        let s = State::new();
        first_run.write(&s).unwrap();
        first_run.write(&with_serial(&s, 1)).unwrap();
        assert!(
            !first_run.backup_path().exists(),
            "there was no state to back up when the first run began"
        );
        let second_run = LocalBackend::for_stack(dir.path());
        for serial in 2..=4 {
            second_run.write(&with_serial(&s, serial)).unwrap();
        }
        assert_eq!(second_run.read().unwrap().unwrap().serial, 4);
        let backup =
            State::from_json(&fs::read_to_string(second_run.backup_path()).unwrap()).unwrap();
        assert_eq!(backup.serial, 1, "the state the second run began with");
    }

    #[test]
    fn a_failed_write_leaves_the_stored_state_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::at(dir.path().join("state.json"));
        let s = State::new();
        b.write(&s).unwrap();
        // A folder where the new state would be renamed to: a real EISDIR, even as root.
        fs::remove_file(b.path()).unwrap();
        fs::create_dir(b.path()).unwrap();
        assert!(b.write(&with_serial(&s, 1)).is_err());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".tmp-")), "{names:?}");
        let errored = b.write_errored(&with_serial(&s, 1)).unwrap();
        assert_eq!(errored, dir.path().join("errored.state.json"));
        let saved = State::from_json(&fs::read_to_string(errored).unwrap()).unwrap();
        assert_eq!((saved.lineage, saved.serial), (s.lineage, 1));
    }

    #[test]
    fn a_state_folder_replaced_by_a_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        fs::write(dir.path().join(STATE_DIR), "").unwrap();
        let err = b.write(&State::new()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotADirectory);
        assert!(err.to_string().ends_with(".iac is not a folder"), "{err}");
    }

    #[test]
    fn a_second_lock_names_the_holder_and_force_unlock_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        let guard = b.lock("apply", Duration::ZERO).unwrap();
        assert!(guard.took_over.is_none());
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

    fn leave_lock(b: &LocalBackend, info: &LockInfo) {
        fs::create_dir_all(b.path().parent().unwrap()).unwrap();
        fs::write(b.lock_path(), serde_json::to_string(info).unwrap()).unwrap();
    }

    #[test]
    fn a_lock_left_by_an_ended_process_is_taken_over_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        let left = LockInfo {
            pid: ended_pid(),
            ..LockInfo::for_this_process("apply", "state.json")
        };
        leave_lock(&b, &left);
        let started = std::time::Instant::now();
        let guard = b.lock("apply", Duration::from_secs(60)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(guard.took_over.as_ref(), Some(&left));
        let recorded: LockInfo =
            serde_json::from_str(&fs::read_to_string(b.lock_path()).unwrap()).unwrap();
        assert_eq!(recorded, guard.info, "the lock file names the new holder");
    }

    #[test]
    fn a_lock_of_another_host_or_of_a_live_process_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::for_stack(dir.path());
        let elsewhere = LockInfo {
            host: "ci-runner-7".into(),
            pid: ended_pid(),
            ..LockInfo::for_this_process("apply", "state.json")
        };
        leave_lock(&b, &elsewhere);
        let Err(LockError::Held(holder)) = b.lock("plan", Duration::from_millis(300)) else {
            panic!("another host's lock is kept")
        };
        assert_eq!(*holder, elsewhere);
        b.force_unlock(&elsewhere.id).unwrap();
        // A live process of this host that took no OS lock (an older iac) keeps it too.
        let live = LockInfo::for_this_process("apply", "state.json");
        leave_lock(&b, &live);
        assert!(matches!(
            b.lock("plan", Duration::ZERO),
            Err(LockError::Held(_))
        ));
    }

    /// Run by [`a_killed_holder_never_keeps_the_lock`] in a child process: takes the lock
    /// of the state `IAC_STATE_TEST_HOLD` names and sleeps.
    #[test]
    #[ignore = "a helper process of another test"]
    fn holds_a_lock_until_killed() {
        let Some(path) = std::env::var_os("IAC_STATE_TEST_HOLD") else {
            return;
        };
        let b = LocalBackend::at(PathBuf::from(path));
        let _guard = b.lock("apply", Duration::ZERO).unwrap();
        fs::write(b.path().with_file_name("tmp-holder-ready"), "").unwrap();
        std::thread::sleep(Duration::from_secs(120));
    }

    #[test]
    fn a_killed_holder_never_keeps_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::at(dir.path().join("state.json"));
        let mut holder = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "local::tests::holds_a_lock_until_killed",
                "--ignored",
                "--nocapture",
            ])
            .env("IAC_STATE_TEST_HOLD", b.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let ready = dir.path().join("tmp-holder-ready");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !ready.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "the holder never locked"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let Err(LockError::Held(info)) = b.lock("plan", Duration::ZERO) else {
            panic!("a live holder keeps the lock")
        };
        assert_eq!(info.pid, holder.id());
        // A write the kill interrupts leaves its temporary file.
        let stale = dir.path().join(format!("state.json.tmp-{}", holder.id()));
        fs::write(&stale, "{").unwrap();
        std::process::Command::new("kill")
            .args(["-KILL", &holder.id().to_string()])
            .status()
            .unwrap();
        holder.wait().unwrap();
        let guard = b.lock("apply", Duration::from_secs(60)).unwrap();
        assert_eq!(guard.took_over.as_ref().map(|t| t.pid), Some(holder.id()));
        assert!(
            !stale.exists(),
            "the killed write's temporary file is removed"
        );
    }
}
