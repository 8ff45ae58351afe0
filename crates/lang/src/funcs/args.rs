//! Reading function arguments as Terraform's parameter types, with Terraform's messages
//! for arguments of the wrong type.

use std::collections::BTreeMap;

use iac_value::{Value, display_number};

use super::{CallError, bad_arg};

/// Argument `i` as a string (numbers and bools convert, as in Terraform).
pub(crate) fn string(args: &[Value], i: usize) -> Result<String, CallError> {
    to_string(&args[i]).map_err(|m| CallError::Arg(i, m))
}

/// A value as a string, or why it is not one.
pub(crate) fn to_string(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(display_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err("argument must not be null".into()),
        _ => Err("string required".into()),
    }
}

/// Argument `i` as a number (numeric strings convert).
pub(crate) fn number(args: &[Value], i: usize) -> Result<f64, CallError> {
    to_number(&args[i]).map_err(|m| CallError::Arg(i, m))
}

/// A value as a number, or why it is not one.
pub(crate) fn to_number(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && !s.trim().is_empty())
            .ok_or_else(|| "a number is required".into()),
        Value::Null => Err("argument must not be null".into()),
        _ => Err("number required".into()),
    }
}

/// Argument `i` as a whole number.
pub(crate) fn integer(args: &[Value], i: usize) -> Result<i64, CallError> {
    let n = number(args, i)?;
    if n.fract() != 0.0 {
        return bad_arg(i, "value must be a whole number");
    }
    Ok(n as i64)
}

/// Argument `i` as the elements of a list, set or tuple.
pub(crate) fn items(args: &[Value], i: usize) -> Result<&[Value], CallError> {
    match &args[i] {
        Value::List(items) | Value::Set(items) => Ok(items),
        Value::Null => bad_arg(i, "argument must not be null"),
        _ => bad_arg(i, "list of any single type required"),
    }
}

/// Argument `i` as a list of strings.
pub(crate) fn strings(args: &[Value], i: usize) -> Result<Vec<String>, CallError> {
    items(args, i)?
        .iter()
        .enumerate()
        .map(|(n, v)| match v {
            Value::Null => bad_arg(i, format!("element {n}: argument must not be null")),
            v => {
                to_string(v).map_err(|_| CallError::Arg(i, format!("element {n}: string required")))
            }
        })
        .collect()
}

/// Argument `i` as a map or object.
pub(crate) fn map(args: &[Value], i: usize) -> Result<&BTreeMap<String, Value>, CallError> {
    match &args[i] {
        Value::Map(m) => Ok(m),
        Value::Null => bad_arg(i, "argument must not be null"),
        _ => bad_arg(i, "map of any single type required"),
    }
}
