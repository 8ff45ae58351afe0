//! Encodings (Terraform's `encoding.go` and cty's JSON and CSV functions): base64,
//! gzip, JSON, CSV, URL query escaping and text encodings. YAML is in [`super::yaml`].

use std::collections::BTreeMap;
use std::io::Write as _;

use base64::Engine as _;
use iac_value::Value;

use super::args::string;
use super::{CallError, Ctx, Function, R, bad_arg, f, fail};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("base64decode", &["str"], base64decode),
    f("base64encode", &["str"], |_, a| {
        Ok(Value::String(b64().encode(string(&a, 0)?)))
    }),
    f("base64gzip", &["str"], base64gzip),
    f("csvdecode", &["str"], csvdecode),
    f("jsondecode", &["str"], jsondecode),
    f("jsonencode", &["val"], |_, a| {
        Ok(Value::String(json_encode(&a[0])))
    }),
    f(
        "textdecodebase64",
        &["source", "encoding"],
        textdecodebase64,
    ),
    f(
        "textencodebase64",
        &["string", "encoding"],
        textencodebase64,
    ),
    f("urlencode", &["str"], |_, a| {
        Ok(Value::String(query_escape(&string(&a, 0)?)))
    }),
];

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn base64decode(_: &Ctx, a: Vec<Value>) -> R {
    let text = string(&a, 0)?;
    let bytes = b64().decode(&text).map_err(|_| {
        CallError::Failed(format!("failed to decode base64 data {}", redacted(&text)))
    })?;
    String::from_utf8(bytes).map(Value::String).map_err(|_| {
        CallError::Failed("the result of decoding the provided string is not valid UTF-8".into())
    })
}

/// How Terraform quotes a bad input in an error: in full unless it is long.
fn redacted(text: &str) -> String {
    format!("{text:?}")
}

fn base64gzip(_: &Ctx, a: Vec<Value>) -> R {
    let text = string(&a, 0)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes())
        .and_then(|()| gz.finish())
        .map(|bytes| Value::String(b64().encode(bytes)))
        .map_err(|e| CallError::Failed(format!("failed to write gzip raw data: {e}")))
}

/// JSON as Terraform writes it: compact, keys sorted, and `<`, `>`, `&` escaped as Go does.
pub(crate) fn json_encode(v: &Value) -> String {
    let text = serde_json::to_string(&v.to_json()).unwrap_or_default();
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn jsondecode(_: &Ctx, a: Vec<Value>) -> R {
    let text = string(&a, 0)?;
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(json) => Ok(Value::from_json(&json)),
        Err(e) if e.is_eof() => bad_arg(0, "unexpected end of JSON input"),
        Err(e) => bad_arg(0, json_error(&e)),
    }
}

fn json_error(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.split(" at line ").next().unwrap_or(&m).to_string()
}

fn csvdecode(_: &Ctx, a: Vec<Value>) -> R {
    let text = string(&a, 0)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return fail("missing header line"),
        Some(Err(e)) => return fail(format!("{e}")),
        Some(Ok(h)) => h.iter().map(str::to_string).collect::<Vec<_>>(),
    };
    let mut rows = Vec::new();
    for (n, record) in records.enumerate() {
        let record = record.map_err(|e| CallError::Failed(e.to_string()))?;
        if record.len() != header.len() {
            return fail(format!("record on line {}: wrong number of fields", n + 2));
        }
        let row: BTreeMap<String, Value> = header
            .iter()
            .cloned()
            .zip(record.iter().map(Value::from))
            .collect();
        rows.push(Value::Map(row));
    }
    Ok(Value::List(rows))
}

/// Go's `url.QueryEscape`: unreserved characters stay, space becomes `+`, the rest `%XX`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The text encodings `textencodebase64` and `textdecodebase64` know.
#[derive(Clone, Copy)]
enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Latin1,
    Ascii,
}

fn text_encoding(a: &[Value], i: usize) -> Result<TextEncoding, CallError> {
    let name = string(a, i)?;
    Ok(match name.to_ascii_uppercase().replace('_', "-").as_str() {
        "UTF-8" | "UTF8" => TextEncoding::Utf8,
        "UTF-16LE" => TextEncoding::Utf16Le,
        "UTF-16BE" => TextEncoding::Utf16Be,
        "ISO-8859-1" | "LATIN1" | "ISO8859-1" => TextEncoding::Latin1,
        "US-ASCII" | "ASCII" => TextEncoding::Ascii,
        _ => {
            return bad_arg(
                i,
                format!(
                    "{name:?} is not a supported IANA encoding name or alias in this Terraform version"
                ),
            );
        }
    })
}

fn textencodebase64(_: &Ctx, a: Vec<Value>) -> R {
    let text = string(&a, 0)?;
    let bytes: Vec<u8> = match text_encoding(&a, 1)? {
        TextEncoding::Utf8 => text.into_bytes(),
        TextEncoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        TextEncoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        TextEncoding::Latin1 | TextEncoding::Ascii => {
            let limit = if matches!(text_encoding(&a, 1)?, TextEncoding::Ascii) {
                0x7f
            } else {
                0xff
            };
            text.chars()
                .map(|c| {
                    u8::try_from(u32::from(c))
                        .ok()
                        .filter(|b| u32::from(*b) <= limit)
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| {
                    CallError::Arg(
                        0,
                        format!(
                            "the given string contains characters that cannot be represented in {}",
                            string(&a, 1).unwrap_or_default()
                        ),
                    )
                })?
        }
    };
    Ok(Value::String(b64().encode(bytes)))
}

fn textdecodebase64(_: &Ctx, a: Vec<Value>) -> R {
    let source = string(&a, 0)?;
    let encoding = text_encoding(&a, 1)?;
    let bytes = b64().decode(&source).map_err(|e| {
        CallError::Arg(
            0,
            format!(
                "the given value is has an invalid base64 symbol at offset {}",
                match e {
                    base64::DecodeError::InvalidByte(at, _)
                    | base64::DecodeError::InvalidLastSymbol(at, _) => at,
                    _ => source.len(),
                }
            ),
        )
    })?;
    let text = match encoding {
        TextEncoding::Utf8 => String::from_utf8_lossy(&bytes).into_owned(),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| {
                    let pair = [c[0], *c.get(1).unwrap_or(&0)];
                    if matches!(encoding, TextEncoding::Utf16Le) {
                        u16::from_le_bytes(pair)
                    } else {
                        u16::from_be_bytes(pair)
                    }
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        TextEncoding::Latin1 | TextEncoding::Ascii => {
            bytes.iter().map(|b| char::from(*b)).collect()
        }
    };
    Ok(Value::String(text))
}
