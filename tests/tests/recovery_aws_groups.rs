//! A security group, an ingress rule and a key pair whose creates' answers were lost,
//! on moto: found by what their creates sent, from the journal a killed run left, and
//! within the same apply when the fault proxy loses the answers. Exactly one of each
//! exists afterwards and a re-plan is clean.

use aws_sdk_ec2::types::Filter;
use iac_e2e::journal::{self, apply_adopts};
use iac_e2e::{Emulator, FaultProxy, Faults, Stack, unique};
use serde_json::json;

const MOTO: Emulator = Emulator::Moto;

const KEY: &str = include_str!("e2e_key.pub");

/// A stack of a group `name` in the default VPC, an HTTPS ingress rule of it and a key
/// pair `name-ops`.
fn group_rule_and_key(name: &str) -> Stack {
    let key = KEY.trim();
    Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
data "aws_vpc" "default" {{
  default = true
}}

resource "aws_security_group" "web" {{
  name        = "{name}"
  description = "web"
  vpc_id      = data.aws_vpc.default.id
}}

resource "aws_vpc_security_group_ingress_rule" "https" {{
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}}

resource "aws_key_pair" "ops" {{
  key_name   = "{name}-ops"
  public_key = "{key}"
}}
"#
            ),
        )],
    )
}

fn ec2(stack: &Stack) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&stack.sdk())
}

/// The ids of the group's ingress rules for port 443.
async fn https_rules(ec2: &aws_sdk_ec2::Client, group: &str) -> Vec<String> {
    let rules = ec2
        .describe_security_group_rules()
        .filters(Filter::builder().name("group-id").values(group).build())
        .send()
        .await
        .unwrap();
    rules
        .security_group_rules()
        .iter()
        .filter(|r| r.is_egress() != Some(true) && r.from_port() == Some(443))
        .map(|r| r.security_group_rule_id().unwrap().to_string())
        .collect()
}

/// An allow-all (`-1`) or TCP permission for 0.0.0.0/0.
fn permission(protocol: &str, port: Option<i32>) -> aws_sdk_ec2::types::IpPermission {
    aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol(protocol)
        .set_from_port(port)
        .set_to_port(port)
        .ip_ranges(
            aws_sdk_ec2::types::IpRange::builder()
                .cidr_ip("0.0.0.0/0")
                .build(),
        )
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_a_key_pair_and_a_rule_are_found_by_what_their_creates_sent() {
    let name = unique("lost-sg");
    let key = KEY.trim().to_string();
    let stack = group_rule_and_key(&name);
    let ec2 = ec2(&stack);
    let vpc = iac_e2e::ec2::default_vpc(&ec2).await;
    // Made by a first apply that then lost track of them: the group and its rule.
    let group = ec2
        .create_security_group()
        .group_name(&name)
        .description("web")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&group)
        .ip_permissions(permission("tcp", Some(443)))
        .send()
        .await
        .unwrap();
    // The create took the default allow-all egress rule away: no egress is planned.
    ec2.revoke_security_group_egress()
        .group_id(&group)
        .ip_permissions(permission("-1", None))
        .send()
        .await
        .unwrap();
    ec2.import_key_pair()
        .key_name(format!("{name}-ops"))
        .public_key_material(aws_sdk_ec2::primitives::Blob::new(key.clone().into_bytes()))
        .send()
        .await
        .unwrap();
    // The group was recorded, the rule and the key pair were still in flight.
    journal::write(
        &stack,
        vec![
            journal::entry(
                "aws_security_group.web",
                &journal::token(),
                json!({"name": name, "description": "web", "vpc_id": vpc,
                       "ingress": [], "egress": [], "tags_all": {}}),
            ),
            journal::entry(
                "aws_vpc_security_group_ingress_rule.https",
                &journal::token(),
                json!({"security_group_id": group, "ip_protocol": "tcp", "from_port": 443,
                       "to_port": 443, "cidr_ipv4": "0.0.0.0/0", "tags_all": {}}),
            ),
            journal::entry(
                "aws_key_pair.ops",
                &journal::token(),
                json!({"key_name": format!("{name}-ops"), "public_key": key, "tags_all": {}}),
            ),
        ],
    );
    apply_adopts(
        &stack,
        &[
            "aws_security_group.web",
            "aws_vpc_security_group_ingress_rule.https",
            "aws_key_pair.ops",
        ],
    );
    assert_eq!(stack.attr("aws_security_group.web", "id"), group);
    assert_eq!(https_rules(&ec2, &group).await.len(), 1, "no second rule");
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_whose_answers_are_lost_are_found_within_the_same_apply() {
    let name = unique("lost-answer");
    let proxy = FaultProxy::start(&MOTO.running().endpoint, Faults::none());
    let lost = [
        "CreateSecurityGroup",
        "AuthorizeSecurityGroupIngress",
        "ImportKeyPair",
    ];
    proxy.lose_first_answers(&lost);
    let stack = group_rule_and_key(&name).through(&proxy);
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    let mut answers_lost = proxy.lost_responses();
    answers_lost.sort();
    assert_eq!(
        answers_lost,
        [
            "ec2 AuthorizeSecurityGroupIngress",
            "ec2 CreateSecurityGroup",
            "ec2 ImportKeyPair"
        ],
        "every answer was lost once"
    );
    let ec2 = ec2(&stack);
    let groups = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("group-name").values(&name).build())
        .send()
        .await
        .unwrap();
    assert_eq!(groups.security_groups().len(), 1, "one group");
    let group = groups.security_groups()[0].group_id().unwrap().to_string();
    assert_eq!(stack.attr("aws_security_group.web", "id"), group);
    let https = https_rules(&ec2, &group).await;
    assert_eq!(https.len(), 1, "one rule");
    assert_eq!(
        stack.attr("aws_vpc_security_group_ingress_rule.https", "id"),
        https[0]
    );
    assert_eq!(
        stack.attr("aws_key_pair.ops", "key_name"),
        format!("{name}-ops")
    );
    assert!(
        stack.state().get("pending").is_none(),
        "nothing left journaled"
    );
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);
}
