mod excerpt;

use std::fmt;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::term::{self, termcolor::WriteColor};

use crate::source::{Sources, Span};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the user's input or during a run: a summary, an optional
/// detail, and the place it points at (file, line, column, shown with the source line).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: Option<String>,
    pub span: Option<Span>,
    /// Further places worth showing, each with a note.
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(summary: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: None,
            span,
            related: Vec::new(),
        }
    }

    /// A warning at `span`.
    pub fn warning(summary: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, span)
        }
    }

    /// Adds a detail paragraph.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Diagnostic {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a related place with a note.
    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Diagnostic {
        self.related.push((span, note.into()));
        self
    }

    /// Writes the diagnostic with its source excerpt, as the terminal shows it (a line
    /// longer than 120 characters is cut to a window around the place pointed at).
    pub fn emit(&self, sources: &Sources, out: &mut dyn WriteColor) {
        let mut d = match self.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(&self.summary);
        let spans: Vec<&Span> = self
            .span
            .iter()
            .chain(self.related.iter().map(|(s, _)| s))
            .collect();
        let excerpts = excerpt::Excerpts::new(sources, &spans);
        let mut labels = Vec::new();
        if let Some(span) = &self.span {
            labels.push(Label::primary(
                span.file.0,
                excerpts.range(span.file.0, &span.range),
            ));
        }
        for (span, note) in &self.related {
            labels.push(
                Label::secondary(span.file.0, excerpts.range(span.file.0, &span.range))
                    .with_message(note),
            );
        }
        d = d.with_labels(labels);
        if let Some(detail) = &self.detail {
            d = d.with_notes(vec![detail.clone()]);
        }
        let config = term::Config::default();
        if term::emit_to_write_style(out, &config, &excerpts, &d).is_err() {
            let _ = writeln!(out, "{}", self.summary);
        }
    }

    /// The diagnostic as plain text with `file:line:col` in front.
    pub fn to_plain(&self, sources: &Sources) -> String {
        let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        self.emit(sources, &mut buf);
        String::from_utf8_lossy(&buf.into_inner()).into_owned()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

/// All the diagnostics of a run; errors do not stop collection.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the error of `result`, if any, and passes its value on.
    pub fn take<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(d) => {
                self.push(d);
                None
            }
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}
