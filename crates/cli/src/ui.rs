//! Terminal output: colour when on a terminal, and diagnostics with their source lines.

use std::io::{IsTerminal, Write};

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use iac_lang::{Diagnostics, Severity, Sources};

/// How to write to the user.
#[derive(Clone, Copy)]
pub struct Ui {
    pub color: bool,
}

impl Ui {
    /// Colour only when stdout is a terminal and `-no-color` was not given.
    pub fn new(no_color: bool) -> Ui {
        Ui {
            color: !no_color
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// Wraps `text` in an ANSI style when colour is on.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    pub fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    pub fn cyan(&self, t: &str) -> String {
        self.paint("36", t)
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }

    /// Prints every diagnostic to stderr, errors and warnings alike.
    pub fn diagnostics(&self, diags: &Diagnostics, sources: &Sources) {
        let choice = if self.color && std::io::stderr().is_terminal() {
            ColorChoice::Auto
        } else {
            ColorChoice::Never
        };
        let mut err = StandardStream::stderr(choice);
        for d in &diags.0 {
            d.emit(sources, &mut err);
        }
        let errors = diags
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 1 {
            let _ = writeln!(err, "{errors} errors.");
        }
    }
}
