//! Rendering values in the stack language's own syntax, for plans and outputs.

use std::fmt::Write;

use crate::{Value, display_number};

impl Value {
    /// The value as the stack language would write it, indented by `indent` spaces
    /// for nested lines. Unknown shows as `(known after apply)` and sensitive values as
    /// `(sensitive value)`.
    pub fn render(&self, indent: usize) -> String {
        let mut out = String::new();
        render_into(self, indent, &mut out);
        out
    }
}

fn render_into(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&display_number(*n)),
        Value::String(s) => render_string(s, out),
        Value::Unknown => out.push_str("(known after apply)"),
        Value::Sensitive(_) => out.push_str("(sensitive value)"),
        Value::List(items) | Value::Set(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for item in items {
                pad(indent + 4, out);
                render_into(item, indent + 4, out);
                out.push_str(",\n");
            }
            pad(indent, out);
            out.push(']');
        }
        Value::Map(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{\n");
            let width = map.keys().map(|k| render_key(k).len()).max().unwrap_or(0);
            for (k, v) in map {
                pad(indent + 4, out);
                let key = render_key(k);
                let _ = write!(out, "{key:width$} = ");
                render_into(v, indent + 4, out);
                out.push('\n');
            }
            pad(indent, out);
            out.push('}');
        }
    }
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// An object key, quoted unless it is a plain identifier.
pub(crate) fn render_key(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if ident {
        k.to_string()
    } else {
        let mut s = String::new();
        render_string(k, &mut s);
        s
    }
}

fn render_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_values() {
        let v = Value::object([
            ("name", Value::from("a\"b")),
            ("secret", Value::from("x").mark_sensitive()),
            ("id", Value::Unknown),
            ("list", Value::List(vec![Value::from(1i64)])),
        ]);
        let text = v.render(0);
        assert!(text.contains("name   = \"a\\\"b\""), "{text}");
        assert!(text.contains("secret = (sensitive value)"));
        assert!(text.contains("id     = (known after apply)"));
        assert!(text.contains("list   = [\n        1,\n    ]"), "{text}");
    }
}
