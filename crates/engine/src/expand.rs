//! `count` and `for_each`: evaluating them into an [`Expansion`], with Terraform's checks
//! and a ceiling on how many instances one block may make.

use std::collections::BTreeMap;

use iac_lang::Diagnostic;
use iac_lang::config::Expr;
use iac_lang::eval::{EvalContext, evaluate};
use iac_value::{Type, Value, convert, display_number};

use crate::values::Expansion;

/// The most instances one resource or module block may have in one module instance.
///
/// Every instance is a state entry, a provider read on each plan and a line of the plan;
/// 50,000 of one block is far beyond what any stack manages (planning them against a
/// cloud API would take hours), while a mistyped `count = 1e9` would otherwise try to
/// allocate gigabytes before anything could be reported.
pub const MAX_INSTANCES: usize = 50_000;

/// The largest count Terraform accepts: it reads `count` into a 64-bit integer.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// Evaluates `count` or `for_each` into an expansion.
pub(crate) fn expansion(
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    ctx: &EvalContext,
) -> Result<Expansion, Diagnostic> {
    if let Some(count) = count {
        return count_expansion(count, ctx);
    }
    match for_each {
        Some(for_each) => for_each_expansion(for_each, ctx),
        None => Ok(Expansion::Single),
    }
}

fn count_expansion(count: &Expr, ctx: &EvalContext) -> Result<Expansion, Diagnostic> {
    let bad = |detail: String| {
        Err(Diagnostic::error("Invalid count argument", Some(count.span())).with_detail(detail))
    };
    let unsuitable = |why: &str| {
        bad(format!(
            "The given \"count\" argument value is unsuitable: {why}."
        ))
    };
    let (v, sensitive) = evaluate(count, ctx)?.into_unmarked();
    if sensitive {
        return bad("Sensitive values, or values derived from sensitive values, cannot be used as count arguments.".into());
    }
    match convert(v, &Type::Number) {
        Ok(Value::Unknown) => bad("The \"count\" value depends on resource attributes that cannot be determined until apply, so iac cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.".into()),
        Ok(Value::Null) => bad("The given \"count\" argument value is null. An integer is required.".into()),
        Ok(Value::Number(n)) if n.fract() != 0.0 || !(-I64_LIMIT..I64_LIMIT).contains(&n) => {
            unsuitable("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        }
        Ok(Value::Number(n)) if n < 0.0 => unsuitable("must be greater than or equal to zero"),
        Ok(Value::Number(n)) if n > MAX_INSTANCES as f64 => unsuitable(&format!(
            "iac makes at most {MAX_INSTANCES} instances of one resource or module block, and this count is {}",
            display_number(n)
        )),
        Ok(Value::Number(n)) => Ok(Expansion::Count(n as usize)),
        Ok(other) => unsuitable(&format!("a number is required, not a {}", other.type_name())),
        Err(m) => unsuitable(&m),
    }
}

fn for_each_expansion(for_each: &Expr, ctx: &EvalContext) -> Result<Expansion, Diagnostic> {
    let v = evaluate(for_each, ctx)?;
    let bad = |detail: String| {
        Err(
            Diagnostic::error("Invalid for_each argument", Some(for_each.span()))
                .with_detail(detail),
        )
    };
    // A set's elements become instance keys, so none of them may be sensitive; a map's
    // keys cannot carry marks (a sensitive key marks the whole map), its values may.
    let sensitive = v.is_sensitive()
        || matches!(&v, Value::Set(items) if items.iter().any(Value::contains_sensitive));
    if sensitive {
        return bad("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.".into());
    }
    if !v.is_wholly_known() && !matches!(v, Value::Map(_)) {
        return bad("The \"for_each\" set includes values derived from resource attributes that cannot be determined until apply, and so iac cannot determine the full set of keys that will identify the instances of this resource.\n\nWhen working with unknown values in for_each, it's better to use a map value where the keys are defined statically in your configuration and where only the values contain apply-time results.".into());
    }
    let size = match &v {
        Value::Map(m) => m.len(),
        Value::Set(items) => items.len(),
        _ => 0,
    };
    if size > MAX_INSTANCES {
        return bad(format!(
            "The given \"for_each\" argument value is unsuitable: iac makes at most {MAX_INSTANCES} instances of one resource or module block, and this value has {size} elements."
        ));
    }
    match v {
        Value::Map(m) => Ok(Expansion::ForEach(m)),
        Value::Set(items) => {
            let mut m = BTreeMap::new();
            for item in items {
                match item {
                    Value::String(s) => {
                        m.insert(s.clone(), Value::String(s));
                    }
                    Value::Null => return bad("The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into()),
                    other => return bad(format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.", other.type_name())),
                }
            }
            Ok(Expansion::ForEach(m))
        }
        Value::Null => bad(
            "The given \"for_each\" argument value is null. A map, or set of strings is allowed."
                .into(),
        ),
        other => bad(format!(
            "The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}. Convert a list with toset(...).",
            if matches!(other, Value::List(_)) {
                "tuple".to_string()
            } else {
                other.type_name().to_string()
            }
        )),
    }
}
