//! The four AWS teams' systems, as their notes describe them, made by hand in one
//! account each. Names are the teams' own; a bucket name (global in S3) gets `prefix`.

use super::Made;
use super::aws::{Console, Postgres, Source};
use crate::Stack;

const PUBLIC_KEY: &str = include_str!("../../tests/e2e_key.pub");
const ADMINS: &str = "203.0.113.0/24";
const CLUSTER: &str = "172.31.0.0/16";
const ANYWHERE: &str = "0.0.0.0/0";

/// EDGI web monitoring: a Redis cache host with an Elastic IP (`wm-cache-*`), the ETL
/// host, the IA archiver, the metrics host (Elasticsearch and Kibana), and production
/// and staging PostgreSQL on RDS sharing a tuned parameter group.
pub async fn web_monitoring(stack: &Stack) -> Made {
    let mut aws = Console::open(stack);
    let vpc = aws.default_vpc().await;
    let image = aws.ubuntu_image().await;
    aws.key_pair("web-monitoring-ops", PUBLIC_KEY).await;
    let ssh = aws
        .security_group(
            "wm-ssh",
            "SSH from the admins",
            &vpc,
            &[(22, Source::Cidr(ADMINS))],
        )
        .await;
    let redis = aws
        .security_group(
            "wm-cache",
            "Redis from the cluster",
            &vpc,
            &[(6379, Source::Cidr(CLUSTER))],
        )
        .await;
    let metrics = aws
        .security_group(
            "wm-metrics",
            "Elasticsearch and Kibana from the cluster",
            &vpc,
            &[(9200, Source::Cidr(CLUSTER)), (5601, Source::Cidr(CLUSTER))],
        )
        .await;
    let postgres = aws
        .security_group(
            "wm-postgres",
            "PostgreSQL from the cluster and the ETL host",
            &vpc,
            &[(5432, Source::Cidr(CLUSTER)), (5432, Source::Group(&ssh))],
        )
        .await;
    let key = "web-monitoring-ops";
    let cache = aws
        .instance("wm-cache", &image, "t3.small", key, &[&ssh, &redis], None)
        .await;
    aws.elastic_ip("wm-cache-ip", &cache).await;
    aws.instance("wm-etl", &image, "t3.medium", key, &[&ssh], None)
        .await;
    aws.instance("ia-archiver", &image, "t3.micro", key, &[&ssh], None)
        .await;
    aws.instance(
        "wm-metrics",
        &image,
        "t3.large",
        key,
        &[&ssh, &metrics],
        None,
    )
    .await;
    aws.db_parameter_group(
        "web-monitoring-postgres14",
        "postgres14",
        "web-monitoring-db tuning",
        &[("log_min_duration_statement", "1000")],
    )
    .await;
    for (identifier, class, storage) in [
        ("wm-production", "db.t4g.medium", 100),
        ("wm-staging", "db.t4g.small", 20),
    ] {
        aws.postgres(Postgres {
            identifier,
            version: "14.10",
            class,
            storage_gb: storage,
            username: "web_monitoring",
            backup_days: 7,
            group: &postgres,
            parameter_group: Some("web-monitoring-postgres14"),
            subnet_group: None,
        })
        .await;
    }
    aws.made
}

/// Human Essentials: production and staging servers (production behind a load
/// balancer), one shared PostgreSQL with automatic backups, and three buckets (the
/// backups bucket versioned, its old dumps expiring).
pub async fn human_essentials(stack: &Stack, prefix: &str) -> Made {
    let mut aws = Console::open(stack);
    let vpc = aws.default_vpc().await;
    let subnets = aws.default_subnets(&vpc).await;
    let image = aws.ubuntu_image().await;
    let key = "human-essentials-cloud66";
    aws.key_pair(key, PUBLIC_KEY).await;
    let lb = aws
        .security_group(
            "human-essentials-lb",
            "HTTP(S) from anywhere to the load balancer",
            &vpc,
            &[(80, Source::Cidr(ANYWHERE)), (443, Source::Cidr(ANYWHERE))],
        )
        .await;
    let app = aws
        .security_group(
            "human-essentials-app",
            "The servers: web traffic, and SSH for Cloud66",
            &vpc,
            &[(80, Source::Group(&lb)), (22, Source::Cidr(ANYWHERE))],
        )
        .await;
    let db = aws
        .security_group(
            "human-essentials-db",
            "PostgreSQL from the servers only",
            &vpc,
            &[(5432, Source::Group(&app))],
        )
        .await;
    let production = aws
        .instance(
            "human-essentials-production",
            &image,
            "t3.large",
            key,
            &[&app],
            None,
        )
        .await;
    aws.instance(
        "human-essentials-staging",
        &image,
        "t3.small",
        key,
        &[&app],
        None,
    )
    .await;
    aws.load_balancer(
        "human-essentials-production",
        &vpc,
        &subnets,
        &lb,
        &production,
    )
    .await;
    aws.db_subnet_group("human-essentials", "The default VPC's subnets", &subnets)
        .await;
    aws.postgres(Postgres {
        identifier: "human-essentials",
        version: "16.3",
        class: "db.t3.medium",
        storage_gb: 50,
        username: "human_essentials",
        backup_days: 7,
        group: &db,
        parameter_group: None,
        subnet_group: Some("human-essentials"),
    })
    .await;
    for bucket in ["production", "staging"] {
        aws.bucket(&format!("{prefix}-{bucket}"), false).await;
    }
    let backups = format!("{prefix}-backups");
    aws.bucket(&backups, true).await;
    aws.expire_after(&backups, 30).await;
    aws.made
}

/// AMY: a test and a production stage, each an nginx host (TLS by certbot) with an
/// Elastic IP and its name in the Route 53 zone, and a PostgreSQL database of its own.
pub async fn amy(stack: &Stack, domain: &str) -> Made {
    let mut aws = Console::open(stack);
    let vpc = aws.default_vpc().await;
    let image = aws.ubuntu_image().await;
    let key = "amy-deploy";
    aws.key_pair(key, PUBLIC_KEY).await;
    let zone = aws.zone(domain, "AMY and friends").await;
    let host = aws
        .security_group(
            "amy-host",
            "HTTP(S) from anywhere, SSH from the admins",
            &vpc,
            &[
                (80, Source::Cidr(ANYWHERE)),
                (443, Source::Cidr(ANYWHERE)),
                (22, Source::Cidr(ADMINS)),
            ],
        )
        .await;
    let db = aws
        .security_group(
            "amy-db",
            "PostgreSQL from the hosts",
            &vpc,
            &[(5432, Source::Group(&host))],
        )
        .await;
    for (stage, hostname, size) in [
        ("production", "amy", "t3.medium"),
        ("test", "test-amy", "t3.small"),
    ] {
        let instance = aws
            .instance(&format!("amy-{stage}"), &image, size, key, &[&host], None)
            .await;
        let (_, address) = aws.elastic_ip(&format!("amy-{stage}"), &instance).await;
        aws.a_record(&zone, &format!("{hostname}.{domain}"), &address)
            .await;
        aws.postgres(Postgres {
            identifier: &format!("amy-{stage}"),
            version: "15.5",
            class: "db.t3.micro",
            storage_gb: 20,
            username: "amy",
            backup_days: 7,
            group: &db,
            parameter_group: None,
            subnet_group: None,
        })
        .await;
    }
    aws.made
}

/// web-bugs: one host (the docker-compose stack behind an nginx of its own, set up by
/// cloud-init) with an Elastic IP and its name in the team's zone, and the bucket its
/// daily snapshots go to.
pub async fn web_bugs(stack: &Stack, domain: &str, bucket: &str) -> Made {
    let mut aws = Console::open(stack);
    let vpc = aws.default_vpc().await;
    let image = aws.ubuntu_image().await;
    let key = "web-bugs-production-admin";
    aws.key_pair(key, PUBLIC_KEY).await;
    let zone = aws.zone(domain, "webcompat").await;
    let group = aws
        .security_group(
            "web-bugs-production",
            "web-bugs: HTTP(S) from anywhere, SSH from the admins",
            &vpc,
            &[
                (80, Source::Cidr(ANYWHERE)),
                (443, Source::Cidr(ANYWHERE)),
                (22, Source::Cidr(ADMINS)),
            ],
        )
        .await;
    let user_data = "#cloud-config\npackages:\n  - docker.io\n  - nginx\n";
    let host = aws
        .instance(
            "web-bugs-production",
            &image,
            "t3.large",
            key,
            &[&group],
            Some(user_data),
        )
        .await;
    let (_, address) = aws.elastic_ip("web-bugs-production", &host).await;
    aws.a_record(&zone, &format!("web-bugs.{domain}"), &address)
        .await;
    aws.bucket(bucket, false).await;
    aws.made
}
