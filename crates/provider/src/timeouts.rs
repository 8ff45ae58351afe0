//! `timeouts { create = "30m" ... }` blocks, as Terraform's AWS provider has them.

use std::time::Duration;

use crate::{Attribute, NestedBlock, Schema, ValidationError};
use iac_value::{PathStep, Type, Value};

/// The block for the operations `ops` (of create, update, delete).
pub fn block(ops: &[&str]) -> (&'static str, NestedBlock) {
    let schema = Schema {
        attributes: ops
            .iter()
            .map(|op| (op.to_string(), Attribute::optional(Type::String)))
            .collect(),
        blocks: Default::default(),
    };
    ("timeouts", NestedBlock::single(schema))
}

/// The timeout for `op` set in `v`'s `timeouts` block, or `default`.
pub fn get(v: &Value, op: &str, default: Duration) -> Duration {
    v.get("timeouts")
        .get(op)
        .as_str()
        .and_then(|s| parse(s).ok())
        .unwrap_or(default)
}

/// A duration the way Terraform writes them: `"30s"`, `"10m"`, `"1h30m"`.
fn parse(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("\"{s}\" is not a duration: {e}"))
}

/// Plan-time check that each timeout given parses.
pub fn validate(config: &Value, out: &mut Vec<ValidationError>) {
    let Some(m) = config.get("timeouts").as_map() else {
        return;
    };
    for (op, v) in m {
        if let Some(s) = v.as_str()
            && let Err(message) = parse(s)
        {
            out.push(ValidationError {
                path: vec![PathStep::Key("timeouts".into()), PathStep::Key(op.clone())],
                message,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_durations_parse() {
        assert_eq!(parse("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("45s"), Ok(Duration::from_secs(45)));
        assert!(parse("soon").is_err());
    }

    #[test]
    fn unset_timeouts_fall_back_to_the_default() {
        let v = Value::object([("timeouts", Value::object([("create", "2m".into())]))]);
        assert_eq!(
            get(&v, "create", Duration::from_secs(1)),
            Duration::from_secs(120)
        );
        assert_eq!(
            get(&v, "delete", Duration::from_secs(1)),
            Duration::from_secs(1)
        );
    }
}
