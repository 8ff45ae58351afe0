//! The example stacks under `stacks/`: each validates and is canonically formatted, and
//! each applies on the emulators, is checked with the AWS SDK, plans clean, reacts to a
//! variable as expected and destroys to an empty account.

use aws_sdk_ec2::types::Filter;
use iac_e2e::{Emulator, Stack, example_stack, on_emulators, one_at_a_time, unique};

const PUBLIC_KEY: &str = include_str!("e2e_key.pub");

/// The example stack in a fresh folder, with `tfvars` as its `e2e.auto.tfvars`, checked
/// to validate and to be canonically formatted.
fn load(emu: Emulator, name: &str, tfvars: &str) -> Stack {
    let stack = example_stack(emu, name, tfvars);
    stack.iac(&["validate", "-no-color"]).expect(0);
    stack.iac(&["fmt", "-check"]).expect(0);
    stack
}

/// Applies, plans again expecting no changes, and returns.
fn apply_clean(stack: &Stack, vars: &[&str]) {
    stack
        .iac_with_vars(&["apply", "-auto-approve", "-no-color"], vars)
        .expect(0);
    let plan = stack.iac_with_vars(&["plan", "-detailed-exitcode", "-no-color"], vars);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
}

/// Plans with `vars` and checks the plan says each of `expected`.
fn plan_says(stack: &Stack, vars: &[&str], expected: &[&str]) {
    let plan = stack.iac_with_vars(&["plan", "-no-color"], vars).expect(0);
    for e in expected {
        assert!(
            plan.stdout.contains(e),
            "expected {e:?} in\n{}",
            plan.stdout
        );
    }
}

/// Instances of the stack's account that are not terminated.
async fn live_instances(ec2: &aws_sdk_ec2::Client) -> Vec<aws_sdk_ec2::types::Instance> {
    let out = ec2
        .describe_instances()
        .filters(
            Filter::builder()
                .name("instance-state-name")
                .values("pending")
                .values("running")
                .values("stopping")
                .values("stopped")
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances().iter().cloned())
        .collect()
}

fn name_tag(i: &aws_sdk_ec2::types::Instance) -> &str {
    i.tags()
        .iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .unwrap_or_default()
}

async fn web_bugs(emu: Emulator) {
    let _account = one_at_a_time(emu).await;
    let domain = format!("{}.example.org", unique("wb"));
    let stack = load(
        emu,
        "web-bugs",
        &format!(
            "environment    = \"staging\"\ndomain         = \"{domain}\"\nssh_public_key = \"{}\"\n",
            PUBLIC_KEY.trim()
        ),
    );
    // The zone predates the stack, as the team's does.
    let r53 = aws_sdk_route53::Client::new(&stack.sdk());
    let zone = r53
        .create_hosted_zone()
        .name(&domain)
        .caller_reference(unique("ref"))
        .send()
        .await
        .unwrap();
    let zone_id = zone.hosted_zone().unwrap().id().to_string();
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let s3 = stack.s3().await;

    apply_clean(&stack, &[]);
    let rules = s3
        .get_bucket_lifecycle_configuration()
        .bucket("web-bugs-snapshots-staging")
        .send()
        .await
        .unwrap();
    assert_eq!(
        rules.rules()[0].expiration().and_then(|e| e.days()),
        Some(7),
        "snapshots expire after a week"
    );
    let instances = live_instances(&ec2).await;
    assert_eq!(instances.len(), 1);
    let host = &instances[0];
    assert_eq!(name_tag(host), "web-bugs-staging");
    assert_eq!(host.instance_type().unwrap().as_str(), "t3.large");
    let addresses = ec2.describe_addresses().send().await.unwrap();
    let eip = &addresses.addresses()[0];
    assert_eq!(eip.instance_id(), host.instance_id());
    let records = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .send()
        .await
        .unwrap();
    let a = records
        .resource_record_sets()
        .iter()
        .find(|r| r.name() == format!("web-bugs-staging.{domain}."))
        .expect("the host's name exists");
    assert_eq!(a.resource_records()[0].value(), eip.public_ip().unwrap());

    plan_says(
        &stack,
        &["instance_type=t3.xlarge", "snapshot_retention_days=14"],
        &[
            "# aws_instance.host will be updated in-place",
            "# aws_s3_bucket_lifecycle_configuration.snapshots will be updated in-place",
            "Plan: 0 to add, 2 to change, 0 to destroy.",
        ],
    );
    let bad = stack
        .iac_with_vars(&["plan", "-no-color"], &["environment=qa"])
        .expect(1);
    assert!(
        bad.stderr
            .contains("environment must be production or staging."),
        "{}",
        bad.stderr
    );

    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(live_instances(&ec2).await.is_empty());
    assert!(
        ec2.describe_addresses()
            .send()
            .await
            .unwrap()
            .addresses()
            .is_empty()
    );
    assert!(
        s3.head_bucket()
            .bucket("web-bugs-snapshots-staging")
            .send()
            .await
            .is_err()
    );
    let records = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .send()
        .await
        .unwrap();
    assert!(
        records
            .resource_record_sets()
            .iter()
            .all(|r| matches!(r.r#type().as_str(), "SOA" | "NS")),
        "only the zone's own records are left"
    );
}
on_emulators!(web_bugs: LocalStack, Moto);

async fn web_monitoring(emu: Emulator) {
    let _account = one_at_a_time(emu).await;
    let password = "correct-horse-battery";
    let stack = load(
        emu,
        "web-monitoring",
        &format!(
            "region                = \"eu-west-1\"\ndb_password           = \"{password}\"\nprotect_production_db = false\nssh_public_key        = \"{}\"\n",
            PUBLIC_KEY.trim()
        ),
    );
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let rds = aws_sdk_rds::Client::new(&stack.sdk());

    apply_clean(&stack, &[]);
    let instances = live_instances(&ec2).await;
    let mut names: Vec<&str> = instances.iter().map(name_tag).collect();
    names.sort();
    assert_eq!(names, ["ia-archiver", "wm-cache", "wm-etl", "wm-metrics"]);
    let cache = instances
        .iter()
        .find(|i| name_tag(i) == "wm-cache")
        .unwrap();
    let addresses = ec2.describe_addresses().send().await.unwrap();
    assert_eq!(
        addresses.addresses().len(),
        1,
        "only the cache has an Elastic IP"
    );
    assert_eq!(addresses.addresses()[0].instance_id(), cache.instance_id());

    let db = rds
        .describe_db_instances()
        .db_instance_identifier("web-monitoring-db-production")
        .send()
        .await
        .unwrap();
    let db = &db.db_instances()[0];
    assert_eq!(db.engine(), Some("postgres"));
    assert!(db.engine_version().unwrap().starts_with("14"));
    assert_eq!(db.db_instance_class(), Some("db.t4g.medium"));
    assert_eq!(db.max_allocated_storage(), Some(500));
    assert_eq!(
        db.db_parameter_groups()[0].db_parameter_group_name(),
        Some("web-monitoring-postgres14")
    );
    let staging = rds
        .describe_db_instances()
        .db_instance_identifier("web-monitoring-db-staging")
        .send()
        .await
        .unwrap();
    assert_eq!(staging.db_instances().len(), 1);
    let parameters = rds
        .describe_db_parameters()
        .db_parameter_group_name("web-monitoring-postgres14")
        .send()
        .await
        .unwrap();
    let work_mem = parameters
        .parameters()
        .iter()
        .find(|p| p.parameter_name() == Some("work_mem"))
        .unwrap();
    assert_eq!(work_mem.parameter_value(), Some("16384"));

    let plan = stack
        .iac_with_vars(
            &["plan", "-no-color"],
            &["production_db_class=db.t4g.large"],
        )
        .expect(0);
    assert!(
        plan.stdout.contains(
            "# module.database[\"production\"].aws_db_instance.this will be updated in-place"
        ) && plan
            .stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains(password),
        "the password is never shown"
    );
    let state = String::from_utf8(stack.state_bytes().unwrap()).unwrap();
    assert!(state.contains("\"sensitive_attributes\""));

    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(live_instances(&ec2).await.is_empty());
    let left = rds.describe_db_instances().send().await.unwrap();
    assert!(left.db_instances().is_empty());
    assert!(
        ec2.describe_addresses()
            .send()
            .await
            .unwrap()
            .addresses()
            .is_empty()
    );
}
on_emulators!(web_monitoring: Moto);

async fn human_essentials(emu: Emulator) {
    let _account = one_at_a_time(emu).await;
    let prefix = unique("he");
    let stack = load(
        emu,
        "human-essentials",
        &format!(
            "region         = \"eu-west-1\"\nbucket_prefix  = \"{prefix}\"\ndb_password    = \"correct-horse-battery\"\nssh_public_key = \"{}\"\n",
            PUBLIC_KEY.trim()
        ),
    );
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&stack.sdk());
    let rds = aws_sdk_rds::Client::new(&stack.sdk());
    let s3 = stack.s3().await;

    apply_clean(&stack, &[]);
    let instances = live_instances(&ec2).await;
    let mut names: Vec<&str> = instances.iter().map(name_tag).collect();
    names.sort();
    assert_eq!(
        names,
        ["human-essentials-production", "human-essentials-staging"]
    );
    let production = instances
        .iter()
        .find(|i| name_tag(i) == "human-essentials-production")
        .unwrap();
    let staging = instances
        .iter()
        .find(|i| name_tag(i) == "human-essentials-staging")
        .unwrap();
    let lbs = elb.describe_load_balancers().send().await.unwrap();
    assert_eq!(lbs.load_balancers().len(), 1, "only production is balanced");
    let groups = elb.describe_target_groups().send().await.unwrap();
    let health = elb
        .describe_target_health()
        .target_group_arn(groups.target_groups()[0].target_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        health.target_health_descriptions()[0]
            .target()
            .and_then(|t| t.id()),
        production.instance_id()
    );
    let addresses = ec2.describe_addresses().send().await.unwrap();
    assert_eq!(addresses.addresses().len(), 1);
    assert_eq!(
        addresses.addresses()[0].instance_id(),
        staging.instance_id()
    );
    let dbs = rds.describe_db_instances().send().await.unwrap();
    assert_eq!(dbs.db_instances().len(), 1, "one database for both");
    assert_eq!(dbs.db_instances()[0].backup_retention_period(), Some(7));
    for suffix in ["production", "staging", "backups"] {
        let bucket = format!("{prefix}-{suffix}");
        assert!(
            s3.head_bucket().bucket(&bucket).send().await.is_ok(),
            "{bucket}"
        );
    }
    let rules = s3
        .get_bucket_lifecycle_configuration()
        .bucket(format!("{prefix}-backups"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        rules.rules()[0].expiration().and_then(|e| e.days()),
        Some(30)
    );

    plan_says(
        &stack,
        &["backup_retention_days=60"],
        &[
            "# aws_s3_bucket_lifecycle_configuration.backups will be updated in-place",
            "Plan: 0 to add, 1 to change, 0 to destroy.",
        ],
    );

    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(live_instances(&ec2).await.is_empty());
    assert!(
        elb.describe_load_balancers()
            .send()
            .await
            .unwrap()
            .load_balancers()
            .is_empty()
    );
    assert!(
        rds.describe_db_instances()
            .send()
            .await
            .unwrap()
            .db_instances()
            .is_empty()
    );
    assert!(
        s3.head_bucket()
            .bucket(format!("{prefix}-backups"))
            .send()
            .await
            .is_err()
    );
}
on_emulators!(human_essentials: Moto);

async fn amy(emu: Emulator) {
    let _account = one_at_a_time(emu).await;
    let domain = format!("{}.example.org", unique("amy"));
    let stack = load(
        emu,
        "amy",
        &format!(
            "region         = \"eu-west-1\"\ndomain         = \"{domain}\"\ndb_password    = \"correct-horse-battery\"\nssh_public_key = \"{}\"\n",
            PUBLIC_KEY.trim()
        ),
    );
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&stack.sdk());
    let rds = aws_sdk_rds::Client::new(&stack.sdk());
    let acm = aws_sdk_acm::Client::new(&stack.sdk());
    let r53 = aws_sdk_route53::Client::new(&stack.sdk());

    apply_clean(&stack, &[]);
    assert_eq!(live_instances(&ec2).await.len(), 2);
    assert_eq!(
        rds.describe_db_instances()
            .send()
            .await
            .unwrap()
            .db_instances()
            .len(),
        2
    );
    let zone = stack.attr("aws_route53_zone.main", "zone_id");
    let records = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone)
        .send()
        .await
        .unwrap();
    for (stage, host) in [("test", "test-amy"), ("production", "amy")] {
        let lb = elb
            .describe_load_balancers()
            .names(format!("amy-{stage}"))
            .send()
            .await
            .unwrap();
        let lb = &lb.load_balancers()[0];
        let listeners = elb
            .describe_listeners()
            .load_balancer_arn(lb.load_balancer_arn().unwrap())
            .send()
            .await
            .unwrap();
        let https = listeners
            .listeners()
            .iter()
            .find(|l| l.port() == Some(443))
            .expect("an HTTPS listener");
        let cert_arn = https.certificates()[0].certificate_arn().unwrap();
        let cert = acm
            .describe_certificate()
            .certificate_arn(cert_arn)
            .send()
            .await
            .unwrap();
        let cert = cert.certificate().unwrap();
        assert_eq!(cert.status().unwrap().as_str(), "ISSUED");
        assert_eq!(
            cert.domain_name(),
            Some(format!("{host}.{domain}").as_str())
        );
        let http = listeners
            .listeners()
            .iter()
            .find(|l| l.port() == Some(80))
            .expect("an HTTP listener");
        let redirect = http.default_actions()[0].redirect_config().unwrap();
        assert_eq!(redirect.protocol(), Some("HTTPS"));
        assert_eq!(redirect.status_code().unwrap().as_str(), "HTTP_301");
        let alias = records
            .resource_record_sets()
            .iter()
            .find(|r| r.name() == format!("{host}.{domain}.") && r.r#type().as_str() == "A")
            .and_then(|r| r.alias_target())
            .expect("an alias record for the stage");
        assert_eq!(
            alias.dns_name().trim_end_matches('.').to_lowercase(),
            lb.dns_name().unwrap().to_lowercase()
        );
    }

    plan_says(
        &stack,
        &["admin_cidrs=[\"198.51.100.0/24\"]"],
        &[
            "# aws_security_group.host will be updated in-place",
            "Plan: 0 to add, 1 to change, 0 to destroy.",
        ],
    );

    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(live_instances(&ec2).await.is_empty());
    assert!(
        elb.describe_load_balancers()
            .send()
            .await
            .unwrap()
            .load_balancers()
            .is_empty()
    );
    assert!(
        rds.describe_db_instances()
            .send()
            .await
            .unwrap()
            .db_instances()
            .is_empty()
    );
    let certs = acm.list_certificates().send().await.unwrap();
    assert!(certs.certificate_summary_list().is_empty());
    let zones = r53.list_hosted_zones().send().await.unwrap();
    assert!(!zones.hosted_zones().iter().any(|z| z.id().ends_with(&zone)));
}
on_emulators!(amy: Moto);
