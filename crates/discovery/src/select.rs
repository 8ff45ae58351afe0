//! Which listed objects adoption takes: what a person would not adopt (what the cloud
//! made by itself), and the `--tag` filter.

use iac_value::Value;

/// Why an object is left out, if it is: objects the cloud makes and keeps by itself.
pub fn made_by_the_cloud(type_name: &str, state: &Value) -> Option<&'static str> {
    let s = |k: &str| state.get(k).as_str().unwrap_or("");
    match type_name {
        "aws_security_group" if s("name") == "default" => Some("the VPC's default security group"),
        "aws_db_parameter_group" if s("name").starts_with("default.") => {
            Some("a parameter group AWS made")
        }
        "aws_route53_record" if matches!(s("type"), "NS" | "SOA") => {
            Some("the zone's own NS/SOA record, which Route 53 keeps")
        }
        "digitalocean_record" if matches!(s("type"), "NS" | "SOA") && s("name") == "@" => {
            Some("the domain's own NS/SOA record, which DigitalOcean keeps")
        }
        _ => None,
    }
}

/// Attributes the cloud sets from other settings, which a person leaves out (an
/// instance's zone comes with its subnet, a droplet's VPC is its region's): they are
/// optional and computed, so the provider keeps the object's own value and leaving them
/// out plans no change.
fn left_to_the_cloud(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "aws_instance" => &[
            "availability_zone",
            "private_ip",
            "associate_public_ip_address",
        ],
        "digitalocean_droplet" => &["private_networking", "vpc_uuid"],
        _ => &[],
    }
}

/// The object as generation writes it: without what is left to the cloud.
pub fn as_written(type_name: &str, state: &Value) -> Value {
    let mut state = state.clone();
    if let Value::Map(m) = &mut state {
        for attr in left_to_the_cloud(type_name) {
            m.remove(*attr);
        }
    }
    state
}

/// Types adoption lists only when `--type` names them: aliases of other types, and rule
/// types whose rules the groups' own blocks already hold.
pub fn listed_by_default(type_name: &str) -> bool {
    !type_name.starts_with("aws_alb")
        && !matches!(
            type_name,
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule"
        )
}

/// A `--tag KEY=VALUE` filter (`KEY` alone: the key with any value).
#[derive(Debug, Clone, PartialEq)]
pub struct TagFilter {
    pub key: String,
    pub value: Option<String>,
}

impl TagFilter {
    /// `KEY=VALUE` or `KEY`.
    pub fn parse(text: &str) -> Result<TagFilter, String> {
        let (key, value) = match text.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (text, None),
        };
        if key.is_empty() {
            return Err(format!("\"{text}\": expected KEY=VALUE"));
        }
        Ok(TagFilter {
            key: key.to_string(),
            value,
        })
    }

    /// Whether the object's tags match: an AWS tag map, or DigitalOcean's list of tag
    /// names (`KEY:VALUE`, or `KEY` when no value is asked for).
    pub fn matches(&self, state: &Value) -> bool {
        match state.get("tags") {
            Value::Map(m) => m.get(&self.key).is_some_and(|v| {
                self.value
                    .as_deref()
                    .is_none_or(|want| v.as_str() == Some(want))
            }),
            tags => tags.as_items().unwrap_or(&[]).iter().any(|t| {
                let t = t.as_str().unwrap_or("");
                match &self.value {
                    Some(v) => t == format!("{}:{v}", self.key),
                    None => t == self.key,
                }
            }),
        }
    }
}

/// Whether objects of the type carry tags at all (those that do not are taken when
/// they refer to an object that was taken).
pub fn taggable(state: &Value) -> bool {
    matches!(state, Value::Map(m) if m.contains_key("tags"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_cloud_made_is_left_out() {
        let sg = |n: &str| Value::object([("name", Value::from(n))]);
        assert!(made_by_the_cloud("aws_security_group", &sg("default")).is_some());
        assert!(made_by_the_cloud("aws_security_group", &sg("web")).is_none());
        assert!(made_by_the_cloud("aws_db_parameter_group", &sg("default.postgres14")).is_some());
        let ns = Value::object([("type", Value::from("NS")), ("name", Value::from("@"))]);
        assert!(made_by_the_cloud("digitalocean_record", &ns).is_some());
        assert!(!listed_by_default("aws_alb"));
        assert!(!listed_by_default("aws_vpc_security_group_ingress_rule"));
        assert!(listed_by_default("aws_lb"));
    }

    #[test]
    fn tag_filters_match_maps_and_lists() {
        let f = TagFilter::parse("team=web").unwrap();
        let aws = Value::object([("tags", Value::object([("team", Value::from("web"))]))]);
        let other = Value::object([("tags", Value::object([("team", Value::from("db"))]))]);
        assert!(f.matches(&aws));
        assert!(!f.matches(&other));
        let droplet = Value::object([("tags", Value::set(vec![Value::from("team:web")]))]);
        assert!(f.matches(&droplet));
        let any = TagFilter::parse("web").unwrap();
        assert!(any.matches(&Value::object([(
            "tags",
            Value::set(vec![Value::from("web")])
        )])));
        assert!(TagFilter::parse("=x").is_err());
        assert!(!taggable(&Value::object([("zone_id", Value::from("Z"))])));
    }
}
