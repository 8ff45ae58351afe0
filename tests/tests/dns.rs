//! Route 53 and ACM end to end: a zone with plain and relative records, a certificate
//! validated through DNS records made with `for_each` over its validation options,
//! and the zone lookup. Checked with aws-sdk-route53 and aws-sdk-acm.

use aws_sdk_route53::types::RrType;
use iac_e2e::{Emulator, Stack, on_emulators, unique};

const STACK: &str = r#"
variable "domain" {
  type = string
}

variable "ttl" {
  default = 300
}

variable "www" {
  default = "www"
}

resource "aws_route53_zone" "main" {
  name = var.domain
  tags = {
    team = "ops"
  }
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "${var.www}.${var.domain}"
  type    = "A"
  ttl     = var.ttl
  records = ["192.0.2.10"]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = var.domain
  type    = "TXT"
  ttl     = 300
  records = ["v=spf1 -all"]
}

resource "aws_route53_record" "app" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "app"
  type    = "CNAME"
  ttl     = 60
  records = [aws_route53_record.www.fqdn]
}

resource "aws_acm_certificate" "site" {
  domain_name               = var.domain
  subject_alternative_names = ["www.${var.domain}"]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.site.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  name            = each.value.name
  records         = [each.value.record]
  ttl             = 60
  type            = each.value.type
  zone_id         = aws_route53_zone.main.zone_id
}

resource "aws_acm_certificate_validation" "site" {
  certificate_arn         = aws_acm_certificate.site.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]

  timeouts {
    create = "2m"
  }
}

data "aws_route53_zone" "found" {
  name = aws_route53_zone.main.name
}

output "found_zone" {
  value = data.aws_route53_zone.found.zone_id
}

output "name_servers" {
  value = aws_route53_zone.main.name_servers
}
"#;

async fn record(
    r53: &aws_sdk_route53::Client,
    zone: &str,
    name: &str,
    kind: RrType,
) -> Option<aws_sdk_route53::types::ResourceRecordSet> {
    let out = r53
        .list_resource_record_sets()
        .hosted_zone_id(zone)
        .send()
        .await
        .unwrap();
    out.resource_record_sets()
        .iter()
        .find(|r| r.name().trim_end_matches('.') == name && *r.r#type() == kind)
        .cloned()
}

async fn zone_with_certificate(emu: Emulator) {
    let domain = format!("{}.example.com", unique("dns"));
    let stack = Stack::new(emu, &[("main.hcl", STACK)]);
    let r53 = aws_sdk_route53::Client::new(&stack.sdk());
    let acm = aws_sdk_acm::Client::new(&stack.sdk());
    let var = format!("domain={domain}");
    let with_vars = |args: &[&str], extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        v.extend(["-var".to_string(), var.clone()]);
        for e in extra {
            v.extend(["-var".to_string(), e.to_string()]);
        }
        v
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        stack.iac(&refs)
    };

    let applied = run(with_vars(&["apply", "-auto-approve", "-no-color"], &[])).expect(0);
    assert!(
        applied.stdout.contains("Resources: 8 added"),
        "{}",
        applied.stdout
    );
    let zone = stack.attr("aws_route53_zone.main", "zone_id");
    assert_eq!(
        stack.state()["outputs"]["found_zone"]["value"],
        zone.as_str()
    );
    let www = record(&r53, &zone, &format!("www.{domain}"), RrType::A)
        .await
        .expect("the www record exists");
    assert_eq!(www.ttl(), Some(300));
    assert_eq!(www.resource_records()[0].value(), "192.0.2.10");
    let spf = record(&r53, &zone, &domain, RrType::Txt)
        .await
        .expect("the TXT record exists");
    assert_eq!(spf.resource_records()[0].value(), "\"v=spf1 -all\"");
    let app = record(&r53, &zone, &format!("app.{domain}"), RrType::Cname)
        .await
        .expect("the relative name was completed with the zone's");
    assert_eq!(app.resource_records()[0].value(), format!("www.{domain}"));
    let cert = acm
        .describe_certificate()
        .certificate_arn(stack.attr("aws_acm_certificate.site", "arn"))
        .send()
        .await
        .unwrap();
    let cert = cert.certificate().unwrap();
    assert_eq!(cert.status().unwrap().as_str(), "ISSUED");
    for option in cert.domain_validation_options() {
        let r = option.resource_record().unwrap();
        assert!(
            record(&r53, &zone, r.name().trim_end_matches('.'), RrType::Cname)
                .await
                .is_some(),
            "validation record {} exists",
            r.name()
        );
    }

    run(with_vars(&["plan", "-detailed-exitcode", "-no-color"], &[])).expect(0);

    // A new TTL is an in-place change of one record; a new name replaces it.
    let plan = run(with_vars(&["plan", "-no-color"], &["ttl=60"])).expect(0);
    assert!(
        plan.stdout
            .contains("aws_route53_record.www will be updated in-place")
            && plan
                .stdout
                .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    run(with_vars(
        &["apply", "-auto-approve", "-no-color"],
        &["ttl=60"],
    ))
    .expect(0);
    let www = record(&r53, &zone, &format!("www.{domain}"), RrType::A)
        .await
        .unwrap();
    assert_eq!(www.ttl(), Some(60));
    let vars = ["ttl=60", "www=web"];
    let plan = run(with_vars(&["plan", "-no-color"], &vars)).expect(0);
    assert!(
        plan.stdout
            .contains("aws_route53_record.www must be replaced"),
        "{}",
        plan.stdout
    );
    run(with_vars(&["apply", "-auto-approve", "-no-color"], &vars)).expect(0);
    assert!(
        record(&r53, &zone, &format!("www.{domain}"), RrType::A)
            .await
            .is_none()
    );
    assert!(
        record(&r53, &zone, &format!("web.{domain}"), RrType::A)
            .await
            .is_some()
    );

    // Forget and adopt again.
    let cert_arn = stack.attr("aws_acm_certificate.site", "arn");
    let adopt = [
        ("aws_route53_zone.main", zone.clone()),
        ("aws_route53_record.www", format!("{zone}_web.{domain}_A")),
        ("aws_route53_record.app", format!("{zone}_app_CNAME")),
        ("aws_acm_certificate.site", cert_arn.clone()),
        ("aws_acm_certificate_validation.site", cert_arn.clone()),
    ];
    for (addr, _) in &adopt {
        stack.iac(&["state", "rm", addr]).expect(0);
    }
    for (addr, id) in &adopt {
        run(with_vars(&["import", "-no-color"], &vars)
            .into_iter()
            .chain([addr.to_string(), id.clone()])
            .collect())
        .expect(0);
    }
    let plan = run(with_vars(
        &["plan", "-detailed-exitcode", "-no-color"],
        &vars,
    ));
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);

    run(with_vars(&["destroy", "-auto-approve", "-no-color"], &vars)).expect(0);
    let zones = r53.list_hosted_zones().send().await.unwrap();
    assert!(
        !zones.hosted_zones().iter().any(|z| z.id().ends_with(&zone)),
        "the zone is gone"
    );
    let certs = acm.list_certificates().send().await.unwrap();
    assert!(
        !certs
            .certificate_summary_list()
            .iter()
            .any(|c| c.certificate_arn() == Some(cert_arn.as_str())),
        "the certificate is gone"
    );
}

on_emulators!(zone_with_certificate: Moto, LocalStack);
