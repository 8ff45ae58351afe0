//! `import` blocks: planned as imports (with any update), applied by recording the object
//! read, harmless once the object is in the state; `for_each` and `each.*`; and the
//! errors Terraform gives for targets, duplicates and ids.

mod support;

use iac_engine::Stack;
use iac_engine::plan::Action;
use iac_lang::Sources;
use iac_value::Value;
use support::{Harness, actions, change, summaries};

/// An object made by hand in the fake cloud, as `mem_thing` reads it back.
fn seed(h: &Harness, id: &str, name: &str, size: f64) {
    let obj = Value::object([
        ("id", Value::from(id)),
        ("name", Value::from(name)),
        ("size", Value::Number(size)),
        ("label", Value::from(format!("label-{name}"))),
        ("tags", Value::Null),
        ("secret", Value::Null),
        ("rule", Value::List(vec![])),
    ]);
    h.provider
        .cloud
        .objects
        .lock()
        .unwrap()
        .insert(id.to_string(), obj);
}

fn load_errors(h: &Harness) -> String {
    let mut sources = Sources::default();
    match Stack::load(h.dir.path(), &mut sources, &h.providers()) {
        Ok(_) => String::new(),
        Err(d) => summaries(&d),
    }
}

const ONE: &str = r#"
resource "mem_thing" "a" {
  name = "a"
  size = 1
}

import {
  to = mem_thing.a
  id = "t-1"
}
"#;

#[tokio::test]
async fn an_import_is_planned_applied_and_then_harmless() {
    let h = Harness::new(ONE);
    seed(&h, "t-1", "a", 1.0);
    let plan = h.plan().await.unwrap();
    let c = change(&plan, "mem_thing.a");
    assert_eq!(c.action, Action::NoOp);
    assert_eq!(c.importing.as_deref(), Some("t-1"));
    assert_eq!(plan.imports(), 1);
    assert!(plan.has_changes(), "an import is something to apply");
    assert_eq!(plan.summary(), (0, 0, 0));
    assert!(
        h.state().resource("mem_thing.a").is_none(),
        "planning records nothing"
    );

    let out = h.apply(&plan).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    let state = h.state();
    let recorded = state.resource("mem_thing.a").expect("imported");
    assert_eq!(recorded.attributes["id"], "t-1");
    assert!(
        h.log().iter().all(|l| !l.starts_with("create")),
        "{:?}",
        h.log()
    );

    let again = h.plan().await.unwrap();
    assert!(!again.has_changes(), "{:?}", actions(&again));
    assert_eq!(change(&again, "mem_thing.a").importing, None);
}

#[tokio::test]
async fn an_import_whose_config_differs_is_also_an_update() {
    let h = Harness::new(&ONE.replace("size = 1", "size = 2"));
    seed(&h, "t-1", "a", 1.0);
    let plan = h.plan().await.unwrap();
    let c = change(&plan, "mem_thing.a");
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.importing.as_deref(), Some("t-1"));
    assert_eq!(plan.summary(), (0, 1, 0));
    let out = h.apply(&plan).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(h.log(), vec!["update mem_thing t-1"]);
    assert_eq!(
        h.state().resource("mem_thing.a").unwrap().attributes["size"],
        2.0
    );
    assert!(!h.plan().await.unwrap().has_changes());
}

#[tokio::test]
async fn for_each_imports_one_object_per_element_with_each_in_to_and_id() {
    let h = Harness::new(
        r#"
variable "ids" {
  default = { a = "t-1", b = "t-2" }
}

resource "mem_thing" "x" {
  for_each = var.ids
  name     = each.key
  size     = 1
}

import {
  for_each = var.ids
  to       = mem_thing.x[each.key]
  id       = each.value
}
"#,
    );
    seed(&h, "t-1", "a", 1.0);
    seed(&h, "t-2", "b", 1.0);
    let plan = h.plan().await.unwrap();
    assert_eq!(plan.imports(), 2);
    assert_eq!(
        change(&plan, "mem_thing.x[\"b\"]").importing.as_deref(),
        Some("t-2")
    );
    let out = h.apply(&plan).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(
        h.state().resource("mem_thing.x[\"a\"]").unwrap().attributes["id"],
        "t-1"
    );
    assert!(!h.plan().await.unwrap().has_changes());
}

#[tokio::test]
async fn an_id_that_does_not_exist_is_an_error_naming_it() {
    let h = Harness::new(&ONE.replace("t-1", "t-404"));
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(
        err.contains("Cannot import mem_thing.a from id \"t-404\""),
        "{err}"
    );
    assert!(err.contains("not found"), "{err}");
}

#[tokio::test]
async fn an_import_never_plans_a_create() {
    // The object is gone after the import: the plan creates it, as without the block.
    let h = Harness::new(ONE);
    seed(&h, "t-1", "a", 1.0);
    h.converge().await;
    h.provider.cloud.objects.lock().unwrap().clear();
    let plan = h.plan().await.unwrap();
    let c = change(&plan, "mem_thing.a");
    assert_eq!((c.action, c.importing.as_deref()), (Action::Create, None));
}

#[tokio::test]
async fn targets_must_be_declared() {
    let h = Harness::new("import {\n  to = mem_thing.gone\n  id = \"t-1\"\n}\n");
    let err = load_errors(&h);
    assert!(
        err.starts_with("Configuration for import target does not exist"),
        "{err}"
    );
    assert!(err.contains("mem_thing.gone"), "{err}");

    let h = Harness::new(
        r#"
resource "mem_thing" "x" {
  for_each = toset(["a"])
  name     = each.key
}

import {
  to = mem_thing.x["b"]
  id = "t-1"
}
"#,
    );
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(
        err.contains("The configuration for the given import mem_thing.x[\"b\"] does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn one_instance_takes_one_import_block() {
    let h = Harness::new(&format!(
        "{ONE}\nimport {{\n  to = mem_thing.a\n  id = \"t-2\"\n}}\n"
    ));
    let err = load_errors(&h);
    assert!(
        err.starts_with("Duplicate import configuration for \"mem_thing.a\""),
        "{err}"
    );
}

#[tokio::test]
async fn bad_ids_and_addresses_are_errors() {
    let h = Harness::new(&ONE.replace("\"t-1\"", "null"));
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(err.contains("The import ID cannot be null."), "{err}");

    let h = Harness::new(&ONE.replace("to = mem_thing.a", "to = data.mem_thing.a"));
    let err = load_errors(&h);
    assert!(
        err.contains("Only managed resources can be imported."),
        "{err}"
    );

    let h = Harness::new(&ONE.replace("id = \"t-1\"", "id = var.missing"));
    let err = load_errors(&h);
    assert!(
        err.contains("Reference to undeclared input variable"),
        "{err}"
    );
}

#[tokio::test]
async fn imports_survive_the_plan_file_and_plan_json() {
    let h = Harness::new(ONE);
    seed(&h, "t-1", "a", 1.0);
    let plan = h.plan().await.unwrap();
    let providers = h.providers();
    let json = iac_engine::json::plan_json(&plan, &providers, Some(&h.tree()));
    let rc = json["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "mem_thing.a")
        .unwrap();
    assert_eq!(
        rc["change"]["importing"],
        serde_json::json!({ "id": "t-1" })
    );
    assert_eq!(rc["change"]["actions"], serde_json::json!(["no-op"]));

    let text = iac_engine::plan_file::to_plan_file(&plan);
    let lookup =
        |p: &str, _: iac_lang::config::Mode, ty: &str| providers.get(p)?.schema().resources.get(ty);
    let back = iac_engine::plan_file::from_plan_file(&text, &lookup).unwrap();
    assert_eq!(back.changes, plan.changes);
    let out = h.apply(&back).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert!(h.state().resource("mem_thing.a").is_some());
}
