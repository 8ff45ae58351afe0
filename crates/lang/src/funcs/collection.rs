//! Functions over lists, maps and objects (Terraform's `collection.go` and cty's
//! collection functions). Sets are in [`super::set`].

use std::collections::BTreeMap;

use iac_value::Value;

use super::args::{integer, items, map, number, string, strings};
use super::{Args, CallError, Ctx, Function, R, bad_arg, f, fail};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("alltrue", &["list"], alltrue),
    f("anytrue", &["list"], anytrue),
    f("chunklist", &["list", "size"], chunklist),
    f("coalesce", &[], coalesce)
        .variadic("vals")
        .taking(Args::MaybeUnknown),
    f("coalescelist", &[], coalescelist).variadic("vals"),
    f("compact", &["list"], compact),
    f("concat", &[], concat)
        .variadic("seqs")
        .taking(Args::MaybeUnknown),
    f("contains", &["list", "value"], contains),
    f("distinct", &["list"], distinct),
    f("element", &["list", "index"], element),
    f("flatten", &["list"], flatten),
    f("index", &["list", "value"], index),
    f("keys", &["inputMap"], keys).taking(Args::MaybeUnknown),
    f("length", &["value"], length).taking(Args::MaybeUnknown),
    f("list", &[], list).variadic("vals"),
    f("lookup", &["inputMap", "key"], lookup).variadic("default"),
    f("map", &[], map_fn).variadic("vals"),
    f("matchkeys", &["values", "keys", "searchset"], matchkeys),
    f("merge", &[], merge).variadic("maps"),
    f("one", &["list"], one),
    f("range", &[], range).variadic("params"),
    f("reverse", &["list"], reverse),
    f("slice", &["list", "start_index", "end_index"], slice),
    f("sort", &["list"], sort),
    f("sum", &["list"], sum),
    f("transpose", &["values"], transpose),
    f("values", &["mapping"], values),
    f("zipmap", &["keys", "values"], zipmap),
];

fn bools(args: &[Value]) -> Result<Vec<bool>, CallError> {
    items(args, 0)?
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
            Value::Null => Ok(false),
            _ => bad_arg(0, format!("element {i}: bool required")),
        })
        .collect()
}

fn alltrue(_: &Ctx, a: Vec<Value>) -> R {
    Ok(Value::Bool(bools(&a)?.iter().all(|b| *b)))
}

fn anytrue(_: &Ctx, a: Vec<Value>) -> R {
    Ok(Value::Bool(bools(&a)?.iter().any(|b| *b)))
}

fn chunklist(_: &Ctx, a: Vec<Value>) -> R {
    let list = items(&a, 0)?;
    let size = integer(&a, 1)?;
    if size < 0 {
        return bad_arg(1, "the size argument must be positive");
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(list.to_vec())]));
    }
    Ok(Value::List(
        list.chunks(size as usize)
            .map(|c| Value::List(c.to_vec()))
            .collect(),
    ))
}

fn coalesce(_: &Ctx, a: Vec<Value>) -> R {
    for v in a {
        if v.is_unknown() {
            return Ok(Value::Unknown);
        }
        if !v.is_null() && v.as_str() != Some("") {
            return Ok(v);
        }
    }
    fail("no non-null, non-empty-string arguments")
}

fn coalescelist(_: &Ctx, a: Vec<Value>) -> R {
    if a.is_empty() {
        return fail("at least one argument is required");
    }
    for (i, v) in a.iter().enumerate() {
        match v {
            Value::Null => {}
            Value::List(items) | Value::Set(items) if items.is_empty() => {}
            Value::List(_) | Value::Set(_) => return Ok(v.clone()),
            _ => return bad_arg(i, "a list or tuple is required"),
        }
    }
    fail("no non-null arguments")
}

fn compact(_: &Ctx, a: Vec<Value>) -> R {
    let kept = items(&a, 0)?
        .iter()
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .map(|v| super::args::to_string(v).map(Value::String))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| CallError::Arg(0, m))?;
    Ok(Value::List(kept))
}

fn concat(_: &Ctx, a: Vec<Value>) -> R {
    let mut out = Vec::new();
    for v in &a {
        match v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(items) | Value::Set(items) => out.extend(items.iter().cloned()),
            Value::Null => return bad_arg(0, "argument must not be null"),
            other => {
                return bad_arg(
                    0,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        other.type_name()
                    ),
                );
            }
        }
    }
    Ok(Value::List(out))
}

fn contains(_: &Ctx, a: Vec<Value>) -> R {
    let list = items(&a, 0)?;
    Ok(Value::Bool(list.contains(&a[1])))
}

fn distinct(_: &Ctx, a: Vec<Value>) -> R {
    let mut out: Vec<Value> = Vec::new();
    for v in items(&a, 0)? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(out))
}

fn element(_: &Ctx, a: Vec<Value>) -> R {
    let list = items(&a, 0)?;
    let i = integer(&a, 1)?;
    if list.is_empty() {
        return fail("cannot use element function with an empty list");
    }
    if i < 0 {
        return fail("cannot use element function with a negative index");
    }
    Ok(list[i as usize % list.len()].clone())
}

fn flatten(_: &Ctx, a: Vec<Value>) -> R {
    fn flat(v: &[Value], out: &mut Vec<Value>) {
        for i in v {
            match i {
                Value::List(inner) | Value::Set(inner) => flat(inner, out),
                other => out.push(other.clone()),
            }
        }
    }
    let mut out = Vec::new();
    match &a[0] {
        Value::List(items) | Value::Set(items) => flat(items, &mut out),
        _ => return bad_arg(0, "can only flatten lists, sets and tuples"),
    }
    Ok(Value::List(out))
}

fn index(_: &Ctx, a: Vec<Value>) -> R {
    match items(&a, 0)?.iter().position(|v| v == &a[1]) {
        Some(i) => Ok(Value::from(i as i64)),
        None => fail("item not found"),
    }
}

fn keys(_: &Ctx, a: Vec<Value>) -> R {
    match &a[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Map(m) => Ok(Value::List(
            m.keys().map(|k| Value::from(k.as_str())).collect(),
        )),
        _ => bad_arg(0, "must have map or object type"),
    }
}

fn length(_: &Ctx, a: Vec<Value>) -> R {
    Ok(match &a[0] {
        Value::Unknown => Value::Unknown,
        Value::String(t) => Value::from(t.chars().count() as i64),
        Value::List(i) | Value::Set(i) => Value::from(i.len() as i64),
        Value::Map(m) => Value::from(m.len() as i64),
        Value::Null => return bad_arg(0, "argument must not be null"),
        _ => {
            return fail("argument must be a string, a collection type, or a structural type");
        }
    })
}

fn list(_: &Ctx, _: Vec<Value>) -> R {
    fail(
        "the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list",
    )
}

fn map_fn(_: &Ctx, _: Vec<Value>) -> R {
    fail(
        "the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map",
    )
}

fn lookup(_: &Ctx, a: Vec<Value>) -> R {
    if a.len() > 3 {
        return Err(CallError::Diag(
            "Too many function arguments".into(),
            "Function \"lookup\" expects only 3 argument(s).".into(),
        ));
    }
    let m = match &a[0] {
        Value::Map(m) => m,
        Value::Null => return bad_arg(0, "argument must not be null"),
        _ => return bad_arg(0, "the given value is not a map or object"),
    };
    let key = string(&a, 1)?;
    match m.get(&key) {
        Some(v) => Ok(v.clone()),
        None if a.len() == 3 => Ok(a[2].clone()),
        None => bad_arg(0, format!("the given object has no attribute \"{key}\"")),
    }
}

fn matchkeys(_: &Ctx, a: Vec<Value>) -> R {
    let (vals, keys, search) = (items(&a, 0)?, items(&a, 1)?, items(&a, 2)?);
    if vals.len() != keys.len() {
        return fail("length of keys and values should be equal");
    }
    Ok(Value::List(
        vals.iter()
            .zip(keys)
            .filter(|(_, k)| search.contains(k))
            .map(|(v, _)| v.clone())
            .collect(),
    ))
}

fn merge(_: &Ctx, a: Vec<Value>) -> R {
    let mut out = BTreeMap::new();
    for m in &a {
        match m {
            Value::Null => {}
            Value::Map(m) => out.extend(m.clone()),
            other => {
                return fail(format!(
                    "arguments must be maps or objects, got \"{}\"",
                    other.type_name()
                ));
            }
        }
    }
    Ok(Value::Map(out))
}

fn one(_: &Ctx, a: Vec<Value>) -> R {
    match &a[0] {
        Value::List(items) | Value::Set(items) => match items.as_slice() {
            [] => Ok(Value::Null),
            [x] => Ok(x.clone()),
            _ => bad_arg(
                0,
                "must be a list, set, or tuple value with either zero or one elements",
            ),
        },
        Value::Null => bad_arg(0, "argument must not be null"),
        _ => bad_arg(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        ),
    }
}

fn range(_: &Ctx, a: Vec<Value>) -> R {
    let nums = (0..a.len())
        .map(|i| number(&a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [e] => (0.0, *e, 1.0),
        [s, e] => (*s, *e, if s <= e { 1.0 } else { -1.0 }),
        [s, e, st] => (*s, *e, *st),
        _ => return fail("must have one, two, or three arguments"),
    };
    if step == 0.0 {
        return fail("step must not be zero");
    }
    if start < end && step < 0.0 {
        return fail("step must be positive when start is less than limit");
    }
    if start > end && step > 0.0 {
        return fail("step must be negative when start is greater than limit");
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() >= 1024 {
            return fail(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            );
        }
        out.push(Value::Number(x));
        x += step;
    }
    Ok(Value::List(out))
}

fn reverse(_: &Ctx, a: Vec<Value>) -> R {
    match &a[0] {
        Value::List(items) => Ok(Value::List(items.iter().rev().cloned().collect())),
        Value::Set(_) => bad_arg(
            0,
            "can only reverse list or tuple values, not set of dynamic",
        ),
        Value::Null => bad_arg(0, "argument must not be null"),
        _ => bad_arg(0, "can only reverse list or tuple values"),
    }
}

fn slice(_: &Ctx, a: Vec<Value>) -> R {
    let list = match &a[0] {
        Value::List(items) => items,
        Value::Set(_) => {
            return bad_arg(
                0,
                "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
            );
        }
        Value::Null => return bad_arg(0, "argument must not be null"),
        _ => return bad_arg(0, "must be a list or tuple value"),
    };
    let (start, end) = (integer(&a, 1)?, integer(&a, 2)?);
    if start < 0 {
        return bad_arg(1, "start index must not be less than zero");
    }
    if end > list.len() as i64 {
        return bad_arg(
            2,
            "end index must not be greater than the length of the list",
        );
    }
    if start > end {
        return bad_arg(1, "start index must not be greater than end index");
    }
    Ok(Value::List(list[start as usize..end as usize].to_vec()))
}

fn sort(_: &Ctx, a: Vec<Value>) -> R {
    let mut v = strings(&a, 0)?;
    v.sort();
    Ok(Value::List(v.into_iter().map(Value::from).collect()))
}

fn sum(_: &Ctx, a: Vec<Value>) -> R {
    let list = match &a[0] {
        Value::List(items) | Value::Set(items) => items,
        _ => return bad_arg(0, "argument must be list, set, or tuple. Received {}"),
    };
    if list.is_empty() {
        return bad_arg(0, "cannot sum an empty list");
    }
    let mut total = 0.0;
    for v in list {
        match super::args::to_number(v) {
            Ok(n) => total += n,
            Err(_) if v.is_null() => {
                return bad_arg(0, "argument must be list, set, or tuple of number values");
            }
            Err(m) => return fail(m),
        }
    }
    Ok(Value::Number(total))
}

fn transpose(_: &Ctx, a: Vec<Value>) -> R {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in map(&a, 0)? {
        let list = match v {
            Value::List(items) | Value::Set(items) => items,
            _ => return bad_arg(0, format!("element \"{k}\": list of string required")),
        };
        for item in list {
            let s = super::args::to_string(item).map_err(|_| {
                CallError::Arg(0, format!("element \"{k}\": list of string required"))
            })?;
            out.entry(s).or_default().push(k.clone());
        }
    }
    Ok(Value::Map(
        out.into_iter()
            .map(|(k, v)| (k, Value::List(v.into_iter().map(Value::String).collect())))
            .collect(),
    ))
}

fn values(_: &Ctx, a: Vec<Value>) -> R {
    match &a[0] {
        Value::Map(m) => Ok(Value::List(m.values().cloned().collect())),
        Value::Null => bad_arg(0, "argument must not be null"),
        _ => bad_arg(0, "must be a map or object"),
    }
}

fn zipmap(_: &Ctx, a: Vec<Value>) -> R {
    let ks = strings(&a, 0)?;
    let vs = items(&a, 1)?;
    if ks.len() != vs.len() {
        return fail(format!(
            "number of keys ({}) does not match number of values ({})",
            ks.len(),
            vs.len()
        ));
    }
    Ok(Value::Map(ks.into_iter().zip(vs.iter().cloned()).collect()))
}
