//! Creates whose answer was lost, on moto: each test makes the object as the create
//! would have (with the SDK: the same idempotency token, name or tags), writes a state
//! holding the create's journal entry (`pending`) as the applier writes it, and runs
//! `iac apply`: the object is adopted, exactly one exists, and a re-plan is clean. Also:
//! an entry whose create made nothing is created with the journaled token, a half-made
//! object is adopted tainted and replaced, an object that cannot be told apart stops the
//! plan, and an unreachable endpoint fails fast. (A security group, its rule and a key
//! pair: `recovery_aws_groups.rs`.)

use std::time::{Duration, Instant};

use aws_sdk_ec2::types::{DomainType, Filter, InstanceType, ResourceType, Tag, TagSpecification};
use iac_e2e::journal::{self, apply_adopts};
use iac_e2e::{Emulator, Stack, one_at_a_time, unique};
use serde_json::{Value, json};

const MOTO: Emulator = Emulator::Moto;

fn ec2(stack: &Stack) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&stack.sdk())
}

/// The instances (not terminated) that carry `token`.
async fn instances_with_token(stack: &Stack, token: &str) -> Vec<String> {
    let out = ec2(stack)
        .describe_instances()
        .filters(Filter::builder().name("client-token").values(token).build())
        .send()
        .await
        .unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) != Some("terminated"))
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect()
}

const AMI: &str = "ami-12c6146b";

fn instance_stack(name: &str) -> String {
    format!(
        r#"
resource "aws_instance" "web" {{
  ami           = "{AMI}"
  instance_type = "t3.micro"
  tags = {{
    Name = "{name}"
  }}
}}
"#
    )
}

fn instance_planned(name: &str) -> Value {
    json!({
        "ami": AMI,
        "instance_type": "t3.micro",
        "tags": {"Name": name},
        "tags_all": {"Name": name},
        "user_data_replace_on_change": false
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn an_instance_launched_with_the_token_is_adopted() {
    let name = unique("lost-instance");
    let stack = Stack::new(MOTO, &[("main.tf", &instance_stack(&name))]);
    let token = journal::token();
    let made = ec2(&stack)
        .run_instances()
        .image_id(AMI)
        .instance_type(InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .client_token(&token)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Name").value(&name).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = made.instances()[0].instance_id().unwrap().to_string();
    journal::write_one(&stack, "aws_instance.web", &token, instance_planned(&name));
    apply_adopts(&stack, &["aws_instance.web"]);
    assert_eq!(stack.attr("aws_instance.web", "id"), id);
    assert_eq!(instances_with_token(&stack, &token).await, vec![id]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journaled_create_that_made_nothing_is_sent_with_its_token() {
    let name = unique("unmade-instance");
    let stack = Stack::new(MOTO, &[("main.tf", &instance_stack(&name))]);
    let token = journal::token();
    journal::write_one(&stack, "aws_instance.web", &token, instance_planned(&name));
    let plan = stack.iac(&["plan", "-detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout.contains("aws_instance.web will be created"),
        "{}",
        plan.stdout
    );
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    let id = stack.attr("aws_instance.web", "id");
    assert_eq!(
        instances_with_token(&stack, &token).await,
        vec![id],
        "RunInstances carried the journaled token"
    );
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_made_by_name_is_adopted_and_a_prefixed_one_by_its_token() {
    let name = unique("lost-bucket");
    let prefix = "lost-prefix-";
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
resource "aws_s3_bucket" "named" {{
  bucket = "{name}"
}}

resource "aws_s3_bucket" "prefixed" {{
  bucket_prefix = "{prefix}"
}}
"#
            ),
        )],
    );
    let s3 = stack.s3().await;
    let location = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
        .build();
    s3.create_bucket()
        .bucket(&name)
        .create_bucket_configuration(location.clone())
        .send()
        .await
        .unwrap();
    // The name a create of a prefixed bucket uses is the prefix and the token's start.
    let token_b = journal::token();
    let generated = format!("{prefix}{}", &token_b[..20]);
    s3.create_bucket()
        .bucket(&generated)
        .create_bucket_configuration(location)
        .send()
        .await
        .unwrap();
    journal::write(
        &stack,
        vec![
            journal::entry(
                "aws_s3_bucket.named",
                &journal::token(),
                json!({"bucket": name, "force_destroy": false, "tags_all": {}}),
            ),
            journal::entry(
                "aws_s3_bucket.prefixed",
                &token_b,
                json!({"bucket": null, "bucket_prefix": prefix, "force_destroy": false, "tags_all": {}}),
            ),
        ],
    );
    apply_adopts(&stack, &["aws_s3_bucket.named", "aws_s3_bucket.prefixed"]);
    assert_eq!(stack.attr("aws_s3_bucket.named", "bucket"), name);
    assert_eq!(stack.attr("aws_s3_bucket.prefixed", "bucket"), generated);
    let listed = s3.list_buckets().send().await.unwrap();
    let with_prefix = listed
        .buckets()
        .iter()
        .filter(|b| {
            b.name()
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(&token_b[..20]))
        })
        .count();
    assert_eq!(with_prefix, 1, "no second prefixed bucket was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zone_made_with_the_token_as_caller_reference_is_adopted() {
    let domain = format!("{}.example.com", unique("lost-zone"));
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
resource "aws_route53_zone" "main" {{
  name = "{domain}"
}}
"#
            ),
        )],
    );
    let route53 = aws_sdk_route53::Client::new(&stack.sdk());
    let token = journal::token();
    let made = route53
        .create_hosted_zone()
        .name(&domain)
        .caller_reference(&token)
        .hosted_zone_config(
            aws_sdk_route53::types::HostedZoneConfig::builder()
                .comment("Managed by Terraform")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = made
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    journal::write_one(
        &stack,
        "aws_route53_zone.main",
        &token,
        json!({"name": domain, "comment": "Managed by Terraform", "force_destroy": false, "tags_all": {}}),
    );
    apply_adopts(&stack, &["aws_route53_zone.main"]);
    assert_eq!(stack.attr("aws_route53_zone.main", "id"), id);
    let zones = route53
        .list_hosted_zones_by_name()
        .dns_name(&domain)
        .send()
        .await
        .unwrap();
    let same_name = zones
        .hosted_zones()
        .iter()
        .filter(|z| z.name().trim_end_matches('.') == domain)
        .count();
    assert_eq!(same_name, 1, "no second zone of that name");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_that_holds_the_planned_values_is_adopted() {
    let domain = format!("{}.example.com", unique("lost-record"));
    let route53 = {
        let stack = Stack::new(MOTO, &[]);
        aws_sdk_route53::Client::new(&stack.sdk())
    };
    let zone = iac_e2e::route53::create_zone(&route53, &domain, None).await;
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
resource "aws_route53_record" "www" {{
  zone_id = "{zone}"
  name    = "www.{domain}"
  type    = "A"
  ttl     = 300
  records = ["192.0.2.10"]
}}
"#
            ),
        )],
    );
    let set = iac_e2e::route53::record(
        &format!("www.{domain}"),
        aws_sdk_route53::types::RrType::A,
        "192.0.2.10",
    );
    iac_e2e::route53::create(&route53, &zone, vec![set]).await;
    journal::write_one(
        &stack,
        "aws_route53_record.www",
        &journal::token(),
        json!({
            "zone_id": zone, "name": format!("www.{domain}"), "type": "A",
            "ttl": 300, "records": ["192.0.2.10"], "allow_overwrite": false
        }),
    );
    apply_adopts(&stack, &["aws_route53_record.www"]);
    assert_eq!(
        stack.attr("aws_route53_record.www", "fqdn"),
        format!("www.{domain}")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_elastic_ip_is_found_by_its_tags_and_an_untagged_one_stops_the_plan() {
    let _moto = one_at_a_time(MOTO).await;
    let name = unique("lost-eip");
    let tagged = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
resource "aws_eip" "ip" {{
  domain = "vpc"
  tags = {{
    Name = "{name}"
  }}
}}
"#
            ),
        )],
    );
    let ec2 = ec2(&tagged);
    let allocation = ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::ElasticIp)
                .tags(Tag::builder().key("Name").value(&name).build())
                .build(),
        )
        .send()
        .await
        .unwrap()
        .allocation_id()
        .unwrap()
        .to_string();
    journal::write_one(
        &tagged,
        "aws_eip.ip",
        &journal::token(),
        json!({"domain": "vpc", "tags": {"Name": name}, "tags_all": {"Name": name}}),
    );
    apply_adopts(&tagged, &["aws_eip.ip"]);
    assert_eq!(tagged.attr("aws_eip.ip", "id"), allocation);
    let same_tags = ec2
        .describe_addresses()
        .filters(Filter::builder().name("tag:Name").values(&name).build())
        .send()
        .await
        .unwrap()
        .addresses()
        .len();
    assert_eq!(same_tags, 1, "no second address");

    let untagged = Stack::new(
        MOTO,
        &[(
            "main.tf",
            "resource \"aws_eip\" \"ip\" {\n  domain = \"vpc\"\n}\n",
        )],
    );
    journal::write_one(
        &untagged,
        "aws_eip.ip",
        &journal::token(),
        json!({"domain": "vpc", "tags_all": {}}),
    );
    let before = untagged.state_bytes();
    let plan = untagged.iac(&["plan"]).expect(1);
    assert!(
        plan.stderr
            .contains("Cannot tell whether aws_eip.ip was created")
            && plan.stderr.contains("without tags cannot be told apart"),
        "{}",
        plan.stderr
    );
    assert_eq!(untagged.state_bytes(), before, "the plan changed nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_with_the_endpoint_refusing_connections_fails_at_once() {
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            r#"
data "aws_vpc" "default" {
  default = true
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = data.aws_vpc.default.id
}
"#,
        )],
    );
    // Nothing listens on the discard port.
    let started = Instant::now();
    let run = stack
        .iac_with_env(&["plan"], &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")])
        .expect(1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        run.stderr
            .contains("could not connect to http://127.0.0.1:9: connection refused")
            && run.stderr.contains("AWS_ENDPOINT_URL")
            && run.stderr.contains("main.tf:2"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("DispatchFailure"),
        "no debug dump: {}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn load_balancing_database_groups_and_bucket_settings_are_adopted() {
    let name = unique("lostlb");
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
data "aws_vpc" "default" {{
  default = true
}}

data "aws_subnets" "default" {{
  filter {{
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }}
}}

resource "aws_lb" "web" {{
  name               = "{name}"
  load_balancer_type = "application"
  subnets            = slice(data.aws_subnets.default.ids, 0, 2)
  tags = {{
    Name = "{name}"
  }}
}}

resource "aws_lb_target_group" "app" {{
  name_prefix = "app-"
  port        = 8000
  protocol    = "HTTP"
  vpc_id      = data.aws_vpc.default.id
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

resource "aws_db_subnet_group" "main" {{
  name       = "{name}"
  subnet_ids = data.aws_subnets.default.ids
}}

resource "aws_db_parameter_group" "tuned" {{
  name   = "{name}"
  family = "postgres16"
  parameter {{
    name  = "work_mem"
    value = "8192"
  }}
}}

resource "aws_s3_bucket" "logs" {{
  bucket = "{name}-logs"
}}

resource "aws_s3_bucket_versioning" "logs" {{
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}
"#
            ),
        )],
    );
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    let lb = stack.attr("aws_lb.web", "arn");
    let group = stack.attr("aws_lb_target_group.app", "arn");
    let listener = stack.attr("aws_lb_listener.http", "arn");
    let lost = [
        "aws_lb.web",
        "aws_lb_target_group.app",
        "aws_lb_listener.http",
        "aws_db_subnet_group.main",
        "aws_db_parameter_group.tuned",
        "aws_s3_bucket_versioning.logs",
    ];
    journal::forget(&stack, &lost);
    apply_adopts(&stack, &lost);
    assert_eq!(stack.attr("aws_lb.web", "arn"), lb);
    assert_eq!(stack.attr("aws_lb_target_group.app", "arn"), group);
    assert_eq!(stack.attr("aws_lb_listener.http", "arn"), listener);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&stack.sdk());
    let listeners = elbv2
        .describe_listeners()
        .load_balancer_arn(&lb)
        .send()
        .await
        .unwrap();
    assert_eq!(listeners.listeners().len(), 1, "no second listener");
    stack.iac(&["destroy", "-auto-approve"]).expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_whose_create_had_not_finished_is_adopted_tainted_and_replaced() {
    let name = unique("half-bucket");
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
resource "aws_s3_bucket" "logs" {{
  bucket = "{name}"
  tags = {{
    team = "ops"
  }}
}}
"#
            ),
        )],
    );
    // The create made the bucket and was killed before it tagged it.
    let s3 = stack.s3().await;
    iac_e2e::s3::create_bucket(&s3, &name).await;
    journal::write_one(
        &stack,
        "aws_s3_bucket.logs",
        &journal::token(),
        json!({"bucket": name, "force_destroy": false,
               "tags": {"team": "ops"}, "tags_all": {"team": "ops"}}),
    );
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(
        all.contains("recorded it as tainted") && all.contains("must be replaced"),
        "{all}"
    );
    stack.iac(&["apply", "-auto-approve"]).expect(0);
    let tags = s3.get_bucket_tagging().bucket(&name).send().await.unwrap();
    assert_eq!(tags.tag_set().len(), 1, "the replacement is tagged");
    stack.iac(&["plan", "-detailed-exitcode"]).expect(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_requested_with_the_token_is_adopted() {
    let domain = format!("{}.example.com", unique("lost-cert"));
    let stack = Stack::new(
        MOTO,
        &[(
            "main.tf",
            &format!(
                r#"
resource "aws_acm_certificate" "site" {{
  domain_name       = "{domain}"
  validation_method = "DNS"
  tags = {{
    Name = "{domain}"
  }}
}}
"#
            ),
        )],
    );
    let acm = aws_sdk_acm::Client::new(&stack.sdk());
    let token = journal::token();
    let request = || {
        acm.request_certificate()
            .domain_name(&domain)
            .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
            .idempotency_token(&token)
            .tags(
                aws_sdk_acm::types::Tag::builder()
                    .key("Name")
                    .value(&domain)
                    .build()
                    .unwrap(),
            )
    };
    let arn = request()
        .send()
        .await
        .unwrap()
        .certificate_arn()
        .unwrap()
        .to_string();
    // ACM makes one certificate per token: the create sent again is the same one.
    let again = request().send().await.unwrap();
    assert_eq!(again.certificate_arn(), Some(arn.as_str()));
    journal::write_one(
        &stack,
        "aws_acm_certificate.site",
        &token,
        json!({"domain_name": domain, "validation_method": "DNS",
               "tags": {"Name": domain}, "tags_all": {"Name": domain}}),
    );
    apply_adopts(&stack, &["aws_acm_certificate.site"]);
    assert_eq!(stack.attr("aws_acm_certificate.site", "arn"), arn);
}
