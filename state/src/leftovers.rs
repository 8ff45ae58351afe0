//! Temporary copies of the state left by a write that was killed half-way.

use std::fs;
use std::path::{Path, PathBuf};

use crate::process;

/// The temporary file a write of `target` by this process goes through:
/// `<target>.tmp-<pid>`.
pub(crate) fn temporary_for(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    target.with_file_name(name)
}

/// Removes the temporary copies of the state at `state` and of its backup whose writer
/// no longer runs, returning what it removed. Also those of older iac versions, which
/// named them `<stem>.tmp-<pid>` (`state.tmp-123`).
pub(crate) fn remove_stale_temporaries(state: &Path) -> Vec<PathBuf> {
    let Some(name) = state.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let stem = state
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefixes = [
        format!("{name}.tmp-"),
        format!("{name}.backup.tmp-"),
        format!("{stem}.tmp-"),
    ];
    let dir = match state.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let writer = prefixes
            .iter()
            .find_map(|p| file.strip_prefix(p.as_str()))
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = writer
            && !process::is_running(pid)
            && entry.file_type().is_ok_and(|t| t.is_file())
            && fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_temporaries_of_ended_writers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let alive = std::process::id();
        let names = [
            format!("state.json.tmp-{dead}"),
            format!("state.json.backup.tmp-{dead}"),
            format!("state.tmp-{dead}"),
            format!("state.json.tmp-{alive}"),
            format!("other.json.tmp-{dead}"),
            "state.json.tmp-notapid".to_string(),
            "state.json".to_string(),
        ];
        for n in &names {
            fs::write(dir.path().join(n), "{}").unwrap();
        }
        let removed = remove_stale_temporaries(&dir.path().join("state.json"));
        let mut expected: Vec<PathBuf> = names[..3].iter().map(|n| dir.path().join(n)).collect();
        expected.sort();
        assert_eq!(removed, expected);
        for n in &names[3..] {
            assert!(dir.path().join(n).exists(), "{n} is kept");
        }
    }
}
