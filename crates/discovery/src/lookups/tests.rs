use iac_value::{PathStep, Value};

use super::{Image, Lookups, Outside};

fn key(k: &str) -> PathStep {
    PathStep::Key(k.to_string())
}

fn outside() -> Outside {
    Outside {
        default_vpc: Some("vpc-1".into()),
        default_subnets: [("subnet-a", "us-east-1a"), ("subnet-b", "us-east-1b")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        images: [
            (
                "ami-1".to_string(),
                Some(Image {
                    owner: "137112412989".into(),
                    name: "al2023-ami-2023.6".into(),
                }),
            ),
            ("ami-gone".to_string(), None),
        ]
        .into_iter()
        .collect(),
    }
}

#[test]
fn the_default_vpc_its_subnets_and_images_become_lookups() {
    let l = Lookups::new(outside());
    assert_eq!(
        l.expression(&vec![key("vpc_id")], &Value::from("vpc-1"))
            .as_deref(),
        Some("data.aws_vpc.default.id")
    );
    assert_eq!(
        l.expression(&vec![key("vpc_id")], &Value::from("vpc-2")),
        None
    );
    assert_eq!(
        l.expression(&vec![key("subnet_id")], &Value::from("subnet-b"))
            .as_deref(),
        Some("data.aws_subnets.default_us_east_1b.ids[0]")
    );
    let both = Value::set(vec![Value::from("subnet-a"), Value::from("subnet-b")]);
    assert_eq!(
        l.expression(&vec![key("subnets")], &both).as_deref(),
        Some("data.aws_subnets.default.ids")
    );
    assert_eq!(
        l.expression(&vec![key("ami")], &Value::from("ami-1"))
            .as_deref(),
        Some("data.aws_ami.ami_1.id")
    );
    assert_eq!(
        l.expression(&vec![key("ami")], &Value::from("ami-gone"))
            .as_deref(),
        Some("var.ami_gone")
    );
    let text = l.blocks();
    hcl_edit::parser::parse_body(&text).expect("lookups parse");
    for want in [
        "data \"aws_vpc\" \"default\" {\n  default = true\n}\n",
        "data \"aws_subnets\" \"default\" {\n  filter {\n    name   = \"vpc-id\"\n    values = [data.aws_vpc.default.id]\n  }\n}\n",
        "data \"aws_subnets\" \"default_us_east_1b\" {",
        "    values = [\"us-east-1b\"]\n",
        "data \"aws_ami\" \"ami_1\" {\n  owners = [\"137112412989\"]\n  filter {\n    name   = \"name\"\n    values = [\"al2023-ami-2023.6\"]\n",
        "variable \"ami_gone\" {",
        "  default     = \"ami-gone\"\n",
    ] {
        assert!(text.contains(want), "{want} in:\n{text}");
    }
}

#[test]
fn nothing_outside_means_no_blocks() {
    let l = Lookups::new(Outside::default());
    assert_eq!(
        l.expression(&vec![key("vpc_id")], &Value::from("vpc-1")),
        None
    );
    assert!(l.is_empty());
}
