use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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

impl LockInfo {
    /// A new lock record for this process.
    pub fn for_this_process(operation: &str, path: &str) -> LockInfo {
        let host = gethostname::gethostname().to_string_lossy().into_owned();
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

    /// Whether the holder is a process on this host that no longer runs.
    pub fn holder_is_gone(&self) -> bool {
        let here = gethostname::gethostname().to_string_lossy().into_owned();
        self.host == here
            && cfg!(target_os = "linux")
            && !std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
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
                if info.holder_is_gone() {
                    write!(f, "The process that took this lock is no longer running. ")?;
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
pub struct LockGuard {
    pub info: LockInfo,
    pub(crate) file: Option<PathBuf>,
}

impl LockGuard {
    /// A guard that holds nothing (for `-lock=false`).
    pub fn none() -> LockGuard {
        LockGuard {
            info: LockInfo::for_this_process("none", ""),
            file: None,
        }
    }

    /// Releases the lock now.
    pub fn release(mut self) -> std::io::Result<()> {
        self.release_inner()
    }

    fn release_inner(&mut self) -> std::io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        match std::fs::read_to_string(&file) {
            Ok(text)
                if serde_json::from_str::<LockInfo>(&text).is_ok_and(|i| i.id == self.info.id) =>
            {
                std::fs::remove_file(&file)
            }
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release_inner();
    }
}
