//! Listing EC2 objects: instances, Elastic IPs and their associations, key pairs,
//! security groups and their ingress rules. Tags filter server-side (`tag:KEY`), so do
//! VPCs and instance states; name prefixes are matched here.

use aws_sdk_ec2::types::Filter;
use iac_provider::{Attribute, Error, ListRequest, Schema};
use iac_value::Type;

use super::tag_map;
use crate::client::AwsClients;
use crate::listing::{self, Filters, Found, name_tag, next, pages};
use crate::values::{flag, string, strings};

/// Instance states listed unless `instance_state_names` says: all but the ones of an
/// instance going or gone.
const LIVE_STATES: [&str; 4] = ["pending", "running", "stopping", "stopped"];

/// The `tag:KEY` filters of the request's tags.
fn tag_filters(f: &Filters) -> Vec<Filter> {
    f.tags
        .iter()
        .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
        .collect()
}

/// `filters` plus `name = value` when the request sets `attr`.
fn with_filter(
    mut filters: Vec<Filter>,
    request: &ListRequest,
    attr: &str,
    name: &str,
) -> Vec<Filter> {
    if let Some(v) = string(&request.filter, attr) {
        filters.push(Filter::builder().name(name).values(v).build());
    }
    filters
}

pub fn instance_schema() -> Schema {
    listing::schema([
        ("vpc_id", Attribute::optional(Type::String)),
        (
            "instance_state_names",
            Attribute::optional(Type::set(Type::String)),
        ),
    ])
}

/// Instances (`name_prefix` on the `Name` tag) in the requested states.
pub async fn instances(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let mut states = strings(&request.filter, "instance_state_names");
    if states.is_empty() {
        states = LIVE_STATES.iter().map(|s| s.to_string()).collect();
    }
    let mut filters = with_filter(tag_filters(&f), request, "vpc_id", "vpc-id");
    filters.push(
        Filter::builder()
            .name("instance-state-name")
            .set_values(Some(states))
            .build(),
    );
    let mut found = Found::new(request);
    let req = aws.ec2.describe_instances().set_filters(Some(filters));
    pages(
        "DescribeInstances",
        |token| req.clone().set_next_token(token).send(),
        |out| {
            for i in out.reservations().iter().flat_map(|r| r.instances()) {
                let tags = tag_map(i.tags());
                let name = name_tag(&tags).unwrap_or("");
                if let Some(id) = i.instance_id()
                    && f.name(name)
                {
                    found.push(id, Some(name));
                }
            }
            next(out.next_token(), &found)
        },
    )
    .await?;
    Ok(found)
}

pub fn eip_schema() -> Schema {
    listing::schema([])
}

/// Elastic IPs of the VPC domain (`name_prefix` on the `Name` tag), named by their
/// `Name` tag or address.
pub async fn eips(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let mut found = Found::new(request);
    for a in addresses(aws, tag_filters(&f)).await? {
        let tags = tag_map(a.tags());
        if let Some(id) = a.allocation_id()
            && f.name(name_tag(&tags).unwrap_or(""))
        {
            found.push(id, name_tag(&tags).or(a.public_ip()));
        }
    }
    Ok(found)
}

pub fn eip_association_schema() -> Schema {
    listing::schema([("instance_id", Attribute::optional(Type::String))])
}

/// The associations of Elastic IPs (the address's tags filter), named
/// `ADDRESS -> INSTANCE`.
pub async fn eip_associations(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let filters = with_filter(tag_filters(&f), request, "instance_id", "instance-id");
    let mut found = Found::new(request);
    for a in addresses(aws, filters).await? {
        let tags = tag_map(a.tags());
        if let Some(id) = a.association_id()
            && f.name(name_tag(&tags).unwrap_or(""))
        {
            let target = a.instance_id().or(a.network_interface_id()).unwrap_or("");
            let name = format!("{} -> {target}", a.public_ip().unwrap_or(""));
            found.push(id, Some(name.as_str()));
        }
    }
    Ok(found)
}

/// The VPC addresses that pass `filters` (DescribeAddresses has no pages).
async fn addresses(
    aws: &AwsClients,
    mut filters: Vec<Filter>,
) -> Result<Vec<aws_sdk_ec2::types::Address>, Error> {
    filters.push(Filter::builder().name("domain").values("vpc").build());
    let req = aws.ec2.describe_addresses().set_filters(Some(filters));
    let mut out = Vec::new();
    pages(
        "DescribeAddresses",
        |_: Option<()>| req.clone().send(),
        |page| {
            out.extend(page.addresses().iter().cloned());
            None
        },
    )
    .await?;
    Ok(out)
}

pub fn key_pair_schema() -> Schema {
    listing::schema([])
}

/// Key pairs (`name_prefix` on the key name; DescribeKeyPairs has no pages).
pub async fn key_pairs(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let filters = tag_filters(&f);
    let req = aws
        .ec2
        .describe_key_pairs()
        .set_filters(Some(filters).filter(|f| !f.is_empty()));
    let mut found = Found::new(request);
    pages(
        "DescribeKeyPairs",
        |_: Option<()>| req.clone().send(),
        |out| {
            for k in out.key_pairs() {
                if let Some(name) = k.key_name()
                    && f.name(name)
                {
                    found.push(name, Some(name));
                }
            }
            None
        },
    )
    .await?;
    Ok(found)
}

pub fn security_group_schema() -> Schema {
    listing::schema([
        ("vpc_id", Attribute::optional(Type::String)),
        ("include_default", Attribute::optional(Type::Bool)),
    ])
}

/// Security groups (`name_prefix` on the group name); a VPC's `default` group only
/// with `include_default`.
pub async fn security_groups(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let defaults = flag(&request.filter, "include_default");
    let filters = with_filter(tag_filters(&f), request, "vpc_id", "vpc-id");
    let req = aws
        .ec2
        .describe_security_groups()
        .set_filters(Some(filters).filter(|f| !f.is_empty()));
    let mut found = Found::new(request);
    pages(
        "DescribeSecurityGroups",
        |token| req.clone().set_next_token(token).send(),
        |out| {
            for g in out.security_groups() {
                let name = g.group_name().unwrap_or("");
                if let Some(id) = g.group_id()
                    && f.name(name)
                    && (defaults || name != "default")
                {
                    found.push(id, Some(name));
                }
            }
            next(out.next_token(), &found)
        },
    )
    .await?;
    Ok(found)
}

pub fn ingress_rule_schema() -> Schema {
    listing::schema([
        ("security_group_id", Attribute::optional(Type::String)),
        ("include_default", Attribute::optional(Type::Bool)),
    ])
}

/// Ingress rules (`name_prefix` on the `Name` tag), named by their `Name` tag or by
/// what they allow; the rules of `default` groups only with `include_default`.
pub async fn ingress_rules(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let f = Filters::of(request);
    let skipped = if flag(&request.filter, "include_default") {
        Vec::new()
    } else {
        default_groups(aws).await?
    };
    let filters = with_filter(tag_filters(&f), request, "security_group_id", "group-id");
    let req = aws
        .ec2
        .describe_security_group_rules()
        .set_filters(Some(filters).filter(|f| !f.is_empty()));
    let mut found = Found::new(request);
    pages(
        "DescribeSecurityGroupRules",
        |token| req.clone().set_next_token(token).send(),
        |out| {
            for r in out.security_group_rules() {
                let tags = tag_map(r.tags());
                let group = r.group_id().unwrap_or("");
                if let Some(id) = r.security_group_rule_id()
                    && r.is_egress() != Some(true)
                    && !skipped.iter().any(|g| g == group)
                    && f.name(name_tag(&tags).unwrap_or(""))
                {
                    let name = name_tag(&tags).map_or_else(|| rule_summary(r), str::to_string);
                    found.push(id, Some(name.as_str()));
                }
            }
            next(out.next_token(), &found)
        },
    )
    .await?;
    Ok(found)
}

/// What a rule allows: `sg-1 tcp 22 from 203.0.113.0/24`.
fn rule_summary(r: &aws_sdk_ec2::types::SecurityGroupRule) -> String {
    let ports = match (r.from_port(), r.to_port()) {
        (Some(a), Some(b)) if a == b => format!(" {a}"),
        (Some(a), Some(b)) if a >= 0 => format!(" {a}-{b}"),
        _ => String::new(),
    };
    let source = r
        .cidr_ipv4()
        .or(r.cidr_ipv6())
        .or(r.prefix_list_id())
        .or(r.referenced_group_info().and_then(|g| g.group_id()))
        .unwrap_or("");
    format!(
        "{} {}{ports} from {source}",
        r.group_id().unwrap_or(""),
        r.ip_protocol().unwrap_or("-1")
    )
}

/// The ids of the VPCs' `default` security groups.
async fn default_groups(aws: &AwsClients) -> Result<Vec<String>, Error> {
    let req = aws.ec2.describe_security_groups().filters(
        Filter::builder()
            .name("group-name")
            .values("default")
            .build(),
    );
    let mut ids = Vec::new();
    pages(
        "DescribeSecurityGroups",
        |token| req.clone().set_next_token(token).send(),
        |out| {
            ids.extend(
                out.security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string)),
            );
            out.next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        },
    )
    .await?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    use iac_value::Value;

    use super::*;
    use crate::stand_in;

    const NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

    fn group(id: &str, name: &str) -> String {
        format!("<item><groupId>{id}</groupId><groupName>{name}</groupName></item>")
    }

    /// An EC2 stand-in answering DescribeSecurityGroups in two pages, throttling the
    /// first request for the second page; returns the endpoint and the requests' bodies.
    fn paged_ec2() -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            let mut throttled = false;
            for conn in listener.incoming() {
                let mut conn = conn.unwrap();
                let request = stand_in::read(&mut conn);
                let body = request.body.clone();
                log.lock().unwrap().push(body.clone());
                let (status, xml) = if !body.contains("NextToken=") {
                    let groups = group("sg-1", "web") + &group("sg-2", "default");
                    (
                        200,
                        format!(
                            "<DescribeSecurityGroupsResponse xmlns=\"{NS}\"><requestId>1</requestId><securityGroupInfo>{groups}</securityGroupInfo><nextToken>page2</nextToken></DescribeSecurityGroupsResponse>"
                        ),
                    )
                } else if !throttled {
                    throttled = true;
                    (400, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors><RequestID>1</RequestID></Response>".to_string())
                } else {
                    let groups = group("sg-3", "db");
                    (
                        200,
                        format!(
                            "<DescribeSecurityGroupsResponse xmlns=\"{NS}\"><requestId>1</requestId><securityGroupInfo>{groups}</securityGroupInfo></DescribeSecurityGroupsResponse>"
                        ),
                    )
                };
                stand_in::answer(&mut conn, &request, status, stand_in::XML, &xml);
            }
        });
        (endpoint, seen)
    }

    fn request(filter: Value, limit: Option<usize>) -> ListRequest {
        ListRequest {
            filter,
            include_resource: false,
            limit,
        }
    }

    #[tokio::test]
    async fn groups_are_listed_across_pages_through_throttling_without_defaults() {
        let (endpoint, seen) = paged_ec2();
        let aws = crate::client::tests::at(&endpoint, "eu-west-1");
        let found = security_groups(&aws, &request(Value::Null, None))
            .await
            .unwrap();
        let ids = found.ids();
        assert_eq!(ids, ["sg-1", "sg-3"]);
        let bodies = seen.lock().unwrap().clone();
        assert_eq!(bodies.len(), 3, "{bodies:?}");
        assert!(bodies[2].contains("NextToken=page2"));

        let with_defaults = Value::object([("include_default", Value::Bool(true))]);
        let found = security_groups(&aws, &request(with_defaults, None))
            .await
            .unwrap();
        assert_eq!(found.ids(), ["sg-1", "sg-2", "sg-3"]);
    }

    #[tokio::test]
    async fn a_limit_reached_on_the_first_page_asks_for_no_other() {
        let (endpoint, seen) = paged_ec2();
        let aws = crate::client::tests::at(&endpoint, "eu-west-1");
        let prefixed = Value::object([("name_prefix", Value::from("we"))]);
        let found = security_groups(&aws, &request(prefixed, Some(1)))
            .await
            .unwrap();
        assert_eq!(found.ids(), ["sg-1"]);
        assert_eq!(seen.lock().unwrap().len(), 1);
    }
}
