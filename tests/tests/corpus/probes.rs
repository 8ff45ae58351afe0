//! Independent checks for the corpus: every resource type looked up by the id the state
//! records, with the AWS SDK or plain HTTP for DigitalOcean; the objects some cases expect
//! to exist before them; and the checks of the data-source cases' outputs.

use aws_sdk_ec2::types::Filter;
use aws_sdk_s3::error::ProvideErrorMetadata;
use iac_e2e::Stack;
use serde_json::{Value, json};

/// What a lookup found.
pub enum Found {
    /// The object exists and agrees with the state.
    Present,
    /// The cloud has no such object.
    Absent,
    /// Nothing in the cloud to look up for this type.
    Unprobed,
}

/// A string attribute (numbers are given as their text, as ids sometimes are).
fn s(attrs: &Value, name: &str) -> String {
    match &attrs[name] {
        Value::String(v) => v.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The first object of a nested block, whether the state keeps it as a list or an object.
fn block<'a>(attrs: &'a Value, name: &str) -> &'a Value {
    match &attrs[name] {
        Value::Array(items) => items.first().unwrap_or(&Value::Null),
        other => other,
    }
}

/// The number of blocks or list items of an attribute.
fn count(attrs: &Value, name: &str) -> usize {
    match &attrs[name] {
        Value::Array(items) => items.len(),
        Value::Null => 0,
        _ => 1,
    }
}

/// Whether an AWS error means the object does not exist.
fn missing(code: Option<&str>) -> bool {
    code.is_some_and(|c| c.contains("NotFound") || c.starts_with("NoSuch"))
}

/// Whether a failed call means the object does not exist (by code, or a bare 404).
fn gone<E: ProvideErrorMetadata>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    missing(e.as_service_error().and_then(ProvideErrorMetadata::code))
        || e.raw_response().map(|r| r.status().as_u16()) == Some(404)
}

/// The lookup result, or `Absent` for a not-found error, or the error.
macro_rules! fetch {
    ($call:expr) => {
        match $call.send().await {
            Ok(out) => out,
            Err(e) if gone(&e) => return Ok(Found::Absent),
            Err(e) => return Err(format!("{}", aws_sdk_s3::error::DisplayErrorContext(&e))),
        }
    };
}

fn agree(what: &str, cloud: impl std::fmt::Debug, state: impl std::fmt::Debug) -> String {
    format!("{what}: the cloud has {cloud:?}, the state records {state:?}")
}

/// Looks up the object of a state entry of type `ty`.
pub async fn probe(stack: &Stack, ty: &str, attrs: &Value) -> Result<Found, String> {
    let conf = stack.sdk();
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let rds = aws_sdk_rds::Client::new(&conf);
    let r53 = aws_sdk_route53::Client::new(&conf);
    let acm = aws_sdk_acm::Client::new(&conf);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let id = s(attrs, "id");
    match ty {
        "aws_instance" => {
            let out = fetch!(ec2.describe_instances().instance_ids(&id));
            let Some(i) = out.reservations().iter().flat_map(|r| r.instances()).next() else {
                return Ok(Found::Absent);
            };
            let state = i.state().and_then(|s| s.name()).map(|n| n.as_str());
            if matches!(state, Some("terminated" | "shutting-down")) {
                return Ok(Found::Absent);
            }
            let cloud = i.instance_type().map(|t| t.as_str()).unwrap_or_default();
            if cloud != s(attrs, "instance_type") {
                return Err(agree("instance_type", cloud, s(attrs, "instance_type")));
            }
        }
        "aws_eip" => {
            let out = fetch!(ec2.describe_addresses().allocation_ids(&id));
            let Some(a) = out.addresses().first() else {
                return Ok(Found::Absent);
            };
            if a.public_ip().unwrap_or_default() != s(attrs, "public_ip") {
                return Err(agree("public_ip", a.public_ip(), s(attrs, "public_ip")));
            }
            if !s(attrs, "instance").is_empty() && a.instance_id() != Some(&s(attrs, "instance")) {
                return Err(agree("instance", a.instance_id(), s(attrs, "instance")));
            }
        }
        "aws_eip_association" => {
            let filter = Filter::builder().name("association-id").values(&id).build();
            let out = fetch!(ec2.describe_addresses().filters(filter));
            let Some(a) = out.addresses().first() else {
                return Ok(Found::Absent);
            };
            if a.instance_id() != Some(&s(attrs, "instance_id")) {
                return Err(agree(
                    "instance_id",
                    a.instance_id(),
                    s(attrs, "instance_id"),
                ));
            }
        }
        "aws_security_group" => {
            let out = fetch!(ec2.describe_security_groups().group_ids(&id));
            let Some(g) = out.security_groups().first() else {
                return Ok(Found::Absent);
            };
            if g.group_name() != Some(&s(attrs, "name")) {
                return Err(agree("name", g.group_name(), s(attrs, "name")));
            }
            // A group without ingress blocks leaves its rules to rule resources.
            let ingress = count(attrs, "ingress");
            if ingress > 0 && g.ip_permissions().len() != ingress {
                return Err(agree(
                    "ingress rules",
                    g.ip_permissions(),
                    &attrs["ingress"],
                ));
            }
        }
        "aws_vpc_security_group_ingress_rule" => {
            let out = fetch!(
                ec2.describe_security_group_rules()
                    .security_group_rule_ids(&id)
            );
            let Some(r) = out.security_group_rules().first() else {
                return Ok(Found::Absent);
            };
            if r.group_id() != Some(&s(attrs, "security_group_id")) || r.is_egress() == Some(true) {
                return Err(agree("rule", r, attrs));
            }
        }
        "aws_key_pair" => {
            let out = fetch!(ec2.describe_key_pairs().key_names(s(attrs, "key_name")));
            let Some(k) = out.key_pairs().first() else {
                return Ok(Found::Absent);
            };
            if k.key_pair_id() != Some(&s(attrs, "key_pair_id")) {
                return Err(agree(
                    "key_pair_id",
                    k.key_pair_id(),
                    s(attrs, "key_pair_id"),
                ));
            }
        }
        "aws_db_instance" => {
            let ident = s(attrs, "identifier");
            let out = fetch!(rds.describe_db_instances().db_instance_identifier(&ident));
            let Some(db) = out.db_instances().first() else {
                return Ok(Found::Absent);
            };
            if db.engine() != Some(&s(attrs, "engine")) {
                return Err(agree("engine", db.engine(), s(attrs, "engine")));
            }
            if db.db_instance_class() != Some(&s(attrs, "instance_class")) {
                let class = s(attrs, "instance_class");
                return Err(agree("instance_class", db.db_instance_class(), class));
            }
        }
        "aws_db_parameter_group" => {
            let name = s(attrs, "name");
            let out = fetch!(
                rds.describe_db_parameter_groups()
                    .db_parameter_group_name(&name)
            );
            let Some(g) = out.db_parameter_groups().first() else {
                return Ok(Found::Absent);
            };
            if g.db_parameter_group_family() != Some(&s(attrs, "family")) {
                let family = s(attrs, "family");
                return Err(agree("family", g.db_parameter_group_family(), family));
            }
        }
        "aws_db_subnet_group" => {
            let name = s(attrs, "name");
            let out = fetch!(rds.describe_db_subnet_groups().db_subnet_group_name(&name));
            let Some(g) = out.db_subnet_groups().first() else {
                return Ok(Found::Absent);
            };
            if g.subnets().len() != count(attrs, "subnet_ids") {
                return Err(agree("subnets", g.subnets().len(), &attrs["subnet_ids"]));
            }
        }
        "aws_route53_zone" => {
            let out = fetch!(r53.get_hosted_zone().id(s(attrs, "zone_id")));
            let Some(zone) = out.hosted_zone() else {
                return Ok(Found::Absent);
            };
            if zone.name().trim_end_matches('.') != s(attrs, "name").trim_end_matches('.') {
                return Err(agree("name", zone.name(), s(attrs, "name")));
            }
        }
        "aws_route53_record" => {
            let zone = s(attrs, "zone_id");
            let out = fetch!(r53.list_resource_record_sets().hosted_zone_id(&zone));
            let fqdn = format!("{}.", s(attrs, "fqdn").trim_end_matches('.'));
            let found = out.resource_record_sets().iter().find(|r| {
                r.name().eq_ignore_ascii_case(&fqdn) && r.r#type().as_str() == s(attrs, "type")
            });
            let Some(r) = found else {
                return Ok(Found::Absent);
            };
            let records = count(attrs, "records");
            if r.alias_target().is_none() && r.resource_records().len() != records {
                return Err(agree("records", r.resource_records(), &attrs["records"]));
            }
        }
        "aws_acm_certificate" => {
            let out = fetch!(acm.describe_certificate().certificate_arn(s(attrs, "arn")));
            let Some(c) = out.certificate() else {
                return Ok(Found::Absent);
            };
            if c.domain_name() != Some(&s(attrs, "domain_name")) {
                return Err(agree(
                    "domain_name",
                    c.domain_name(),
                    s(attrs, "domain_name"),
                ));
            }
        }
        "aws_acm_certificate_validation" => {
            let arn = s(attrs, "certificate_arn");
            let out = fetch!(acm.describe_certificate().certificate_arn(&arn));
            let status = out
                .certificate()
                .and_then(|c| c.status())
                .map(|s| s.as_str());
            if status != Some("ISSUED") {
                return Err(agree("certificate status", status, "ISSUED"));
            }
        }
        "aws_lb" | "aws_alb" => {
            let out = fetch!(elb.describe_load_balancers().load_balancer_arns(&id));
            let Some(lb) = out.load_balancers().first() else {
                return Ok(Found::Absent);
            };
            if lb.load_balancer_name() != Some(&s(attrs, "name")) {
                return Err(agree("name", lb.load_balancer_name(), s(attrs, "name")));
            }
            if lb.dns_name() != Some(&s(attrs, "dns_name")) {
                return Err(agree("dns_name", lb.dns_name(), s(attrs, "dns_name")));
            }
        }
        "aws_lb_target_group" | "aws_alb_target_group" => {
            let out = fetch!(elb.describe_target_groups().target_group_arns(&id));
            let Some(tg) = out.target_groups().first() else {
                return Ok(Found::Absent);
            };
            if tg.port().map(|p| p.to_string()) != Some(s(attrs, "port")) {
                return Err(agree("port", tg.port(), &attrs["port"]));
            }
        }
        "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => {
            let group = s(attrs, "target_group_arn");
            let out = fetch!(elb.describe_target_health().target_group_arn(&group));
            let target = s(attrs, "target_id");
            let attached = out
                .target_health_descriptions()
                .iter()
                .any(|t| t.target().and_then(|t| t.id()) == Some(&target));
            if !attached {
                return Ok(Found::Absent);
            }
        }
        "aws_lb_listener" | "aws_alb_listener" => {
            let out = fetch!(elb.describe_listeners().listener_arns(&id));
            let Some(l) = out.listeners().first() else {
                return Ok(Found::Absent);
            };
            if l.port().map(|p| p.to_string()) != Some(s(attrs, "port")) {
                return Err(agree("port", l.port(), &attrs["port"]));
            }
            let action = s(block(attrs, "default_action"), "type");
            let cloud = l.default_actions().first().and_then(|a| a.r#type());
            if cloud.map(|t| t.as_str()) != Some(action.as_str()) {
                return Err(agree("default_action type", cloud, action));
            }
        }
        "aws_s3_bucket" => {
            fetch!(stack.s3().await.head_bucket().bucket(s(attrs, "bucket")));
        }
        "aws_s3_bucket_versioning" => {
            let out = fetch!(
                stack
                    .s3()
                    .await
                    .get_bucket_versioning()
                    .bucket(s(attrs, "bucket"))
            );
            let want = s(block(attrs, "versioning_configuration"), "status");
            let cloud = out.status().map(|s| s.as_str()).unwrap_or("Disabled");
            // A bucket whose versioning was never enabled has no status at all.
            let cloud = if cloud.is_empty() { "Disabled" } else { cloud };
            if cloud != want {
                return Err(agree("versioning status", cloud, want));
            }
        }
        "aws_s3_bucket_public_access_block" => {
            let s3 = stack.s3().await;
            let out = fetch!(s3.get_public_access_block().bucket(s(attrs, "bucket")));
            let conf = out.public_access_block_configuration();
            let cloud = conf.and_then(|c| c.block_public_acls());
            if cloud != attrs["block_public_acls"].as_bool() {
                return Err(agree(
                    "block_public_acls",
                    cloud,
                    &attrs["block_public_acls"],
                ));
            }
        }
        "aws_s3_bucket_lifecycle_configuration" => {
            let s3 = stack.s3().await;
            let out = fetch!(
                s3.get_bucket_lifecycle_configuration()
                    .bucket(s(attrs, "bucket"))
            );
            if out.rules().len() != count(attrs, "rule") {
                return Err(agree("rules", out.rules().len(), count(attrs, "rule")));
            }
        }
        _ if ty.starts_with("digitalocean_") => return probe_digitalocean(stack, ty, attrs),
        _ => return Ok(Found::Unprobed),
    }
    Ok(Found::Present)
}

/// Looks up a DigitalOcean object with curl.
fn probe_digitalocean(stack: &Stack, ty: &str, attrs: &Value) -> Result<Found, String> {
    let id = s(attrs, "id");
    let (path, key, field, want) = match ty {
        "digitalocean_droplet" => (
            format!("/v2/droplets/{id}"),
            "droplet",
            "name",
            s(attrs, "name"),
        ),
        "digitalocean_ssh_key" => (
            format!("/v2/account/keys/{id}"),
            "ssh_key",
            "fingerprint",
            s(attrs, "fingerprint"),
        ),
        "digitalocean_tag" => (format!("/v2/tags/{id}"), "tag", "name", s(attrs, "name")),
        "digitalocean_domain" => (
            format!("/v2/domains/{id}"),
            "domain",
            "name",
            s(attrs, "name"),
        ),
        "digitalocean_record" => (
            format!("/v2/domains/{}/records/{id}", s(attrs, "domain")),
            "domain_record",
            "type",
            s(attrs, "type"),
        ),
        "digitalocean_firewall" => (
            format!("/v2/firewalls/{id}"),
            "firewall",
            "name",
            s(attrs, "name"),
        ),
        "digitalocean_reserved_ip" => (
            format!("/v2/reserved_ips/{}", s(attrs, "ip_address")),
            "reserved_ip",
            "ip",
            s(attrs, "ip_address"),
        ),
        "digitalocean_reserved_ip_assignment" => {
            let ip = s(attrs, "ip_address");
            let (code, body) = stack.digitalocean("GET", &format!("/v2/reserved_ips/{ip}"), None);
            let droplet = &body["reserved_ip"]["droplet"]["id"];
            return match code {
                404 => Ok(Found::Absent),
                200 if droplet.is_null() => Ok(Found::Absent),
                200 if droplet.as_u64().map(|d| d.to_string()) == Some(s(attrs, "droplet_id")) => {
                    Ok(Found::Present)
                }
                200 => Err(agree("droplet", droplet, s(attrs, "droplet_id"))),
                _ => Err(format!("GET /v2/reserved_ips/{ip} answered {code}: {body}")),
            };
        }
        _ => return Ok(Found::Unprobed),
    };
    let (code, body) = stack.digitalocean("GET", &path, None);
    match code {
        404 => Ok(Found::Absent),
        200 => {
            let cloud = match &body[key][field] {
                Value::String(v) => v.clone(),
                other => other.to_string(),
            };
            if cloud == want {
                Ok(Found::Present)
            } else {
                Err(agree(field, cloud, want))
            }
        }
        _ => Err(format!("GET {path} answered {code}: {body}")),
    }
}

/// The route 53 zone a case expects to exist before it (name, for data sources).
fn zone_before(case: &str) -> Option<&'static str> {
    match case {
        "aws_acm_certificate_validation" => Some("validated.example.net"),
        "data_aws_route53_zone" => Some("lookup.example.com"),
        _ => None,
    }
}

/// Makes what a case's documentation example assumes exists already.
pub async fn setup(case: &str, stack: &Stack) -> Result<(), String> {
    if let Some(zone) = zone_before(case) {
        let r53 = aws_sdk_route53::Client::new(&stack.sdk());
        r53.create_hosted_zone()
            .name(zone)
            .caller_reference(iac_e2e::unique("corpus"))
            .send()
            .await
            .map_err(|e| format!("creating the zone {zone}: {e}"))?;
    }
    match case {
        "data_digitalocean_droplet" => {
            let body = json!({
                "name": "web", "region": "nyc3", "size": "s-1vcpu-1gb",
                "image": "ubuntu-22-04-x64", "tags": ["web"]
            });
            let (code, out) = stack.digitalocean("POST", "/v2/droplets", Some(&body));
            if code != 202 {
                return Err(format!("creating the droplet: {code} {out}"));
            }
            let id = &out["droplet"]["id"];
            for _ in 0..100 {
                let (_, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
                if d["droplet"]["status"] == "active" {
                    return Ok(());
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            return Err(format!("droplet {id} did not become active"));
        }
        "data_digitalocean_ssh_key" => {
            let key = include_str!("../e2e_lookup_key.pub").trim();
            let body = json!({ "name": "example", "public_key": key });
            let (code, out) = stack.digitalocean("POST", "/v2/account/keys", Some(&body));
            if code != 201 {
                return Err(format!("creating the SSH key: {code} {out}"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Removes what [`setup`] made.
pub async fn teardown(case: &str, stack: &Stack) {
    if let Some(zone) = zone_before(case) {
        let r53 = aws_sdk_route53::Client::new(&stack.sdk());
        if let Ok(zones) = r53.list_hosted_zones_by_name().dns_name(zone).send().await {
            for z in zones.hosted_zones() {
                if z.name().trim_end_matches('.') == zone {
                    let _ = r53.delete_hosted_zone().id(z.id()).send().await;
                }
            }
        }
    }
    match case {
        "data_digitalocean_droplet" => {
            let _ = stack.digitalocean("DELETE", "/v2/droplets?tag_name=web", None);
        }
        "data_digitalocean_ssh_key" => {
            let (_, keys) = stack.digitalocean("GET", "/v2/account/keys", None);
            for k in keys["ssh_keys"].as_array().into_iter().flatten() {
                if k["name"] == "example" {
                    let _ = stack.digitalocean(
                        "DELETE",
                        &format!("/v2/account/keys/{}", k["id"]),
                        None,
                    );
                }
            }
        }
        _ => {}
    }
}

/// Cases whose stack holds only data sources: their outputs are the result.
pub fn checks_outputs_only(case: &str) -> bool {
    matches!(
        case,
        "data_aws_ami"
            | "data_aws_vpc"
            | "data_aws_subnets"
            | "data_aws_caller_identity"
            | "data_aws_availability_zones"
            | "data_digitalocean_droplet"
    )
}

/// An output of the stack.
fn output(stack: &Stack, name: &str) -> Result<Value, String> {
    let run = stack.iac(&["output", "-json", name]);
    if run.code != 0 {
        return Err(format!("`iac output -json {name}`: {}", run.stderr));
    }
    serde_json::from_str(&run.stdout).map_err(|e| format!("output {name}: {e}: {}", run.stdout))
}

fn same(what: &str, cloud: Value, stack: Value) -> Result<(), String> {
    if cloud == stack {
        Ok(())
    } else {
        Err(agree(what, cloud, stack))
    }
}

/// The default VPC, as the SDK finds it.
async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> Result<aws_sdk_ec2::types::Vpc, String> {
    let filter = Filter::builder().name("isDefault").values("true").build();
    let out = ec2
        .describe_vpcs()
        .filters(filter)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    out.vpcs()
        .first()
        .cloned()
        .ok_or_else(|| "no default VPC".to_string())
}

/// The checks of each case beyond the objects of its state: data sources' answers.
pub async fn check_case(case: &str, stack: &Stack) -> Result<(), String> {
    let ec2 = aws_sdk_ec2::Client::new(&stack.sdk());
    match case {
        "data_aws_ami" => {
            let id = output(stack, "ami_id")?;
            let out = ec2
                .describe_images()
                .image_ids(id.as_str().unwrap_or_default())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let name = out
                .images()
                .first()
                .and_then(|i| i.name())
                .unwrap_or_default();
            same("ami name", json!(name), output(stack, "ami_name")?)?;
        }
        "data_aws_vpc" => {
            let vpc = default_vpc(&ec2).await?;
            same("vpc id", json!(vpc.vpc_id()), output(stack, "vpc_id")?)?;
            same(
                "cidr",
                json!(vpc.cidr_block()),
                output(stack, "cidr_block")?,
            )?;
        }
        "data_aws_subnets" => {
            let vpc = default_vpc(&ec2).await?;
            let filter = Filter::builder()
                .name("vpc-id")
                .values(vpc.vpc_id().unwrap_or_default());
            let out = ec2
                .describe_subnets()
                .filters(filter.build())
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let mut ids: Vec<&str> = out.subnets().iter().filter_map(|s| s.subnet_id()).collect();
            ids.sort();
            same("subnet ids", json!(ids), output(stack, "subnet_ids")?)?;
            same(
                "private subnets",
                json!(0),
                output(stack, "private_subnet_count")?,
            )?;
        }
        "data_aws_caller_identity" => {
            let vpc = default_vpc(&ec2).await?;
            same(
                "account id",
                json!(vpc.owner_id()),
                output(stack, "account_id")?,
            )?;
        }
        "data_aws_availability_zones" => {
            let out = ec2
                .describe_availability_zones()
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let mut names: Vec<&str> = out
                .availability_zones()
                .iter()
                .filter_map(|z| z.zone_name())
                .collect();
            names.sort();
            same("zone names", json!(names), output(stack, "names")?)?;
            same(
                "filtered names",
                json!(names),
                output(stack, "filtered_names")?,
            )?;
            same(
                "without the first",
                json!(names[1..]),
                output(stack, "without_first")?,
            )?;
        }
        "data_aws_route53_zone" => {
            let r53 = aws_sdk_route53::Client::new(&stack.sdk());
            let zones = r53
                .list_hosted_zones_by_name()
                .dns_name("lookup.example.com")
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let id = zones
                .hosted_zones()
                .first()
                .map(|z| z.id().trim_start_matches("/hostedzone/"));
            same("zone id", json!(id), output(stack, "zone_id")?)?;
        }
        "data_digitalocean_droplet" => {
            let (_, list) = stack.digitalocean("GET", "/v2/droplets?tag_name=web", None);
            let droplet = &list["droplets"][0];
            let public = droplet["networks"]["v4"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|n| n["type"] == "public")
                .map(|n| n["ip_address"].clone())
                .unwrap_or(Value::Null);
            same("ipv4 address", public, output(stack, "droplet_output")?)?;
            same("name by tag", json!("web"), output(stack, "by_tag_name")?)?;
            same(
                "region by id",
                droplet["region"]["slug"].clone(),
                output(stack, "by_id_region")?,
            )?;
        }
        "data_digitalocean_image" => {
            let (_, image) = stack.digitalocean("GET", "/v2/images/ubuntu-22-04-x64", None);
            let distribution = image["image"]["distribution"].clone();
            same(
                "distribution",
                distribution,
                output(stack, "image_distribution")?,
            )?;
        }
        _ => {}
    }
    Ok(())
}
