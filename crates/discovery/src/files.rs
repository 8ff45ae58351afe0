//! The files of an adopted stack, grouped by service, and the blocks that are not
//! resources: providers, the secrets' variables, the imports.

use std::collections::BTreeMap;

/// The file a resource type's blocks go to.
pub fn file_for(type_name: &str) -> &'static str {
    const BY_PREFIX: &[(&str, &str)] = &[
        ("aws_security_group", "network.tf"),
        ("aws_vpc", "network.tf"),
        ("aws_eip", "network.tf"),
        ("digitalocean_firewall", "network.tf"),
        ("digitalocean_reserved_ip", "network.tf"),
        ("aws_db_", "database.tf"),
        ("aws_route53_", "dns.tf"),
        ("digitalocean_domain", "dns.tf"),
        ("digitalocean_record", "dns.tf"),
        ("aws_s3_", "storage.tf"),
        ("aws_lb", "load_balancing.tf"),
        ("aws_alb", "load_balancing.tf"),
        ("aws_acm_", "certificates.tf"),
    ];
    BY_PREFIX
        .iter()
        .find(|(p, _)| type_name.starts_with(p))
        .map_or("compute.tf", |(_, f)| f)
}

/// The text of each file, in the order blocks were added.
#[derive(Default, Debug)]
pub struct Files {
    pub texts: BTreeMap<String, String>,
}

impl Files {
    /// Adds formatted block text to `file`, a blank line between blocks.
    pub fn add(&mut self, file: &str, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let t = self.texts.entry(file.to_string()).or_default();
        if !t.is_empty() {
            t.push('\n');
        }
        t.push_str(text);
    }
}

/// The `provider` block of the adopted stack.
pub fn provider_block(provider: &str, region: Option<&str>) -> String {
    let source = match provider {
        "aws" => "hashicorp/aws",
        "digitalocean" => "digitalocean/digitalocean",
        other => other,
    };
    let body = match region {
        Some(r) if provider == "aws" => format!("region = \"{r}\"\n"),
        _ => String::new(),
    };
    iac_lang::format::format_text(&format!(
        "terraform {{\nrequired_providers {{\n{provider} = {{\nsource = \"{source}\"\n}}\n}}\n}}\n\nprovider \"{provider}\" {{\n{body}}}\n"
    ))
}

/// The variable that holds a secret the API never returns (an RDS `password`): unset,
/// it leaves the secret as it is.
pub fn secret_variable(name: &str, address: &str, attr: &str) -> String {
    iac_lang::format::format_text(&format!(
        "# The API never returns this secret, so adoption cannot write it. Left null, the\n\
         # object keeps the one it has and plans show no change. To take it over, set this\n\
         # variable (TF_VAR_{name}, or a .tfvars file kept out of version control): the\n\
         # next apply then sets it.\n\
         variable \"{name}\" {{\ndescription = \"The {attr} of {address}.\"\ntype = string\nsensitive = true\ndefault = null\n}}\n"
    ))
}

/// An `import` block.
pub fn import_block(to: &str, id: &str) -> String {
    let id = hcl_edit::expr::Expression::from(id).to_string();
    iac_lang::format::format_text(&format!("import {{\nto = {to}\nid = {id}\n}}\n"))
}

/// An `import` block for every instance of a folded resource, over the map of each
/// instance's key to its id (kept in the import block: ids belong to imports only).
pub fn import_for_each(resource: &str, ids: &[(String, String)]) -> String {
    let quoted = |s: &str| hcl_edit::expr::Expression::from(s).to_string();
    let entries: String = ids
        .iter()
        .map(|(key, id)| format!("{} = {}\n", quoted(key), quoted(id)))
        .collect();
    iac_lang::format::format_text(&format!(
        "import {{\nfor_each = {{\n{entries}}}\nto = {resource}[each.key]\nid = each.value\n}}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_go_to_their_service_file() {
        assert_eq!(file_for("aws_security_group"), "network.tf");
        assert_eq!(
            file_for("aws_vpc_security_group_ingress_rule"),
            "network.tf"
        );
        assert_eq!(file_for("aws_instance"), "compute.tf");
        assert_eq!(file_for("aws_db_parameter_group"), "database.tf");
        assert_eq!(file_for("aws_route53_record"), "dns.tf");
        assert_eq!(file_for("digitalocean_record"), "dns.tf");
        assert_eq!(file_for("aws_s3_bucket_versioning"), "storage.tf");
        assert_eq!(file_for("aws_lb_listener"), "load_balancing.tf");
        assert_eq!(file_for("aws_acm_certificate"), "certificates.tf");
        assert_eq!(file_for("digitalocean_droplet"), "compute.tf");
        assert_eq!(
            file_for("digitalocean_reserved_ip_assignment"),
            "network.tf"
        );
    }

    #[test]
    fn generated_blocks_parse() {
        for text in [
            provider_block("aws", Some("us-east-1")),
            provider_block("digitalocean", None),
            secret_variable("orders_password", "aws_db_instance.orders", "password"),
            import_block("aws_instance.web", "i-0123"),
            import_for_each(
                "digitalocean_droplet.this",
                &[("web-1".into(), "101".into()), ("db".into(), "102".into())],
            ),
        ] {
            hcl_edit::parser::parse_body(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert_eq!(iac_lang::format::format_text(&text), text);
        }
        let files = {
            let mut f = Files::default();
            f.add("a.tf", "x {}\n");
            f.add("a.tf", "y {}\n");
            f
        };
        assert_eq!(files.texts["a.tf"], "x {}\n\ny {}\n");
    }
}
