//! `iac query` end to end on the DigitalOcean emulator: objects made over plain HTTP,
//! found by the list blocks of a `*.tfquery.hcl` file with each filter, printed as
//! `terraform query` prints them and as its JSON messages, written as import and
//! resource blocks with `-generate-config-out` (never over an existing file), and bad
//! list blocks refused at their place.

use iac_e2e::{Emulator, Stack};
use serde_json::{Value, json};

const QUERY: &str = r#"variable "region" {
  default = "sfo3"
}

list "digitalocean_droplet" "web" {
  provider = digitalocean
  config {
    tag_name = "web"
  }
}

list "digitalocean_droplet" "in_region" {
  provider = digitalocean
  config {
    region = var.region
  }
}

list "digitalocean_droplet" "db" {
  provider         = digitalocean
  include_resource = true
  config {
    name_prefix = "db-"
  }
}

list "digitalocean_record" "www" {
  provider = digitalocean
  config {
    domain = "zone.example"
    type   = "A"
    name   = "www"
  }
}

list "digitalocean_tag" "first" {
  provider = digitalocean
  limit    = 1
}
"#;

fn post(stack: &Stack, path: &str, body: Value, status: u16) -> Value {
    let (got, answer) = stack.digitalocean("POST", path, Some(&body));
    assert_eq!(got, status, "POST {path}: {answer}");
    answer
}

/// Droplets web-1 and web-2 (nyc3, tagged web) and db-1 (sfo3), a domain with two A
/// records for www and one for the apex; their ids by name.
fn made_by_hand(stack: &Stack) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for (names, region, tag) in [
        (vec!["web-1", "web-2"], "nyc3", "web"),
        (vec!["db-1"], "sfo3", "db"),
    ] {
        let made = post(
            stack,
            "/v2/droplets",
            json!({"names": names, "region": region, "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": [tag]}),
            202,
        );
        for d in made["droplets"].as_array().unwrap() {
            ids.push((d["name"].as_str().unwrap().to_string(), d["id"].to_string()));
        }
    }
    post(stack, "/v2/domains", json!({"name": "zone.example"}), 201);
    for (name, data) in [
        ("www", "192.0.2.1"),
        ("www", "192.0.2.2"),
        ("@", "192.0.2.3"),
    ] {
        let made = post(
            stack,
            "/v2/domains/zone.example/records",
            json!({"type": "A", "name": name, "data": data, "ttl": 300}),
            201,
        );
        ids.push((
            format!("{name} {data}"),
            made["domain_record"]["id"].to_string(),
        ));
    }
    ids
}

fn id_of<'a>(ids: &'a [(String, String)], name: &str) -> &'a str {
    &ids.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn query_lists_with_each_filter_as_terraform_prints_it() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("discover.tfquery.hcl", QUERY)]);
    let ids = made_by_hand(&stack);
    let run = stack.iac(&["query", "-no-color"]).expect(0);
    let lines: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|column| !column.is_empty())
                .collect()
        })
        .collect();
    let of = |address: &str| -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = lines
            .iter()
            .filter(|l| l.first() == Some(&address))
            .map(|l| (l[1].to_string(), l[2].to_string()))
            .collect();
        found.sort();
        found
    };
    let id = |name: &str| format!("id={}", id_of(&ids, name));
    let mut web = vec![
        (id("web-1"), "web-1".to_string()),
        (id("web-2"), "web-2".to_string()),
    ];
    web.sort();
    assert_eq!(of("list.digitalocean_droplet.web"), web, "{}", run.stdout);
    assert_eq!(
        of("list.digitalocean_droplet.in_region"),
        [(id("db-1"), "db-1".to_string())]
    );
    assert_eq!(
        of("list.digitalocean_droplet.db"),
        [(id("db-1"), "db-1".to_string())]
    );
    let www = of("list.digitalocean_record.www");
    assert_eq!(www.len(), 2, "{}", run.stdout);
    for (record, shown) in &www {
        assert!(record.starts_with("id=zone.example,"), "{record}");
        assert_eq!(shown, "A www.zone.example");
    }
    // The droplets' tags, through the limit of one.
    assert_eq!(of("list.digitalocean_tag.first").len(), 1, "{}", run.stdout);

    // A variable from the command line reaches the filters.
    let run = stack
        .iac(&["query", "-no-color", "-var", "region=nyc3"])
        .expect(0);
    let in_nyc3 = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("list.digitalocean_droplet.in_region"))
        .count();
    assert_eq!(in_nyc3, 2, "{}", run.stdout);
}

#[test]
fn query_json_prints_terraforms_list_messages() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("discover.tfquery.hcl", QUERY)]);
    let ids = made_by_hand(&stack);
    let run = stack.iac(&["query", "-json"]).expect(0);
    let messages: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let of = |kind: &str, address: &str| -> Vec<&Value> {
        messages
            .iter()
            .filter(|m| m["type"] == kind && m[kind]["address"] == address)
            .map(|m| &m[kind])
            .collect()
    };
    let start = of("list_start", "list.digitalocean_droplet.in_region");
    assert_eq!(start.len(), 1);
    assert_eq!(start[0]["resource_type"], "digitalocean_droplet");
    assert_eq!(start[0]["input_config"]["region"], "sfo3");
    let db = of("list_resource_found", "list.digitalocean_droplet.db");
    assert_eq!(db.len(), 1);
    assert_eq!(db[0]["identity"]["id"], id_of(&ids, "db-1"));
    assert_eq!(db[0]["display_name"], "db-1");
    assert_eq!(
        db[0]["resource_object"]["region"], "sfo3",
        "include_resource"
    );
    assert_eq!(db[0]["resource_object"]["name"], "db-1");
    let web = of("list_resource_found", "list.digitalocean_droplet.web");
    assert!(
        web.iter().all(|m| m.get("resource_object").is_none()),
        "{web:?}"
    );
    let complete = of("list_complete", "list.digitalocean_droplet.web");
    assert_eq!(complete[0]["total"], 2);
    assert!(
        messages
            .iter()
            .all(|m| m["@level"] == "info" && m["@message"].is_string())
    );
}

#[test]
fn generate_config_out_writes_import_and_resource_blocks_once() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("discover.tfquery.hcl", QUERY)]);
    let ids = made_by_hand(&stack);
    let run = stack
        .iac(&["query", "-no-color", "-generate-config-out=found.tf"])
        .expect(0);
    assert!(run.stdout.contains("found.tf"), "{}", run.stdout);
    let written = std::fs::read_to_string(stack.path().join("found.tf")).unwrap();
    let web_1 = id_of(&ids, "web-1");
    assert!(
        written.contains(&format!(
            "import {{\n  to = digitalocean_droplet.web_1\n  id = \"{web_1}\"\n}}"
        )),
        "{written}"
    );
    assert!(
        written.contains("resource \"digitalocean_droplet\" \"web_1\" {"),
        "{written}"
    );
    assert!(written.contains("region = \"nyc3\""), "{written}");
    // db-1 is found by two list blocks, and written once.
    assert_eq!(
        written
            .matches("resource \"digitalocean_droplet\" \"db_1\" {")
            .count(),
        1,
        "{written}"
    );
    assert!(!written.contains("db_1_2"), "{written}");
    // The tag found is referred to, not named literally.
    assert!(
        written.contains("tags   = [digitalocean_tag.db.name]"),
        "{written}"
    );
    assert!(
        written.contains("id = \"zone.example,"),
        "records by DOMAIN,ID: {written}"
    );
    assert!(
        written.contains("resource \"digitalocean_record\""),
        "{written}"
    );

    let again = stack.iac(&["query", "-no-color", "-generate-config-out=found.tf"]);
    assert_eq!(again.code, 1, "{}", again.stdout);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(stack.path().join("found.tf")).unwrap(),
        written
    );
}

#[test]
fn bad_list_blocks_are_refused_at_their_place() {
    let cases = [
        (
            "list \"digitalocean_volume\" \"v\" {\n  provider = digitalocean\n}\n",
            "Invalid list resource type",
            "q.tfquery.hcl:1:",
        ),
        (
            "list \"digitalocean_droplet\" \"d\" {\n  provider = digitalocean\n  config {\n    tag = \"web\"\n  }\n}\n",
            "Unsupported argument",
            "q.tfquery.hcl:4:5",
        ),
        (
            "list \"digitalocean_record\" \"r\" {\n  provider = digitalocean\n  config {}\n}\n",
            "domain",
            "q.tfquery.hcl:3:",
        ),
        (
            "list \"digitalocean_droplet\" \"d\" {\n  provider = digitalocean\n  limit = \"many\"\n}\n",
            "Invalid limit",
            "q.tfquery.hcl:3:",
        ),
    ];
    for (query, summary, place) in cases {
        let stack = Stack::new(Emulator::DigitalOcean, &[("q.tfquery.hcl", query)]);
        let run = stack.iac(&["query", "-no-color"]);
        assert_eq!(run.code, 1, "{query}\n{}", run.stdout);
        assert!(run.stderr.contains(summary), "{query}\n{}", run.stderr);
        assert!(run.stderr.contains(place), "{query}\n{}", run.stderr);
    }
    let empty = Stack::new(Emulator::DigitalOcean, &[("main.tf", "")]);
    let run = empty.iac(&["query", "-no-color"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("No query files"), "{}", run.stderr);
}
