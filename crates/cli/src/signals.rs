//! SIGINT and SIGTERM: commands stop cleanly instead of dying with a lock held.

use std::future::Future;

use crate::context::{Failed, error};

/// Waits for SIGINT (Ctrl-C) or SIGTERM.
pub async fn interrupted() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler installs");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs `work` unless an interrupt comes first; then `work` is dropped (releasing the
/// state lock it holds) and the command fails. Only for work that changes nothing.
pub async fn unless_interrupted<T>(
    work: impl Future<Output = Result<T, Failed>>,
) -> Result<T, Failed> {
    tokio::select! {
        result = work => result,
        () = interrupted() => Err(error("Interrupted", "iac stopped before changing anything, and released the state lock.")),
    }
}
