use iac_provider::{Provider, Schema};
use iac_value::Value;

use super::{ToWrite, resource_block, resource_blocks};

fn aws(type_name: &str) -> Schema {
    iac_provider_aws::AwsProvider::new().schema().resources[type_name].clone()
}

fn digitalocean(type_name: &str) -> Schema {
    iac_provider_digitalocean::DigitalOceanProvider::new()
        .schema()
        .resources[type_name]
        .clone()
}

fn strings(items: &[&str]) -> Value {
    Value::set(items.iter().map(|s| Value::from(*s)).collect())
}

#[test]
fn a_security_group_keeps_what_would_change_it_and_drops_the_computed() {
    let rule = Value::object([
        ("from_port", Value::Number(443.0)),
        ("to_port", Value::Number(443.0)),
        ("protocol", Value::from("tcp")),
        ("cidr_blocks", strings(&["0.0.0.0/0"])),
        ("ipv6_cidr_blocks", Value::Null),
        ("self", Value::Bool(false)),
        ("description", Value::Null),
    ]);
    let state = Value::object([
        ("id", Value::from("sg-0123")),
        (
            "arn",
            Value::from("arn:aws:ec2:us-east-1:1:security-group/sg-0123"),
        ),
        ("owner_id", Value::from("123456789012")),
        ("name", Value::from("web")),
        ("name_prefix", Value::Null),
        ("description", Value::from("web servers")),
        ("vpc_id", Value::from("vpc-1")),
        ("ingress", Value::set(vec![rule])),
        ("egress", Value::set(vec![])),
        ("tags", Value::object([("Name", Value::from("web"))])),
        ("tags_all", Value::object([("Name", Value::from("web"))])),
    ]);
    let text = resource_block(
        "aws_security_group",
        "web",
        &aws("aws_security_group"),
        &state,
    );
    assert_eq!(
        text,
        r#"resource "aws_security_group" "web" {
  description = "web servers"
  name        = "web"
  tags = {
    Name = "web"
  }
  vpc_id = "vpc-1"
  ingress {
    cidr_blocks = ["0.0.0.0/0"]
    from_port   = 443
    protocol    = "tcp"
    to_port     = 443
  }
}
"#
    );
}

#[test]
fn a_name_made_from_a_prefix_is_written_as_the_prefix() {
    let state = Value::object([
        ("name", Value::from("web-20261202150000000000000001")),
        ("name_prefix", Value::from("web-")),
        ("description", Value::from("web servers")),
    ]);
    let text = resource_block(
        "aws_security_group",
        "web",
        &aws("aws_security_group"),
        &state,
    );
    assert!(text.contains("  name_prefix = \"web-\"\n"), "{text}");
    assert!(!text.contains("  name "), "{text}");
}

#[test]
fn generated_blocks_refer_to_each_other() {
    let zone = Value::object([
        ("name", Value::from("example.com")),
        ("zone_id", Value::from("Z123")),
    ]);
    let record = Value::object([
        ("zone_id", Value::from("Z123")),
        ("name", Value::from("www.example.com")),
        ("type", Value::from("A")),
        ("ttl", Value::Number(300.0)),
        ("records", strings(&["192.0.2.1"])),
    ]);
    let (zone_schema, record_schema) = (aws("aws_route53_zone"), aws("aws_route53_record"));
    let blocks = resource_blocks(&[
        ToWrite {
            type_name: "aws_route53_zone",
            name: "main",
            schema: &zone_schema,
            state: &zone,
        },
        ToWrite {
            type_name: "aws_route53_record",
            name: "www",
            schema: &record_schema,
            state: &record,
        },
    ]);
    assert!(
        blocks[1].contains("zone_id = aws_route53_zone.main.zone_id"),
        "{}",
        blocks[1]
    );
    assert!(!blocks[1].contains("Z123"), "{}", blocks[1]);
}

#[test]
fn a_default_is_left_out_only_when_the_value_is_the_default() {
    let schema = aws("aws_security_group");
    let state = Value::object([
        ("name", Value::from("db")),
        ("description", Value::from("Managed by Terraform")),
    ]);
    let text = resource_block("aws_security_group", "db", &schema, &state);
    assert!(!text.contains("description"), "{text}");
}

#[test]
fn secrets_are_never_written_and_a_missing_password_is_explained() {
    let schema = aws("aws_db_instance");
    let state = Value::object([
        ("identifier", Value::from("orders")),
        ("instance_class", Value::from("db.t3.micro")),
        ("engine", Value::from("postgres")),
        ("allocated_storage", Value::Number(20.0)),
        ("skip_final_snapshot", Value::Null),
        ("password", Value::Null),
    ]);
    let text = resource_block("aws_db_instance", "orders", &schema, &state);
    assert!(
        text.starts_with(
            "resource \"aws_db_instance\" \"orders\" {\n  # password: the API does not return it"
        ),
        "{text}"
    );
    assert!(text.contains("  allocated_storage = 20\n"), "{text}");
    assert!(!text.contains("skip_final_snapshot"), "{text}");

    let marked = Value::object([
        ("identifier", Value::from("orders")),
        ("password", Value::from("hunter22").mark_sensitive()),
    ]);
    let text = resource_block("aws_db_instance", "orders", &schema, &marked);
    assert!(!text.contains("hunter22"), "{text}");
    assert!(text.contains("# password: sensitive, left out"), "{text}");
}

#[test]
fn a_droplet_with_tags_and_a_script() {
    let state = Value::object([
        ("id", Value::from("1234")),
        ("urn", Value::from("do:droplet:1234")),
        ("name", Value::from("web-1")),
        ("region", Value::from("nyc3")),
        ("size", Value::from("s-1vcpu-1gb")),
        ("image", Value::from("ubuntu-24-04-x64")),
        ("backups", Value::Bool(false)),
        ("ipv6", Value::Bool(true)),
        ("tags", strings(&["web", "prod"])),
        ("user_data", Value::from("#!/bin/sh\necho ${HOME}\n")),
        ("ipv4_address", Value::from("203.0.113.7")),
    ]);
    let text = resource_block(
        "digitalocean_droplet",
        "web_1",
        &digitalocean("digitalocean_droplet"),
        &state,
    );
    assert!(text.contains("  ipv6      = true\n"), "{text}");
    assert!(!text.contains("backups"), "{text}");
    assert!(!text.contains("ipv4_address"), "{text}");
    assert!(!text.contains("urn"), "{text}");
    assert!(
        text.contains("  tags      = [\"prod\", \"web\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("<<EOT\n#!/bin/sh\necho $${HOME}\nEOT\n"),
        "{text}"
    );
}

#[test]
fn generated_blocks_parse_and_are_formatted() {
    let state = Value::object([
        ("bucket", Value::from("logs.example.com")),
        (
            "tags",
            Value::object([
                ("kubernetes.io/role", Value::from("x")),
                ("Team", Value::from("ops \"blue\"")),
            ]),
        ),
    ]);
    let text = resource_block("aws_s3_bucket", "logs", &aws("aws_s3_bucket"), &state);
    hcl_edit::parser::parse_body(&text).expect("generated text parses");
    assert_eq!(iac_lang::format::format_text(&text), text);
    assert!(text.contains("\"kubernetes.io/role\" = \"x\""), "{text}");
    assert!(
        text.contains("Team                 = \"ops \\\"blue\\\"\""),
        "{text}"
    );
}
