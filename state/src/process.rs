//! Whether the process that recorded its pid (a lock's holder, a temporary file's writer)
//! still runs on this host.

use std::time::{Duration, SystemTime};

/// Whether a process with id `pid` runs on this host (one of another user counts).
#[cfg(unix)]
pub(crate) fn is_running(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e != rustix::io::Errno::SRCH,
    }
}

/// Without a way to ask, every process is taken to be running.
#[cfg(not(unix))]
pub(crate) fn is_running(_pid: u32) -> bool {
    true
}

/// When process `pid` started, to the second, where the system tells (Linux's `/proc`):
/// a process started after a lock was taken is not the one that took it, only one that
/// was given the same pid since.
#[cfg(target_os = "linux")]
pub(crate) fn started_at(pid: u32) -> Option<SystemTime> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces; `starttime`
    // is field 22, the 20th after the name.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let ticks: u64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let boot: u64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(boot + ticks / per_second))
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn started_at(_pid: u32) -> Option<SystemTime> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_runs_and_an_ended_one_does_not() {
        assert!(is_running(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!is_running(pid));
        assert!(!is_running(0));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_started_before_now() {
        let started = started_at(std::process::id()).expect("a start time");
        let now = SystemTime::now();
        assert!(started <= now);
        assert!(now.duration_since(started).unwrap() < Duration::from_secs(3600));
    }
}
