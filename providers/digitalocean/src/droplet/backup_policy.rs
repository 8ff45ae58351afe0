//! The droplet's `backup_policy` block: when its backups run.

use iac_provider::values::{block, flag};
use iac_provider::{Attribute, NestedBlock, Schema, ValidationError};
use iac_value::{PathStep, Type, Value};
use serde_json::{Map, Value as Json};

const PLANS: [&str; 2] = ["daily", "weekly"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// The block as Terraform's provider declares it: at most one, every key optional.
pub fn schema() -> NestedBlock {
    NestedBlock::list_max_one(Schema::new(
        [
            ("plan", Attribute::optional(Type::String)),
            ("weekday", Attribute::optional(Type::String)),
            ("hour", Attribute::optional(Type::Number)),
        ],
        [],
    ))
}

fn at(key: &str) -> Vec<PathStep> {
    vec![
        PathStep::Key("backup_policy".into()),
        PathStep::Index(0),
        PathStep::Key(key.into()),
    ]
}

/// Checks the policy's values, and that backups are on when a policy is given.
pub fn validate(config: &Value, out: &mut Vec<ValidationError>) {
    let policy = block(config, "backup_policy");
    if policy.is_null() {
        return;
    }
    if config.get("backups").as_bool() != Some(true) && !config.get("backups").is_unknown() {
        out.push(ValidationError {
            path: vec![PathStep::Key("backup_policy".into())],
            message: "backup_policy can only be set when backups are enabled".into(),
        });
    }
    for (key, allowed) in [("plan", &PLANS[..]), ("weekday", &WEEKDAYS[..])] {
        if let Some(v) = policy.get(key).as_str()
            && !allowed.contains(&v)
        {
            out.push(ValidationError {
                path: at(key),
                message: format!("expected {key} to be one of {allowed:?}, got {v}"),
            });
        }
    }
    if let Some(hour) = policy.get("hour").as_f64()
        && !(hour.fract() == 0.0 && (0.0..=20.0).contains(&hour))
    {
        out.push(ValidationError {
            path: at("hour"),
            message: format!(
                "expected hour to be a whole number in the range (0 - 20), got {hour}"
            ),
        });
    }
}

/// The policy as the API takes it (keys the configuration leaves out are left to
/// DigitalOcean's defaults), or `None` without a block.
pub fn request(planned: &Value) -> Option<Json> {
    let policy = block(planned, "backup_policy");
    if policy.is_null() || !flag(planned, "backups") {
        return None;
    }
    let mut body = Map::new();
    if let Some(plan) = policy.get("plan").as_str() {
        body.insert("plan".into(), plan.into());
    }
    if let Some(weekday) = policy.get("weekday").as_str() {
        body.insert("weekday".into(), weekday.into());
    }
    if let Some(hour) = policy.get("hour").as_f64() {
        body.insert("hour".into(), (hour as u64).into());
    }
    Some(Json::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use iac_provider::values::one_block;
    use serde_json::json;

    fn droplet(backups: bool, policy: Value) -> Value {
        Value::object([
            ("backups", Value::Bool(backups)),
            ("backup_policy", one_block(policy)),
        ])
    }

    fn weekly(hour: f64) -> Value {
        Value::object([
            ("plan", Value::from("weekly")),
            ("weekday", Value::from("TUE")),
            ("hour", Value::from(hour)),
        ])
    }

    fn problems(config: &Value) -> Vec<String> {
        let mut out = Vec::new();
        validate(config, &mut out);
        out.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn a_policy_goes_to_the_api_as_given() {
        assert_eq!(
            request(&droplet(true, weekly(8.0))),
            Some(json!({"plan": "weekly", "weekday": "TUE", "hour": 8}))
        );
        assert_eq!(request(&droplet(true, Value::Null)), None);
    }

    #[test]
    fn a_policy_needs_backups_on_and_values_the_api_knows() {
        assert!(problems(&droplet(true, weekly(20.0))).is_empty());
        assert_eq!(
            problems(&droplet(false, weekly(8.0))),
            ["backup_policy can only be set when backups are enabled"]
        );
        assert_eq!(problems(&droplet(true, weekly(21.0))).len(), 1);
        let hourly = Value::object([("plan", Value::from("hourly"))]);
        assert_eq!(problems(&droplet(true, hourly)).len(), 1);
    }
}
