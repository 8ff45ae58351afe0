//! Listing EC2 objects and S3 buckets through the provider (`ProviderClient::list`,
//! what `iac query` and `iac adopt` build on): objects made by hand with the AWS SDK on
//! moto, each stack an account of its own, listed with each filter and small limits;
//! the ids are checked against what the SDK reports and, with `include_resource`, the
//! states are what import reads. The other services: `list_aws_services.rs`.

use aws_sdk_ec2::types::{Filter, IpPermission, IpRange, ResourceType, Tag, TagSpecification};
use iac_e2e::listing::{ids, list, provider, sorted, tags};
use iac_e2e::{Emulator, Stack, on_emulators, unique};
use iac_provider::ListRequest;
use iac_value::Value;

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
    let vpc = iac_e2e::ec2::default_vpc(&ec2).await;
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
    assert_eq!(ids(&eips), std::slice::from_ref(&allocation));
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
    assert_eq!(ids(&keys), std::slice::from_ref(&key));
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
        BucketLifecycleConfiguration, BucketVersioningStatus, ExpirationStatus,
        LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, PublicAccessBlockConfiguration,
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
        iac_e2e::s3::create_bucket(&s3, name).await;
    }
    let elsewhere = format!("{prefix}-virginia");
    stack
        .s3_in("us-east-1")
        .create_bucket()
        .bucket(&elsewhere)
        .send()
        .await
        .unwrap();
    iac_e2e::s3::tag_bucket(&s3, &here[1], "team", "media").await;
    iac_e2e::s3::set_versioning(&s3, &here[0], BucketVersioningStatus::Suspended).await;
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
