//! Taking the lock file: an OS lock (`flock`) on `state.json.lock`, held for the guard's
//! life, and the holder's JSON in it. The kernel releases the OS lock of a process that
//! ends however it ends (SIGKILL too), so a lock file whose OS lock is free and whose
//! holder is gone from this host was left behind: it is taken over, with no
//! `force-unlock`. A holder on another host cannot be seen and keeps the lock.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::lock::{LockError, LockGuard, LockInfo};

/// How often a held lock is tried again while waiting.
const RETRY_EVERY: Duration = Duration::from_millis(200);

/// How long a holder that has the OS lock gets to write its JSON before it is reported
/// as unreadable.
const HOLDER_WRITES_WITHIN: Duration = Duration::from_secs(1);

/// Takes the lock at `path` as `info`, waiting up to `timeout` for a live holder.
pub(crate) fn acquire(
    path: &Path,
    info: LockInfo,
    timeout: Duration,
) -> Result<LockGuard, LockError> {
    let deadline = Instant::now() + timeout;
    loop {
        let holder = match attempt(path, &info)? {
            Attempt::Taken { file, took_over } => {
                return Ok(LockGuard {
                    info,
                    took_over,
                    file: Some(path.to_path_buf()),
                    os_lock: Some(file),
                    remote: None,
                });
            }
            Attempt::Held(holder) => holder,
        };
        let now = Instant::now();
        if now >= deadline {
            let holder = holder
                .or_else(|| holder_once_written(path))
                .unwrap_or_else(|| LockInfo::unreadable(&info.path));
            return Err(LockError::Held(Box::new(holder)));
        }
        std::thread::sleep(RETRY_EVERY.min(deadline - now));
    }
}

enum Attempt {
    Taken {
        file: File,
        took_over: Option<LockInfo>,
    },
    /// Held by someone else (`None`: the lock file cannot be parsed).
    Held(Option<LockInfo>),
}

fn attempt(path: &Path, info: &LockInfo) -> std::io::Result<Attempt> {
    let file = loop {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(Attempt::Held(read_holder(path))),
            Err(TryLockError::Error(e)) => return Err(e),
        }
        // The holder may have removed the file between our open and our lock: the lock
        // is then on a file no one else will look at, so start again with the new one.
        if is_at(&file, path)? {
            break file;
        }
    };
    let mut text = String::new();
    (&file).read_to_string(&mut text)?;
    let took_over = if text.trim().is_empty() {
        None
    } else {
        match serde_json::from_str::<LockInfo>(&text) {
            Ok(left) if left.holder_is_gone() => Some(left),
            // Its OS lock is free, but its holder may be a process of another host (or an
            // older iac that took no OS lock): only it or `force-unlock` removes the file.
            Ok(left) => return Ok(Attempt::Held(Some(left))),
            Err(_) => return Ok(Attempt::Held(None)),
        }
    };
    let body = serde_json::to_string_pretty(info).expect("lock info serializes");
    file.set_len(0)?;
    (&file).rewind()?;
    (&file).write_all(body.as_bytes())?;
    file.sync_all()?;
    Ok(Attempt::Taken { file, took_over })
}

/// Whether the open `file` is the one now at `path`.
fn is_at(file: &File, path: &Path) -> std::io::Result<bool> {
    let there = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let open = file.metadata()?;
        Ok(open.dev() == there.dev() && open.ino() == there.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (file, there);
        Ok(true)
    }
}

fn read_holder(path: &Path) -> Option<LockInfo> {
    serde_json::from_str(&fs::read_to_string(path).ok()?).ok()
}

/// The holder, read again for a moment: a run that has just taken the OS lock writes its
/// JSON right after.
fn holder_once_written(path: &Path) -> Option<LockInfo> {
    let until = Instant::now() + HOLDER_WRITES_WITHIN;
    loop {
        if let Some(holder) = read_holder(path) {
            return Some(holder);
        }
        if Instant::now() >= until {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
