//! References between adopted objects: which attribute of which type holds which
//! attribute of another type (`LINKS`, explicit and testable), and, within that table
//! only, the values that match an adopted object, written as references instead.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use iac_value::{Path, PathStep, Value, display_number};

/// `from`'s attribute at `path` (nested block names and attribute, dotted) holds the
/// `attr` of an object of type `to`.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub from: &'static str,
    pub path: &'static str,
    pub to: &'static str,
    pub attr: &'static str,
}

const fn link(
    from: &'static str,
    path: &'static str,
    to: &'static str,
    attr: &'static str,
) -> Link {
    Link {
        from,
        path,
        to,
        attr,
    }
}

/// Every reference adoption writes.
pub const LINKS: &[Link] = &[
    link(
        "aws_instance",
        "vpc_security_group_ids",
        "aws_security_group",
        "id",
    ),
    link("aws_instance", "key_name", "aws_key_pair", "key_name"),
    link("aws_eip", "instance", "aws_instance", "id"),
    link("aws_eip_association", "instance_id", "aws_instance", "id"),
    link("aws_eip_association", "allocation_id", "aws_eip", "id"),
    link(
        "aws_security_group",
        "ingress.security_groups",
        "aws_security_group",
        "id",
    ),
    link(
        "aws_security_group",
        "egress.security_groups",
        "aws_security_group",
        "id",
    ),
    link(
        "aws_vpc_security_group_ingress_rule",
        "security_group_id",
        "aws_security_group",
        "id",
    ),
    link(
        "aws_vpc_security_group_ingress_rule",
        "referenced_security_group_id",
        "aws_security_group",
        "id",
    ),
    link(
        "aws_db_instance",
        "vpc_security_group_ids",
        "aws_security_group",
        "id",
    ),
    link(
        "aws_db_instance",
        "parameter_group_name",
        "aws_db_parameter_group",
        "name",
    ),
    link(
        "aws_db_instance",
        "db_subnet_group_name",
        "aws_db_subnet_group",
        "name",
    ),
    link(
        "aws_route53_record",
        "zone_id",
        "aws_route53_zone",
        "zone_id",
    ),
    link("aws_route53_record", "records", "aws_eip", "public_ip"),
    link("aws_route53_record", "records", "aws_instance", "public_ip"),
    link("aws_route53_record", "records", "aws_lb", "dns_name"),
    link(
        "aws_route53_record",
        "records",
        "aws_db_instance",
        "address",
    ),
    link("aws_route53_record", "alias.name", "aws_lb", "dns_name"),
    link("aws_route53_record", "alias.zone_id", "aws_lb", "zone_id"),
    link("aws_lb", "security_groups", "aws_security_group", "id"),
    link("aws_lb_listener", "load_balancer_arn", "aws_lb", "arn"),
    link(
        "aws_lb_listener",
        "certificate_arn",
        "aws_acm_certificate",
        "arn",
    ),
    link(
        "aws_lb_listener",
        "default_action.target_group_arn",
        "aws_lb_target_group",
        "arn",
    ),
    link(
        "aws_lb_target_group_attachment",
        "target_group_arn",
        "aws_lb_target_group",
        "arn",
    ),
    link(
        "aws_lb_target_group_attachment",
        "target_id",
        "aws_instance",
        "id",
    ),
    link(
        "aws_acm_certificate_validation",
        "certificate_arn",
        "aws_acm_certificate",
        "arn",
    ),
    link(
        "aws_acm_certificate_validation",
        "validation_record_fqdns",
        "aws_route53_record",
        "fqdn",
    ),
    link("aws_s3_bucket_versioning", "bucket", "aws_s3_bucket", "id"),
    link(
        "aws_s3_bucket_public_access_block",
        "bucket",
        "aws_s3_bucket",
        "id",
    ),
    link(
        "aws_s3_bucket_lifecycle_configuration",
        "bucket",
        "aws_s3_bucket",
        "id",
    ),
    link(
        "digitalocean_droplet",
        "ssh_keys",
        "digitalocean_ssh_key",
        "fingerprint",
    ),
    link(
        "digitalocean_droplet",
        "ssh_keys",
        "digitalocean_ssh_key",
        "id",
    ),
    link("digitalocean_droplet", "tags", "digitalocean_tag", "name"),
    link(
        "digitalocean_firewall",
        "droplet_ids",
        "digitalocean_droplet",
        "id",
    ),
    link("digitalocean_firewall", "tags", "digitalocean_tag", "name"),
    link(
        "digitalocean_firewall",
        "inbound_rule.source_droplet_ids",
        "digitalocean_droplet",
        "id",
    ),
    link(
        "digitalocean_firewall",
        "inbound_rule.source_tags",
        "digitalocean_tag",
        "name",
    ),
    link(
        "digitalocean_firewall",
        "outbound_rule.destination_droplet_ids",
        "digitalocean_droplet",
        "id",
    ),
    link(
        "digitalocean_firewall",
        "outbound_rule.destination_tags",
        "digitalocean_tag",
        "name",
    ),
    link(
        "digitalocean_record",
        "domain",
        "digitalocean_domain",
        "name",
    ),
    link(
        "digitalocean_record",
        "value",
        "digitalocean_droplet",
        "ipv4_address",
    ),
    link(
        "digitalocean_record",
        "value",
        "digitalocean_reserved_ip",
        "ip_address",
    ),
    link(
        "digitalocean_domain",
        "ip_address",
        "digitalocean_droplet",
        "ipv4_address",
    ),
    link(
        "digitalocean_reserved_ip",
        "droplet_id",
        "digitalocean_droplet",
        "id",
    ),
    link(
        "digitalocean_reserved_ip_assignment",
        "ip_address",
        "digitalocean_reserved_ip",
        "ip_address",
    ),
    link(
        "digitalocean_reserved_ip_assignment",
        "droplet_id",
        "digitalocean_droplet",
        "id",
    ),
];

/// One object being adopted, as far as references need it.
#[derive(Debug, Clone)]
pub struct Target {
    pub type_name: String,
    /// The expression that names it: `aws_instance.web` or `aws_instance.web["a"]`.
    pub address: String,
    pub state: Value,
}

/// Finds, for a value at a path of one adopted object, the adopted object it names.
pub struct Refs<'a> {
    targets: &'a [Target],
    /// (type, attribute, value as compared) -> the targets holding it.
    index: BTreeMap<(&'static str, &'static str, String), BTreeSet<usize>>,
    /// References taken so far, from object to object, kept acyclic.
    edges: RefCell<BTreeSet<(usize, usize)>>,
}

/// A value as references compare it: numbers as written, DNS names without case or the
/// final dot.
fn key(value: &Value) -> Option<String> {
    match value.unmark().0 {
        Value::String(s) if !s.is_empty() => Some(s.trim_end_matches('.').to_ascii_lowercase()),
        Value::Number(n) => Some(display_number(*n)),
        _ => None,
    }
}

/// The dotted path of attribute and block names, indexes dropped.
pub fn dotted(path: &Path) -> String {
    let names: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            PathStep::Key(k) => Some(k.as_str()),
            PathStep::Index(_) => None,
        })
        .collect();
    names.join(".")
}

impl<'a> Refs<'a> {
    /// The index of every linked attribute of `targets`.
    pub fn new(targets: &'a [Target]) -> Refs<'a> {
        let mut index: BTreeMap<_, BTreeSet<usize>> = BTreeMap::new();
        for (i, t) in targets.iter().enumerate() {
            for l in LINKS.iter().filter(|l| l.to == t.type_name) {
                if let Some(k) = key(t.state.get(l.attr)) {
                    index.entry((l.to, l.attr, k)).or_default().insert(i);
                }
            }
        }
        Refs {
            targets,
            index,
            edges: RefCell::new(BTreeSet::new()),
        }
    }

    /// The reference (`aws_security_group.web.id`) for `value` at `path` of target
    /// `from`, when the table links that attribute and exactly one other adopted object
    /// holds the value, and referring to it makes no cycle.
    pub fn reference(&self, from: usize, path: &Path, value: &Value) -> Option<String> {
        let k = key(value)?;
        let at = dotted(path);
        let from_type = self.targets[from].type_name.as_str();
        for l in LINKS.iter().filter(|l| l.from == from_type && l.path == at) {
            let Some(found) = self.index.get(&(l.to, l.attr, k.clone())) else {
                continue;
            };
            let mut holders = found.iter();
            let (Some(&to), None) = (holders.next(), holders.next()) else {
                continue;
            };
            if to == from || self.reaches(to, from) {
                continue;
            }
            self.edges.borrow_mut().insert((from, to));
            return Some(format!("{}.{}", self.targets[to].address, l.attr));
        }
        None
    }

    /// Whether `a` already refers, directly or not, to `b`.
    fn reaches(&self, a: usize, b: usize) -> bool {
        let edges = self.edges.borrow();
        let mut seen = BTreeSet::new();
        let mut todo = vec![a];
        while let Some(n) = todo.pop() {
            if n == b {
                return true;
            }
            if seen.insert(n) {
                todo.extend(edges.iter().filter(|(f, _)| *f == n).map(|(_, t)| *t));
            }
        }
        false
    }

    /// The targets that `from` refers to, once its block is generated.
    pub fn referred_by(&self, from: usize) -> Vec<usize> {
        let edges = self.edges.borrow();
        edges
            .iter()
            .filter(|(f, _)| *f == from)
            .map(|(_, t)| *t)
            .collect()
    }
}

#[cfg(test)]
mod tests;
