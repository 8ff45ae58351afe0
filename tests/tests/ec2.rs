//! EC2 end to end: key pair, security groups and a separate rule, two instances, an
//! Elastic IP on each (one inline, one through an association), and the data sources
//! that find the default VPC, its subnets and an Ubuntu AMI. Checked with aws-sdk-ec2.

use aws_sdk_ec2::types::Filter;
use iac_e2e::{Emulator, Stack, on_emulators, unique};

const PUBLIC_KEY: &str = include_str!("e2e_key.pub");

fn stack_files(name: &str) -> String {
    format!(
        r##"
variable "instance_type" {{
  default = "t3.micro"
}}

variable "ssh_cidr" {{
  default = "203.0.113.0/24"
}}

variable "ubuntu_release" {{
  default = "xenial-16.04"
}}

data "aws_vpc" "default" {{
  default = true
}}

data "aws_subnets" "default" {{
  filter {{
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }}
}}

data "aws_availability_zones" "zones" {{
  state = "available"
}}

data "aws_caller_identity" "me" {{}}

data "aws_ami" "ubuntu" {{
  most_recent = true
  owners      = ["099720109477"]
  filter {{
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-${{var.ubuntu_release}}-amd64-server-*"]
  }}
}}

resource "aws_key_pair" "ops" {{
  key_name   = "{name}-ops"
  public_key = "{key}"
}}

resource "aws_security_group" "ssh" {{
  name        = "{name}-ssh"
  description = "SSH from the office"
  vpc_id      = data.aws_vpc.default.id

  ingress {{
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  tags = {{
    Name = "{name}-ssh"
  }}
}}

resource "aws_security_group" "https" {{
  name   = "{name}-https"
  vpc_id = data.aws_vpc.default.id
}}

resource "aws_vpc_security_group_ingress_rule" "https" {{
  security_group_id = aws_security_group.https.id
  cidr_ipv4         = var.ssh_cidr
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
  description       = "https from the office"
}}

resource "aws_instance" "web" {{
  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  subnet_id              = data.aws_subnets.default.ids[0]
  vpc_security_group_ids = [aws_security_group.ssh.id, aws_security_group.https.id]
  key_name               = aws_key_pair.ops.key_name
  user_data              = "#!/bin/sh\necho hello\n"

  root_block_device {{
    volume_size = 20
    volume_type = "gp3"
  }}

  tags = {{
    Name = "{name}-web"
  }}
}}

resource "aws_eip" "web" {{
  domain   = "vpc"
  instance = aws_instance.web.id
  tags = {{
    Name = "{name}-web"
  }}
}}

resource "aws_instance" "worker" {{
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.nano"
  subnet_id     = data.aws_subnets.default.ids[0]
}}

resource "aws_eip" "worker" {{
  domain = "vpc"
}}

resource "aws_eip_association" "worker" {{
  allocation_id = aws_eip.worker.id
  instance_id   = aws_instance.worker.id
}}

output "web_ip" {{
  value = aws_eip.web.public_ip
}}

output "account" {{
  value = data.aws_caller_identity.me.account_id
}}

output "zones" {{
  value = length(data.aws_availability_zones.zones.names)
}}
"##,
        key = PUBLIC_KEY.trim()
    )
}

async fn instance(ec2: &aws_sdk_ec2::Client, id: &str) -> aws_sdk_ec2::types::Instance {
    let out = ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .unwrap();
    out.reservations()[0].instances()[0].clone()
}

async fn address_of(ec2: &aws_sdk_ec2::Client, allocation: &str) -> aws_sdk_ec2::types::Address {
    let out = ec2
        .describe_addresses()
        .allocation_ids(allocation)
        .send()
        .await
        .unwrap();
    out.addresses()[0].clone()
}

async fn hosts_with_addresses(emu: Emulator) {
    let name = unique("e2e");
    let stack = Stack::new(emu, &[("main.hcl", &stack_files(&name))]);
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());

    let applied = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        applied
            .stdout
            .contains("Resources: 9 added, 0 changed, 0 destroyed"),
        "{}",
        applied.stdout
    );

    let web_id = stack.attr("aws_instance.web", "id");
    let web = instance(&ec2, &web_id).await;
    assert_eq!(web.instance_type().unwrap().as_str(), "t3.micro");
    assert_eq!(web.state().unwrap().name().unwrap().as_str(), "running");
    assert_eq!(web.key_name(), Some(format!("{name}-ops").as_str()));
    assert_eq!(web.security_groups().len(), 2);
    assert!(web.image_id().unwrap().starts_with("ami-"));
    let web_eip = address_of(&ec2, &stack.attr("aws_eip.web", "id")).await;
    assert_eq!(web_eip.instance_id(), Some(web_id.as_str()));
    assert_eq!(
        stack.state()["outputs"]["web_ip"]["value"],
        web_eip.public_ip().unwrap()
    );
    // The names EC2 gives the address in eu-west-1 (DescribeAddresses has none).
    let dashed = |ip: &str| ip.replace('.', "-");
    assert_eq!(
        stack.attr("aws_eip.web", "public_dns"),
        format!(
            "ec2-{}.eu-west-1.compute.amazonaws.com",
            dashed(web_eip.public_ip().unwrap())
        )
    );
    if let Some(private) = web_eip.private_ip_address() {
        assert_eq!(
            stack.attr("aws_eip.web", "private_dns"),
            format!("ip-{}.eu-west-1.compute.internal", dashed(private))
        );
    }
    let worker_id = stack.attr("aws_instance.worker", "id");
    let worker_eip = address_of(&ec2, &stack.attr("aws_eip.worker", "id")).await;
    assert_eq!(worker_eip.instance_id(), Some(worker_id.as_str()));

    let ssh_group = stack.attr("aws_security_group.ssh", "id");
    let groups = ec2
        .describe_security_groups()
        .group_ids(&ssh_group)
        .send()
        .await
        .unwrap();
    let ssh = &groups.security_groups()[0];
    assert_eq!(ssh.ip_permissions().len(), 1);
    assert_eq!(ssh.ip_permissions()[0].from_port(), Some(22));
    assert_eq!(
        ssh.ip_permissions()[0].ip_ranges()[0].cidr_ip(),
        Some("203.0.113.0/24")
    );
    assert_eq!(ssh.ip_permissions_egress().len(), 1);
    let rules = ec2
        .describe_security_group_rules()
        .filters(
            Filter::builder()
                .name("group-id")
                .values(stack.attr("aws_security_group.https", "id"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(
        rules
            .security_group_rules()
            .iter()
            .any(|r| r.from_port() == Some(443) && r.is_egress() == Some(false))
    );
    let keys = ec2
        .describe_key_pairs()
        .key_names(format!("{name}-ops"))
        .send()
        .await
        .unwrap();
    assert_eq!(keys.key_pairs().len(), 1);

    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    // A new instance type is a stop, modify and start of the same instance; a new
    // CIDR changes the group's rules, and the separate rule, in place.
    let rule_id = stack.attr("aws_vpc_security_group_ingress_rule.https", "id");
    let plan = stack
        .iac(&[
            "plan",
            "-no-color",
            "-var",
            "instance_type=t3.small",
            "-var",
            "ssh_cidr=198.51.100.0/24",
        ])
        .expect(0);
    assert!(
        plan.stdout
            .contains("aws_instance.web will be updated in-place")
            && plan
                .stdout
                .contains("aws_security_group.ssh will be updated in-place")
            && plan
                .stdout
                .contains("aws_vpc_security_group_ingress_rule.https will be updated in-place")
            && plan
                .stdout
                .contains("Plan: 0 to add, 3 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    stack
        .iac(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-var",
            "instance_type=t3.small",
            "-var",
            "ssh_cidr=198.51.100.0/24",
        ])
        .expect(0);
    let web = instance(&ec2, &web_id).await;
    assert_eq!(web.instance_type().unwrap().as_str(), "t3.small");
    assert_eq!(web.state().unwrap().name().unwrap().as_str(), "running");
    let groups = ec2
        .describe_security_groups()
        .group_ids(&ssh_group)
        .send()
        .await
        .unwrap();
    assert_eq!(
        groups.security_groups()[0].ip_permissions()[0].ip_ranges()[0].cidr_ip(),
        Some("198.51.100.0/24")
    );
    let rule = ec2
        .describe_security_group_rules()
        .security_group_rule_ids(&rule_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        rule.security_group_rules()[0].cidr_ipv4(),
        Some("198.51.100.0/24")
    );

    // Another AMI replaces the instance; its Elastic IP follows it.
    let vars = [
        "-var",
        "instance_type=t3.small",
        "-var",
        "ssh_cidr=198.51.100.0/24",
        "-var",
        "ubuntu_release=trusty-14.04",
    ];
    let plan = stack
        .iac(&[&["plan", "-no-color"][..], &vars].concat())
        .expect(0);
    assert!(
        plan.stdout.contains("aws_instance.web must be replaced")
            && plan.stdout.contains("# forces replacement"),
        "{}",
        plan.stdout
    );
    stack
        .iac(&[&["apply", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    let new_web_id = stack.attr("aws_instance.web", "id");
    assert_ne!(new_web_id, web_id);
    let old = instance(&ec2, &web_id).await;
    assert_eq!(old.state().unwrap().name().unwrap().as_str(), "terminated");
    let web_eip = address_of(&ec2, &stack.attr("aws_eip.web", "id")).await;
    assert_eq!(web_eip.instance_id(), Some(new_web_id.as_str()));
    stack
        .iac(&[&["plan", "-detailed-exitcode", "-no-color"][..], &vars].concat())
        .expect(0);

    // Forget everything, adopt it again by id, and see no changes.
    let adopt = [
        ("aws_key_pair.ops", format!("{name}-ops")),
        ("aws_security_group.ssh", ssh_group.clone()),
        (
            "aws_vpc_security_group_ingress_rule.https",
            stack.attr("aws_vpc_security_group_ingress_rule.https", "id"),
        ),
        ("aws_instance.web", new_web_id.clone()),
        ("aws_eip.web", stack.attr("aws_eip.web", "id")),
        (
            "aws_eip_association.worker",
            stack.attr("aws_eip_association.worker", "id"),
        ),
    ];
    for (addr, _) in &adopt {
        stack.iac(&["state", "rm", addr]).expect(0);
    }
    for (addr, id) in &adopt {
        stack
            .iac(&[&["import", "-no-color"][..], &vars, &[addr, id]].concat())
            .expect(0);
    }
    let plan = stack.iac(&[&["plan", "-detailed-exitcode", "-no-color"][..], &vars].concat());
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);

    stack
        .iac(&[&["destroy", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    for id in [&new_web_id, &worker_id] {
        let i = instance(&ec2, id).await;
        assert_eq!(i.state().unwrap().name().unwrap().as_str(), "terminated");
    }
    let left = ec2
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("group-name")
                .values(format!("{name}-*"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(left.security_groups().is_empty());
    let addresses = ec2.describe_addresses().send().await.unwrap();
    assert!(addresses.addresses().is_empty());
    let keys = ec2.describe_key_pairs().send().await.unwrap();
    assert!(keys.key_pairs().is_empty());
}

on_emulators!(hosts_with_addresses: Moto, LocalStack);
