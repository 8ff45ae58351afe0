//! The built-in functions.
//!
//! Every function is deterministic: two plans of the same inputs are identical, so
//! Terraform's `timestamp()`, `uuid()` and friends are deliberately absent.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use iac_value::{Type, Value, convert, display_number};
use sha2::Digest as _;

/// Why a call failed.
pub(crate) enum CallError {
    /// No function has that name.
    Unknown,
    /// The function rejected its arguments.
    Failed(String),
}

/// The names of all functions, for suggestions.
pub(crate) const NAMES: &[&str] = &[
    "abs",
    "base64decode",
    "base64encode",
    "can",
    "ceil",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "chomp",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "endswith",
    "file",
    "fileexists",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "one",
    "range",
    "replace",
    "reverse",
    "setunion",
    "sha256",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "substr",
    "sum",
    "templatefile",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "upper",
    "values",
    "zipmap",
];

/// How many arguments each function takes (at least, at most), where fixed.
fn arity_of(name: &str) -> Option<(usize, usize)> {
    Some(match name {
        "abs" | "base64decode" | "base64encode" | "ceil" | "chomp" | "cidrnetmask" | "compact"
        | "distinct" | "file" | "fileexists" | "flatten" | "floor" | "jsondecode"
        | "jsonencode" | "keys" | "length" | "lower" | "one" | "reverse" | "sha256" | "sort"
        | "sum" | "title" | "tobool" | "tolist" | "tomap" | "tonumber" | "toset" | "tostring"
        | "trimspace" | "upper" | "values" => (1, 1),
        "cidrhost" | "contains" | "element" | "endswith" | "index" | "join" | "split"
        | "startswith" | "strcontains" | "templatefile" | "trim" | "trimprefix" | "trimsuffix"
        | "zipmap" => (2, 2),
        "cidrsubnet" | "replace" | "slice" | "substr" => (3, 3),
        "lookup" => (2, 3),
        "range" => (1, 3),
        "format" | "formatlist" | "min" | "max" | "coalesce" | "coalescelist" | "setunion" => {
            (1, usize::MAX)
        }
        _ => return None,
    })
}

/// Functions that look at unknown or sensitive arguments themselves; every other
/// function returns unknown when an argument is not wholly known.
const HANDLES_UNKNOWN: &[&str] = &[
    "length", "concat", "tolist", "toset", "tomap", "tostring", "tonumber", "tobool", "coalesce",
];

type R = Result<Value, CallError>;

fn fail<T>(msg: impl Into<String>) -> Result<T, CallError> {
    Err(CallError::Failed(msg.into()))
}

/// Calls function `name`.
pub(crate) fn call(name: &str, args: Vec<Value>, base_dir: &Path) -> R {
    if !NAMES.contains(&name) {
        return Err(CallError::Unknown);
    }
    if let Some((min, max)) =
        arity_of(name).filter(|(min, max)| args.len() < *min || args.len() > *max)
    {
        let expected = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return fail(format!(
            "{name} takes {expected} argument(s), but {} were given",
            args.len()
        ));
    }
    let sensitive = args.iter().any(Value::contains_sensitive);
    if !HANDLES_UNKNOWN.contains(&name) && args.iter().any(|a| !a.is_wholly_known()) {
        return Ok(Value::Unknown.mark_if(sensitive));
    }
    let args: Vec<Value> = args.into_iter().map(|a| a.unmark_deep().0).collect();
    Ok(dispatch(name, args, base_dir)?.mark_if(sensitive))
}

fn arity(name: &str, args: &[Value], n: usize) -> Result<(), CallError> {
    if args.len() == n {
        Ok(())
    } else {
        fail(format!("{name} takes {n} argument(s), got {}", args.len()))
    }
}

fn string(v: &Value, what: &str) -> Result<String, CallError> {
    match convert(v.clone(), &Type::String) {
        Ok(Value::String(s)) => Ok(s),
        Ok(_) => fail(format!("{what} must not be null")),
        Err(m) => fail(format!("{what}: {m}")),
    }
}

fn number(v: &Value, what: &str) -> Result<f64, CallError> {
    match convert(v.clone(), &Type::Number) {
        Ok(Value::Number(n)) => Ok(n),
        Ok(_) => fail(format!("{what} must not be null")),
        Err(m) => fail(format!("{what}: {m}")),
    }
}

fn items<'a>(v: &'a Value, what: &str) -> Result<&'a [Value], CallError> {
    v.as_items().ok_or_else(|| {
        CallError::Failed(format!(
            "{what} must be a list or set, got {}",
            v.type_name()
        ))
    })
}

fn map<'a>(v: &'a Value, what: &str) -> Result<&'a BTreeMap<String, Value>, CallError> {
    v.as_map().ok_or_else(|| {
        CallError::Failed(format!(
            "{what} must be a map or object, got {}",
            v.type_name()
        ))
    })
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, CallError> {
    items(v, what)?.iter().map(|i| string(i, what)).collect()
}

fn dispatch(name: &str, a: Vec<Value>, base_dir: &Path) -> R {
    let s = |i: usize| {
        string(
            a.get(i).unwrap_or(&Value::Null),
            &format!("argument {}", i + 1),
        )
    };
    let n = |i: usize| {
        number(
            a.get(i).unwrap_or(&Value::Null),
            &format!("argument {}", i + 1),
        )
    };
    Ok(match name {
        "format" => {
            if a.is_empty() {
                return fail("format needs a format string");
            }
            Value::String(format(&s(0)?, &a[1..])?)
        }
        "formatlist" => formatlist(&a)?,
        "join" => {
            arity(name, &a, 2)?;
            Value::String(strings(&a[1], "the list")?.join(&s(0)?))
        }
        "split" => {
            arity(name, &a, 2)?;
            let (sep, text) = (s(0)?, s(1)?);
            if text.is_empty() {
                Value::List(vec![])
            } else {
                Value::List(text.split(sep.as_str()).map(Value::from).collect())
            }
        }
        "replace" => {
            arity(name, &a, 3)?;
            let (text, search, with) = (s(0)?, s(1)?, s(2)?);
            if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                let re = regex::Regex::new(&search[1..search.len() - 1])
                    .map_err(|e| CallError::Failed(format!("invalid regular expression: {e}")))?;
                Value::String(
                    re.replace_all(&text, with.replace("$", "$$").replace("$${", "${").as_str())
                        .into_owned(),
                )
            } else {
                Value::String(text.replace(&search, &with))
            }
        }
        "lower" => Value::String(s(0)?.to_lowercase()),
        "upper" => Value::String(s(0)?.to_uppercase()),
        "title" => Value::String(title(&s(0)?)),
        "trimspace" => Value::String(s(0)?.trim().to_string()),
        "chomp" => Value::String(s(0)?.trim_end_matches(['\n', '\r']).to_string()),
        "trim" => {
            let cut: Vec<char> = s(1)?.chars().collect();
            Value::String(s(0)?.trim_matches(|c| cut.contains(&c)).to_string())
        }
        "trimprefix" => {
            let (t, p) = (s(0)?, s(1)?);
            Value::String(t.strip_prefix(&p).unwrap_or(&t).to_string())
        }
        "trimsuffix" => {
            let (t, p) = (s(0)?, s(1)?);
            Value::String(t.strip_suffix(&p).unwrap_or(&t).to_string())
        }
        "startswith" => Value::Bool(s(0)?.starts_with(&s(1)?)),
        "endswith" => Value::Bool(s(0)?.ends_with(&s(1)?)),
        "strcontains" => Value::Bool(s(0)?.contains(&s(1)?)),
        "substr" => {
            arity(name, &a, 3)?;
            let chars: Vec<char> = s(0)?.chars().collect();
            let len = chars.len() as i64;
            let mut offset = n(1)? as i64;
            if offset < 0 {
                offset += len;
            }
            let offset = offset.clamp(0, len) as usize;
            let length = n(2)? as i64;
            let end = if length < 0 {
                chars.len()
            } else {
                (offset + length as usize).min(chars.len())
            };
            Value::String(chars[offset..end].iter().collect())
        }
        "length" => {
            arity(name, &a, 1)?;
            match &a[0] {
                Value::Unknown => Value::Unknown,
                Value::String(t) => Value::from(t.chars().count() as i64),
                Value::List(i) | Value::Set(i) => Value::from(i.len() as i64),
                Value::Map(m) => Value::from(m.len() as i64),
                other => {
                    return fail(format!(
                        "length needs a string, list, set or map, got {}",
                        other.type_name()
                    ));
                }
            }
        }
        "lookup" => {
            if !(2..=3).contains(&a.len()) {
                return fail("lookup takes a map, a key and an optional default");
            }
            let key = s(1)?;
            match map(&a[0], "the first argument")?.get(&key) {
                Some(v) => v.clone(),
                None if a.len() == 3 => a[2].clone(),
                None => {
                    return fail(format!(
                        "the map has no key \"{key}\" and no default was given"
                    ));
                }
            }
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for (i, m) in a.iter().enumerate() {
                if m.is_null() {
                    continue;
                }
                out.extend(map(m, &format!("argument {}", i + 1))?.clone());
            }
            Value::Map(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for (i, l) in a.iter().enumerate() {
                if l.is_unknown() {
                    return Ok(Value::Unknown);
                }
                out.extend(items(l, &format!("argument {}", i + 1))?.iter().cloned());
            }
            Value::List(out)
        }
        "flatten" => {
            fn flat(v: &[Value], out: &mut Vec<Value>) {
                for i in v {
                    match i {
                        Value::List(inner) | Value::Set(inner) => flat(inner, out),
                        other => out.push(other.clone()),
                    }
                }
            }
            let mut out = Vec::new();
            flat(items(&a[0], "the argument")?, &mut out);
            Value::List(out)
        }
        "distinct" => {
            let mut out: Vec<Value> = Vec::new();
            for i in items(&a[0], "the argument")? {
                if !out.contains(i) {
                    out.push(i.clone());
                }
            }
            Value::List(out)
        }
        "contains" => {
            arity(name, &a, 2)?;
            Value::Bool(items(&a[0], "the first argument")?.contains(&a[1]))
        }
        "index" => {
            arity(name, &a, 2)?;
            match items(&a[0], "the first argument")?
                .iter()
                .position(|v| v == &a[1])
            {
                Some(i) => Value::from(i as i64),
                None => return fail("the item was not found in the list"),
            }
        }
        "keys" => Value::List(
            map(&a[0], "the argument")?
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        ),
        "values" => Value::List(map(&a[0], "the argument")?.values().cloned().collect()),
        "zipmap" => {
            arity(name, &a, 2)?;
            let ks = strings(&a[0], "the keys")?;
            let vs = items(&a[1], "the values")?;
            if ks.len() != vs.len() {
                return fail(format!(
                    "there are {} keys but {} values",
                    ks.len(),
                    vs.len()
                ));
            }
            Value::Map(ks.into_iter().zip(vs.iter().cloned()).collect())
        }
        "element" => {
            arity(name, &a, 2)?;
            let list = items(&a[0], "the first argument")?;
            if list.is_empty() {
                return fail("cannot use element function with an empty list");
            }
            let i = n(1)?;
            if i < 0.0 {
                return fail("the index must not be negative");
            }
            list[(i as usize) % list.len()].clone()
        }
        "slice" => {
            arity(name, &a, 3)?;
            let list = items(&a[0], "the first argument")?;
            let (start, end) = (n(1)? as usize, n(2)? as usize);
            if start > end || end > list.len() {
                return fail(format!(
                    "the indices {start}..{end} are out of range for a list of {}",
                    list.len()
                ));
            }
            Value::List(list[start..end].to_vec())
        }
        "reverse" => Value::List(
            items(&a[0], "the argument")?
                .iter()
                .rev()
                .cloned()
                .collect(),
        ),
        "sort" => {
            let mut v = strings(&a[0], "the argument")?;
            v.sort();
            Value::List(v.into_iter().map(Value::from).collect())
        }
        "compact" => Value::List(
            items(&a[0], "the argument")?
                .iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .cloned()
                .collect(),
        ),
        "coalesce" => {
            for v in &a {
                if v.is_unknown() {
                    return Ok(Value::Unknown);
                }
                if !v.is_null() && v.as_str() != Some("") {
                    return Ok(v.clone());
                }
            }
            return fail("no non-null, non-empty-string arguments");
        }
        "coalescelist" => a
            .iter()
            .find(|v| v.as_items().is_some_and(|i| !i.is_empty()))
            .cloned()
            .unwrap_or(Value::List(vec![])),
        "one" => match items(&a[0], "the argument")? {
            [] => Value::Null,
            [x] => x.clone(),
            more => {
                return fail(format!(
                    "must be a list, set, or tuple value with either zero or one elements, got {}",
                    more.len()
                ));
            }
        },
        "setunion" => {
            let mut out = Vec::new();
            for l in &a {
                out.extend(items(l, "each argument")?.iter().cloned());
            }
            Value::set(out)
        }
        "range" => range(&a)?,
        "sum" => Value::Number(
            items(&a[0], "the argument")?
                .iter()
                .map(|v| number(v, "each element"))
                .sum::<Result<f64, _>>()?,
        ),
        "min" | "max" => {
            let nums = a
                .iter()
                .map(|v| number(v, "each argument"))
                .collect::<Result<Vec<_>, _>>()?;
            let pick = if name == "min" {
                nums.iter().copied().reduce(f64::min)
            } else {
                nums.iter().copied().reduce(f64::max)
            };
            Value::Number(
                pick.ok_or_else(|| CallError::Failed(format!("{name} needs at least one number")))?,
            )
        }
        "abs" => Value::Number(n(0)?.abs()),
        "ceil" => Value::Number(n(0)?.ceil()),
        "floor" => Value::Number(n(0)?.floor()),
        "tostring" => match &a[0] {
            Value::Null | Value::Unknown => a[0].clone(),
            Value::String(_) | Value::Number(_) | Value::Bool(_) => Value::String(s(0)?),
            other => return fail(format!("cannot convert {} to string", other.type_name())),
        },
        "tonumber" => convert(a[0].clone(), &Type::Number).map_err(CallError::Failed)?,
        "tobool" => convert(a[0].clone(), &Type::Bool).map_err(CallError::Failed)?,
        "tolist" => convert(a[0].clone(), &Type::list(Type::Any)).map_err(CallError::Failed)?,
        "toset" => convert(a[0].clone(), &Type::set(Type::Any)).map_err(CallError::Failed)?,
        "tomap" => convert(a[0].clone(), &Type::map(Type::Any)).map_err(CallError::Failed)?,
        "jsonencode" => Value::String(
            serde_json::to_string(&a[0].to_json()).map_err(|e| CallError::Failed(e.to_string()))?,
        ),
        "jsondecode" => {
            let json: serde_json::Value = serde_json::from_str(&s(0)?)
                .map_err(|e| CallError::Failed(format!("invalid JSON: {e}")))?;
            Value::from_json(&json)
        }
        "base64encode" => Value::String(base64::engine::general_purpose::STANDARD.encode(s(0)?)),
        "base64decode" => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s(0)?)
                .map_err(|e| CallError::Failed(format!("invalid base64: {e}")))?;
            Value::String(
                String::from_utf8(bytes)
                    .map_err(|_| CallError::Failed("the decoded bytes are not UTF-8".into()))?,
            )
        }
        "sha256" => Value::String(format!("{:x}", sha2::Sha256::digest(s(0)?.as_bytes()))),
        "file" => Value::String(read_file(base_dir, &s(0)?)?),
        "fileexists" => Value::Bool(base_dir.join(s(0)?).is_file()),
        "templatefile" => {
            arity(name, &a, 2)?;
            let path = s(0)?;
            let text = read_file(base_dir, &path)?;
            let vars = map(&a[1], "the variables")?;
            templatefile(&text, vars, base_dir)
                .map_err(|m| CallError::Failed(format!("{path}: {m}")))?
        }
        "cidrsubnet" => {
            arity(name, &a, 3)?;
            Value::String(cidr::subnet(&s(0)?, n(1)?, n(2)?).map_err(CallError::Failed)?)
        }
        "cidrhost" => {
            arity(name, &a, 2)?;
            Value::String(cidr::host(&s(0)?, n(1)?).map_err(CallError::Failed)?)
        }
        "cidrnetmask" => Value::String(cidr::netmask(&s(0)?).map_err(CallError::Failed)?),
        _ => return Err(CallError::Unknown),
    })
}

fn read_file(base_dir: &Path, path: &str) -> Result<String, CallError> {
    let full = base_dir.join(path);
    std::fs::read_to_string(&full)
        .map_err(|e| CallError::Failed(format!("cannot read {}: {e}", full.display())))
}

fn templatefile(
    text: &str,
    vars: &BTreeMap<String, Value>,
    base_dir: &Path,
) -> Result<Value, String> {
    let template = hcl_edit::parser::parse_template(text)
        .map_err(|e| format!("syntax error: {}", e.message()))?;
    let scope = crate::eval::MapScope(vars);
    let ctx = crate::eval::EvalContext::new(&scope, base_dir);
    let mut ev = crate::eval::Evaluator {
        file: crate::FileId(usize::MAX),
        ctx: &ctx,
        locals: Vec::new(),
    };
    ev.template(&template).map_err(|d| d.to_string())
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn range(a: &[Value]) -> R {
    let nums = a
        .iter()
        .map(|v| number(v, "each argument"))
        .collect::<Result<Vec<_>, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [e] => (0.0, *e, 1.0),
        [s, e] => (*s, *e, if s <= e { 1.0 } else { -1.0 }),
        [s, e, st] => (*s, *e, *st),
        _ => return fail("range takes one to three numbers"),
    };
    if step == 0.0 {
        return fail("the step must not be zero");
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(Value::Number(x));
        x += step;
        if out.len() > 1024 {
            return fail("more than 1024 values were generated");
        }
    }
    Ok(Value::List(out))
}

fn formatlist(a: &[Value]) -> R {
    let Some((fmt, rest)) = a.split_first() else {
        return fail("formatlist needs a format string");
    };
    let fmt = string(fmt, "the format")?;
    let len = rest
        .iter()
        .filter_map(|v| v.as_items().map(<[Value]>::len))
        .max()
        .unwrap_or(0);
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let args: Vec<Value> = rest
            .iter()
            .map(|v| match v.as_items() {
                Some(items) => items.get(i).cloned().unwrap_or(Value::Null),
                None => v.clone(),
            })
            .collect();
        out.push(Value::String(format(&fmt, &args)?));
    }
    Ok(Value::List(out))
}

/// Go-style formatting as Terraform's `format`: `%s %d %f %q %v %t %%`, with flags,
/// width and precision.
fn format(fmt: &str, args: &[Value]) -> Result<String, CallError> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "-+ 0#".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse::<usize>().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            return fail("the format string ends with an unfinished verb");
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            return fail(format!(
                "not enough arguments for the format string: verb %{verb} has no argument"
            ));
        };
        next += 1;
        let text = match verb {
            's' => string(arg, "a %s argument")?,
            'q' => serde_json::to_string(&string(arg, "a %q argument")?).unwrap_or_default(),
            'd' => {
                let n = number(arg, "a %d argument")?;
                if n.fract() != 0.0 {
                    return fail(format!(
                        "%d needs a whole number, got {}",
                        display_number(n)
                    ));
                }
                let s = format!("{}", n as i64);
                if flags.contains('+') && n >= 0.0 {
                    format!("+{s}")
                } else {
                    s
                }
            }
            'f' | 'e' | 'g' => {
                let n = number(arg, "a %f argument")?;
                match (verb, precision) {
                    ('e', p) => format!("{:.*e}", p.unwrap_or(6), n),
                    ('g', _) => display_number(n),
                    (_, p) => format!("{:.*}", p.unwrap_or(6), n),
                }
            }
            't' => match convert(arg.clone(), &Type::Bool) {
                Ok(Value::Bool(b)) => b.to_string(),
                _ => return fail("%t needs a bool"),
            },
            'v' => match arg {
                Value::String(s) => s.clone(),
                Value::Number(n) => display_number(*n),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".into(),
                other => serde_json::to_string(&other.to_json()).unwrap_or_default(),
            },
            'x' => format!("{:x}", number(arg, "a %x argument")? as i64),
            'X' => format!("{:X}", number(arg, "a %X argument")? as i64),
            'o' => format!("{:o}", number(arg, "a %o argument")? as i64),
            'b' => format!("{:b}", number(arg, "a %b argument")? as i64),
            other => return fail(format!("unsupported format verb %{other}")),
        };
        let text = match (verb, precision) {
            ('s', Some(p)) => text.chars().take(p).collect(),
            _ => text,
        };
        let width: usize = width.parse().unwrap_or(0);
        let len = text.chars().count();
        if len >= width {
            out.push_str(&text);
        } else if flags.contains('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', width - len));
        } else if flags.contains('0') && "dfxXob".contains(verb) {
            let (sign, digits) = text.split_at(usize::from(text.starts_with(['-', '+'])));
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', width - len));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', width - len));
            out.push_str(&text);
        }
    }
    if next < args.len() {
        return fail(format!(
            "too many arguments: the format string uses {next} but {} were given",
            args.len()
        ));
    }
    Ok(out)
}

mod cidr {
    use ipnet::IpNet;
    use std::net::IpAddr;

    fn parse(prefix: &str) -> Result<IpNet, String> {
        prefix
            .parse::<IpNet>()
            .map_err(|e| format!("invalid CIDR address \"{prefix}\": {e}"))
    }

    fn bits(net: &IpNet) -> u8 {
        match net {
            IpNet::V4(_) => 32,
            IpNet::V6(_) => 128,
        }
    }

    fn to_u128(ip: IpAddr) -> u128 {
        match ip {
            IpAddr::V4(a) => u32::from(a) as u128,
            IpAddr::V6(a) => u128::from(a),
        }
    }

    fn from_u128(net: &IpNet, n: u128) -> IpAddr {
        match net {
            IpNet::V4(_) => IpAddr::V4((n as u32).into()),
            IpNet::V6(_) => IpAddr::V6(n.into()),
        }
    }

    /// `cidrsubnet(prefix, newbits, netnum)`.
    pub(super) fn subnet(prefix: &str, newbits: f64, netnum: f64) -> Result<String, String> {
        let net = parse(prefix)?;
        let new_len = net.prefix_len() as u32 + newbits as u32;
        if new_len > bits(&net) as u32 {
            return Err(format!(
                "insufficient address space to extend prefix of {} by {newbits}",
                net.prefix_len()
            ));
        }
        if netnum < 0.0 || (newbits as u32) < 128 && netnum as u128 >= (1u128 << newbits as u32) {
            return Err(format!(
                "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
            ));
        }
        let base = to_u128(net.network());
        let shift = bits(&net) as u32 - new_len;
        let addr = base | ((netnum as u128) << shift);
        Ok(format!("{}/{}", from_u128(&net, addr), new_len))
    }

    /// `cidrhost(prefix, hostnum)`.
    pub(super) fn host(prefix: &str, hostnum: f64) -> Result<String, String> {
        let net = parse(prefix)?;
        let size = 1u128 << (bits(&net) - net.prefix_len()).min(127);
        let n = if hostnum < 0.0 {
            size as i128 + hostnum as i128
        } else {
            hostnum as i128
        };
        if n < 0 || n as u128 >= size {
            return Err(format!(
                "prefix of {} does not accommodate a host numbered {hostnum}",
                net.prefix_len()
            ));
        }
        Ok(from_u128(&net, to_u128(net.network()) + n as u128).to_string())
    }

    /// `cidrnetmask(prefix)`.
    pub(super) fn netmask(prefix: &str) -> Result<String, String> {
        match parse(prefix)? {
            IpNet::V4(n) => Ok(n.netmask().to_string()),
            IpNet::V6(_) => Err("only IPv4 prefixes have a netmask".into()),
        }
    }
}
