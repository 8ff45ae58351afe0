//! Plan and state JSON in Terraform's shapes, against the in-memory provider.

mod support;

use iac_engine::json::values::{NEW_SECRET, OLD_SECRET};
use iac_value::Value;
use serde_json::{Value as Json, json};
use support::Harness;

const STACK: &str = r#"
variable "pw" {
  default   = "old-pw"
  sensitive = true
}
resource "mem_thing" "a" {
  name   = "alpha"
  secret = var.pw
}
resource "mem_link" "l" {
  target = mem_thing.a.id
}
module "child" {
  source = "./m"
  name   = "kid"
}
output "link" {
  value = mem_link.l.id
}
"#;

const CHILD: &str = r#"
variable "name" {}
resource "mem_thing" "t" {
  name = var.name
  rule {
    port = 22
  }
}
"#;

fn harness() -> Harness {
    let h = Harness::new(STACK);
    h.write("m/main.hcl", CHILD);
    h
}

fn find<'a>(list: &'a Json, address: &str) -> &'a Json {
    list.as_array()
        .and_then(|l| l.iter().find(|r| r["address"] == address))
        .unwrap_or_else(|| panic!("{address} not in {list:#}"))
}

#[tokio::test]
async fn a_first_plan_in_terraforms_shape() {
    let h = harness();
    let plan = h.plan().await.unwrap();
    let doc = iac_engine::json::plan_json(&plan, &h.providers(), Some(&h.tree()));
    assert_eq!(doc["format_version"], "1.2");
    assert_eq!(doc["terraform_version"], iac_lang::TERRAFORM_VERSION);
    assert!(doc["iac_version"].is_string());
    assert_eq!(
        (&doc["applyable"], &doc["complete"], &doc["errored"]),
        (&json!(true), &json!(true), &json!(false))
    );
    assert_eq!(doc["variables"]["pw"]["value"], Json::Null, "secret");

    let link = find(&doc["resource_changes"], "mem_link.l");
    assert_eq!(link["provider_name"], "registry.terraform.io/hashicorp/mem");
    assert_eq!(link["change"]["actions"], json!(["create"]));
    assert_eq!(link["change"]["before"], Json::Null);
    assert_eq!(link["change"]["before_sensitive"], json!(false));
    let after = link["change"]["after"].as_object().unwrap();
    assert!(!after.contains_key("target"), "unknown: left out of after");
    assert_eq!(link["change"]["after_unknown"]["target"], json!(true));

    let root = &doc["planned_values"]["root_module"];
    let thing = find(&root["resources"], "mem_thing.a");
    assert_eq!(thing["mode"], "managed");
    assert_eq!(thing["type"], "mem_thing");
    assert_eq!(thing["name"], "a");
    assert_eq!(thing["values"]["name"], "alpha");
    assert_eq!(thing["values"]["rule"], json!([]), "an empty block is []");
    assert_eq!(thing["values"]["secret"], Json::Null);
    assert_eq!(thing["sensitive_values"]["secret"], json!(true));
    let child = &root["child_modules"][0];
    assert_eq!(child["address"], "module.child");
    let t = find(&child["resources"], "module.child.mem_thing.t");
    assert_eq!(t["values"]["rule"], json!([{ "port": 22 }]));
    let change = find(&doc["resource_changes"], "module.child.mem_thing.t");
    assert_eq!(change["module_address"], "module.child");
    assert!(doc["planned_values"]["outputs"]["link"]["value"].is_null());
    assert!(doc.get("prior_state").is_none(), "nothing recorded yet");

    let config = &doc["configuration"];
    assert_eq!(
        config["provider_config"]["mem"]["full_name"],
        "registry.terraform.io/hashicorp/mem"
    );
    let root = &config["root_module"];
    let l = find(&root["resources"], "mem_link.l");
    assert_eq!(l["provider_config_key"], "mem");
    assert_eq!(
        l["expressions"]["target"]["references"],
        json!(["mem_thing.a.id", "mem_thing.a"])
    );
    let a = find(&root["resources"], "mem_thing.a");
    assert_eq!(a["expressions"]["name"]["constant_value"], "alpha");
    assert_eq!(a["expressions"]["secret"]["references"], json!(["var.pw"]));
    assert_eq!(root["variables"]["pw"], json!({ "sensitive": true }));
    let call = &root["module_calls"]["child"];
    assert_eq!(call["source"], "./m");
    assert_eq!(call["expressions"]["name"]["constant_value"], "kid");
    let t = find(&call["module"]["resources"], "mem_thing.t");
    assert_eq!(t["expressions"]["name"]["references"], json!(["var.name"]));
    assert_eq!(
        t["expressions"]["rule"],
        json!([{ "port": { "constant_value": 22 } }])
    );
    assert_eq!(
        root["outputs"]["link"]["expression"]["references"],
        json!(["mem_link.l.id", "mem_link.l"])
    );
    assert!(!doc.to_string().contains("old-pw"));
}

#[tokio::test]
async fn a_changed_secret_is_a_visible_change_and_stays_secret() {
    let h = harness();
    h.converge().await;
    let unchanged = h.plan().await.unwrap();
    let doc = iac_engine::json::plan_json(&unchanged, &h.providers(), Some(&h.tree()));
    let a = find(&doc["resource_changes"], "mem_thing.a");
    assert_eq!(a["change"]["actions"], json!(["no-op"]));
    assert_eq!(a["change"]["before"]["secret"], Json::Null);
    assert_eq!(a["change"]["after"]["secret"], Json::Null);
    assert_eq!(doc["applyable"], json!(false));
    let prior = &doc["prior_state"]["values"]["root_module"];
    assert_eq!(
        find(&prior["resources"], "mem_thing.a")["values"]["name"],
        "alpha"
    );

    let rotated = h
        .plan_with(
            &Default::default(),
            &[("pw", Value::from("new-pw").mark_sensitive())],
        )
        .await
        .unwrap();
    let doc = iac_engine::json::plan_json(&rotated, &h.providers(), Some(&h.tree()));
    let text = doc.to_string();
    assert!(
        !text.contains("old-pw") && !text.contains("new-pw"),
        "{text}"
    );
    let a = find(&doc["resource_changes"], "mem_thing.a");
    assert_eq!(a["change"]["actions"], json!(["update"]));
    assert_eq!(a["change"]["before"]["secret"], OLD_SECRET);
    assert_eq!(a["change"]["after"]["secret"], NEW_SECRET);
    assert_eq!(a["change"]["before_sensitive"]["secret"], json!(true));
    assert_eq!(a["change"]["after_sensitive"]["secret"], json!(true));
    assert_eq!(
        a["change"]["before"]["name"], a["change"]["after"]["name"],
        "the rest is shown as it is"
    );
}

#[tokio::test]
async fn state_in_terraforms_shape() {
    let h = harness();
    h.converge().await;
    let doc = iac_engine::json::state_json(&h.state(), &h.providers());
    assert_eq!(doc["format_version"], "1.0");
    assert_eq!(doc["terraform_version"], iac_lang::TERRAFORM_VERSION);
    let root = &doc["values"]["root_module"];
    let a = find(&root["resources"], "mem_thing.a");
    assert_eq!(a["provider_name"], "registry.terraform.io/hashicorp/mem");
    assert_eq!(a["values"]["secret"], Json::Null);
    assert_eq!(a["sensitive_values"]["secret"], json!(true));
    assert_eq!(a["values"]["rule"], json!([]));
    let l = find(&root["resources"], "mem_link.l");
    assert_eq!(l["depends_on"], json!(["mem_thing.a"]));
    assert_eq!(l["values"]["target"], a["values"]["id"]);
    let child = &root["child_modules"][0];
    assert_eq!(child["address"], "module.child");
    assert_eq!(
        find(&child["resources"], "module.child.mem_thing.t")["name"],
        "t"
    );
    assert_eq!(doc["values"]["outputs"]["link"]["value"], l["values"]["id"]);
    assert!(!doc.to_string().contains("old-pw"));
}
