//! Security group rules in the `ingress`/`egress` block form, and EC2's
//! `IpPermission` form.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
use iac_provider::{Attribute, NestedBlock, Schema};
use iac_value::{Type, Value};

use crate::values::{flag, int, string, string_set, strings};

/// The schema of one `ingress` or `egress` block.
pub fn block() -> NestedBlock {
    let strings = || Attribute::optional(Type::set(Type::String));
    NestedBlock::set(Schema::new(
        [
            ("from_port", Attribute::required(Type::Number)),
            ("to_port", Attribute::required(Type::Number)),
            ("protocol", Attribute::required(Type::String)),
            ("cidr_blocks", strings()),
            ("ipv6_cidr_blocks", strings()),
            ("prefix_list_ids", strings()),
            ("security_groups", strings()),
            ("self", Attribute::optional(Type::Bool).default(false)),
            ("description", Attribute::optional(Type::String)),
        ],
        [],
    ))
}

/// A protocol the way EC2 reports it: names for TCP, UDP and ICMP, `-1` for all.
pub fn protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// Empty sets as null, so configured and read rules compare equal.
fn set_or_null(items: Vec<String>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        string_set(items)
    }
}

/// A rule in canonical form: protocol normalised, empty sets null, `self` a bool.
pub fn normalize(rule: &Value) -> Value {
    if !rule.is_wholly_known() {
        return rule.clone();
    }
    let all = string(rule, "protocol").as_deref().map(protocol) == Some("-1".into());
    let port = |name| if all { 0 } else { int(rule, name).unwrap_or(0) };
    Value::object([
        ("from_port", Value::from(port("from_port"))),
        ("to_port", Value::from(port("to_port"))),
        (
            "protocol",
            Value::from(protocol(&string(rule, "protocol").unwrap_or_default())),
        ),
        ("cidr_blocks", set_or_null(strings(rule, "cidr_blocks"))),
        (
            "ipv6_cidr_blocks",
            set_or_null(strings(rule, "ipv6_cidr_blocks")),
        ),
        (
            "prefix_list_ids",
            set_or_null(strings(rule, "prefix_list_ids")),
        ),
        (
            "security_groups",
            set_or_null(strings(rule, "security_groups")),
        ),
        ("self", Value::Bool(flag(rule, "self"))),
        (
            "description",
            crate::values::text(string(rule, "description")),
        ),
    ])
}

/// The EC2 permission a rule block stands for; `own_group` is the group's id, for
/// `self = true`.
pub fn to_permission(rule: &Value, own_group: &str) -> IpPermission {
    let description = string(rule, "description");
    let mut groups = strings(rule, "security_groups");
    if flag(rule, "self") {
        groups.push(own_group.to_string());
    }
    let mut p = IpPermission::builder()
        .ip_protocol(protocol(&string(rule, "protocol").unwrap_or_default()));
    if protocol(&string(rule, "protocol").unwrap_or_default()) != "-1" {
        p = p
            .from_port(int(rule, "from_port").unwrap_or(0) as i32)
            .to_port(int(rule, "to_port").unwrap_or(0) as i32);
    }
    for c in strings(rule, "cidr_blocks") {
        p = p.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(description.clone())
                .build(),
        );
    }
    for c in strings(rule, "ipv6_cidr_blocks") {
        p = p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(description.clone())
                .build(),
        );
    }
    for id in strings(rule, "prefix_list_ids") {
        p = p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(id)
                .set_description(description.clone())
                .build(),
        );
    }
    for g in groups {
        p = p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(description.clone())
                .build(),
        );
    }
    p.build()
}

/// What one rule collects while EC2's permissions are regrouped.
#[derive(Default)]
struct Gathered {
    cidr: Vec<String>,
    ipv6: Vec<String>,
    prefix_lists: Vec<String>,
    groups: Vec<String>,
    own: bool,
}

/// The egress rule AWS gives every new group: all traffic to anywhere.
pub fn allow_all_egress() -> Value {
    normalize(&Value::object([
        ("from_port", Value::from(0i64)),
        ("to_port", Value::from(0i64)),
        ("protocol", Value::from("-1")),
        ("cidr_blocks", string_set(["0.0.0.0/0"])),
    ]))
}

/// EC2's permissions as rule blocks: one per protocol, port range and description.
pub fn from_permissions(permissions: &[IpPermission], own_group: &str) -> Value {
    let mut rules: BTreeMap<(String, i32, i32, Option<String>), Gathered> = BTreeMap::new();
    for p in permissions {
        let proto = protocol(p.ip_protocol().unwrap_or("-1"));
        let (from, to) = if proto == "-1" {
            (0, 0)
        } else {
            (p.from_port().unwrap_or(0), p.to_port().unwrap_or(0))
        };
        let key = |d: Option<&str>| (proto.clone(), from, to, d.map(str::to_string));
        for r in p.ip_ranges() {
            let rule = rules.entry(key(r.description())).or_default();
            rule.cidr.extend(r.cidr_ip().map(str::to_string));
        }
        for r in p.ipv6_ranges() {
            let rule = rules.entry(key(r.description())).or_default();
            rule.ipv6.extend(r.cidr_ipv6().map(str::to_string));
        }
        for r in p.prefix_list_ids() {
            let rule = rules.entry(key(r.description())).or_default();
            rule.prefix_lists
                .extend(r.prefix_list_id().map(str::to_string));
        }
        for g in p.user_id_group_pairs() {
            let rule = rules.entry(key(g.description())).or_default();
            match g.group_id() {
                Some(id) if id == own_group => rule.own = true,
                Some(id) => rule.groups.push(id.to_string()),
                None => {}
            }
        }
    }
    Value::set(
        rules
            .into_iter()
            .map(|((proto, from, to, description), g)| {
                Value::object([
                    ("from_port", Value::from(from as i64)),
                    ("to_port", Value::from(to as i64)),
                    ("protocol", Value::from(proto)),
                    ("cidr_blocks", set_or_null(g.cidr)),
                    ("ipv6_cidr_blocks", set_or_null(g.ipv6)),
                    ("prefix_list_ids", set_or_null(g.prefix_lists)),
                    ("security_groups", set_or_null(g.groups)),
                    ("self", Value::Bool(g.own)),
                    ("description", crate::values::text(description)),
                ])
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_survives_the_round_trip_through_ec2() {
        let rule = normalize(&Value::object([
            ("from_port", Value::from(22i64)),
            ("to_port", Value::from(22i64)),
            ("protocol", Value::from("6")),
            ("cidr_blocks", string_set(["10.0.0.0/8", "192.168.0.0/16"])),
            ("self", Value::Bool(true)),
            ("description", Value::from("ssh")),
        ]));
        let back = from_permissions(&[to_permission(&rule, "sg-1")], "sg-1");
        assert_eq!(back, Value::set(vec![rule]));
    }

    #[test]
    fn the_default_egress_rule_reads_back_as_itself() {
        let permission = IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build();
        assert_eq!(
            from_permissions(&[permission], "sg-1"),
            Value::set(vec![allow_all_egress()])
        );
    }

    #[test]
    fn all_protocols_have_no_ports() {
        let rule = normalize(&Value::object([
            ("from_port", Value::from(0i64)),
            ("to_port", Value::from(65535i64)),
            ("protocol", Value::from("all")),
        ]));
        assert_eq!(rule.get("protocol").as_str(), Some("-1"));
        assert_eq!(rule.get("to_port").as_f64(), Some(0.0));
    }
}
