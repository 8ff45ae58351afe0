//! Listing AWS objects through the provider (`ProviderClient::list`, what `iac query`
//! and `iac adopt` build on): objects made by hand with the AWS SDK on moto, each
//! stack an account of its own, listed with each filter and small limits; the ids are
//! checked against what the SDK reports and, with `include_resource`, the states are
//! what import reads.

use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, IpPermission, IpRange, ResourceType, Tag, TagSpecification};
use iac_e2e::{Emulator, Stack, on_emulators, unique};
use iac_provider::{ListRequest, Listed, Provider, ProviderClient};
use iac_value::Value;

/// The provider configured as the engine configures it, for the stack's account.
async fn provider(stack: &Stack) -> Arc<dyn ProviderClient> {
    let endpoint = &stack.aws.running().endpoint;
    let services = ["s3", "ec2", "rds", "route53", "acm", "elbv2", "sts"];
    let endpoints = Value::object(services.map(|s| (s, Value::from(endpoint.as_str()))));
    let config = Value::object([
        ("region", Value::from("eu-west-1")),
        ("access_key", Value::from(stack.access_key.as_str())),
        ("secret_key", Value::from("test")),
        ("endpoints", Value::set(vec![endpoints])),
    ]);
    iac_provider_aws::AwsProvider::new()
        .configure(config)
        .await
        .expect("the provider configures")
}

/// Lists `type_name` with `filter` (pairs of the list block's `config`).
async fn list(
    aws: &dyn ProviderClient,
    type_name: &str,
    filter: &[(&str, Value)],
    limit: Option<usize>,
) -> Vec<Listed> {
    let request = ListRequest {
        filter: Value::object(filter.iter().cloned()),
        include_resource: false,
        limit,
    };
    aws.list(type_name, &request)
        .await
        .unwrap_or_else(|e| panic!("listing {type_name}: {}", e.message))
}

fn ids(listed: &[Listed]) -> Vec<String> {
    let mut ids: Vec<String> = listed.iter().map(|l| l.id.clone()).collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}

fn ec2_tags(kind: ResourceType, pairs: &[(&str, &str)]) -> TagSpecification {
    let mut spec = TagSpecification::builder().resource_type(kind);
    for (k, v) in pairs {
        spec = spec.tags(Tag::builder().key(*k).value(*v).build());
    }
    spec.build()
}

async fn security_groups_rules_instances_addresses_and_keys(emu: Emulator) {
    let stack = Stack::new(emu, &[]);
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let aws = provider(&stack).await;
    let vpc = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("true").build())
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_string();
    let mut groups = Vec::new();
    for (name, team) in [("web-a", "web"), ("web-b", "web"), ("db", "data")] {
        let out = ec2
            .create_security_group()
            .group_name(name)
            .description(format!("{name} servers"))
            .vpc_id(&vpc)
            .tag_specifications(ec2_tags(ResourceType::SecurityGroup, &[("team", team)]))
            .send()
            .await
            .unwrap();
        groups.push(out.group_id().unwrap().to_string());
    }

    let all = list(&*aws, "aws_security_group", &[], None).await;
    assert_eq!(
        ids(&all),
        sorted(groups.clone()),
        "the default group is left out"
    );
    let a = all.iter().find(|l| l.id == groups[0]).unwrap();
    assert_eq!(a.display_name, "web-a");
    assert!(a.state.is_none());
    let web = list(
        &*aws,
        "aws_security_group",
        &[("tags", tags(&[("team", "web")]))],
        None,
    )
    .await;
    assert_eq!(ids(&web), sorted(groups[..2].to_vec()));
    let prefixed = list(
        &*aws,
        "aws_security_group",
        &[("name_prefix", Value::from("db"))],
        None,
    )
    .await;
    assert_eq!(ids(&prefixed), [groups[2].clone()]);
    let one = list(&*aws, "aws_security_group", &[], Some(1)).await;
    assert_eq!(one.len(), 1);
    let with_default = list(
        &*aws,
        "aws_security_group",
        &[
            ("include_default", Value::Bool(true)),
            ("vpc_id", Value::from(vpc.as_str())),
        ],
        None,
    )
    .await;
    assert_eq!(with_default.len(), 4);
    assert!(with_default.iter().any(|l| l.display_name == "default"));

    // Rules, by group: the ids DescribeSecurityGroupRules gives.
    ec2.authorize_security_group_ingress()
        .group_id(&groups[0])
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .ip_ranges(IpRange::builder().cidr_ip("203.0.113.0/24").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let rules: Vec<String> = ec2
        .describe_security_group_rules()
        .filters(
            Filter::builder()
                .name("group-id")
                .values(&groups[0])
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_group_rules()
        .iter()
        .filter(|r| r.is_egress() != Some(true))
        .map(|r| r.security_group_rule_id().unwrap().to_string())
        .collect();
    assert_eq!(rules.len(), 1);
    let listed = list(
        &*aws,
        "aws_vpc_security_group_ingress_rule",
        &[("security_group_id", Value::from(groups[0].as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&listed), rules);
    assert!(
        listed[0].display_name.contains("443 from 203.0.113.0/24"),
        "{}",
        listed[0].display_name
    );

    // Instances by Name tag and state, with their state as import reads it.
    let key = unique("ops");
    ec2.import_key_pair()
        .key_name(&key)
        .public_key_material(aws_sdk_ec2::primitives::Blob::new(
            include_str!("e2e_key.pub").trim(),
        ))
        .send()
        .await
        .unwrap();
    let run = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(2)
        .max_count(2)
        .tag_specifications(ec2_tags(
            ResourceType::Instance,
            &[("Name", "cache"), ("team", "web")],
        ))
        .send()
        .await
        .unwrap();
    let instances: Vec<String> = run
        .instances()
        .iter()
        .map(|i| i.instance_id().unwrap().to_string())
        .collect();
    let listed = list(
        &*aws,
        "aws_instance",
        &[("name_prefix", Value::from("cac"))],
        None,
    )
    .await;
    assert_eq!(ids(&listed), sorted(instances.clone()));
    assert!(listed.iter().all(|l| l.display_name == "cache"));
    ec2.stop_instances()
        .instance_ids(&instances[1])
        .send()
        .await
        .unwrap();
    let running = list(
        &*aws,
        "aws_instance",
        &[
            (
                "instance_state_names",
                Value::set(vec![Value::from("running")]),
            ),
            ("tags", tags(&[("team", "web")])),
        ],
        None,
    )
    .await;
    assert_eq!(ids(&running), [instances[0].clone()]);
    ec2.terminate_instances()
        .instance_ids(&instances[1])
        .send()
        .await
        .unwrap();
    let request = ListRequest {
        filter: Value::object([("tags", tags(&[("team", "web")]))]),
        include_resource: true,
        limit: None,
    };
    let live = aws.list("aws_instance", &request).await.unwrap();
    assert_eq!(
        ids(&live),
        [instances[0].clone()],
        "a terminated instance is not listed"
    );
    let state = live[0].state.as_ref().expect("the state is read");
    assert_eq!(state.get("id").as_str(), Some(instances[0].as_str()));
    assert_eq!(state.get("instance_type").as_str(), Some("t3.micro"));

    // Elastic IPs and their associations.
    let eip = ec2
        .allocate_address()
        .domain(aws_sdk_ec2::types::DomainType::Vpc)
        .tag_specifications(ec2_tags(ResourceType::ElasticIp, &[("Name", "cache-ip")]))
        .send()
        .await
        .unwrap();
    let allocation = eip.allocation_id().unwrap().to_string();
    let association = ec2
        .associate_address()
        .allocation_id(&allocation)
        .instance_id(&instances[0])
        .send()
        .await
        .unwrap()
        .association_id()
        .unwrap()
        .to_string();
    let eips = list(
        &*aws,
        "aws_eip",
        &[("name_prefix", Value::from("cache"))],
        None,
    )
    .await;
    assert_eq!(ids(&eips), [allocation.clone()]);
    assert_eq!(eips[0].display_name, "cache-ip");
    let associations = list(
        &*aws,
        "aws_eip_association",
        &[("instance_id", Value::from(instances[0].as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&associations), [association]);
    assert!(associations[0].display_name.ends_with(&instances[0]));

    // Key pairs by name.
    let keys = list(
        &*aws,
        "aws_key_pair",
        &[("name_prefix", Value::from(key.as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&keys), [key.clone()]);
    assert!(
        list(
            &*aws,
            "aws_key_pair",
            &[("name_prefix", Value::from("nothing-"))],
            None
        )
        .await
        .is_empty()
    );
}

on_emulators!(security_groups_rules_instances_addresses_and_keys: Moto);

async fn buckets_of_the_region_and_their_settings(emu: Emulator) {
    use aws_sdk_s3::types::{
        BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus,
        CreateBucketConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
        LifecycleRuleFilter, PublicAccessBlockConfiguration, Tag, Tagging, VersioningConfiguration,
    };
    let stack = Stack::new(emu, &[]);
    let s3 = stack.s3().await;
    let aws = provider(&stack).await;
    let prefix = unique("iac-list");
    let here: Vec<String> = ["logs", "media", "site"]
        .iter()
        .map(|n| format!("{prefix}-{n}"))
        .collect();
    for name in &here {
        s3.create_bucket()
            .bucket(name)
            .create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::EuWest1)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let elsewhere = format!("{prefix}-virginia");
    stack
        .s3_in("us-east-1")
        .create_bucket()
        .bucket(&elsewhere)
        .send()
        .await
        .unwrap();
    s3.put_bucket_tagging()
        .bucket(&here[1])
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key("team").value("media").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_versioning()
        .bucket(&here[0])
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(&here[2])
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_lifecycle_configuration()
        .bucket(&here[0])
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(
                    LifecycleRule::builder()
                        .id("expire")
                        .status(ExpirationStatus::Enabled)
                        .filter(LifecycleRuleFilter::builder().prefix("old/").build())
                        .expiration(LifecycleExpiration::builder().days(30).build())
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let prefixed = [("name_prefix", Value::from(prefix.as_str()))];
    let buckets = list(&*aws, "aws_s3_bucket", &prefixed, None).await;
    assert_eq!(ids(&buckets), here, "only the buckets of eu-west-1");
    let tagged = list(
        &*aws,
        "aws_s3_bucket",
        &[("tags", tags(&[("team", "media")]))],
        None,
    )
    .await;
    assert_eq!(ids(&tagged), [here[1].clone()]);
    assert_eq!(
        list(&*aws, "aws_s3_bucket", &prefixed, Some(2)).await.len(),
        2
    );
    let versioned = list(&*aws, "aws_s3_bucket_versioning", &prefixed, None).await;
    assert_eq!(
        ids(&versioned),
        [here[0].clone()],
        "buckets never versioned are left out"
    );
    let blocked = list(&*aws, "aws_s3_bucket_public_access_block", &prefixed, None).await;
    assert_eq!(ids(&blocked), [here[2].clone()]);
    let request = ListRequest {
        filter: Value::object(prefixed.clone()),
        include_resource: true,
        limit: None,
    };
    let lifecycles = aws
        .list("aws_s3_bucket_lifecycle_configuration", &request)
        .await
        .unwrap();
    assert_eq!(ids(&lifecycles), [here[0].clone()]);
    let state = lifecycles[0].state.as_ref().unwrap();
    assert_eq!(state.get("bucket").as_str(), Some(here[0].as_str()));
    assert_eq!(state.get("rule").as_items().map(<[Value]>::len), Some(1));
}

on_emulators!(buckets_of_the_region_and_their_settings: Moto);

async fn zones_and_their_records(emu: Emulator) {
    use aws_sdk_route53::types::{
        Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
    };
    let stack = Stack::new(emu, &[]);
    let r53 = aws_sdk_route53::Client::new(&stack.sdk());
    let aws = provider(&stack).await;
    let domain = format!("{}.example.com", unique("list"));
    let zone = r53
        .create_hosted_zone()
        .name(&domain)
        .caller_reference(unique("zone"))
        .send()
        .await
        .unwrap()
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let record = |name: &str, kind: RrType, value: &str| {
        Change::builder()
            .action(ChangeAction::Create)
            .resource_record_set(
                ResourceRecordSet::builder()
                    .name(name)
                    .r#type(kind)
                    .ttl(300)
                    .resource_records(ResourceRecord::builder().value(value).build().unwrap())
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    };
    r53.change_resource_record_sets()
        .hosted_zone_id(&zone)
        .change_batch(
            ChangeBatch::builder()
                .changes(record(&format!("www.{domain}"), RrType::A, "192.0.2.10"))
                .changes(record(
                    &format!("www.{domain}"),
                    RrType::Aaaa,
                    "2001:db8::10",
                ))
                .changes(record(&format!("_acme.{domain}"), RrType::Txt, "\"token\""))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let zones = list(
        &*aws,
        "aws_route53_zone",
        &[("name_prefix", Value::from(domain.as_str()))],
        None,
    )
    .await;
    assert_eq!(ids(&zones), [zone.clone()]);
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
        assert_eq!(ids(&lbs), [lb.clone()]);
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
    assert_eq!(ids(&groups), [group.clone()]);
    let listeners = list(&*aws, "aws_lb_listener", &[], None).await;
    assert_eq!(ids(&listeners), [listener.clone()]);
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
    assert_eq!(ids(&certs), [arn.clone()]);
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
