//! A JSON reader that keeps the byte span of every value and every property name, and
//! every property in order (duplicates included, as HCL's JSON syntax allows).

use std::ops::Range;

/// A JSON value and where it is written.
#[derive(Debug, Clone)]
pub(crate) struct JValue {
    pub span: Range<usize>,
    pub kind: JKind,
}

#[derive(Debug, Clone)]
pub(crate) enum JKind {
    Object(Vec<JProp>),
    Array(Vec<JValue>),
    /// The decoded string.
    String(String),
    Number,
    Bool,
    Null,
}

/// One `"name": value` of an object.
#[derive(Debug, Clone)]
pub(crate) struct JProp {
    pub name: String,
    pub name_span: Range<usize>,
    pub value: JValue,
}

impl JValue {
    /// Names the kind of value, for messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            JKind::Object(_) => "an object",
            JKind::Array(_) => "an array",
            JKind::String(_) => "a string",
            JKind::Number => "a number",
            JKind::Bool => "a boolean",
            JKind::Null => "null",
        }
    }
}

/// A syntax error: its byte offset and message.
pub(crate) type SyntaxError = (usize, String);

/// Reads a whole JSON document.
pub(crate) fn parse(text: &str) -> Result<JValue, SyntaxError> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err((
            offset_of(text, e.line(), e.column()),
            strip_position(&e.to_string()),
        ));
    }
    let mut r = Reader { text, pos: 0 };
    r.value()
}

/// serde_json reports one-based lines and columns (the column of the character at fault).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

struct Reader<'t> {
    text: &'t str,
    pos: usize,
}

impl Reader<'_> {
    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn fail<T>(&self, what: &str) -> Result<T, SyntaxError> {
        Err((self.pos, what.to_string()))
    }

    fn expect(&mut self, c: u8) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(&format!("expected `{}`", c as char))
        }
    }

    fn value(&mut self) -> Result<JValue, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => JKind::String(self.string()?.0),
            Some(b't') => self.word("true", JKind::Bool)?,
            Some(b'f') => self.word("false", JKind::Bool)?,
            Some(b'n') => self.word("null", JKind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                let bytes = self.text.as_bytes();
                while self.pos < bytes.len()
                    && matches!(
                        bytes[self.pos],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.pos += 1;
                }
                JKind::Number
            }
            _ => return self.fail("expected a value"),
        };
        Ok(JValue {
            span: start..self.pos,
            kind,
        })
    }

    fn word(&mut self, word: &str, kind: JKind) -> Result<JKind, SyntaxError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            self.fail("expected a value")
        }
    }

    /// A string token: its decoded text and span.
    fn string(&mut self) -> Result<(String, Range<usize>), SyntaxError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let mut escaped = false;
        while self.pos < bytes.len() {
            match bytes[self.pos] {
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                b'"' => break,
                _ => self.pos += 1,
            }
        }
        if self.pos >= bytes.len() {
            return self.fail("unterminated string");
        }
        self.pos += 1;
        let raw = &self.text[start..self.pos];
        let decoded = if escaped {
            serde_json::from_str::<String>(raw).map_err(|e| (start, e.to_string()))?
        } else {
            raw[1..raw.len() - 1].to_string()
        };
        Ok((decoded, start..self.pos))
    }

    fn object(&mut self) -> Result<JKind, SyntaxError> {
        self.pos += 1;
        let mut props = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JKind::Object(props));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return self.fail("expected a property name");
            }
            let (name, name_span) = self.string()?;
            self.expect(b':')?;
            let value = self.value()?;
            props.push(JProp {
                name,
                name_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JKind::Object(props));
                }
                _ => return self.fail("expected `,` or `}`"),
            }
        }
    }

    fn array(&mut self) -> Result<JKind, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JKind::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JKind::Array(items));
                }
                _ => return self.fail("expected `,` or `]`"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_order_and_duplicates() {
        let text = r#"{"a": [1, "x\"y"], "a": {"b": null}}"#;
        let v = parse(text).unwrap();
        let JKind::Object(props) = v.kind else {
            panic!()
        };
        assert_eq!(props.len(), 2);
        assert_eq!(&text[props[0].name_span.clone()], "\"a\"");
        let JKind::Array(items) = &props[0].value.kind else {
            panic!()
        };
        assert!(matches!(&items[1].kind, JKind::String(s) if s == "x\"y"));
        assert_eq!(&text[items[1].span.clone()], r#""x\"y""#);
        assert_eq!(&text[props[1].value.span.clone()], r#"{"b": null}"#);
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}";
        let (offset, message) = parse(text).unwrap_err();
        assert_eq!(&text[offset..offset + 1], "2");
        assert!(message.contains("expected `:`"), "{message}");
    }
}
