//! Unary and binary operators.

use hcl_edit::expr::{BinaryOperator, UnaryOperator};
use iac_value::{Type, Value, convert};

/// `v` as a number; `secret` keeps its value out of the error.
fn number(v: Value, secret: bool) -> Result<Value, String> {
    convert(v.mark_if(secret), &Type::Number)
        .map(|n| n.into_unmarked().0)
        .map_err(|m| format!("Unsuitable value for an arithmetic operand: {m}."))
}

/// `v` as a bool; `secret` keeps its value out of the error.
fn boolean(v: Value, secret: bool) -> Result<Value, String> {
    convert(v.mark_if(secret), &Type::Bool)
        .map(|b| b.into_unmarked().0)
        .map_err(|m| format!("Unsuitable value for a logical operand: {m}."))
}

/// Applies a unary operator.
pub(super) fn unary(op: UnaryOperator, v: Value) -> Result<Value, String> {
    let (v, sensitive) = v.into_unmarked();
    let out = match op {
        UnaryOperator::Neg => match number(v, sensitive)? {
            Value::Number(n) => Value::Number(-n),
            Value::Unknown => Value::Unknown,
            _ => return Err("The operand of - must not be null.".into()),
        },
        UnaryOperator::Not => match boolean(v, sensitive)? {
            Value::Bool(b) => Value::Bool(!b),
            Value::Unknown => Value::Unknown,
            _ => return Err("The operand of ! must not be null.".into()),
        },
    };
    Ok(out.mark_if(sensitive))
}

/// Applies a binary operator. Unknown operands give an unknown result; a sensitive
/// operand gives a sensitive result.
pub(super) fn binary(op: BinaryOperator, l: Value, r: Value) -> Result<Value, String> {
    use BinaryOperator::*;
    let (l, ls) = l.into_unmarked();
    let (r, rs) = r.into_unmarked();
    // Equality looks inside collections, so a sensitive element makes it sensitive.
    let sensitive = ls
        || rs
        || (matches!(op, Eq | NotEq) && (l.contains_sensitive() || r.contains_sensitive()));
    let out = match op {
        Eq | NotEq => {
            let (l, _) = l.unmark_deep();
            let (r, _) = r.unmark_deep();
            if !l.is_wholly_known() || !r.is_wholly_known() {
                Value::Unknown
            } else {
                Value::Bool(equal(&l, &r) == (op == Eq))
            }
        }
        And | Or => match (boolean(l, ls)?, boolean(r, rs)?) {
            (Value::Bool(a), Value::Bool(b)) => {
                Value::Bool(if op == And { a && b } else { a || b })
            }
            (Value::Bool(false), Value::Unknown) | (Value::Unknown, Value::Bool(false))
                if op == And =>
            {
                Value::Bool(false)
            }
            (Value::Bool(true), Value::Unknown) | (Value::Unknown, Value::Bool(true))
                if op == Or =>
            {
                Value::Bool(true)
            }
            (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
            _ => return Err("Logical operands must not be null.".into()),
        },
        _ => match (number(l, ls)?, number(r, rs)?) {
            (Value::Number(a), Value::Number(b)) => match op {
                Plus => Value::Number(a + b),
                Minus => Value::Number(a - b),
                Mul => Value::Number(a * b),
                Div if b == 0.0 => return Err("Can't divide by zero.".into()),
                Div => Value::Number(a / b),
                Mod if b == 0.0 => return Err("Can't use modulo by zero.".into()),
                Mod => Value::Number(a % b),
                Less => Value::Bool(a < b),
                LessEq => Value::Bool(a <= b),
                Greater => Value::Bool(a > b),
                GreaterEq => Value::Bool(a >= b),
                Eq | NotEq | And | Or => unreachable!("handled above"),
            },
            (Value::Unknown, _) | (_, Value::Unknown) => Value::Unknown,
            _ => return Err("Arithmetic operands must not be null.".into()),
        },
    };
    Ok(out.mark_if(sensitive))
}

/// Equality as the language defines it: numbers by value, collections element-wise.
fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::List(a), Value::List(b)) | (Value::Set(a), Value::Set(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && equal(va, vb))
        }
        _ => l == r,
    }
}
