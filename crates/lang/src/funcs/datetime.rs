//! Dates and times (Terraform's `datetime.go` and cty's `datetime.go`): RFC 3339
//! timestamps, Terraform's `formatdate` specification and Go's duration syntax.

use iac_value::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

use super::args::string;
use super::{CallError, Ctx, Function, R, bad_arg, f};
use crate::eval::Phase;

pub(crate) const FUNCTIONS: &[Function] = &[
    f("formatdate", &["format", "time"], formatdate),
    f("plantimestamp", &[], plantimestamp),
    f("timeadd", &["timestamp", "duration"], timeadd),
    f("timecmp", &["timestamp_a", "timestamp_b"], timecmp),
    f("timestamp", &[], timestamp),
];

/// The current time: unknown while planning (so two plans are identical), known when
/// applying, as in Terraform.
fn timestamp(ctx: &Ctx, _: Vec<Value>) -> R {
    Ok(match ctx.phase {
        Phase::Plan => Value::Unknown,
        Phase::Apply { .. } => Value::String(rfc3339(OffsetDateTime::now_utc())),
    })
}

/// The time the plan was made. `iac` keeps no plan time, so while planning this is
/// unknown, and when applying it is the time the apply started.
fn plantimestamp(ctx: &Ctx, _: Vec<Value>) -> R {
    Ok(match ctx.phase {
        Phase::Plan => Value::Unknown,
        Phase::Apply { plan_time } => Value::String(rfc3339(OffsetDateTime::from(plan_time))),
    })
}

/// A timestamp as Go's `time.RFC3339` writes it: whole seconds, `Z` for UTC.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        offset(t.offset(), true, true)
    )
}

/// A UTC offset as `Z` (when `z` and zero), `+hh:mm` or `+hhmm`.
fn offset(o: UtcOffset, z: bool, colon: bool) -> String {
    if z && o.is_utc() {
        return "Z".into();
    }
    let (h, m, _) = o.as_hms();
    let sign = if o.is_negative() { '-' } else { '+' };
    let sep = if colon { ":" } else { "" };
    format!("{sign}{:02}{sep}{:02}", h.abs(), m.abs())
}

fn parse(a: &[Value], i: usize) -> Result<OffsetDateTime, CallError> {
    let text = string(a, i)?;
    OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| {
        CallError::Arg(
            i,
            format!("not a valid RFC3339 timestamp: cannot use {text:?} as year"),
        )
    })
}

fn timecmp(_: &Ctx, a: Vec<Value>) -> R {
    let (x, y) = (parse(&a, 0)?, parse(&a, 1)?);
    Ok(Value::from(x.cmp(&y) as i64))
}

fn timeadd(_: &Ctx, a: Vec<Value>) -> R {
    let t = parse(&a, 0)?;
    let text = string(&a, 1)?;
    let d = parse_duration(&text)
        .ok_or_else(|| CallError::Arg(1, format!("time: invalid duration {:?}", text)))?;
    let sum = t
        .checked_add(d)
        .ok_or_else(|| CallError::Arg(1, "the resulting time is out of range".into()))?;
    Ok(Value::String(rfc3339(sum)))
}

/// A Go duration: a signed sequence of decimal numbers with units (`1h30m`, `-1.5s`).
fn parse_duration(s: &str) -> Option<Duration> {
    let (negative, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        nanos += n * scale;
    }
    let nanos = if negative { -nanos } else { nanos };
    Some(Duration::nanoseconds(nanos.round() as i64))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn formatdate(_: &Ctx, a: Vec<Value>) -> R {
    let spec = string(&a, 0)?;
    let t = parse(&a, 1)?;
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // A quoted literal; '' inside is one quote.
            let mut j = i + 1;
            if chars.get(j) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            loop {
                match chars.get(j) {
                    None => return bad_arg(0, "unterminated literal '"),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(ch) => {
                        out.push(*ch);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j) == Some(&c) {
            j += 1;
        }
        let verb: String = chars[i..j].iter().collect();
        out.push_str(&date_verb(&verb, t).ok_or_else(|| {
            CallError::Arg(
                0,
                format!("invalid date format verb {verb:?}: unsupported verb"),
            )
        })?);
        i = j;
    }
    Ok(Value::String(out))
}

/// One `formatdate` verb applied to `t`.
fn date_verb(verb: &str, t: OffsetDateTime) -> Option<String> {
    let month = MONTHS[u8::from(t.month()) as usize - 1];
    let weekday = t.weekday().to_string();
    let hour12 = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let pm = t.hour() >= 12;
    Some(match verb {
        "YYYY" => format!("{:04}", t.year()),
        "YY" => format!("{:02}", t.year() % 100),
        "MMMM" => month.to_string(),
        "MMM" => month[..3].to_string(),
        "MM" => format!("{:02}", u8::from(t.month())),
        "M" => u8::from(t.month()).to_string(),
        "DD" => format!("{:02}", t.day()),
        "D" => t.day().to_string(),
        "EEEE" => weekday,
        "EEE" => weekday[..3].to_string(),
        "hh" => format!("{hour12:02}"),
        "h" => hour12.to_string(),
        "HH" => format!("{:02}", t.hour()),
        "H" => t.hour().to_string(),
        "AA" => if pm { "PM" } else { "AM" }.into(),
        "aa" => if pm { "pm" } else { "am" }.into(),
        "mm" => format!("{:02}", t.minute()),
        "m" => t.minute().to_string(),
        "ss" => format!("{:02}", t.second()),
        "s" => t.second().to_string(),
        "ZZZZZ" => offset(t.offset(), false, true),
        "ZZZZ" => offset(t.offset(), false, false),
        "ZZZ" => {
            if t.offset().is_utc() {
                "UTC".into()
            } else {
                offset(t.offset(), false, false)
            }
        }
        "Z" => offset(t.offset(), true, true),
        _ => return None,
    })
}
