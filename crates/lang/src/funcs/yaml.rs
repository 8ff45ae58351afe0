//! `yamlencode` and `yamldecode` (go-cty-yaml). The encoder writes what go-yaml's
//! emitter writes for Terraform: every string double-quoted (multi-line ones as `|`
//! literal blocks when they can be), block collections, sequences in mappings not
//! indented, and double-quoted lines folded past 80 columns.

use std::collections::BTreeMap;

use iac_value::{Value, display_number};
use yaml_rust2::Yaml;

use super::args::string;
use super::{CallError, Ctx, Function, R, bad_arg};

pub(crate) const FUNCTIONS: &[Function] = &[
    super::f("yamldecode", &["src"], yamldecode),
    super::f("yamlencode", &["value"], |_, a| {
        Ok(Value::String(encode(&a[0])))
    }),
];

/// The emitter's preferred line width.
const WIDTH: usize = 80;

/// A YAML document holding `v`.
pub(crate) fn encode(v: &Value) -> String {
    let mut w = Writer::default();
    match v {
        Value::Map(m) if !m.is_empty() => w.map(m, 0, false),
        Value::List(items) | Value::Set(items) if !items.is_empty() => w.seq(items, 0, false),
        scalar => {
            let open_ended = w.scalar(scalar, 0, true);
            w.newline();
            if open_ended {
                w.push("...\n");
            }
        }
    }
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
    /// The column the next character goes to.
    column: usize,
}

impl Writer {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            self.out.push(c);
            self.column = if c == '\n' { 0 } else { self.column + 1 };
        }
    }

    fn newline(&mut self) {
        if self.column != 0 {
            self.push("\n");
        }
    }

    fn pad(&mut self, indent: usize) {
        self.push(&" ".repeat(indent));
    }

    /// A block mapping at `indent`; the first entry continues the current line when
    /// `inline` (after a sequence's `- `).
    fn map(&mut self, m: &BTreeMap<String, Value>, indent: usize, inline: bool) {
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 || !inline {
                self.pad(indent);
            }
            self.double_quoted(k, indent, false);
            self.push(":");
            match v {
                Value::Map(inner) if !inner.is_empty() => {
                    self.push("\n");
                    self.map(inner, indent + 2, false);
                }
                Value::List(items) | Value::Set(items) if !items.is_empty() => {
                    self.push("\n");
                    self.seq(items, indent, false);
                }
                scalar => {
                    self.push(" ");
                    self.scalar(scalar, indent + 2, false);
                    self.newline();
                }
            }
        }
    }

    /// A block sequence at `indent`; the first item continues the current line when `inline`.
    fn seq(&mut self, items: &[Value], indent: usize, inline: bool) {
        for (i, v) in items.iter().enumerate() {
            if i > 0 || !inline {
                self.pad(indent);
            }
            self.push("- ");
            match v {
                Value::Map(inner) if !inner.is_empty() => self.map(inner, indent + 2, true),
                Value::List(inner) | Value::Set(inner) if !inner.is_empty() => {
                    self.seq(inner, indent + 2, true)
                }
                scalar => {
                    self.scalar(scalar, indent + 2, false);
                    self.newline();
                }
            }
        }
    }

    /// A scalar (or empty collection) whose continuation lines go at `indent`. Returns
    /// whether it is plain, which leaves a document open-ended.
    fn scalar(&mut self, v: &Value, indent: usize, root: bool) -> bool {
        match v {
            Value::Null => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Number(n) => self.push(&number(*n)),
            Value::String(s) => {
                if s.contains('\n') && literal_allowed(s) {
                    self.literal(s, if root { 0 } else { indent });
                } else {
                    self.double_quoted(s, indent, true);
                }
                return false;
            }
            Value::List(_) | Value::Set(_) => self.push("[]"),
            Value::Map(_) => self.push("{}"),
            Value::Unknown | Value::Sensitive(_) => {
                unreachable!("arguments are known and unmarked")
            }
        }
        !matches!(v, Value::List(_) | Value::Set(_) | Value::Map(_))
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.push("\"");
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !printable(c) || is_break(c) || c == '"' || c == '\\' || c == '\u{feff}' {
                self.push(&escape(c));
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > WIDTH && i > 0 && i < chars.len() - 1 {
                    self.push("\n");
                    self.pad(indent);
                    if chars[i + 1] == ' ' {
                        self.push("\\");
                    }
                } else {
                    self.push(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.push(c.encode_utf8(&mut buf));
                spaces = false;
            }
        }
        self.push("\"");
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.push("|");
        if s.starts_with([' ', '\n']) {
            self.push("2");
        }
        let chars: Vec<char> = s.chars().collect();
        match chars.as_slice() {
            [.., last] if *last != '\n' => self.push("-"),
            [.., a, '\n'] if *a == '\n' => self.push("+"),
            ['\n'] => self.push("+"),
            _ => {}
        }
        self.push("\n");
        let mut at_line_start = true;
        for c in chars {
            if c == '\n' {
                self.push("\n");
                at_line_start = true;
            } else {
                if at_line_start {
                    self.pad(indent);
                    at_line_start = false;
                }
                let mut buf = [0u8; 4];
                self.push(c.encode_utf8(&mut buf));
            }
        }
    }
}

/// A number as go-cty-yaml writes it: the decimal digits, never an exponent.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        display_number(n)
    } else {
        format!("{n}")
    }
}

/// Whether a multi-line string can be a literal block: no unprintable characters, no
/// space before a line break and no trailing space (go-yaml's `analyze_scalar`).
fn literal_allowed(s: &str) -> bool {
    !s.chars()
        .any(|c| (!printable(c) && c != '\n') || c == '\u{feff}' || (is_break(c) && c != '\n'))
        && !s.contains(" \n")
        && !s.ends_with(' ')
}

/// go-yaml's `is_printable`.
fn printable(c: char) -> bool {
    let c = u32::from(c);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (0xA0..=0xD7FF).contains(&c)
        || ((0xE000..=0xFFFD).contains(&c) && c != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn escape(c: char) -> String {
    let short = match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        other => {
            let v = u32::from(other);
            return if v <= 0xFF {
                format!("\\x{v:02X}")
            } else if v <= 0xFFFF {
                format!("\\u{v:04X}")
            } else {
                format!("\\U{v:08X}")
            };
        }
    };
    format!("\\{short}")
}

fn yamldecode(_: &Ctx, a: Vec<Value>) -> R {
    let text = string(&a, 0)?;
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).map_err(|e| {
        CallError::Failed(format!(
            "on line {}, column {}: {}",
            e.marker().line(),
            e.marker().col() + 1,
            e.info()
        ))
    })?;
    match docs.as_slice() {
        [] => Ok(Value::Null),
        [doc] => from_yaml(doc).map_err(|m| CallError::Arg(0, m)),
        _ => bad_arg(0, "unexpected extra content after value"),
    }
}

fn from_yaml(y: &Yaml) -> Result<Value, String> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::Number(*i as f64),
        Yaml::Real(r) => Value::Number(
            y.as_f64()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("cannot parse {r:?} as a number"))?,
        ),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(items) => Value::List(items.iter().map(from_yaml).collect::<Result<_, _>>()?),
        Yaml::Hash(h) => {
            let mut map = BTreeMap::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Real(r) => r.clone(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Null => "null".into(),
                    _ => return Err("only strings are allowed as mapping keys".into()),
                };
                map.insert(key, from_yaml(v)?);
            }
            Value::Map(map)
        }
        Yaml::Alias(_) | Yaml::BadValue => return Err("invalid YAML value".into()),
    })
}
