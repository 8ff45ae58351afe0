//! Numeric functions (cty's `number.go` and Terraform's `number.go`).

use iac_value::Value;

use super::args::{integer, number};
use super::{CallError, Ctx, Function, R, bad_arg, f, fail};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("abs", &["num"], |_, a| {
        Ok(Value::Number(number(&a, 0)?.abs()))
    }),
    f("ceil", &["num"], |_, a| {
        Ok(Value::Number(number(&a, 0)?.ceil()))
    }),
    f("floor", &["num"], |_, a| {
        Ok(Value::Number(number(&a, 0)?.floor()))
    }),
    f("log", &["num", "base"], |_, a| {
        Ok(Value::Number(number(&a, 0)?.ln() / number(&a, 1)?.ln()))
    }),
    f("max", &[], |_, a| extreme(&a, f64::max)).variadic("numbers"),
    f("min", &[], |_, a| extreme(&a, f64::min)).variadic("numbers"),
    f("parseint", &["number", "base"], parseint),
    f("pow", &["num", "power"], |_, a| {
        Ok(Value::Number(number(&a, 0)?.powf(number(&a, 1)?)))
    }),
    f("signum", &["num"], |_, a| {
        let n = number(&a, 0)?;
        Ok(Value::Number(if n > 0.0 {
            1.0
        } else if n < 0.0 {
            -1.0
        } else {
            0.0
        }))
    }),
];

fn extreme(a: &[Value], pick: fn(f64, f64) -> f64) -> R {
    if a.is_empty() {
        return fail("must pass at least one number");
    }
    let nums = (0..a.len())
        .map(|i| number(a, i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Number(nums.into_iter().reduce(pick).unwrap_or(0.0)))
}

const DIGITS: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `parseint(number, base)`: bases 2 to 62, digits then lowercase then uppercase
/// letters (case-insensitive up to base 36), as Go's `big.Int.SetString`.
fn parseint(_: &Ctx, a: Vec<Value>) -> R {
    let text = match &a[0] {
        Value::String(s) => s.clone(),
        Value::Null => return bad_arg(0, "argument must not be null"),
        _ => return bad_arg(0, "string required"),
    };
    let base = integer(&a, 1)?;
    if !(2..=62).contains(&base) {
        return bad_arg(1, "base must be a whole number between 2 and 62 inclusive");
    }
    let bad = || CallError::Arg(0, format!("cannot parse {text:?} as a base {base} integer"));
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut n: f64 = 0.0;
    for c in digits.chars() {
        let c = if base <= 36 {
            c.to_ascii_lowercase()
        } else {
            c
        };
        let d = DIGITS
            .find(c)
            .filter(|d| (*d as i64) < base)
            .ok_or_else(bad)?;
        n = n * base as f64 + d as f64;
    }
    Ok(Value::Number(if negative { -n } else { n }))
}
