//! What a seed stack left in the cloud, read with independent clients (the AWS SDK,
//! curl), and how it compares with what the stack should hold and what the state
//! records: the orphans, duplicates and losses a crash or a fault could cause.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::Filter;

use crate::Stack;

/// The objects found, by Terraform resource type: `(id, name)` pairs, where the name is
/// what makes an object the stack's (its `Name` tag, name, or identifying values).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub objects: BTreeMap<&'static str, Vec<(String, String)>>,
}

/// How an inventory differs from the expected one and from the state, by resource type.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Findings {
    /// Objects in the cloud that the state does not record.
    pub orphans: BTreeMap<&'static str, usize>,
    /// Objects beyond the expected number of each name.
    pub duplicates: BTreeMap<&'static str, usize>,
    /// Expected objects the cloud does not hold.
    pub missing: BTreeMap<&'static str, usize>,
}

impl Findings {
    pub fn is_clean(&self) -> bool {
        self.orphans.is_empty() && self.duplicates.is_empty() && self.missing.is_empty()
    }

    pub fn orphan_count(&self) -> usize {
        self.orphans.values().sum()
    }

    pub fn duplicate_count(&self) -> usize {
        self.duplicates.values().sum()
    }
}

impl std::fmt::Display for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |m: &BTreeMap<&str, usize>| {
            if m.is_empty() {
                "none".to_string()
            } else {
                m.iter()
                    .map(|(t, n)| format!("{t} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        write!(
            f,
            "orphans: {}; duplicates: {}; missing: {}",
            list(&self.orphans),
            list(&self.duplicates),
            list(&self.missing)
        )
    }
}

impl Inventory {
    fn add(&mut self, ty: &'static str, id: impl Into<String>, name: impl Into<String>) {
        self.objects
            .entry(ty)
            .or_default()
            .push((id.into(), name.into()));
    }

    /// How many objects in all.
    pub fn len(&self) -> usize {
        self.objects.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Compares with `expected` (the inventory of a clean apply of the same stack) by
    /// name, and with `state` (its JSON) by id.
    pub fn compare(&self, expected: &Inventory, state: &serde_json::Value) -> Findings {
        let mut findings = Findings::default();
        let recorded = recorded_ids(state);
        let types: BTreeSet<&'static str> = self
            .objects
            .keys()
            .chain(expected.objects.keys())
            .copied()
            .collect();
        for ty in types {
            let found = self.objects.get(ty).cloned().unwrap_or_default();
            let wanted = expected.objects.get(ty).cloned().unwrap_or_default();
            let orphans = found
                .iter()
                .filter(|(id, _)| !recorded.get(ty).is_some_and(|ids| ids.contains(id)))
                .count();
            let (have, want) = (names(&found), names(&wanted));
            let every: BTreeSet<&String> = have.keys().chain(want.keys()).collect();
            let count = |m: &BTreeMap<String, usize>, n: &String| m.get(n).copied().unwrap_or(0);
            let extra: usize = every
                .iter()
                .map(|n| count(&have, n).saturating_sub(count(&want, n)))
                .sum();
            let lost: usize = every
                .iter()
                .map(|n| count(&want, n).saturating_sub(count(&have, n)))
                .sum();
            for (map, n) in [
                (&mut findings.orphans, orphans),
                (&mut findings.duplicates, extra),
                (&mut findings.missing, lost),
            ] {
                if n > 0 {
                    map.insert(ty, n);
                }
            }
        }
        findings
    }
}

fn names(objects: &[(String, String)]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_, name) in objects {
        *counts.entry(name.clone()).or_insert(0) += 1;
    }
    counts
}

/// The identifying values the state records, by resource type: each instance's `id` and
/// its `identifier`, `name`, `key_name` and `bucket`.
fn recorded_ids(state: &serde_json::Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        let ty = r["type"].as_str().unwrap_or_default().to_string();
        for key in ["id", "identifier", "name", "key_name", "bucket"] {
            let value = &r["attributes"][key];
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => continue,
            };
            ids.entry(ty.clone()).or_default().insert(text);
        }
    }
    ids
}

fn name_tag(tags: &[aws_sdk_ec2::types::Tag]) -> String {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .unwrap_or_default()
        .to_string()
}

/// What `stacks/web-monitoring` makes, as the stack's AWS account holds it: instances
/// and Elastic IPs (by `Name` tag), security groups (by name, not `default`), the
/// standalone ingress rules of `wm-postgres`, key pairs, DB instances and parameter
/// groups (not `default.*`).
pub async fn web_monitoring(stack: &Stack) -> Inventory {
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    let rds = aws_sdk_rds::Client::new(&stack.sdk());
    let mut inv = Inventory::default();
    let instances = ec2
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
        .expect("DescribeInstances");
    for i in instances.reservations().iter().flat_map(|r| r.instances()) {
        inv.add(
            "aws_instance",
            i.instance_id().unwrap_or_default(),
            name_tag(i.tags()),
        );
    }
    let addresses = ec2
        .describe_addresses()
        .send()
        .await
        .expect("DescribeAddresses");
    for a in addresses.addresses() {
        inv.add(
            "aws_eip",
            a.allocation_id().unwrap_or_default(),
            name_tag(a.tags()),
        );
    }
    let groups = ec2
        .describe_security_groups()
        .send()
        .await
        .expect("DescribeSecurityGroups");
    let mut postgres = Vec::new();
    for g in groups.security_groups() {
        let name = g.group_name().unwrap_or_default();
        if name == "default" {
            continue;
        }
        if name == "wm-postgres" {
            postgres.push(g.group_id().unwrap_or_default().to_string());
        }
        inv.add("aws_security_group", g.group_id().unwrap_or_default(), name);
    }
    if !postgres.is_empty() {
        let rules = ec2
            .describe_security_group_rules()
            .filters(
                Filter::builder()
                    .name("group-id")
                    .set_values(Some(postgres))
                    .build(),
            )
            .send()
            .await
            .expect("DescribeSecurityGroupRules");
        for r in rules.security_group_rules() {
            if r.is_egress() == Some(true) {
                continue;
            }
            let source = r
                .cidr_ipv4()
                .map(str::to_string)
                .or_else(|| {
                    r.referenced_group_info()
                        .and_then(|g| g.group_id())
                        .map(|_| "group".to_string())
                })
                .unwrap_or_default();
            inv.add(
                "aws_vpc_security_group_ingress_rule",
                r.security_group_rule_id().unwrap_or_default(),
                format!(
                    "{} {}-{} {source}",
                    r.ip_protocol().unwrap_or_default(),
                    r.from_port().unwrap_or_default(),
                    r.to_port().unwrap_or_default()
                ),
            );
        }
    }
    let keys = ec2
        .describe_key_pairs()
        .send()
        .await
        .expect("DescribeKeyPairs");
    for k in keys.key_pairs() {
        let name = k.key_name().unwrap_or_default();
        inv.add("aws_key_pair", name, name);
    }
    let dbs = rds
        .describe_db_instances()
        .send()
        .await
        .expect("DescribeDBInstances");
    for d in dbs.db_instances() {
        let id = d.db_instance_identifier().unwrap_or_default();
        inv.add("aws_db_instance", id, id);
    }
    let parameter_groups = rds
        .describe_db_parameter_groups()
        .send()
        .await
        .expect("DescribeDBParameterGroups");
    for p in parameter_groups.db_parameter_groups() {
        let name = p.db_parameter_group_name().unwrap_or_default();
        if !name.starts_with("default.") {
            inv.add("aws_db_parameter_group", name, name);
        }
    }
    inv
}

/// What `stacks/insync` makes, as its DigitalOcean account (curl) and its AWS account
/// hold it: droplets, tags, SSH keys, firewalls and domains by name, records by type,
/// and name (not the SOA and NS records DigitalOcean makes with a domain), and the S3
/// buckets whose names start with `bucket_prefix` (named by the rest of their name).
pub async fn insync(stack: &Stack, bucket_prefix: &str) -> Inventory {
    let mut inv = Inventory::default();
    let list = |path: &str, key: &str| -> Vec<serde_json::Value> {
        let (status, body) = stack.digitalocean("GET", &format!("{path}?per_page=200"), None);
        assert_eq!(status, 200, "GET {path}: {body}");
        body[key].as_array().cloned().unwrap_or_default()
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for d in list("/v2/droplets", "droplets") {
        inv.add("digitalocean_droplet", text(&d["id"]), text(&d["name"]));
    }
    for t in list("/v2/tags", "tags") {
        inv.add("digitalocean_tag", text(&t["name"]), text(&t["name"]));
    }
    for k in list("/v2/account/keys", "ssh_keys") {
        inv.add("digitalocean_ssh_key", text(&k["id"]), text(&k["name"]));
    }
    for f in list("/v2/firewalls", "firewalls") {
        inv.add("digitalocean_firewall", text(&f["id"]), text(&f["name"]));
    }
    for d in list("/v2/domains", "domains") {
        let domain = text(&d["name"]);
        inv.add("digitalocean_domain", domain.clone(), domain.clone());
        for r in list(&format!("/v2/domains/{domain}/records"), "domain_records") {
            let ty = text(&r["type"]);
            if ty == "SOA" || ty == "NS" {
                continue;
            }
            inv.add(
                "digitalocean_record",
                text(&r["id"]),
                format!("{domain} {ty} {}", text(&r["name"])),
            );
        }
    }
    let s3 = stack.s3_in("us-east-1");
    let listed = s3.list_buckets().send().await.expect("ListBuckets");
    for b in listed.buckets() {
        let name = b.name().unwrap_or_default();
        if let Some(rest) = name.strip_prefix(bucket_prefix) {
            inv.add("aws_s3_bucket", name, rest);
        }
    }
    inv
}
