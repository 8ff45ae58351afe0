//! The `s3` backend: the state as one object of a bucket, as Terraform's S3 backend keeps
//! it, with the lock as an object beside it (`KEY.tflock`, created only if absent, as
//! Terraform 1.10+ does with `use_lockfile`).
//!
//! Beyond Terraform, every write is a compare-and-swap: it is sent with `If-Match` on the
//! ETag this run read (or `If-None-Match: *` when there was no state), so a run that lost
//! its lock, or two runs with `-lock=false`, can never overwrite each other's state.

mod calls;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::lock::{LockError, LockGuard, LockInfo};
use crate::{Backend, State};
use calls::{Calls, Put};

/// The `backend "s3"` settings, with Terraform's names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct S3Settings {
    pub bucket: String,
    pub key: String,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// Static credentials (`access_key`, `secret_key`), else the standard chain.
    pub credentials: Option<(String, String)>,
    /// `endpoints { s3 = ... }`.
    pub endpoint: Option<String>,
    pub use_path_style: bool,
    pub encrypt: bool,
    pub kms_key_id: Option<String>,
    pub use_lockfile: bool,
}

/// Keeps the state in an S3 object.
pub struct S3Backend {
    settings: S3Settings,
    calls: Calls,
    /// The ETag of the state this run stands on: as it first read it (what its plan was
    /// made from; later reads do not move it), then as it last wrote it. `None` before
    /// any read, `Some(None)` when there was no state.
    seen: Mutex<Option<Option<String>>>,
}

impl S3Backend {
    /// A backend for `settings`, with the standard AWS credential chain.
    pub fn new(settings: S3Settings) -> S3Backend {
        S3Backend {
            calls: Calls::new(&settings),
            settings,
            seen: Mutex::new(None),
        }
    }

    fn lock_key(&self) -> String {
        format!("{}.tflock", self.settings.key)
    }

    fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.settings.bucket)
    }

    /// The ETag the next write must match, reading it first if this run has not.
    fn expected(&self) -> std::io::Result<Option<String>> {
        if let Some(seen) = self.seen.lock().expect("seen lock").clone() {
            return Ok(seen);
        }
        let etag = self.calls.head(&self.settings.key)?;
        *self.seen.lock().expect("seen lock") = Some(etag.clone());
        Ok(etag)
    }

    /// The lock's holder, if the lock object is there and readable.
    fn holder(&self) -> std::io::Result<Option<LockInfo>> {
        let key = self.lock_key();
        Ok(self.calls.get(&key)?.map(|(body, _)| {
            serde_json::from_slice(&body).unwrap_or_else(|_| LockInfo::unreadable(&self.url(&key)))
        }))
    }
}

impl Backend for S3Backend {
    fn read(&self) -> std::io::Result<Option<State>> {
        let found = self.calls.get(&self.settings.key)?;
        let (state, etag) = match found {
            None => (None, None),
            Some((body, etag)) => {
                let text = String::from_utf8(body).map_err(|e| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
                })?;
                (Some(State::from_json(&text)?), etag)
            }
        };
        self.seen.lock().expect("seen lock").get_or_insert(etag);
        Ok(state)
    }

    fn write(&self, state: &State) -> std::io::Result<()> {
        let expected = self.expected()?;
        let put = Put {
            key: &self.settings.key,
            body: state.to_json().into_bytes(),
            if_match: expected.as_deref(),
            if_absent: expected.is_none(),
        };
        match self.calls.put(put)? {
            Some(etag) => {
                *self.seen.lock().expect("seen lock") = Some(Some(etag));
                Ok(())
            }
            None => Err(std::io::Error::other(format!(
                "the state in {} changed since this run read it: another run wrote it, and nothing was overwritten",
                self.url(&self.settings.key)
            ))),
        }
    }

    fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, LockError> {
        if !self.settings.use_lockfile {
            return Ok(LockGuard::none());
        }
        let key = self.lock_key();
        let info = LockInfo::for_this_process(operation, &self.url(&self.settings.key));
        let body = serde_json::to_vec_pretty(&info).expect("a lock record serializes");
        let deadline = Instant::now() + timeout;
        loop {
            let put = Put {
                key: &key,
                body: body.clone(),
                if_match: None,
                if_absent: true,
            };
            if self.calls.put(put)?.is_some() {
                let release = self.calls.release(key, info.id.clone());
                return Ok(LockGuard::remote(info, release));
            }
            if Instant::now() >= deadline {
                let holder = self.holder()?.unwrap_or_else(|| LockInfo::unreadable(&key));
                return Err(LockError::Held(Box::new(holder)));
            }
            std::thread::sleep(Duration::from_millis(500).min(timeout));
        }
    }

    fn force_unlock(&self, id: &str) -> Result<(), LockError> {
        match self.holder()? {
            Some(info) if info.id == id || id == "(unreadable)" && info.pid == 0 => {
                Ok(self.calls.delete(&self.lock_key())?)
            }
            actual => Err(LockError::WrongId {
                given: id.into(),
                actual: actual.map(Box::new),
            }),
        }
    }

    fn write_errored(&self, state: &State) -> std::io::Result<PathBuf> {
        let name = self
            .settings
            .key
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("state.json")
            .to_string();
        let mut folders: Vec<PathBuf> = std::env::current_dir().ok().into_iter().collect();
        folders.push(std::env::temp_dir());
        crate::errored::write_errored(state, &name, &folders)
    }

    fn describe(&self) -> String {
        self.url(&self.settings.key)
    }
}
