//! What a diagnostic quotes of its files: every line as it is, except that a line
//! longer than [`MAX_LINE`] is cut to a window of about that many characters around the
//! place the diagnostic points at, with `…` where text was left out. A one-line file of
//! 50 MB then prints one short line, and the caret and the `file:line:column` header
//! still point at the right character.

use std::ops::Range;

use codespan_reporting::files::{Error, Files, SimpleFile};

use crate::source::{Sources, SourcesView, Span};

/// Lines longer than this many bytes are shown as a window of this many characters.
pub const MAX_LINE: usize = 120;
/// How many characters of a cut line are shown before the place pointed at.
const BEFORE: usize = 40;
const ELLIPSIS: &str = "…";

/// One long line as shown.
struct Window {
    /// The line's index in the file (0-based).
    line: usize,
    /// The line's bytes in the real file (without its newline).
    real_line: Range<usize>,
    /// The real bytes shown.
    shown: Range<usize>,
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// Bytes of `…` before the shown text (0 or 3).
    prefix: usize,
    /// The line's length in the excerpt's text.
    len: usize,
    /// The 0-based character column of `shown.start` in the real line.
    column: usize,
}

impl Window {
    fn shown_start(&self) -> usize {
        self.start + self.prefix
    }
}

/// One file as a diagnostic quotes it.
enum Quoted {
    /// No line is too long: the file itself.
    Whole(usize),
    /// A copy with its long lines cut.
    Cut {
        file: SimpleFile<String, String>,
        windows: Vec<Window>,
    },
}

/// The files a diagnostic quotes, in the form codespan-reporting reads.
pub(crate) struct Excerpts<'a> {
    sources: &'a Sources,
    quoted: Vec<Quoted>,
}

impl<'a> Excerpts<'a> {
    /// The files of `spans` (primary first), each with its long lines cut around the
    /// first of `spans` that falls on them.
    pub fn new(sources: &'a Sources, spans: &[&Span]) -> Excerpts<'a> {
        let quoted = sources
            .ids()
            .map(|id| {
                let marks: Vec<&Span> = spans.iter().copied().filter(|s| s.file == id).collect();
                if marks.is_empty() {
                    Quoted::Whole(id.0)
                } else {
                    quote(sources, id.0, &marks)
                }
            })
            .collect();
        Excerpts { sources, quoted }
    }

    /// Where a real byte range of file `file` is in the quoted text.
    pub fn range(&self, file: usize, range: &Range<usize>) -> Range<usize> {
        match &self.quoted[file] {
            Quoted::Whole(_) => range.clone(),
            Quoted::Cut { windows, .. } => {
                to_quoted(windows, range.start)..to_quoted(windows, range.end)
            }
        }
    }
}

/// The quoted form of file `id`, with each long line cut around the first mark on it.
fn quote(sources: &Sources, id: usize, marks: &[&Span]) -> Quoted {
    let file = crate::source::FileId(id);
    let real = sources.text(file);
    if real.split('\n').all(|line| line.len() <= MAX_LINE) {
        return Quoted::Whole(id);
    }
    let mut text = String::new();
    let mut windows = Vec::new();
    let mut line_start = 0;
    for (line, raw) in real.split_inclusive('\n').enumerate() {
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        let real_line = line_start..line_start + body.len();
        if body.len() <= MAX_LINE {
            text.push_str(raw);
        } else {
            let focus = marks
                .iter()
                .flat_map(|s| [s.range.start, s.range.end])
                .find(|o| real_line.contains(o) || *o == real_line.end)
                .unwrap_or(real_line.start);
            let window = cut(body, real_line.clone(), focus, line, text.len());
            text.push_str(if window.prefix > 0 { ELLIPSIS } else { "" });
            text.push_str(&real[window.shown.clone()]);
            if window.shown.end < real_line.end {
                text.push_str(ELLIPSIS);
            }
            text.push_str(&raw[body.len()..]);
            windows.push(window);
        }
        line_start += raw.len();
    }
    Quoted::Cut {
        file: SimpleFile::new(String::new(), text),
        windows,
    }
}

/// The window of about [`MAX_LINE`] characters of `body` (the real bytes `real_line`)
/// around the real byte `focus`.
fn cut(body: &str, real_line: Range<usize>, focus: usize, line: usize, start: usize) -> Window {
    let focus = focus - real_line.start;
    let mut from = body[..floor_char(body, focus)]
        .char_indices()
        .rev()
        .take(BEFORE)
        .last()
        .map_or(focus, |(i, _)| i);
    from = floor_char(body, from);
    let to = body[from..]
        .char_indices()
        .nth(MAX_LINE)
        .map_or(body.len(), |(i, _)| from + i);
    let prefix = if from > 0 { ELLIPSIS.len() } else { 0 };
    let suffix = if to < body.len() { ELLIPSIS.len() } else { 0 };
    Window {
        line,
        shown: real_line.start + from..real_line.start + to,
        real_line,
        start,
        prefix,
        len: prefix + (to - from) + suffix,
        column: body[..from].chars().count(),
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor_char(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The quoted position of real byte `offset`: inside a cut line, clamped to what is shown.
fn to_quoted(windows: &[Window], offset: usize) -> usize {
    let after = windows.partition_point(|w| w.real_line.start <= offset);
    let Some(w) = after.checked_sub(1).map(|i| &windows[i]) else {
        return offset;
    };
    if offset <= w.real_line.end {
        let inside = offset.clamp(w.shown.start, w.shown.end) - w.shown.start;
        return w.shown_start() + inside;
    }
    // A later line: shifted by what the cut line left out.
    offset - w.real_line.end + w.start + w.len
}

impl<'a> Files<'a> for Excerpts<'a> {
    type FileId = usize;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<String, Error> {
        SourcesView(self.sources).name(id)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        match self.quoted.get(id).ok_or(Error::FileMissing)? {
            Quoted::Whole(id) => Ok(self.sources.text(crate::source::FileId(*id))),
            Quoted::Cut { file, .. } => Ok(file.source()),
        }
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        match self.quoted.get(id).ok_or(Error::FileMissing)? {
            Quoted::Whole(id) => SourcesView(self.sources).line_index(*id, byte_index),
            Quoted::Cut { file, .. } => file.line_index((), byte_index),
        }
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        match self.quoted.get(id).ok_or(Error::FileMissing)? {
            Quoted::Whole(id) => SourcesView(self.sources).line_range(*id, line_index),
            Quoted::Cut { file, .. } => file.line_range((), line_index),
        }
    }

    /// The real column, also on a cut line.
    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        match self.quoted.get(id).ok_or(Error::FileMissing)? {
            Quoted::Whole(id) => {
                SourcesView(self.sources).column_number(*id, line_index, byte_index)
            }
            Quoted::Cut { file, windows } => {
                match windows.binary_search_by_key(&line_index, |w| w.line) {
                    Ok(i) => {
                        let w = &windows[i];
                        let at = byte_index.clamp(w.shown_start(), w.shown_start() + w.shown.len());
                        let shown = &file.source()[w.shown_start()..at];
                        Ok(w.column + shown.chars().count() + 1)
                    }
                    Err(_) => file.column_number((), line_index, byte_index),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::diag::Diagnostic;
    use crate::source::{Sources, Span};

    /// Line `line_number` as a rendered diagnostic quotes it, and the column of the mark
    /// under it (`^` primary, `-` related) within that text (after the `N │ ` gutter).
    fn quoted(out: &str, line_number: usize) -> (String, usize) {
        let lines: Vec<&str> = out.lines().collect();
        let gutter = format!("{line_number} │ ");
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&gutter))
            .unwrap_or_else(|| panic!("no line {line_number} in\n{out}"));
        let source = lines[at].trim_start().strip_prefix(&gutter).unwrap();
        let pad = lines[at].chars().count() - lines[at].trim_start().chars().count();
        let caret_line = lines[at + 1];
        let caret = caret_line
            .chars()
            .position(|c| c == '^' || c == '-')
            .expect("a caret");
        (source.to_string(), caret - pad - gutter.chars().count())
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let mut sources = Sources::default();
        let text = format!(
            "x = \"{}!{}\"\ny = 1\n",
            "a".repeat(10_000),
            "é".repeat(10_000)
        );
        let bang = text.find('!').unwrap();
        let file = sources.add(Path::new("long.hcl"), text);
        let d = Diagnostic::error(
            "Bad",
            Some(Span {
                file,
                range: bang..bang + 1,
            }),
        );
        let out = d.to_plain(&sources);
        assert!(out.contains("long.hcl:1:10006"), "{out}");
        assert!(out.len() < 1_000, "{out}");
        let (line, caret) = quoted(&out, 1);
        assert_eq!(line.chars().nth(caret), Some('!'), "{out}");
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        assert!(line.chars().count() <= super::MAX_LINE + 2, "{line}");
    }

    #[test]
    fn lines_after_a_cut_line_keep_their_place() {
        let mut sources = Sources::default();
        let text = format!("x = \"{}\"\ny = nope\n", "a".repeat(5_000));
        let nope = text.find("nope").unwrap();
        let file = sources.add(Path::new("two.hcl"), text);
        let d = Diagnostic::error(
            "Bad",
            Some(Span {
                file,
                range: nope..nope + 4,
            }),
        )
        .with_related(Span { file, range: 0..1 }, "here");
        let out = d.to_plain(&sources);
        assert!(out.contains("two.hcl:2:5"), "{out}");
        let (line, caret) = quoted(&out, 2);
        assert_eq!(line, "y = nope");
        assert_eq!(caret, 4, "{out}");
        let (first, _) = quoted(&out, 1);
        assert!(
            first.starts_with("x = \"aaa") && first.ends_with('…'),
            "{first}"
        );
    }

    #[test]
    fn short_lines_are_quoted_whole() {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("s.hcl"), "a = 1\nb = oops\n".into());
        let d = Diagnostic::error(
            "Bad",
            Some(Span {
                file,
                range: 10..14,
            }),
        );
        let out = d.to_plain(&sources);
        assert!(out.contains("s.hcl:2:5"), "{out}");
        assert_eq!(quoted(&out, 2), ("b = oops".to_string(), 4));
    }

    #[test]
    fn invalid_utf8_is_an_error_at_the_first_bad_byte() {
        let dir = std::env::temp_dir().join(format!("iac-utf8-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.hcl");
        std::fs::write(&path, b"a = 1\nb = \"caf\xe9 \xff\"\n").unwrap();
        let mut sources = Sources::default();
        let d = sources.read(&path).unwrap().unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(d.summary, "Invalid character encoding");
        assert_eq!(sources.line_col(d.span.as_ref().unwrap()), (2, 9));
        let out = d.to_plain(&sources);
        assert!(out.contains("bad.hcl:2:9"), "{out}");
        let (line, caret) = quoted(&out, 2);
        assert_eq!(line.chars().nth(caret), Some('\u{fffd}'), "{out}");
    }
}
