//! AWS partitions: which one a region belongs to, and the DNS names AWS gives things in
//! it (after the SDK's partition table and AWS's naming of EC2 hosts and S3 buckets).

/// A partition: its id in ARNs and the DNS suffix of its endpoints.
#[derive(Debug, PartialEq, Eq)]
pub struct Partition {
    pub id: &'static str,
    pub dns_suffix: &'static str,
}

const AWS: Partition = Partition {
    id: "aws",
    dns_suffix: "amazonaws.com",
};

/// The partitions other than `aws`, by the region prefix that names them.
const OTHERS: &[(&str, Partition)] = &[
    (
        "cn-",
        Partition {
            id: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
        },
    ),
    (
        "us-gov-",
        Partition {
            id: "aws-us-gov",
            dns_suffix: "amazonaws.com",
        },
    ),
    (
        "us-iso-",
        Partition {
            id: "aws-iso",
            dns_suffix: "c2s.ic.gov",
        },
    ),
    (
        "us-isob-",
        Partition {
            id: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
        },
    ),
    (
        "eu-isoe-",
        Partition {
            id: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
        },
    ),
    (
        "us-isof-",
        Partition {
            id: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
        },
    ),
    (
        "eusc-",
        Partition {
            id: "aws-eusc",
            dns_suffix: "amazonaws.eu",
        },
    ),
];

/// The partition of `region` (`aws` for any region no other partition claims).
pub fn of(region: &str) -> &'static Partition {
    OTHERS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or(&AWS, |(_, p)| p)
}

/// An IPv4 address as EC2 writes it into host names: `10-0-0-1`.
fn dashed(ip: &str) -> String {
    ip.replace('.', "-")
}

/// The public DNS name EC2 gives a public IP in `region`: `ec2-…compute-1.amazonaws.com`
/// in us-east-1, `ec2-….REGION.compute.SUFFIX` elsewhere.
pub fn ec2_public_dns(region: &str, ip: &str) -> String {
    let zone = if region == "us-east-1" {
        "compute-1".to_string()
    } else {
        format!("{region}.compute")
    };
    format!("ec2-{}.{zone}.{}", dashed(ip), of(region).dns_suffix)
}

/// The private DNS name EC2 gives a private IP in `region`: `ip-….ec2.internal` in
/// us-east-1, `ip-….REGION.compute.internal` elsewhere.
pub fn ec2_private_dns(region: &str, ip: &str) -> String {
    let zone = if region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{region}.compute.internal")
    };
    format!("ip-{}.{zone}", dashed(ip))
}

/// A bucket's global domain name in the partition of `region`: `BUCKET.s3.SUFFIX`.
pub fn s3_domain(region: &str, bucket: &str) -> String {
    format!("{bucket}.s3.{}", of(region).dns_suffix)
}

/// A bucket's regional domain name: `BUCKET.s3.REGION.SUFFIX`.
pub fn s3_regional_domain(region: &str, bucket: &str) -> String {
    format!("{bucket}.s3.{region}.{}", of(region).dns_suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fall_in_their_partitions() {
        assert_eq!(of("eu-west-1").id, "aws");
        assert_eq!(of("il-central-1").id, "aws");
        assert_eq!(of("cn-north-1").id, "aws-cn");
        assert_eq!(of("us-gov-west-1").id, "aws-us-gov");
        assert_eq!(of("us-iso-east-1").id, "aws-iso");
        assert_eq!(of("us-isob-east-1").id, "aws-iso-b");
        assert_eq!(of("eu-isoe-west-1").id, "aws-iso-e");
        assert_eq!(of("us-isof-south-1").id, "aws-iso-f");
        assert_eq!(of("eusc-de-east-1").id, "aws-eusc");
    }

    #[test]
    fn ec2_names_hosts_as_aws_does() {
        let ip = "54.1.2.3";
        assert_eq!(
            ec2_public_dns("us-east-1", ip),
            "ec2-54-1-2-3.compute-1.amazonaws.com"
        );
        assert_eq!(
            ec2_public_dns("eu-west-1", ip),
            "ec2-54-1-2-3.eu-west-1.compute.amazonaws.com"
        );
        assert_eq!(
            ec2_public_dns("us-east-2", ip),
            "ec2-54-1-2-3.us-east-2.compute.amazonaws.com"
        );
        assert_eq!(
            ec2_public_dns("cn-north-1", ip),
            "ec2-54-1-2-3.cn-north-1.compute.amazonaws.com.cn"
        );
        assert_eq!(
            ec2_public_dns("us-gov-west-1", ip),
            "ec2-54-1-2-3.us-gov-west-1.compute.amazonaws.com"
        );
        assert_eq!(
            ec2_private_dns("us-east-1", "10.0.0.12"),
            "ip-10-0-0-12.ec2.internal"
        );
        assert_eq!(
            ec2_private_dns("ap-southeast-1", "10.0.0.12"),
            "ip-10-0-0-12.ap-southeast-1.compute.internal"
        );
        assert_eq!(
            ec2_private_dns("cn-northwest-1", "10.0.0.12"),
            "ip-10-0-0-12.cn-northwest-1.compute.internal"
        );
    }

    #[test]
    fn s3_names_buckets_in_their_partition() {
        assert_eq!(s3_domain("us-east-1", "logs"), "logs.s3.amazonaws.com");
        assert_eq!(s3_domain("eu-west-1", "logs"), "logs.s3.amazonaws.com");
        assert_eq!(s3_domain("cn-north-1", "logs"), "logs.s3.amazonaws.com.cn");
        assert_eq!(
            s3_regional_domain("cn-north-1", "logs"),
            "logs.s3.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            s3_regional_domain("us-gov-west-1", "logs"),
            "logs.s3.us-gov-west-1.amazonaws.com"
        );
        assert_eq!(
            s3_regional_domain("eusc-de-east-1", "logs"),
            "logs.s3.eusc-de-east-1.amazonaws.eu"
        );
    }
}
