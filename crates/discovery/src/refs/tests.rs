use iac_value::{PathStep, Value};

use super::{LINKS, Refs, Target};

fn target(type_name: &str, name: &str, state: Value) -> Target {
    Target {
        type_name: type_name.to_string(),
        address: format!("{type_name}.{name}"),
        state,
    }
}

fn key(k: &str) -> PathStep {
    PathStep::Key(k.to_string())
}

#[test]
fn linked_attributes_become_references() {
    let targets = vec![
        target(
            "aws_security_group",
            "web",
            Value::object([("id", Value::from("sg-1"))]),
        ),
        target(
            "aws_instance",
            "cache",
            Value::object([("id", Value::from("i-1"))]),
        ),
        target(
            "aws_eip",
            "web",
            Value::object([("public_ip", Value::from("198.51.100.4"))]),
        ),
        target(
            "aws_route53_zone",
            "main",
            Value::object([("zone_id", Value::from("Z123"))]),
        ),
    ];
    let refs = Refs::new(&targets);
    let sg = vec![key("vpc_security_group_ids"), PathStep::Index(0)];
    assert_eq!(
        refs.reference(1, &sg, &Value::from("sg-1")).as_deref(),
        Some("aws_security_group.web.id")
    );
    assert_eq!(refs.reference(1, &sg, &Value::from("sg-2")), None);
    let record = target("aws_route53_record", "www", Value::Null);
    let mut all = targets.clone();
    all.push(record);
    let refs = Refs::new(&all);
    assert_eq!(
        refs.reference(4, &vec![key("zone_id")], &Value::from("Z123"))
            .as_deref(),
        Some("aws_route53_zone.main.zone_id")
    );
    assert_eq!(
        refs.reference(
            4,
            &vec![key("records"), PathStep::Index(0)],
            &Value::from("198.51.100.4")
        )
        .as_deref(),
        Some("aws_eip.web.public_ip")
    );
    // Only within the table: an instance id in a record's `name` is no reference.
    assert_eq!(
        refs.reference(4, &vec![key("name")], &Value::from("i-1")),
        None
    );
}

#[test]
fn numbers_match_ids_and_cycles_are_refused() {
    let targets = vec![
        target(
            "digitalocean_droplet",
            "web",
            Value::object([("id", Value::from("101"))]),
        ),
        target("digitalocean_firewall", "web", Value::Null),
        target(
            "aws_security_group",
            "a",
            Value::object([("id", Value::from("sg-a"))]),
        ),
        target(
            "aws_security_group",
            "b",
            Value::object([("id", Value::from("sg-b"))]),
        ),
    ];
    let refs = Refs::new(&targets);
    let ids = vec![key("droplet_ids"), PathStep::Index(0)];
    assert_eq!(
        refs.reference(1, &ids, &Value::Number(101.0)).as_deref(),
        Some("digitalocean_droplet.web.id")
    );
    let rule = vec![
        key("ingress"),
        PathStep::Index(0),
        key("security_groups"),
        PathStep::Index(0),
    ];
    assert_eq!(
        refs.reference(2, &rule, &Value::from("sg-b")).as_deref(),
        Some("aws_security_group.b.id")
    );
    assert_eq!(
        refs.reference(3, &rule, &Value::from("sg-a")),
        None,
        "a cycle"
    );
    assert_eq!(
        refs.reference(2, &rule, &Value::from("sg-a")),
        None,
        "itself"
    );
    assert_eq!(refs.referred_by(2), vec![3]);
}

#[test]
fn ambiguous_values_stay_literal() {
    let targets = vec![
        target(
            "digitalocean_droplet",
            "a",
            Value::object([("ipv4_address", Value::from("192.0.2.1"))]),
        ),
        target(
            "digitalocean_droplet",
            "b",
            Value::object([("ipv4_address", Value::from("192.0.2.1"))]),
        ),
        target("digitalocean_record", "www", Value::Null),
    ];
    let refs = Refs::new(&targets);
    assert_eq!(
        refs.reference(2, &vec![key("value")], &Value::from("192.0.2.1")),
        None
    );
}

#[test]
fn every_link_names_attributes_of_the_providers_schemas() {
    use iac_provider::Provider;
    let aws = iac_provider_aws::AwsProvider::new();
    let digitalocean = iac_provider_digitalocean::DigitalOceanProvider::new();
    for l in LINKS {
        let schemas = if l.from.starts_with("aws_") {
            aws.schema()
        } else {
            digitalocean.schema()
        };
        let Some(from) = schemas.resources.get(l.from) else {
            panic!("{} is no resource type", l.from);
        };
        let mut schema = from;
        let mut parts: Vec<&str> = l.path.split('.').collect();
        let attr = parts.pop().expect("a path");
        for block in parts {
            schema = &schema
                .blocks
                .get(block)
                .unwrap_or_else(|| panic!("{l:?}"))
                .schema;
        }
        assert!(schema.attributes.contains_key(attr), "{l:?}: no {attr}");
        let to = schemas
            .resources
            .get(l.to)
            .unwrap_or_else(|| panic!("{l:?}: no {}", l.to));
        assert!(
            to.attributes.contains_key(l.attr),
            "{l:?}: {} has no {}",
            l.to,
            l.attr
        );
    }
}
