//! `iac query`'s engine: list blocks of `*.tfquery.hcl` files run through the "mem"
//! provider, with their variables, locals and provider blocks, expansion, limits and
//! filters, and the errors of bad list blocks.

mod support;

use iac_value::Value;
use support::{Harness, summaries};

const THINGS: &str = r#"
resource "mem_thing" "a" {
  name = "web-1"
}
resource "mem_thing" "b" {
  name = "web-2"
}
resource "mem_thing" "c" {
  name = "db-1"
}
"#;

fn names(found: &iac_engine::listing::Found) -> Vec<&str> {
    found
        .results
        .iter()
        .map(|r| r.display_name.as_str())
        .collect()
}

#[tokio::test]
async fn list_blocks_list_with_their_filters_variables_and_provider() {
    let h = Harness::new(THINGS);
    h.converge().await;
    h.write(
        "find.tfquery.hcl",
        r#"
variable "kind" {
  default = "web-"
}
locals {
  prefixes = { web = var.kind, db = "db-" }
}
provider "mem" {
  prefix = "q-"
}
list "mem_thing" "by_kind" {
  provider = mem
  for_each = local.prefixes
  config {
    name_prefix = each.value
  }
}
list "mem_thing" "one" {
  provider         = mem
  limit            = 1
  include_resource = true
  config {
    name_prefix = var.kind
  }
}
list "mem_thing" "all" {
  provider = mem
}
"#,
    );
    let found = h
        .query(&[])
        .await
        .unwrap_or_else(|d| panic!("{}", summaries(&d)));
    let addresses: Vec<&str> = found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "list.mem_thing.by_kind[\"db\"]",
            "list.mem_thing.by_kind[\"web\"]",
            "list.mem_thing.one",
            "list.mem_thing.all"
        ]
    );
    assert_eq!(names(&found[0]), ["db-1"]);
    let mut web = names(&found[1]);
    web.sort();
    assert_eq!(web, ["web-1", "web-2"]);
    assert_eq!(found[2].results.len(), 1, "the limit");
    let state = found[2].results[0]
        .state
        .as_ref()
        .expect("include_resource");
    assert_eq!(
        state.get("id").as_str(),
        Some(found[2].results[0].id.as_str())
    );
    assert!(found[1].results.iter().all(|r| r.state.is_none()));
    assert_eq!(found[3].results.len(), 3, "no filter lists them all");
    assert_eq!(found[1].filter.get("name_prefix"), &Value::from("web-"));
    let log = h.log();
    assert!(
        log.iter()
            .any(|l| l == "list mem_thing provider_prefix=q- name_prefix=web-"),
        "the query file's provider block configures the provider: {log:?}"
    );

    // A variable given on the command line reaches the filters.
    let found = h.query(&[("kind", Value::from("db-"))]).await.unwrap();
    assert_eq!(names(&found[2]), ["db-1"]);
}

#[tokio::test]
async fn plans_never_read_query_files() {
    let h = Harness::new(THINGS);
    h.write(
        "find.tfquery.hcl",
        "list \"mem_thing\" \"x\" {\n  provider = mem\n}\nbroken {\n",
    );
    assert!(h.plan().await.is_ok(), "a plan leaves query files alone");
}

async fn error_of(query: &str) -> String {
    let h = Harness::new(THINGS);
    h.write("q.tfquery.hcl", query);
    let diags = h.query(&[]).await.expect_err("the query is refused");
    let d = &diags.0[0];
    let span = d
        .span
        .as_ref()
        .expect("the error points into the query file");
    // Every error here is in the query file: its line, from the span's offset.
    let line = query[..span.range.start].matches('\n').count() + 1;
    format!(
        "{line}:{}: {}",
        d.summary,
        d.detail.clone().unwrap_or_default()
    )
}

#[tokio::test]
async fn bad_list_blocks_are_errors_at_their_place() {
    let unknown = error_of("\n\nlist \"mem_nothing\" \"x\" {\n  provider = mem\n}\n").await;
    assert!(
        unknown.starts_with("3:Invalid list resource type"),
        "{unknown}"
    );
    assert!(unknown.contains("mem_nothing"), "{unknown}");
    let unlistable = error_of("list \"mem_box\" \"x\" {\n  provider = mem\n}\n").await;
    assert!(
        unlistable.starts_with("1:Resource type cannot be listed"),
        "{unlistable}"
    );
    let filter = error_of("list \"mem_thing\" \"x\" {\n  provider = mem\n  config {\n    name_prefx = \"a\"\n  }\n}\n").await;
    assert!(filter.starts_with("4:Unsupported argument"), "{filter}");
    assert!(
        filter.contains("name_prefix"),
        "suggests the filter: {filter}"
    );
    let block = error_of("resource \"mem_thing\" \"x\" {\n  name = \"y\"\n}\n").await;
    assert!(
        block.starts_with("1:Unsupported block type \"resource\" in a query file"),
        "{block}"
    );
    let limit = error_of("list \"mem_thing\" \"x\" {\n  provider = mem\n  limit = -1\n}\n").await;
    assert!(limit.starts_with("3:Invalid limit"), "{limit}");
}
