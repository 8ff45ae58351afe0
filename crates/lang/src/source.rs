use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::files::{Files, SimpleFile};

use crate::diag::Diagnostic;

/// Identifies one loaded source file within [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// A byte range within one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

impl Span {
    /// The span from the start of `self` to the end of `other` (same file).
    pub fn to(&self, other: &Span) -> Span {
        Span {
            file: self.file,
            range: self.range.start..other.range.end.max(self.range.start),
        }
    }
}

/// Every source file read during a run, so diagnostics can quote them.
#[derive(Default)]
pub struct Sources {
    files: Vec<SimpleFile<String, String>>,
    paths: Vec<PathBuf>,
}

impl Sources {
    /// Registers a file's text under its path (as shown to the user).
    pub fn add(&mut self, path: &Path, text: String) -> FileId {
        self.files
            .push(SimpleFile::new(path.display().to_string(), text));
        self.paths.push(path.to_path_buf());
        FileId(self.files.len() - 1)
    }

    /// Reads a file and registers it. An I/O error comes back as it is. A file that is not
    /// UTF-8 is registered with its bad bytes replaced (so the error can quote the line)
    /// and comes back as an error at the first bad byte, in Terraform's words.
    pub fn read(&mut self, path: &Path) -> std::io::Result<Result<FileId, Diagnostic>> {
        let bytes = std::fs::read(path)?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) => Ok(self.add(path, text)),
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = self.add(path, text);
                let replacement = char::REPLACEMENT_CHARACTER.len_utf8();
                Err(Diagnostic::error(
                    "Invalid character encoding",
                    Some(Span {
                        file,
                        range: bad..bad + replacement,
                    }),
                )
                .with_detail(
                    "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.",
                ))
            }
        })
    }

    /// The text of a file.
    pub fn text(&self, id: FileId) -> &str {
        self.files[id.0].source()
    }

    /// The path of a file.
    pub fn path(&self, id: FileId) -> &Path {
        &self.paths[id.0]
    }

    /// Every file, in the order loaded.
    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.files.len()).map(FileId)
    }

    /// The text a span covers.
    pub fn snippet(&self, span: &Span) -> &str {
        self.text(span.file).get(span.range.clone()).unwrap_or("")
    }

    /// One-based line and column of a span's start.
    pub fn line_col(&self, span: &Span) -> (usize, usize) {
        let loc = Files::location(&SourcesView(self), span.file.0, span.range.start);
        loc.map(|l| (l.line_number, l.column_number))
            .unwrap_or((1, 1))
    }

    /// The byte offset of a one-based line and column.
    pub fn offset_of(&self, id: FileId, line: usize, column: usize) -> usize {
        let text = self.text(id);
        let line_start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &text[line_start.min(text.len())..];
        let col_bytes: usize = rest
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        (line_start + col_bytes).min(text.len())
    }
}

/// Adapts [`Sources`] to codespan-reporting's `Files`.
pub(crate) struct SourcesView<'a>(pub &'a Sources);

impl<'a> Files<'a> for SourcesView<'a> {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<String, codespan_reporting::files::Error> {
        Ok(self
            .0
            .files
            .get(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?
            .name()
            .clone())
    }

    fn source(&'a self, id: usize) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self
            .0
            .files
            .get(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?
            .source())
    }

    fn line_index(
        &'a self,
        id: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        self.0
            .files
            .get(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?
            .line_index((), byte_index)
    }

    fn line_range(
        &'a self,
        id: usize,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        self.0
            .files
            .get(id)
            .ok_or(codespan_reporting::files::Error::FileMissing)?
            .line_range((), line_index)
    }
}
