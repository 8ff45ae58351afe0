//! String functions (Terraform's `string.go` and cty's string and regexp functions).

use std::collections::BTreeMap;

use iac_value::Value;

use super::args::{integer, items, string, to_string};
use super::{CallError, Ctx, Function, R, bad_arg, f, fail};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("chomp", &["str"], |_, a| {
        Ok(Value::String(
            string(&a, 0)?.trim_end_matches(['\n', '\r']).to_string(),
        ))
    }),
    f("endswith", &["str", "suffix"], |_, a| {
        Ok(Value::Bool(string(&a, 0)?.ends_with(&string(&a, 1)?)))
    }),
    f("indent", &["spaces", "str"], indent),
    f("join", &["separator"], join).variadic("lists"),
    f("lower", &["str"], |_, a| {
        Ok(Value::String(string(&a, 0)?.to_lowercase()))
    }),
    f("regex", &["pattern", "string"], regex),
    f("regexall", &["pattern", "string"], regexall),
    f("replace", &["str", "substr", "replace"], replace),
    f("split", &["separator", "str"], split),
    f("startswith", &["str", "prefix"], |_, a| {
        Ok(Value::Bool(string(&a, 0)?.starts_with(&string(&a, 1)?)))
    }),
    f("strcontains", &["str", "substr"], |_, a| {
        Ok(Value::Bool(string(&a, 0)?.contains(&string(&a, 1)?)))
    }),
    f("strrev", &["str"], |_, a| {
        Ok(Value::String(string(&a, 0)?.chars().rev().collect()))
    }),
    f("substr", &["str", "offset", "length"], substr),
    f("title", &["str"], |_, a| {
        Ok(Value::String(title(&string(&a, 0)?)))
    }),
    f("trim", &["str", "cutset"], |_, a| {
        let cut: Vec<char> = string(&a, 1)?.chars().collect();
        Ok(Value::String(
            string(&a, 0)?
                .trim_matches(|c| cut.contains(&c))
                .to_string(),
        ))
    }),
    f("trimprefix", &["str", "prefix"], |_, a| {
        let (t, p) = (string(&a, 0)?, string(&a, 1)?);
        Ok(Value::String(t.strip_prefix(&p).unwrap_or(&t).to_string()))
    }),
    f("trimspace", &["str"], |_, a| {
        Ok(Value::String(string(&a, 0)?.trim().to_string()))
    }),
    f("trimsuffix", &["str", "suffix"], |_, a| {
        let (t, s) = (string(&a, 0)?, string(&a, 1)?);
        Ok(Value::String(t.strip_suffix(&s).unwrap_or(&t).to_string()))
    }),
    f("upper", &["str"], |_, a| {
        Ok(Value::String(string(&a, 0)?.to_uppercase()))
    }),
];

fn indent(_: &Ctx, a: Vec<Value>) -> R {
    let spaces = integer(&a, 0)?;
    let text = string(&a, 1)?;
    let pad = " ".repeat(spaces.max(0) as usize);
    Ok(Value::String(text.replace('\n', &format!("\n{pad}"))))
}

fn join(_: &Ctx, a: Vec<Value>) -> R {
    let sep = string(&a, 0)?;
    if a.len() < 2 {
        return fail("at least one list is required");
    }
    let mut parts = Vec::new();
    for i in 1..a.len() {
        for (n, v) in items(&a, i)?.iter().enumerate() {
            match v {
                Value::Null => {
                    return bad_arg(
                        i,
                        format!("element {n} is null; cannot concatenate null values"),
                    );
                }
                v => parts.push(
                    to_string(v)
                        .map_err(|_| CallError::Arg(i, format!("element {n}: string required")))?,
                ),
            }
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

fn compile(pattern: &str) -> Result<regex::Regex, CallError> {
    regex::Regex::new(pattern).map_err(|e| {
        CallError::Arg(
            0,
            format!("invalid regular expression pattern: {}", regex_error(&e)),
        )
    })
}

/// The last line of the regex crate's message, which says what is wrong.
fn regex_error(e: &regex::Error) -> String {
    let m = e.to_string();
    m.lines()
        .last()
        .unwrap_or(&m)
        .trim_start_matches("error: ")
        .to_string()
}

/// What one match yields: the matched text without capture groups, a list of the
/// groups' texts, or an object of named groups (an unmatched group is null).
fn captures(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let group = |i: usize| {
        caps.get(i)
            .map(|m| Value::from(m.as_str()))
            .unwrap_or(Value::Null)
    };
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return group(0);
    }
    if names.iter().all(Option::is_some) {
        let map: BTreeMap<String, Value> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.unwrap_or_default().to_string(), group(i + 1)))
            .collect();
        return Value::Map(map);
    }
    Value::List((1..=names.len()).map(group).collect())
}

fn check_groups(re: &regex::Regex) -> Result<(), CallError> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().any(Option::is_some) && names.iter().any(Option::is_none) {
        return bad_arg(
            0,
            "invalid regular expression pattern: can't mix both named and unnamed capture groups",
        );
    }
    Ok(())
}

fn regex(_: &Ctx, a: Vec<Value>) -> R {
    let re = compile(&string(&a, 0)?)?;
    check_groups(&re)?;
    let text = string(&a, 1)?;
    match re.captures(&text) {
        Some(caps) => Ok(captures(&re, &caps)),
        None => fail("pattern did not match any part of the given string"),
    }
}

fn regexall(_: &Ctx, a: Vec<Value>) -> R {
    let re = compile(&string(&a, 0)?)?;
    check_groups(&re)?;
    let text = string(&a, 1)?;
    Ok(Value::List(
        re.captures_iter(&text).map(|c| captures(&re, &c)).collect(),
    ))
}

/// `replace(str, substr, replace)`: a `/regex/` substring replaces every match, with
/// `$1` and `${name}` standing for groups; otherwise every occurrence is replaced.
fn replace(_: &Ctx, a: Vec<Value>) -> R {
    let (text, search, with) = (string(&a, 0)?, string(&a, 1)?, string(&a, 2)?);
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        let re = regex::Regex::new(&search[1..search.len() - 1]).map_err(|e| {
            CallError::Failed(format!(
                "invalid regular expression pattern: {}",
                regex_error(&e)
            ))
        })?;
        return Ok(Value::String(
            re.replace_all(&text, with.as_str()).into_owned(),
        ));
    }
    Ok(Value::String(text.replace(&search, &with)))
}

fn split(_: &Ctx, a: Vec<Value>) -> R {
    let (sep, text) = (string(&a, 0)?, string(&a, 1)?);
    if sep.is_empty() {
        return Ok(Value::List(
            text.chars().map(|c| Value::from(c.to_string())).collect(),
        ));
    }
    Ok(Value::List(
        text.split(sep.as_str()).map(Value::from).collect(),
    ))
}

/// `substr(str, offset, length)`: by characters; a negative offset counts from the
/// end and a length of -1 means the rest.
fn substr(_: &Ctx, a: Vec<Value>) -> R {
    let chars: Vec<char> = string(&a, 0)?.chars().collect();
    let len = chars.len() as i64;
    let mut offset = integer(&a, 1)?;
    let length = integer(&a, 2)?;
    if offset < 0 {
        offset += len;
        if offset < 0 {
            return bad_arg(1, "offset cannot be larger than the length of the string");
        }
    }
    if offset > len {
        return bad_arg(1, "offset cannot be larger than the length of the string");
    }
    let end = if length < 0 {
        len
    } else {
        (offset + length).min(len)
    };
    Ok(Value::String(
        chars[offset as usize..end.max(offset) as usize]
            .iter()
            .collect(),
    ))
}

/// Go's `strings.Title`: the first letter of every word in upper case.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !(c.is_alphanumeric() || c == '_');
    }
    out
}
