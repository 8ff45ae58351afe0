//! ELBv2 end to end (moto only: LocalStack's free edition has no ELBv2): a load
//! balancer, a target group with an instance in it, and listeners that forward,
//! redirect and answer themselves. Checked with aws-sdk-elasticloadbalancingv2.

use iac_e2e::{Emulator, Stack, on_emulators, unique};

fn stack_files(name: &str) -> String {
    format!(
        r#"
variable "idle_timeout" {{
  default = 60
}}

variable "app_port" {{
  default = 8000
}}

variable "health_path" {{
  default = "/health"
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

data "aws_ami" "ubuntu" {{
  most_recent = true
  owners      = ["099720109477"]
  filter {{
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*"]
  }}
}}

resource "aws_security_group" "lb" {{
  name   = "{name}-lb"
  vpc_id = data.aws_vpc.default.id
  ingress {{
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_instance" "app" {{
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.small"
  subnet_id     = data.aws_subnets.default.ids[0]
}}

resource "aws_lb" "web" {{
  name               = "{name}"
  load_balancer_type = "application"
  security_groups    = [aws_security_group.lb.id]
  subnets            = slice(data.aws_subnets.default.ids, 0, 2)
  idle_timeout       = var.idle_timeout
  tags = {{
    Name = "{name}"
  }}
}}

# As with Terraform, a target group a listener uses can only be replaced by creating
# the new one first (hence a name prefix rather than a fixed name).
resource "aws_lb_target_group" "app" {{
  name_prefix = "app-"
  port        = var.app_port
  protocol    = "HTTP"
  vpc_id      = data.aws_vpc.default.id
  health_check {{
    path    = var.health_path
    matcher = "200"
  }}

  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "aws_lb_target_group_attachment" "app" {{
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app.id
  port             = var.app_port
}}

resource "aws_lb_listener" "http" {{
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }}
}}

resource "aws_lb_listener" "admin" {{
  load_balancer_arn = aws_lb.web.arn
  port              = 8080
  protocol          = "HTTP"
  default_action {{
    type = "fixed-response"
    fixed_response {{
      content_type = "text/plain"
      message_body = "closed"
      status_code  = "403"
    }}
  }}
}}

resource "aws_lb_listener" "legacy" {{
  load_balancer_arn = aws_lb.web.arn
  port              = 81
  protocol          = "HTTP"
  default_action {{
    type = "redirect"
    redirect {{
      port        = "80"
      protocol    = "HTTP"
      status_code = "HTTP_301"
    }}
  }}
}}

output "dns_name" {{
  value = aws_lb.web.dns_name
}}
"#
    )
}

async fn balanced_app(emu: Emulator) {
    let name = unique("lb").replace('_', "-");
    let name = &name[name.len().saturating_sub(20)..];
    let name = name.trim_start_matches('-');
    let stack = Stack::new(emu, &[("main.hcl", &stack_files(name))]);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&stack.sdk());

    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let lb_arn = stack.attr("aws_lb.web", "arn");
    let lbs = elb
        .describe_load_balancers()
        .load_balancer_arns(&lb_arn)
        .send()
        .await
        .unwrap();
    let lb = &lbs.load_balancers()[0];
    assert_eq!(lb.state().unwrap().code().unwrap().as_str(), "active");
    assert_eq!(
        stack.state()["outputs"]["dns_name"]["value"],
        lb.dns_name().unwrap()
    );
    let tg_arn = stack.attr("aws_lb_target_group.app", "arn");
    let health = elb
        .describe_target_health()
        .target_group_arn(&tg_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.target_health_descriptions()[0]
            .target()
            .and_then(|t| t.id()),
        Some(stack.attr("aws_instance.app", "id").as_str())
    );
    let listeners = elb
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(listeners.listeners().len(), 3);
    let redirect = listeners
        .listeners()
        .iter()
        .find(|l| l.port() == Some(81))
        .unwrap();
    assert_eq!(
        redirect.default_actions()[0]
            .redirect_config()
            .and_then(|r| r.status_code())
            .map(|s| s.as_str()),
        Some("HTTP_301")
    );

    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    // Settings change in place; a new port replaces the target group, and what
    // refers to it follows.
    let vars = ["-var", "idle_timeout=120", "-var", "health_path=/up"];
    let plan = stack
        .iac(&[&["plan", "-no-color"][..], &vars].concat())
        .expect(0);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    stack
        .iac(&[&["apply", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    let attributes = elb
        .describe_load_balancer_attributes()
        .load_balancer_arn(&lb_arn)
        .send()
        .await
        .unwrap();
    assert!(
        attributes.attributes().iter().any(|a| {
            a.key() == Some("idle_timeout.timeout_seconds") && a.value() == Some("120")
        })
    );
    let groups = elb
        .describe_target_groups()
        .target_group_arns(&tg_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.target_groups()[0].health_check_path(), Some("/up"));

    let vars = [&vars[..], &["-var", "app_port=9000"]].concat();
    let plan = stack
        .iac(&[&["plan", "-no-color"][..], &vars].concat())
        .expect(0);
    assert!(
        plan.stdout
            .contains("aws_lb_target_group.app must be replaced"),
        "{}",
        plan.stdout
    );
    stack
        .iac(&[&["apply", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    let new_tg = stack.attr("aws_lb_target_group.app", "arn");
    assert_ne!(new_tg, tg_arn);
    let http = stack.attr("aws_lb_listener.http", "arn");
    let listeners = elb
        .describe_listeners()
        .listener_arns(&http)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listeners.listeners()[0].default_actions()[0].target_group_arn(),
        Some(new_tg.as_str())
    );

    let adopt = [
        ("aws_lb.web", lb_arn.clone()),
        ("aws_lb_target_group.app", new_tg.clone()),
        (
            "aws_lb_target_group_attachment.app",
            format!("{new_tg},{},9000", stack.attr("aws_instance.app", "id")),
        ),
        ("aws_lb_listener.http", http.clone()),
        (
            "aws_lb_listener.legacy",
            stack.attr("aws_lb_listener.legacy", "arn"),
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
    let left = elb.describe_load_balancers().send().await.unwrap();
    assert!(left.load_balancers().is_empty());
    let left = elb.describe_target_groups().send().await.unwrap();
    assert!(left.target_groups().is_empty());
}

on_emulators!(balanced_app: Moto);
