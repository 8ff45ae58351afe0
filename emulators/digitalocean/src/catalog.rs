//! Regions, sizes and the base images: what a create may name, and how they look in
//! answers (images themselves live in the account: their slugs move, see `images`).

use serde_json::{Value, json};

/// Region slugs and names.
pub const REGIONS: &[(&str, &str)] = &[
    ("nyc1", "New York 1"),
    ("nyc2", "New York 2"),
    ("nyc3", "New York 3"),
    ("sgp1", "Singapore 1"),
    ("ams3", "Amsterdam 3"),
    ("fra1", "Frankfurt 1"),
    ("lon1", "London 1"),
    ("sfo3", "San Francisco 3"),
    ("tor1", "Toronto 1"),
    ("blr1", "Bangalore 1"),
];

/// Size slug, memory (MB), vCPUs, disk (GB), monthly price.
pub const SIZES: &[(&str, u64, u64, u64, f64)] = &[
    ("s-1vcpu-512mb-10gb", 512, 1, 10, 4.0),
    ("s-1vcpu-1gb", 1024, 1, 25, 6.0),
    ("s-1vcpu-2gb", 2048, 1, 50, 12.0),
    ("s-2vcpu-2gb", 2048, 2, 60, 18.0),
    ("s-2vcpu-4gb", 4096, 2, 80, 24.0),
    ("s-4vcpu-8gb", 8192, 4, 160, 48.0),
    ("s-8vcpu-16gb", 16384, 8, 320, 96.0),
    ("c-2", 4096, 2, 25, 42.0),
    ("m-2vcpu-16gb", 16384, 2, 50, 84.0),
];

/// The base images the account starts with: id, slug, distribution, name.
pub const IMAGES: &[(u64, &str, &str, &str)] = &[
    (129211873, "ubuntu-24-04-x64", "Ubuntu", "24.04 (LTS) x64"),
    (112929454, "ubuntu-22-04-x64", "Ubuntu", "22.04 (LTS) x64"),
    (112929408, "ubuntu-20-04-x64", "Ubuntu", "20.04 (LTS) x64"),
    (139579370, "debian-12-x64", "Debian", "12 x64"),
    (106434191, "debian-11-x64", "Debian", "11 x64"),
    (134347895, "centos-stream-9-x64", "CentOS", "Stream 9 x64"),
    (135935472, "rockylinux-9-x64", "Rocky Linux", "9 x64"),
];

pub fn region(slug: &str) -> Option<Value> {
    let (slug, name) = REGIONS.iter().find(|(s, _)| *s == slug)?;
    Some(json!({
        "slug": slug,
        "name": name,
        "available": true,
        "features": ["backups", "ipv6", "metadata", "install_agent", "private_networking"],
        "sizes": SIZES.iter().map(|s| s.0).collect::<Vec<_>>(),
    }))
}

pub fn size(slug: &str) -> Option<Value> {
    let (slug, memory, vcpus, disk, monthly) = SIZES.iter().find(|s| s.0 == slug)?;
    Some(json!({
        "slug": slug,
        "memory": memory,
        "vcpus": vcpus,
        "disk": disk,
        "transfer": 1.0,
        "price_monthly": monthly,
        "price_hourly": monthly / 744.0,
        "regions": REGIONS.iter().map(|r| r.0).collect::<Vec<_>>(),
        "available": true,
        "description": "Basic",
    }))
}
