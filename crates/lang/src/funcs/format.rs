//! `format` and `formatlist` (cty's `format.go`): Go-style formatting verbs.

use iac_value::{Type, Value, convert, display_number};

use super::args::{string, to_number, to_string};
use super::{CallError, Ctx, Function, R, bad_arg, f, fail};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("format", &["format"], |_, a| {
        Ok(Value::String(format(&string(&a, 0)?, &a[1..])?))
    })
    .variadic("args"),
    f("formatlist", &["format"], formatlist).variadic("args"),
];

fn text_of(v: &Value) -> Result<String, CallError> {
    to_string(v).map_err(CallError::Failed)
}

fn number_of(v: &Value) -> Result<f64, CallError> {
    to_number(v).map_err(CallError::Failed)
}

/// `formatlist`: `format` over lists element-wise; other arguments repeat.
fn formatlist(_: &Ctx, a: Vec<Value>) -> R {
    let fmt = string(&a, 0)?;
    let rest = &a[1..];
    let mut len: Option<(usize, usize)> = None;
    for (i, v) in rest.iter().enumerate() {
        if let Some(items) = v.as_items() {
            match len {
                Some((n, at)) if n != items.len() => {
                    return bad_arg(
                        i + 1,
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {n}",
                            i + 1,
                            items.len(),
                            at + 1
                        ),
                    );
                }
                _ => len = Some((items.len(), i)),
            }
        }
    }
    let Some((len, _)) = len else {
        return Ok(Value::List(vec![Value::String(format(&fmt, rest)?)]));
    };
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let args: Vec<Value> = rest
            .iter()
            .map(|v| match v.as_items() {
                Some(items) => items[i].clone(),
                None => v.clone(),
            })
            .collect();
        out.push(Value::String(format(&fmt, &args)?));
    }
    Ok(Value::List(out))
}

/// Go-style formatting as Terraform's `format`: `%s %d %f %q %v %t %%`, with flags,
/// width and precision.
pub(crate) fn format(fmt: &str, args: &[Value]) -> Result<String, CallError> {
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
            's' => text_of(arg)?,
            'q' => serde_json::to_string(&text_of(arg)?).unwrap_or_default(),
            'd' => {
                let n = number_of(arg)?;
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
                let n = number_of(arg)?;
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
            'x' => format!("{:x}", number_of(arg)? as i64),
            'X' => format!("{:X}", number_of(arg)? as i64),
            'o' => format!("{:o}", number_of(arg)? as i64),
            'b' => format!("{:b}", number_of(arg)? as i64),
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
