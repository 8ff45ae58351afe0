//! Set functions (cty's `set.go`): union, intersection, difference and product.

use iac_value::Value;

use super::{CallError, Ctx, Function, R, bad_arg, f};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("setintersection", &["first_set"], setintersection).variadic("other_sets"),
    f("setproduct", &[], setproduct).variadic("sets"),
    f("setsubtract", &["a", "b"], setsubtract),
    f("setunion", &["first_set"], setunion).variadic("other_sets"),
];

/// Every argument's elements, each argument as a set.
fn sets(a: &[Value]) -> Result<Vec<Vec<Value>>, CallError> {
    a.iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::List(items) | Value::Set(items) => match Value::set(items.clone()) {
                Value::Set(items) => Ok(items),
                _ => unreachable!("Value::set makes a set"),
            },
            Value::Null => bad_arg(i, "argument must not be null"),
            _ => bad_arg(i, "a set or a list is required"),
        })
        .collect()
}

fn setunion(_: &Ctx, a: Vec<Value>) -> R {
    Ok(Value::set(sets(&a)?.into_iter().flatten().collect()))
}

fn setintersection(_: &Ctx, a: Vec<Value>) -> R {
    let mut sets = sets(&a)?.into_iter();
    let first = sets.next().unwrap_or_default();
    let rest: Vec<Vec<Value>> = sets.collect();
    Ok(Value::set(
        first
            .into_iter()
            .filter(|v| rest.iter().all(|s| s.contains(v)))
            .collect(),
    ))
}

fn setsubtract(_: &Ctx, a: Vec<Value>) -> R {
    let sets = sets(&a)?;
    Ok(Value::set(
        sets[0]
            .iter()
            .filter(|v| !sets[1].contains(v))
            .cloned()
            .collect(),
    ))
}

/// Every combination of one element from each argument; a list when the first
/// argument is a list, as in Terraform.
fn setproduct(_: &Ctx, a: Vec<Value>) -> R {
    if a.len() < 2 {
        return Err(CallError::Failed(
            "at least two arguments are required".into(),
        ));
    }
    let all_lists = a.iter().all(|v| matches!(v, Value::List(_)));
    let inputs: Vec<Vec<Value>> = a
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::List(items) => Ok(items.clone()),
            Value::Set(items) => Ok(items.clone()),
            Value::Null => bad_arg(i, "argument must not be null"),
            _ => bad_arg(i, "a set or a list is required"),
        })
        .collect::<Result<_, _>>()?;
    let mut product: Vec<Vec<Value>> = vec![Vec::new()];
    for input in &inputs {
        product = product
            .into_iter()
            .flat_map(|prefix| {
                input.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    let tuples: Vec<Value> = product.into_iter().map(Value::List).collect();
    Ok(if all_lists {
        Value::List(tuples)
    } else {
        Value::set(tuples)
    })
}
