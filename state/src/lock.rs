//! Who holds a state lock ([`LockInfo`], the lock file's JSON, in Terraform's format),
//! why a lock could not be taken ([`LockError`]), and the held lock ([`LockGuard`]).

use std::fmt;
use std::fs::File;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::process;

/// Who holds a state lock, as recorded in the lock file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockInfo {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Operation")]
    pub operation: String,
    #[serde(rename = "Who")]
    pub who: String,
    #[serde(rename = "Host")]
    pub host: String,
    #[serde(rename = "Pid")]
    pub pid: u32,
    #[serde(rename = "Created")]
    pub created: String,
    #[serde(rename = "Path")]
    pub path: String,
}

fn this_host() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

impl LockInfo {
    /// A new lock record for this process.
    pub fn for_this_process(operation: &str, path: &str) -> LockInfo {
        let host = this_host();
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            who: format!("{user}@{host}"),
            host,
            pid: std::process::id(),
            created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            path: path.to_string(),
        }
    }

    /// What a lock file that cannot be parsed is reported as.
    pub(crate) fn unreadable(path: &str) -> LockInfo {
        LockInfo {
            id: "(unreadable)".into(),
            operation: "unknown".into(),
            who: "unknown".into(),
            host: "unknown".into(),
            pid: 0,
            created: "unknown".into(),
            path: path.to_string(),
        }
    }

    /// Whether the holder ran on this host.
    pub fn on_this_host(&self) -> bool {
        self.host == this_host()
    }

    /// Whether the holder is a process of this host that no longer runs: its pid is free,
    /// or taken by a process started after the lock was (a pid reused since).
    pub fn holder_is_gone(&self) -> bool {
        if !self.on_this_host() {
            return false;
        }
        if !process::is_running(self.pid) {
            return true;
        }
        let created = humantime::parse_rfc3339_weak(&self.created).ok();
        match (created, process::started_at(self.pid)) {
            // `Created` has whole seconds and the boot time may be off by one.
            (Some(created), Some(started)) => started > created + Duration::from_secs(2),
            _ => false,
        }
    }
}

/// Why a lock could not be taken or removed.
#[derive(Debug)]
pub enum LockError {
    /// Someone else holds it.
    Held(Box<LockInfo>),
    /// `force-unlock` was given an id that is not the lock's.
    WrongId {
        given: String,
        actual: Option<Box<LockInfo>>,
    },
    Io(std::io::Error),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Held(info) => {
                write!(
                    f,
                    "Error acquiring the state lock: the state is locked.\n\nLock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Pid:       {}\n  Created:   {}\n\n",
                    info.id, info.path, info.operation, info.who, info.pid, info.created
                )?;
                if info.on_this_host() {
                    write!(
                        f,
                        "The process that took it still runs on this host; wait for it to finish (-lock-timeout=DURATION waits). "
                    )?;
                } else if info.host != "unknown" {
                    write!(
                        f,
                        "It was taken on another host ({}), whose processes iac cannot see. ",
                        info.host
                    )?;
                }
                write!(
                    f,
                    "If no other iac run is using this state, remove the lock with: iac force-unlock {}",
                    info.id
                )
            }
            LockError::WrongId {
                given,
                actual: Some(info),
            } => {
                write!(
                    f,
                    "The lock id \"{given}\" does not match the lock held (ID {}); nothing was unlocked.",
                    info.id
                )
            }
            LockError::WrongId {
                given,
                actual: None,
            } => write!(
                f,
                "The state is not locked; lock id \"{given}\" was not found."
            ),
            LockError::Io(e) => write!(f, "Error acquiring the state lock: {e}"),
        }
    }
}

impl std::error::Error for LockError {}

impl From<std::io::Error> for LockError {
    fn from(e: std::io::Error) -> LockError {
        LockError::Io(e)
    }
}

/// A held lock; dropping it releases the lock.
///
/// Besides the lock file's JSON, the guard holds an OS lock (`flock`) on the file, which
/// the kernel releases when the process ends however it ends: a lock whose file is there
/// but whose OS lock is free was left by a process that is gone.
pub struct LockGuard {
    pub info: LockInfo,
    /// The lock left by a process of this host that no longer runs, which this one took
    /// over (for the caller to tell the user).
    pub took_over: Option<LockInfo>,
    pub(crate) file: Option<PathBuf>,
    /// The open lock file holding the OS lock.
    pub(crate) os_lock: Option<File>,
    /// What releases a lock kept elsewhere (an S3 lock object).
    pub(crate) remote: Option<RemoteRelease>,
}

/// Releases a lock kept outside this host.
pub(crate) type RemoteRelease = Box<dyn FnOnce() -> std::io::Result<()> + Send + Sync>;

impl LockGuard {
    /// A guard that holds nothing (for `-lock=false`).
    pub fn none() -> LockGuard {
        LockGuard {
            info: LockInfo::for_this_process("none", ""),
            took_over: None,
            file: None,
            os_lock: None,
            remote: None,
        }
    }

    /// A lock kept elsewhere, released by `release`.
    pub(crate) fn remote(info: LockInfo, release: RemoteRelease) -> LockGuard {
        LockGuard {
            info,
            took_over: None,
            file: None,
            os_lock: None,
            remote: Some(release),
        }
    }

    /// Releases the lock now.
    pub fn release(mut self) -> std::io::Result<()> {
        self.release_inner()
    }

    /// Removes the lock file (if it is still this lock's), then lets go of the OS lock, in
    /// that order: a run waiting for the OS lock of the removed file then sees it gone
    /// and takes a new one.
    fn release_inner(&mut self) -> std::io::Result<()> {
        let removed = match self.file.take() {
            None => Ok(()),
            Some(file) => match std::fs::read_to_string(&file) {
                Ok(text)
                    if serde_json::from_str::<LockInfo>(&text)
                        .is_ok_and(|i| i.id == self.info.id) =>
                {
                    std::fs::remove_file(&file)
                }
                Ok(_) => Ok(()),
                // The state folder itself may be gone or replaced.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                    ) =>
                {
                    Ok(())
                }
                Err(e) => Err(e),
            },
        };
        self.os_lock = None;
        let remote = self.remote.take().map_or(Ok(()), |release| release());
        removed.and(remote)
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release_inner();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(host: String, pid: u32, created: std::time::SystemTime) -> LockInfo {
        LockInfo {
            host,
            pid,
            created: humantime::format_rfc3339_seconds(created).to_string(),
            ..LockInfo::for_this_process("apply", "state.json")
        }
    }

    #[test]
    fn a_holder_of_this_host_is_gone_when_its_pid_is_free() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let now = std::time::SystemTime::now();
        assert!(holder(this_host(), pid, now).holder_is_gone());
        assert!(!holder(this_host(), std::process::id(), now).holder_is_gone());
        assert!(
            !holder("elsewhere".into(), pid, now).holder_is_gone(),
            "another host's processes cannot be seen"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_pid_reused_since_the_lock_was_taken_is_not_its_holder() {
        let long_ago = std::time::SystemTime::now() - Duration::from_secs(10 * 365 * 86400);
        assert!(holder(this_host(), std::process::id(), long_ago).holder_is_gone());
    }

    #[test]
    fn the_held_message_says_where_the_holder_runs() {
        let here = LockError::Held(Box::new(LockInfo::for_this_process("apply", "s")));
        assert!(here.to_string().contains("still runs on this host"));
        let there = LockError::Held(Box::new(LockInfo {
            host: "ci-7".into(),
            ..LockInfo::for_this_process("apply", "s")
        }));
        let text = there.to_string();
        assert!(text.contains("another host (ci-7)"), "{text}");
        assert!(text.contains("iac force-unlock "), "{text}");
    }
}
