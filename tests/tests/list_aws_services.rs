//! Listing Route 53, RDS, ELBv2 and ACM objects through the provider, as
//! `list_aws.rs` lists EC2 and S3: made by hand with the AWS SDK on moto, listed with
//! each filter, checked against the SDK.

use iac_e2e::listing::{ids, list, provider, sorted, tags};
use iac_e2e::{Emulator, Stack, on_emulators, unique};
use iac_provider::ListRequest;
use iac_value::Value;

async fn zones_and_their_records(emu: Emulator) {
    use aws_sdk_route53::types::RrType;
    use iac_e2e::route53::{self, record};
    let stack = Stack::new(emu, &[]);
    let r53 = aws_sdk_route53::Client::new(&stack.sdk());
    let aws = provider(&stack).await;
    let domain = format!("{}.example.com", unique("list"));
    let zone = route53::create_zone(&r53, &domain, None).await;
    route53::create(
        &r53,
        &zone,
        vec![
            record(&format!("www.{domain}"), RrType::A, "192.0.2.10"),
            record(&format!("www.{domain}"), RrType::Aaaa, "2001:db8::10"),
            record(&format!("_acme.{domain}"), RrType::Txt, "\"token\""),
        ],
    )
    .await;

    let zones = list(
        &*aws,
        "aws_route53_zone",
        &[("name_prefix", Value::from(domain.as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&zones), std::slice::from_ref(&zone));
    assert_eq!(zones[0].display_name, domain);

    let in_zone = [("zone_id", Value::from(zone.as_str()))];
    let records = list(&*aws, "aws_route53_record", &in_zone, None).await;
    assert_eq!(
        ids(&records),
        sorted(vec![
            format!("{zone}__acme.{domain}_TXT"),
            format!("{zone}_www.{domain}_A"),
            format!("{zone}_www.{domain}_AAAA"),
        ]),
        "the zone's own NS and SOA are left out"
    );
    let with_defaults = [
        ("zone_id", Value::from(zone.as_str())),
        ("include_default", Value::Bool(true)),
    ];
    assert_eq!(
        list(&*aws, "aws_route53_record", &with_defaults, None)
            .await
            .len(),
        5
    );
    let www = [
        ("zone_id", Value::from(zone.as_str())),
        ("name", Value::from("www")),
        ("type", Value::from("aaaa")),
    ];
    let request = ListRequest {
        filter: Value::object(www),
        include_resource: true,
        limit: None,
    };
    let found = aws.list("aws_route53_record", &request).await.unwrap();
    assert_eq!(ids(&found), [format!("{zone}_www.{domain}_AAAA")]);
    let state = found[0].state.as_ref().unwrap();
    assert_eq!(
        state.get("records"),
        &Value::set(vec![Value::from("2001:db8::10")])
    );
    assert_eq!(
        list(&*aws, "aws_route53_record", &in_zone, Some(2))
            .await
            .len(),
        2
    );

    let unzoned = ListRequest {
        filter: Value::object([("name", Value::from("www"))]),
        include_resource: false,
        limit: None,
    };
    let e = aws.list("aws_route53_record", &unzoned).await.unwrap_err();
    assert!(e.message.contains("zone_id"), "{}", e.message);
}

on_emulators!(zones_and_their_records: Moto);

async fn databases_and_their_groups(emu: Emulator) {
    let stack = Stack::new(emu, &[]);
    let rds = aws_sdk_rds::Client::new(&stack.sdk());
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let aws = provider(&stack).await;
    let name = unique("app");
    let tag = |k: &str, v: &str| aws_sdk_rds::types::Tag::builder().key(k).value(v).build();
    for (group, team) in [("pg14", "web"), ("pg15", "data")] {
        rds.create_db_parameter_group()
            .db_parameter_group_name(format!("{name}-{group}"))
            .db_parameter_group_family(if group == "pg14" {
                "postgres14"
            } else {
                "postgres15"
            })
            .description("app settings")
            .tags(tag("team", team))
            .send()
            .await
            .unwrap();
    }
    let subnets: Vec<String> = ec2
        .describe_subnets()
        .send()
        .await
        .unwrap()
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(str::to_string))
        .collect();
    rds.create_db_subnet_group()
        .db_subnet_group_name(format!("{name}-subnets"))
        .db_subnet_group_description("app subnets")
        .set_subnet_ids(Some(subnets))
        .send()
        .await
        .unwrap();
    rds.create_db_instance()
        .db_instance_identifier(format!("{name}-db"))
        .engine("postgres")
        .engine_version("14.10")
        .db_instance_class("db.t4g.micro")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("correct-horse-battery")
        .db_parameter_group_name(format!("{name}-pg14"))
        .tags(tag("team", "web"))
        .send()
        .await
        .unwrap();

    let groups = list(&*aws, "aws_db_parameter_group", &[], None).await;
    assert_eq!(
        ids(&groups),
        [format!("{name}-pg14"), format!("{name}-pg15")],
        "AWS's default.* groups are left out"
    );
    let web = list(
        &*aws,
        "aws_db_parameter_group",
        &[("tags", tags(&[("team", "web")]))],
        None,
    )
    .await;
    assert_eq!(ids(&web), [format!("{name}-pg14")]);
    assert_eq!(
        list(&*aws, "aws_db_parameter_group", &[], Some(1))
            .await
            .len(),
        1
    );

    let subnet_groups = list(
        &*aws,
        "aws_db_subnet_group",
        &[("name_prefix", Value::from(name.as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&subnet_groups), [format!("{name}-subnets")]);

    let request = ListRequest {
        filter: Value::object([("tags", tags(&[("team", "web")]))]),
        include_resource: true,
        limit: None,
    };
    let dbs = aws.list("aws_db_instance", &request).await.unwrap();
    assert_eq!(ids(&dbs), [format!("{name}-db")]);
    let state = dbs[0].state.as_ref().unwrap();
    assert_eq!(
        state.get("parameter_group_name").as_str(),
        Some(format!("{name}-pg14").as_str())
    );
    assert!(
        list(
            &*aws,
            "aws_db_instance",
            &[("name_prefix", Value::from("other-"))],
            None
        )
        .await
        .is_empty()
    );
}

on_emulators!(databases_and_their_groups: Moto);

async fn load_balancers_groups_listeners_targets_and_certificates(emu: Emulator) {
    use aws_sdk_elasticloadbalancingv2::types::{
        Action, ActionTypeEnum, ProtocolEnum, Tag as LbTag, TargetDescription,
    };
    let stack = Stack::new(emu, &[]);
    let sdk = stack.sdk();
    let ec2 = aws_sdk_ec2::Client::new(&sdk);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&sdk);
    let acm = aws_sdk_acm::Client::new(&sdk);
    let aws = provider(&stack).await;
    let name = unique("web");
    let subnets: Vec<aws_sdk_ec2::types::Subnet> = ec2
        .describe_subnets()
        .send()
        .await
        .unwrap()
        .subnets()
        .to_vec();
    let vpc = subnets[0].vpc_id().unwrap().to_string();
    let lb = elbv2
        .create_load_balancer()
        .name(format!("{name}-lb"))
        .set_subnets(Some(
            subnets
                .iter()
                .take(2)
                .map(|s| s.subnet_id().unwrap().to_string())
                .collect(),
        ))
        .tags(LbTag::builder().key("team").value("web").build())
        .send()
        .await
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    let group = elbv2
        .create_target_group()
        .name(format!("{name}-tg"))
        .protocol(ProtocolEnum::Http)
        .port(80)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let listener = elbv2
        .create_listener()
        .load_balancer_arn(&lb)
        .protocol(ProtocolEnum::Http)
        .port(80)
        .default_actions(
            Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(&group)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .listeners()[0]
        .listener_arn()
        .unwrap()
        .to_string();
    let run = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .min_count(2)
        .max_count(2)
        .send()
        .await
        .unwrap();
    let targets: Vec<String> = run
        .instances()
        .iter()
        .map(|i| i.instance_id().unwrap().to_string())
        .collect();
    elbv2
        .register_targets()
        .target_group_arn(&group)
        .targets(TargetDescription::builder().id(&targets[0]).build())
        .targets(
            TargetDescription::builder()
                .id(&targets[1])
                .port(8080)
                .build(),
        )
        .send()
        .await
        .unwrap();

    for alias in ["aws_lb", "aws_alb"] {
        let lbs = list(&*aws, alias, &[("vpc_id", Value::from(vpc.as_str()))], None).await;
        assert_eq!(ids(&lbs), std::slice::from_ref(&lb));
        assert_eq!(lbs[0].display_name, format!("{name}-lb"));
    }
    let tagged = list(
        &*aws,
        "aws_lb",
        &[("tags", tags(&[("team", "data")]))],
        None,
    )
    .await;
    assert!(tagged.is_empty());
    let groups = list(
        &*aws,
        "aws_lb_target_group",
        &[("name_prefix", Value::from(name.as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&groups), std::slice::from_ref(&group));
    let listeners = list(&*aws, "aws_lb_listener", &[], None).await;
    assert_eq!(ids(&listeners), std::slice::from_ref(&listener));
    assert_eq!(listeners[0].display_name, format!("{name}-lb:80"));
    let request = ListRequest {
        filter: Value::object([("target_group_arn", Value::from(group.as_str()))]),
        include_resource: true,
        limit: None,
    };
    let attachments = aws
        .list("aws_lb_target_group_attachment", &request)
        .await
        .unwrap();
    assert_eq!(
        ids(&attachments),
        sorted(vec![
            format!("{group},{}", targets[0]),
            format!("{group},{},8080", targets[1]),
        ]),
        "a target on the group's own port is imported without one"
    );
    for a in &attachments {
        let state = a.state.as_ref().unwrap();
        assert_eq!(state.get("target_group_arn").as_str(), Some(group.as_str()));
    }

    // Certificates ACM issued, and the validations of the issued ones.
    let domain = format!("{}.example.com", unique("cert"));
    let arn = acm
        .request_certificate()
        .domain_name(&domain)
        .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
        .send()
        .await
        .unwrap()
        .certificate_arn()
        .unwrap()
        .to_string();
    let certs = list(
        &*aws,
        "aws_acm_certificate",
        &[("name_prefix", Value::from(domain.as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&certs), std::slice::from_ref(&arn));
    assert_eq!(certs[0].display_name, domain);
    let status = acm
        .describe_certificate()
        .certificate_arn(&arn)
        .send()
        .await
        .unwrap()
        .certificate()
        .unwrap()
        .status()
        .cloned();
    let validations = list(&*aws, "aws_acm_certificate_validation", &[], None).await;
    let issued = status == Some(aws_sdk_acm::types::CertificateStatus::Issued);
    assert_eq!(
        ids(&validations),
        if issued { vec![arn.clone()] } else { vec![] }
    );
    let pending = list(
        &*aws,
        "aws_acm_certificate",
        &[(
            "statuses",
            Value::set(vec![Value::from("PENDING_VALIDATION")]),
        )],
        None,
    )
    .await;
    assert_eq!(pending.is_empty(), issued);
}

on_emulators!(load_balancers_groups_listeners_targets_and_certificates: Moto);
