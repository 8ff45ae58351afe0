//! Block names for adopted objects: from a `Name` tag or the object's own name, in
//! snake_case, valid identifiers, unique within their type.

use std::collections::{BTreeMap, BTreeSet};

use iac_value::Value;

/// The attributes that name an object, most telling first, after the `Name` tag.
const NAME_ATTRS: &[&str] = &[
    "name",
    "identifier",
    "bucket",
    "key_name",
    "domain_name",
    "fqdn",
    "ip_address",
];

/// Objects with no name of their own, named after the object they attach to: the
/// type, the attribute that refers to that object, and the attribute whose value ends
/// the name (a listener of `web` on HTTPS is `web_https`).
const NAMED_AFTER: &[(&str, &str, Option<&str>)] = &[
    ("aws_eip_association", "allocation_id", None),
    ("aws_lb_listener", "load_balancer_arn", Some("protocol")),
    ("aws_lb_target_group_attachment", "target_id", None),
    ("digitalocean_reserved_ip_assignment", "droplet_id", None),
];

/// For a type named after another object: the attribute referring to it, and the
/// attribute that ends the name.
pub fn named_after(type_name: &str) -> Option<(&'static str, Option<&'static str>)> {
    NAMED_AFTER
        .iter()
        .find(|(t, _, _)| *t == type_name)
        .map(|(_, attr, suffix)| (*attr, *suffix))
}

/// A record's name within its zone, with its type: `www_a`, `apex_mx`.
pub fn record_name(name: &str, zone: Option<&str>, record_type: &str) -> String {
    let name = name.trim_end_matches('.');
    let relative = match zone.map(|z| z.trim_end_matches('.')) {
        Some(z) if name.eq_ignore_ascii_case(z) => "@",
        Some(z) => name
            .strip_suffix(z)
            .and_then(|n| n.strip_suffix('.'))
            .unwrap_or(name),
        None => name,
    };
    let relative = if relative == "@" { "apex" } else { relative };
    snake_case(&format!("{relative}_{record_type}"))
}

/// The name a person would give the object's block, before making it unique.
pub fn base_name(state: &Value, id: &str) -> String {
    let tag = state.get("tags").get("Name").as_str().map(str::to_string);
    let named = NAME_ATTRS
        .iter()
        .find_map(|a| state.get(a).as_str().filter(|s| !s.is_empty()))
        .map(str::to_string);
    let raw = tag.or(named).unwrap_or_else(|| id.to_string());
    snake_case(&raw)
}

/// `Web Server-01.example.com` as `web_server_01_example_com`: lower case, runs of
/// anything else as one `_`, never empty, never starting with a digit.
pub fn snake_case(raw: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in raw.trim_end_matches('.').chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
    }
    let out = out.trim_end_matches('_').to_string();
    match out.chars().next() {
        None => "this".to_string(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

/// Hands out names unique per resource type: the second `web` becomes `web_2`.
#[derive(Default)]
pub struct Names {
    taken: BTreeMap<String, BTreeSet<String>>,
}

impl Names {
    /// A unique name for an object of `type_name` whose base name is `base`.
    pub fn unique(&mut self, type_name: &str, base: &str) -> String {
        let taken = self.taken.entry(type_name.to_string()).or_default();
        let mut name = base.to_string();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_identifiers() {
        assert_eq!(snake_case("Web Server-01"), "web_server_01");
        assert_eq!(snake_case("api.example.com."), "api_example_com");
        assert_eq!(snake_case("WebServer"), "web_server");
        assert_eq!(snake_case("pg14"), "pg14");
        assert_eq!(snake_case("10.0.0.1"), "_10_0_0_1");
        assert_eq!(snake_case("--"), "this");
    }

    #[test]
    fn the_name_tag_comes_first_then_the_name_then_the_id() {
        let tagged = Value::object([
            ("name", Value::from("sg-web")),
            ("tags", Value::object([("Name", Value::from("Web"))])),
        ]);
        assert_eq!(base_name(&tagged, "sg-1"), "web");
        let named = Value::object([("identifier", Value::from("orders-db"))]);
        assert_eq!(base_name(&named, "x"), "orders_db");
        assert_eq!(base_name(&Value::Null, "i-0abc"), "i_0abc");
    }

    #[test]
    fn records_are_named_within_their_zone() {
        assert_eq!(
            record_name("web-bugs.webcompat.com.", Some("webcompat.com"), "A"),
            "web_bugs_a"
        );
        assert_eq!(
            record_name("webcompat.com", Some("webcompat.com."), "MX"),
            "apex_mx"
        );
        assert_eq!(record_name("@", None, "A"), "apex_a");
        assert_eq!(record_name("www", None, "CNAME"), "www_cname");
        assert_eq!(
            named_after("aws_lb_listener"),
            Some(("load_balancer_arn", Some("protocol")))
        );
        assert_eq!(named_after("aws_instance"), None);
    }

    #[test]
    fn names_are_unique_within_a_type() {
        let mut names = Names::default();
        assert_eq!(names.unique("aws_instance", "web"), "web");
        assert_eq!(names.unique("aws_instance", "web"), "web_2");
        assert_eq!(names.unique("aws_eip", "web"), "web");
        assert_eq!(names.unique("aws_instance", "web"), "web_3");
    }
}
