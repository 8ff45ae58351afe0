//! Canonical formatting, as `terraform fmt` does it: two-space indentation by nesting
//! (one level per line that opens brackets, however many it opens),
//! `=` aligned across consecutive attributes, no trailing white space, one final newline.
//! Comments, heredocs and the content of strings are kept as written.

use crate::diag::Diagnostic;
use crate::source::{FileId, Sources, Span};

/// Formats a file that must parse; a syntax error comes back as a diagnostic.
pub fn format_file(file: FileId, sources: &Sources) -> Result<String, Diagnostic> {
    let text = sources.text(file);
    if let Err(e) = hcl_edit::parser::parse_body(text) {
        let loc = e.location();
        let start = sources.offset_of(file, loc.line(), loc.column());
        return Err(Diagnostic::error(
            "Syntax error",
            Some(Span {
                file,
                range: start..(start + 1).min(text.len()),
            }),
        )
        .with_detail(e.message().to_string()));
    }
    Ok(format_text(text))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Code,
    Str,
    /// Inside `${ ... }` or `%{ ... }` of a string; the count is open braces within.
    Interp(usize),
}

/// What scanning one line found.
struct LineScan {
    opens: usize,
    closes: usize,
    /// The byte offset of the assignment `=` of an attribute, if the line starts with one.
    assign: Option<usize>,
    /// A heredoc starts after this line: its delimiter.
    heredoc: Option<String>,
    /// The line ends inside a block comment.
    in_comment: bool,
}

fn scan(line: &str, mut in_comment: bool) -> LineScan {
    let bytes = line.as_bytes();
    let mut stack = vec![Mode::Code];
    let mut s = LineScan {
        opens: 0,
        closes: 0,
        assign: None,
        heredoc: None,
        in_comment,
    };
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if in_comment {
            if c == b'*' && next == Some(b'/') {
                in_comment = false;
                i += 2;
                continue;
            }
            i += 1;
            continue;
        }
        match *stack.last().expect("mode stack never empties") {
            Mode::Code | Mode::Interp(_) => {
                let interp = matches!(stack.last(), Some(Mode::Interp(_)));
                match c {
                    b'#' => break,
                    b'/' if next == Some(b'/') => break,
                    b'/' if next == Some(b'*') => {
                        in_comment = true;
                        i += 2;
                        continue;
                    }
                    b'"' => stack.push(Mode::Str),
                    b'<' if next == Some(b'<') && !interp => {
                        let rest = &line[i + 2..];
                        let rest = rest.strip_prefix('-').unwrap_or(rest);
                        let ident: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !ident.is_empty() && rest[ident.len()..].trim().is_empty() {
                            s.heredoc = Some(ident);
                            break;
                        }
                    }
                    b'{' | b'[' | b'(' => {
                        if let Some(Mode::Interp(n)) = stack.last_mut() {
                            *n += 1;
                        } else {
                            s.opens += 1;
                        }
                    }
                    b'}' | b']' | b')' => match stack.last_mut() {
                        Some(Mode::Interp(0)) => {
                            stack.pop();
                        }
                        Some(Mode::Interp(n)) => *n -= 1,
                        _ => {
                            if s.opens > 0 {
                                s.opens -= 1;
                            } else {
                                s.closes += 1;
                            }
                        }
                    },
                    b'=' if !interp
                        && stack.len() == 1
                        && s.opens == 0
                        && s.closes == 0
                        && s.assign.is_none() =>
                    {
                        let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                        let is_op = matches!(next, Some(b'=' | b'>'))
                            || matches!(prev, b'=' | b'!' | b'<' | b'>');
                        let key = line[..i].trim();
                        let plain_key = !key.is_empty()
                            && (key
                                .chars()
                                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                                || (key.starts_with('"') && key.ends_with('"') && key.len() >= 2));
                        if !is_op && plain_key {
                            s.assign = Some(i);
                        }
                    }
                    _ => {}
                }
            }
            Mode::Str => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push(Mode::Interp(0));
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    s.in_comment = in_comment;
    s
}

struct Line {
    indent: usize,
    text: String,
    /// Key and value of an attribute line.
    attr: Option<(String, String)>,
    /// Whether the attribute takes part in `=` alignment: not when its value goes on
    /// over the next lines, which also ends the run of aligned ones (as in hclwrite).
    aligned: bool,
    verbatim: bool,
}

impl Line {
    /// A line kept as written (in a heredoc or a block comment).
    fn verbatim(raw: &str) -> Line {
        Line {
            indent: 0,
            text: raw.trim_end().to_string(),
            attr: None,
            aligned: false,
            verbatim: true,
        }
    }
}

/// Formats stack-language source text.
pub fn format_text(text: &str) -> String {
    let mut lines: Vec<Line> = Vec::new();
    // One entry per indent level: how many brackets the line that opened it left open.
    let mut levels: Vec<usize> = Vec::new();
    let mut heredoc: Option<String> = None;
    let mut in_comment = false;
    for raw in text.lines() {
        if let Some(delim) = &heredoc {
            // The content and the closing marker stay as written, as in `terraform fmt`.
            if raw.trim() == delim {
                heredoc = None;
            }
            lines.push(Line::verbatim(raw));
            continue;
        }
        let was_comment = in_comment;
        let trimmed = raw.trim();
        let s = scan(trimmed, in_comment);
        in_comment = s.in_comment;
        if was_comment {
            lines.push(Line::verbatim(raw));
            continue;
        }
        let indent = if s.opens > s.closes {
            let indent = 2 * levels.len();
            levels.push(s.opens - s.closes);
            indent
        } else {
            let mut closing = s.closes - s.opens;
            while closing > 0
                && let Some(open) = levels.last_mut()
            {
                if closing < *open {
                    *open -= closing;
                    closing = 0;
                } else {
                    closing -= *open;
                    levels.pop();
                }
            }
            2 * levels.len()
        };
        heredoc = s.heredoc;
        let attr = s.assign.map(|i| {
            (
                trimmed[..i].trim().to_string(),
                trimmed[i + 1..].trim().to_string(),
            )
        });
        lines.push(Line {
            indent,
            text: trimmed.to_string(),
            aligned: attr.is_some() && s.opens == 0,
            attr,
            verbatim: false,
        });
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        if lines[i].attr.is_some() {
            // A run of aligned attributes at one indentation, or one that is not aligned.
            let mut j = i + 1;
            while lines[i].aligned
                && j < lines.len()
                && lines[j].indent == lines[i].indent
                && lines[j].aligned
            {
                j += 1;
            }
            let key_width = |l: &Line| l.attr.as_ref().map_or(0, |(k, _)| k.chars().count());
            let width = lines[i..j].iter().map(key_width).max().unwrap_or(0);
            for line in &lines[i..j] {
                let (k, v) = line.attr.as_ref().expect("attribute line");
                let pad = width - k.chars().count();
                out.push_str(
                    format!("{}{k}{} = {v}", " ".repeat(line.indent), " ".repeat(pad)).trim_end(),
                );
                out.push('\n');
            }
            i = j;
            continue;
        }
        let line = &lines[i];
        if line.verbatim {
            out.push_str(&line.text);
        } else if !line.text.is_empty() {
            out.push_str(&" ".repeat(line.indent));
            out.push_str(&line.text);
        }
        out.push('\n');
        i += 1;
    }
    let trimmed = out.trim_end_matches('\n');
    let mut result = trimmed.trim_start_matches('\n').to_string();
    result.push('\n');
    result
}

#[cfg(test)]
mod tests {
    use super::format_text;

    #[test]
    fn indents_and_aligns() {
        let input = "resource \"aws_s3_bucket\" \"b\" {\nbucket=\"x\"\n      force_destroy = true\ntags = {\nName = \"a\"\n}\n  }\n";
        let want = "resource \"aws_s3_bucket\" \"b\" {\n  bucket        = \"x\"\n  force_destroy = true\n  tags = {\n    Name = \"a\"\n  }\n}\n";
        assert_eq!(format_text(input), want);
    }

    #[test]
    fn keeps_strings_comments_and_heredocs() {
        let input = "locals {\n  # a { comment\n  s = \"a { b ${var.x} }\"\n  h = <<-EOT\n    keep   this\n  EOT\n  c = x == y\n}\n";
        assert_eq!(format_text(input), input);
        let flush = "locals {\n  h = <<EOT\n#!/bin/sh\nEOT\n}\n";
        assert_eq!(format_text(flush), flush);
    }

    #[test]
    fn a_line_opening_several_brackets_indents_once() {
        let input = "variable \"x\" {\n  description = \"d\"\n  type        = map(object({\n        a = string\n  }))\n}\n";
        let want = "variable \"x\" {\n  description = \"d\"\n  type = map(object({\n    a = string\n  }))\n}\n";
        assert_eq!(format_text(input), want);
    }

    #[test]
    fn is_idempotent() {
        let input =
            "variable \"x\" {\n  type = list(object({\n    a = string\n  }))\n  default = []\n}\n";
        let once = format_text(input);
        assert_eq!(format_text(&once), once);
    }
}
