//! The AWS console of a hand-made system: one SDK client per service in the stack's
//! own account, and the steps a person takes there, each recording what it made.

use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, ResourceType, Tag, TagSpecification, UserIdGroupPair,
};

use super::Made;
use crate::Stack;

/// The SDK clients of the stack's account, and what has been made with them.
pub struct Console {
    pub ec2: aws_sdk_ec2::Client,
    pub rds: aws_sdk_rds::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub route53: aws_sdk_route53::Client,
    pub s3: aws_sdk_s3::Client,
    pub made: Made,
}

/// Where a security group rule lets traffic come from.
pub enum Source<'a> {
    Cidr(&'a str),
    Group(&'a str),
}

fn tags(resource: ResourceType, name: &str, extra: &[(&str, &str)]) -> TagSpecification {
    let mut spec = TagSpecification::builder()
        .resource_type(resource)
        .tags(Tag::builder().key("Name").value(name).build());
    for (k, v) in extra {
        spec = spec.tags(Tag::builder().key(*k).value(*v).build());
    }
    spec.build()
}

impl Console {
    /// The console of `stack`'s account (see [`Stack::in_own_account`]), in its region.
    pub fn open(stack: &Stack) -> Console {
        let sdk = stack.sdk();
        Console {
            ec2: aws_sdk_ec2::Client::new(&sdk),
            rds: aws_sdk_rds::Client::new(&sdk),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&sdk),
            route53: aws_sdk_route53::Client::new(&sdk),
            s3: stack.s3_in("eu-west-1"),
            made: Made::default(),
        }
    }

    /// The default VPC's id, which a hand-made system uses without owning.
    pub async fn default_vpc(&mut self) -> String {
        let id = crate::ec2::default_vpc(&self.ec2).await;
        self.made.id(id)
    }

    /// The default VPC's subnets.
    pub async fn default_subnets(&mut self, vpc: &str) -> Vec<String> {
        let subnets = self
            .ec2
            .describe_subnets()
            .filters(Filter::builder().name("vpc-id").values(vpc).build())
            .send()
            .await
            .unwrap();
        let mut ids: Vec<String> = subnets
            .subnets()
            .iter()
            .map(|s| s.subnet_id().unwrap().to_string())
            .collect();
        ids.sort();
        for id in &ids {
            self.made.id(id.clone());
        }
        ids
    }

    /// An Ubuntu image published by Canonical, as the teams' hosts run.
    pub async fn ubuntu_image(&mut self) -> String {
        let images = self
            .ec2
            .describe_images()
            .owners("099720109477")
            .filters(
                Filter::builder()
                    .name("name")
                    .values("ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let id = images.images()[0].image_id().unwrap().to_string();
        self.made.id(id)
    }

    pub async fn key_pair(&mut self, name: &str, public_key: &str) {
        self.ec2
            .import_key_pair()
            .key_name(name)
            .public_key_material(aws_sdk_ec2::primitives::Blob::new(public_key.trim()))
            .send()
            .await
            .unwrap();
        self.made.count("aws_key_pair", 1);
    }

    /// A security group with its inbound rules (`(port, source)`), each a rule of its
    /// own as `aws_vpc_security_group_ingress_rule` holds it. The group keeps the
    /// default outbound rule AWS gives it.
    pub async fn security_group(
        &mut self,
        name: &str,
        description: &str,
        vpc: &str,
        rules: &[(i32, Source<'_>)],
    ) -> String {
        let id = self
            .ec2
            .create_security_group()
            .group_name(name)
            .description(description)
            .vpc_id(vpc)
            .tag_specifications(tags(ResourceType::SecurityGroup, name, &[]))
            .send()
            .await
            .unwrap()
            .group_id()
            .unwrap()
            .to_string();
        for (port, source) in rules {
            let mut permission = IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(*port)
                .to_port(*port);
            permission = match source {
                Source::Cidr(cidr) => {
                    permission.ip_ranges(IpRange::builder().cidr_ip(*cidr).build())
                }
                Source::Group(group) => permission
                    .user_id_group_pairs(UserIdGroupPair::builder().group_id(*group).build()),
            };
            let answer = self
                .ec2
                .authorize_security_group_ingress()
                .group_id(&id)
                .ip_permissions(permission.build())
                .send()
                .await
                .unwrap();
            for rule in answer.security_group_rules() {
                self.made.id(rule.security_group_rule_id().unwrap());
            }
        }
        // Its rules are adopted with it, as the group's `ingress` blocks.
        self.made.count("aws_security_group", 1);
        self.made.id(id)
    }

    /// A running instance named `name`.
    pub async fn instance(
        &mut self,
        name: &str,
        image: &str,
        instance_type: &str,
        key: &str,
        groups: &[&str],
        user_data: Option<&str>,
    ) -> String {
        let mut run = self
            .ec2
            .run_instances()
            .image_id(image)
            .instance_type(instance_type.into())
            .key_name(key)
            .min_count(1)
            .max_count(1)
            .tag_specifications(tags(ResourceType::Instance, name, &[]));
        for g in groups {
            run = run.security_group_ids(*g);
        }
        if let Some(data) = user_data {
            use base64::Engine;
            run = run.user_data(base64::engine::general_purpose::STANDARD.encode(data));
        }
        let answer = run.send().await.unwrap();
        let id = answer.instances()[0].instance_id().unwrap().to_string();
        self.made.count("aws_instance", 1);
        self.made.id(id)
    }

    /// An Elastic IP named `name` attached to `instance`: `(allocation id, address)`.
    pub async fn elastic_ip(&mut self, name: &str, instance: &str) -> (String, String) {
        let eip = self
            .ec2
            .allocate_address()
            .domain(aws_sdk_ec2::types::DomainType::Vpc)
            .tag_specifications(tags(ResourceType::ElasticIp, name, &[]))
            .send()
            .await
            .unwrap();
        let allocation = eip.allocation_id().unwrap().to_string();
        let address = eip.public_ip().unwrap().to_string();
        let association = self
            .ec2
            .associate_address()
            .allocation_id(&allocation)
            .instance_id(instance)
            .send()
            .await
            .unwrap();
        self.made.id(association.association_id().unwrap());
        self.made.count("aws_eip", 1);
        self.made.count("aws_eip_association", 1);
        let address = self.made.id(address);
        (self.made.id(allocation), address)
    }

    /// A parameter group of family `family` with `parameters` changed from their
    /// defaults.
    pub async fn db_parameter_group(
        &mut self,
        name: &str,
        family: &str,
        description: &str,
        parameters: &[(&str, &str)],
    ) {
        self.rds
            .create_db_parameter_group()
            .db_parameter_group_name(name)
            .db_parameter_group_family(family)
            .description(description)
            .send()
            .await
            .unwrap();
        if !parameters.is_empty() {
            let mut modify = self
                .rds
                .modify_db_parameter_group()
                .db_parameter_group_name(name);
            for (k, v) in parameters {
                modify = modify.parameters(
                    aws_sdk_rds::types::Parameter::builder()
                        .parameter_name(*k)
                        .parameter_value(*v)
                        .apply_method(aws_sdk_rds::types::ApplyMethod::PendingReboot)
                        .build(),
                );
            }
            modify.send().await.unwrap();
        }
        self.made.count("aws_db_parameter_group", 1);
    }

    /// A subnet group over `subnets`.
    pub async fn db_subnet_group(&mut self, name: &str, description: &str, subnets: &[String]) {
        self.rds
            .create_db_subnet_group()
            .db_subnet_group_name(name)
            .db_subnet_group_description(description)
            .set_subnet_ids(Some(subnets.to_vec()))
            .send()
            .await
            .unwrap();
        self.made.count("aws_db_subnet_group", 1);
    }

    /// A PostgreSQL database; what a person sets in the console beyond the defaults.
    pub async fn postgres(&mut self, db: Postgres<'_>) {
        let mut create = self
            .rds
            .create_db_instance()
            .db_instance_identifier(db.identifier)
            .engine("postgres")
            .engine_version(db.version)
            .db_instance_class(db.class)
            .allocated_storage(db.storage_gb)
            .master_username(db.username)
            .master_user_password("hand-typed-password-1")
            .backup_retention_period(db.backup_days)
            .vpc_security_group_ids(db.group);
        if let Some(pg) = db.parameter_group {
            create = create.db_parameter_group_name(pg);
        }
        if let Some(sg) = db.subnet_group {
            create = create.db_subnet_group_name(sg);
        }
        create.send().await.unwrap();
        self.made.count("aws_db_instance", 1);
    }

    /// An S3 bucket in the region, private (a public access block), optionally versioned.
    pub async fn bucket(&mut self, name: &str, versioned: bool) {
        crate::s3::create_bucket(&self.s3, name).await;
        crate::s3::block_public_access(&self.s3, name).await;
        self.made.count("aws_s3_bucket", 1);
        self.made.count("aws_s3_bucket_public_access_block", 1);
        if versioned {
            let enabled = aws_sdk_s3::types::BucketVersioningStatus::Enabled;
            crate::s3::set_versioning(&self.s3, name, enabled).await;
            self.made.count("aws_s3_bucket_versioning", 1);
        }
    }

    /// Objects in `bucket` expire after `days`.
    pub async fn expire_after(&mut self, bucket: &str, days: i32) {
        use aws_sdk_s3::types::{
            BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
            LifecycleRuleFilter,
        };
        let rule = LifecycleRule::builder()
            .id("expire-old-dumps")
            .status(ExpirationStatus::Enabled)
            .filter(LifecycleRuleFilter::builder().prefix("").build())
            .expiration(LifecycleExpiration::builder().days(days).build())
            .build()
            .unwrap();
        self.s3
            .put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(
                BucketLifecycleConfiguration::builder()
                    .rules(rule)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        self.made.count("aws_s3_bucket_lifecycle_configuration", 1);
    }

    /// A public hosted zone: its id.
    pub async fn zone(&mut self, name: &str, comment: &str) -> String {
        let id = crate::route53::create_zone(&self.route53, name, Some(comment)).await;
        self.made.count("aws_route53_zone", 1);
        self.made.id(id)
    }

    /// An `A` record `name` in `zone` pointing at `address`.
    pub async fn a_record(&mut self, zone: &str, name: &str, address: &str) {
        let set = crate::route53::record(name, aws_sdk_route53::types::RrType::A, address);
        crate::route53::create(&self.route53, zone, vec![set]).await;
        self.made.count("aws_route53_record", 1);
    }

    /// An internet-facing application load balancer over `subnets` forwarding HTTP on
    /// port 80 to `instance`: its ARN.
    pub async fn load_balancer(
        &mut self,
        name: &str,
        vpc: &str,
        subnets: &[String],
        group: &str,
        instance: &str,
    ) -> String {
        use aws_sdk_elasticloadbalancingv2::types::{
            Action, ActionTypeEnum, ProtocolEnum, TargetDescription,
        };
        let lb = self
            .elb
            .create_load_balancer()
            .name(name)
            .set_subnets(Some(subnets.to_vec()))
            .security_groups(group)
            .send()
            .await
            .unwrap();
        let lb_arn = lb.load_balancers()[0]
            .load_balancer_arn()
            .unwrap()
            .to_string();
        let tg = self
            .elb
            .create_target_group()
            .name(name)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
        let tg_arn = tg.target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string();
        self.elb
            .register_targets()
            .target_group_arn(&tg_arn)
            .targets(TargetDescription::builder().id(instance).port(80).build())
            .send()
            .await
            .unwrap();
        let listener = self
            .elb
            .create_listener()
            .load_balancer_arn(&lb_arn)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(&tg_arn)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        self.made
            .id(listener.listeners()[0].listener_arn().unwrap());
        self.made.id(tg_arn);
        self.made.count("aws_lb", 1);
        self.made.count("aws_lb_target_group", 1);
        self.made.count("aws_lb_target_group_attachment", 1);
        self.made.count("aws_lb_listener", 1);
        self.made.id(lb_arn)
    }
}

/// A PostgreSQL database as a team set it up.
pub struct Postgres<'a> {
    pub identifier: &'a str,
    pub version: &'a str,
    pub class: &'a str,
    pub storage_gb: i32,
    pub username: &'a str,
    pub backup_days: i32,
    pub group: &'a str,
    pub parameter_group: Option<&'a str>,
    pub subnet_group: Option<&'a str>,
}
