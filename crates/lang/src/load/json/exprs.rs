//! The expressions of a JSON file, parsed by hcl-edit with spans into the JSON file.
//!
//! JSON values are nearly HCL expressions already (`{"a": [1, "x"]}` is an HCL object),
//! and a JSON string in an expression position is a template, as an HCL quoted string
//! is. So every expression of a file is written, at its own byte offsets, into one
//! "shadow" text that is blank elsewhere, and the shadow is parsed once as an HCL
//! array of them: each expression keeps its true span in the JSON file. Strings with
//! JSON escapes are rewritten into the HCL quoted form of the same template (never
//! longer than the JSON form); strings that are expressions themselves (`depends_on`,
//! `provider`, a variable's `type`...) are written without their quotes.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;

use super::parse::{JKind, JValue};

/// How the strings of a JSON value are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// As templates (`"${var.name}-logs"`): every ordinary expression position.
    Template,
    /// As expressions (`"aws_instance.web"`): references, type constraints, `all`.
    Expression,
}

/// The parsed expressions by the start offset of their JSON value.
pub(crate) type Parsed = HashMap<usize, Arc<Expression>>;

/// Parses every `(value, mode)` of `text`, whose top-level value spans `top`. An error
/// is the byte offset and message of the first syntax error.
pub(crate) fn parse_all(
    text: &str,
    top: &Range<usize>,
    values: &[(&JValue, Mode)],
) -> Result<Parsed, (usize, String)> {
    let mut values: Vec<_> = values.to_vec();
    values.sort_by_key(|(v, _)| v.span.start);
    let mut shadow: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' { b'\n' } else { b' ' })
        .collect();
    for (value, mode) in &values {
        shadow[value.span.clone()].copy_from_slice(&text.as_bytes()[value.span.clone()]);
        rewrite(text, value, *mode, &mut shadow);
        if value.span.end < shadow.len() {
            shadow[value.span.end] = b',';
        }
    }
    // The array opens at the very start: the parser takes no whitespace before it.
    shadow[top.start] = b' ';
    shadow[0] = b'[';
    shadow[top.end - 1] = b']';
    let shadow = String::from_utf8(shadow).expect("the shadow text is whole UTF-8 pieces");
    // Only up to the end of the top-level value: the parser takes no newline after it.
    let expr = hcl_edit::parser::parse_expr(&shadow[..top.end])
        .map_err(|e| (e.location().offset(), e.message().to_string()))?;
    let Expression::Array(items) = expr else {
        return Err((top.start, "expected expressions".to_string()));
    };
    let mut out = HashMap::with_capacity(values.len());
    for ((value, _), item) in values.iter().zip(items.iter()) {
        debug_assert!(item.span().is_some());
        out.insert(value.span.start, Arc::new(item.clone()));
    }
    Ok(out)
}

/// Rewrites the strings within `value` (already copied into `shadow`) as HCL.
fn rewrite(text: &str, value: &JValue, mode: Mode, shadow: &mut [u8]) {
    match &value.kind {
        JKind::String(decoded) => rewrite_string(text, &value.span, decoded, mode, shadow),
        JKind::Array(items) => {
            for item in items {
                rewrite(text, item, mode, shadow);
            }
        }
        JKind::Object(props) => {
            for p in props {
                rewrite_string(text, &p.name_span, &p.name, mode, shadow);
                rewrite(text, &p.value, mode, shadow);
            }
        }
        JKind::Number | JKind::Bool | JKind::Null => {}
    }
}

fn rewrite_string(text: &str, span: &Range<usize>, decoded: &str, mode: Mode, shadow: &mut [u8]) {
    let (replacement, at) = match mode {
        Mode::Template if !text[span.clone()].contains('\\') => return,
        Mode::Template => (format!("\"{}\"", quoted_template(decoded)), span.start),
        // In the quotes' place, so the expression's span is its text in the file.
        Mode::Expression => (decoded.to_string(), span.start + 1),
    };
    shadow[span.start] = b' ';
    let target = &mut shadow[at..span.end];
    debug_assert!(replacement.len() <= target.len());
    let n = replacement.len().min(target.len());
    target[..n].copy_from_slice(&replacement.as_bytes()[..n]);
    target[n..].fill(b' ');
}

/// The body of an HCL quoted string holding the template `source`: literal text is
/// escaped, interpolations and directives are kept as written.
fn quoted_template(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 8);
    let mut i = 0;
    while i < source.len() {
        let rest = &source[i..];
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            out.push_str(&rest[..3]);
            i += 3;
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            let end = i + 2 + template_sequence_len(&rest[2..]);
            out.push_str(&source[i..end]);
            i = end;
        } else {
            let c = rest.chars().next().expect("not at the end");
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
            i += c.len_utf8();
        }
    }
    out
}

/// The length of an interpolation's or directive's text after its `${`/`%{`, up to and
/// including its closing brace (or all of `s` when it is not closed).
fn template_sequence_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut depth = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i..].starts_with(b"${") || bytes[i..].starts_with(b"%{") {
                        i += 2 + template_sequence_len(&s[i + 2..]) - 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_text_is_escaped_and_interpolations_kept() {
        assert_eq!(quoted_template(r#"say "hi""#), r#"say \"hi\""#);
        assert_eq!(
            quoted_template(r#"${x == "a\"}" ? "}" : y} "q""#),
            r#"${x == "a\"}" ? "}" : y} \"q\""#
        );
        assert_eq!(quoted_template("$${x} a\\b\n"), "$${x} a\\\\b\\n");
        assert_eq!(
            quoted_template("%{ if x }\"%{ endif }"),
            "%{ if x }\\\"%{ endif }"
        );
    }
}
