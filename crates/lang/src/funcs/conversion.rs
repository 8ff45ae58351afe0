//! Type conversions and marks (Terraform's `conversion.go` and `sensitive.go`):
//! `tostring` and friends, `sensitive`, `nonsensitive`, `issensitive` and
//! `ephemeralasnull`. `can` and `try` are evaluated by the evaluator.

use iac_value::{Type, Value, convert};

use super::{Args, CallError, Ctx, Function, R, f};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("ephemeralasnull", &["value"], ephemeralasnull).taking(Args::Marked),
    f("issensitive", &["value"], issensitive).taking(Args::Marked),
    f("nonsensitive", &["value"], nonsensitive).taking(Args::Marked),
    f("sensitive", &["value"], sensitive).taking(Args::Marked),
    f("tobool", &["v"], tobool).taking(Args::Marked),
    f("tolist", &["v"], tolist).taking(Args::Marked),
    f("tomap", &["v"], tomap).taking(Args::Marked),
    f("tonumber", &["v"], tonumber).taking(Args::Marked),
    f("toset", &["v"], toset).taking(Args::Marked),
    f("tostring", &["v"], tostring).taking(Args::Marked),
];

/// `iac` has no ephemeral values, so every value passes through unchanged.
fn ephemeralasnull(_: &Ctx, mut a: Vec<Value>) -> R {
    Ok(a.remove(0))
}

fn issensitive(_: &Ctx, a: Vec<Value>) -> R {
    let (inner, sensitive) = a[0].unmark();
    if sensitive {
        return Ok(Value::Bool(true));
    }
    Ok(if inner.is_unknown() {
        Value::Unknown
    } else {
        Value::Bool(false)
    })
}

/// Removes the top-level sensitive mark; marks deeper inside stay, as in Terraform.
fn nonsensitive(_: &Ctx, mut a: Vec<Value>) -> R {
    Ok(a.remove(0).into_unmarked().0)
}

fn sensitive(_: &Ctx, mut a: Vec<Value>) -> R {
    Ok(a.remove(0).mark_sensitive())
}

fn to(ty: &Type, a: Vec<Value>) -> R {
    let (value, sensitive) = a.into_iter().next().unwrap_or_default().into_unmarked();
    let described = describe(&value);
    convert(value, ty)
        .map(|v| v.mark_if(sensitive))
        .map_err(|_| {
            let what = if sensitive { "this sensitive " } else { "" };
            CallError::Arg(0, format!("cannot convert {what}{described} to {ty}"))
        })
}

fn describe(v: &Value) -> String {
    match v {
        Value::Map(_) => "object".into(),
        Value::List(_) => "tuple".into(),
        Value::Set(_) => "set".into(),
        other => other.type_name().into(),
    }
}

fn tobool(_: &Ctx, a: Vec<Value>) -> R {
    if let Some(s) = a[0].as_str() {
        if s != "true" && s != "false" {
            return Err(CallError::Arg(
                0,
                format!(
                    "cannot convert \"{s}\" to bool; only the strings \"true\" or \"false\" are allowed"
                ),
            ));
        }
    }
    to(&Type::Bool, a)
}

fn tonumber(_: &Ctx, a: Vec<Value>) -> R {
    if let Some(s) = a[0].as_str()
        && s.trim().parse::<f64>().is_err()
    {
        return Err(CallError::Arg(
            0,
            format!(
                "cannot convert \"{s}\" to number; given string must be a decimal representation of a number"
            ),
        ));
    }
    to(&Type::Number, a)
}

fn tostring(_: &Ctx, a: Vec<Value>) -> R {
    match a[0].unmark().0 {
        Value::List(_) | Value::Set(_) | Value::Map(_) => {
            let what = describe(a[0].unmark().0);
            Err(CallError::Arg(
                0,
                format!("cannot convert {what} to string"),
            ))
        }
        _ => to(&Type::String, a),
    }
}

fn tolist(_: &Ctx, a: Vec<Value>) -> R {
    to(&Type::list(Type::Any), a)
}

fn toset(_: &Ctx, a: Vec<Value>) -> R {
    to(&Type::set(Type::Any), a)
}

fn tomap(_: &Ctx, a: Vec<Value>) -> R {
    to(&Type::map(Type::Any), a)
}
