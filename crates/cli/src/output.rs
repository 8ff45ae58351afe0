//! Standard output and standard error for every command. A reader that goes away
//! (`iac show | head -1`) does not make `iac` panic: what is left to print is dropped,
//! the command finishes what it was doing (an apply records every operation, a lock is
//! released), and the process then ends by `SIGPIPE`, as a Unix tool does.
//!
//! The crate's `print!`, `println!`, `eprint!` and `eprintln!` are the macros defined
//! here (declared before every other module, they shadow the standard library's), so
//! every write goes through [`write`].

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

/// A standard stream.
#[derive(Clone, Copy)]
pub enum Stream {
    Out,
    Err,
}

/// The first write error of each stream (stdout, stderr); after one, the stream is not
/// written to again.
static FAILED: Mutex<[Option<io::ErrorKind>; 2]> = Mutex::new([None, None]);

/// Writes to `stream` unless an earlier write to it failed.
pub fn write(stream: Stream, args: fmt::Arguments<'_>) {
    if failed(stream).is_some() {
        return;
    }
    let result = match stream {
        Stream::Out => io::stdout().lock().write_fmt(args),
        Stream::Err => io::stderr().lock().write_fmt(args),
    };
    if let Err(e) = result {
        note(stream, e.kind());
    }
}

fn failed(stream: Stream) -> Option<io::ErrorKind> {
    FAILED.lock().unwrap_or_else(|p| p.into_inner())[stream as usize]
}

fn note(stream: Stream, kind: io::ErrorKind) {
    let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
    failed[stream as usize].get_or_insert(kind);
}

/// Ends the process with `code`, after flushing stdout; by `SIGPIPE` instead when a
/// reader closed its end of stdout or stderr; with 1 when stdout could not be written
/// for another reason (a full disk).
pub fn exit(code: i32) -> ! {
    if failed(Stream::Out).is_none()
        && let Err(e) = io::stdout().lock().flush()
    {
        note(Stream::Out, e.kind());
    }
    let (out, err) = (failed(Stream::Out), failed(Stream::Err));
    if out == Some(io::ErrorKind::BrokenPipe) || err == Some(io::ErrorKind::BrokenPipe) {
        die_of_sigpipe();
    }
    if let Some(kind) = out {
        write(
            Stream::Err,
            format_args!(
                "Error writing to standard output: {}\n",
                io::Error::from(kind)
            ),
        );
        std::process::exit(1);
    }
    std::process::exit(code)
}

/// Ends the process as the default action of `SIGPIPE` does (Rust ignores the signal,
/// so writes fail with `EPIPE` instead; the work has been finished by now).
#[cfg(unix)]
fn die_of_sigpipe() {
    // SAFETY: restoring a signal's default action and raising it touch no memory.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
}

#[cfg(not(unix))]
fn die_of_sigpipe() {}

macro_rules! print {
    ($($arg:tt)*) => {
        $crate::output::write($crate::output::Stream::Out, format_args!($($arg)*))
    };
}

macro_rules! println {
    () => {
        $crate::output::write($crate::output::Stream::Out, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(
            $crate::output::Stream::Out,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}

#[allow(unused_macros)] // here so that no `eprint!` bypasses `write`
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::output::write($crate::output::Stream::Err, format_args!($($arg)*))
    };
}

macro_rules! eprintln {
    () => {
        $crate::output::write($crate::output::Stream::Err, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(
            $crate::output::Stream::Err,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}
