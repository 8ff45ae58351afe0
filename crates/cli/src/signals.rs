//! SIGINT and SIGTERM: commands stop cleanly instead of dying with a lock held.
//!
//! One process-wide watcher, installed by the first command that can be interrupted
//! ([`interrupted`]): the first signal is recorded and wakes every waiter (so none can
//! miss it between two waits); a second one ends the process at once, as Terraform's
//! "Two interrupts received". An interrupted command that fails exits with the shell's
//! code for the first signal ([`exit_code`]: 130 for SIGINT, 143 for SIGTERM).

use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

use tokio::sync::watch;

use crate::context::{Failed, error};

/// The number of the first signal received, 0 before any.
static FIRST: AtomicI32 = AtomicI32::new(0);

/// Set once the first signal arrived.
static RECEIVED: OnceLock<watch::Sender<bool>> = OnceLock::new();

const SIGINT: i32 = 2;
#[cfg(unix)]
const SIGTERM: i32 = 15;

/// Installs the watcher (once; inside the runtime) and returns the flag it sets.
fn received() -> &'static watch::Sender<bool> {
    RECEIVED.get_or_init(|| {
        let (sender, _) = watch::channel(false);
        // Registered before this returns, so no signal between here and the first
        // await falls to the default action.
        let mut signals = Signals::register();
        tokio::spawn(async move {
            loop {
                let signal = signals.next().await;
                if FIRST
                    .compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    if let Some(flag) = RECEIVED.get() {
                        flag.send_replace(true);
                    }
                } else {
                    eprintln!(
                        "\nTwo interrupts received. Exiting immediately. Note that data loss may have occurred."
                    );
                    crate::output::exit(128 + FIRST.load(Ordering::SeqCst));
                }
            }
        });
        sender
    })
}

/// The process's SIGINT and SIGTERM, registered when made.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn register() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                int: signal(SignalKind::interrupt()).expect("SIGINT handler installs"),
                term: signal(SignalKind::terminate()).expect("SIGTERM handler installs"),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Waits for the next signal and returns its number.
    async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => SIGINT,
                _ = self.term.recv() => SIGTERM,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            SIGINT
        }
    }
}

/// Installs the watcher, so that from now on an interrupt is recorded rather than the
/// end of the process. For the commands that handle interrupts, before they take a lock.
pub fn install() {
    received();
}

/// Waits for the first SIGINT (Ctrl-C) or SIGTERM of the process; at once if it already
/// came.
pub async fn interrupted() {
    let mut flag = received().subscribe();
    let _ = flag.wait_for(|came| *came).await;
}

/// The exit code of a command that failed after an interrupt: 128 plus the first
/// signal's number, as a shell reports a process the signal ended.
pub fn exit_code() -> Option<i32> {
    match FIRST.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(128 + signal),
    }
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
