//! Nested blocks in Terraform's shapes: a block given at most once is a list of one
//! (`x.block[0].attr`), repeated blocks are lists or sets, and state recorded while
//! such blocks were objects still loads.

mod support;

use iac_engine::plan::Action;
use iac_engine::planner::PlanOptions;
use iac_state::Backend;
use iac_value::Value;
use support::{Harness, actions, change, summaries};

const BOX: &str = r#"
resource "mem_box" "a" {
  name = "a"
  settings {
    mode = "fast"
  }
  entry {
    name  = "x"
    value = "1"
  }
  entry {
    name  = "y"
    value = "2"
  }
}

resource "mem_link" "mode" {
  target = mem_box.a.settings[0].mode
}

resource "mem_link" "zone" {
  target = mem_box.a.settings[0].zone
}

resource "mem_link" "each" {
  for_each = { for e in mem_box.a.entry : e.name => e.value }
  target   = each.value
}

output "modes" {
  value = mem_box.a.settings[*].mode
}

output "names" {
  value = [for e in mem_box.a.entry : e.name]
}
"#;

fn target(plan: &iac_engine::plan::Plan, addr: &str) -> Value {
    change(plan, addr)
        .after
        .as_ref()
        .unwrap()
        .get("target")
        .clone()
}

#[tokio::test]
async fn a_block_given_once_is_indexed_and_a_set_block_feeds_for_each() {
    let h = Harness::new(BOX);
    let plan = h
        .plan()
        .await
        .unwrap_or_else(|d| panic!("{}", summaries(&d)));
    assert_eq!(target(&plan, "mem_link.mode"), Value::from("fast"));
    assert_eq!(
        target(&plan, "mem_link.zone"),
        Value::from("zone-a"),
        "a computed attribute of the block, known once the provider plans it"
    );
    assert_eq!(target(&plan, "mem_link.each[\"x\"]"), Value::from("1"));
    assert_eq!(target(&plan, "mem_link.each[\"y\"]"), Value::from("2"));
    let after = change(&plan, "mem_box.a").after.clone().unwrap();
    assert!(
        matches!(after.get("settings"), Value::List(items) if items.len() == 1),
        "{after:?}"
    );
    assert!(matches!(after.get("entry"), Value::Set(items) if items.len() == 2));
    h.converge().await;
    let state = h.state();
    assert_eq!(
        state.outputs["modes"].value,
        serde_json::json!(["fast"]),
        "a splat over a list block"
    );
    assert_eq!(state.outputs["names"].value, serde_json::json!(["x", "y"]));
    assert_eq!(
        state.resource("mem_box.a").unwrap().attributes["settings"],
        serde_json::json!([{ "mode": "fast", "zone": "zone-a" }])
    );
    assert_eq!(h.log()[0], "create mem_box a");
    let again = h.plan().await.unwrap();
    assert!(actions(&again).is_empty(), "{:?}", actions(&again));
}

#[tokio::test]
async fn an_unset_block_given_once_is_an_empty_list() {
    let h = Harness::new(
        r#"
resource "mem_box" "a" {
  name = "a"
}

output "count" {
  value = length(mem_box.a.settings)
}
"#,
    );
    let plan = h.plan().await.unwrap();
    let after = change(&plan, "mem_box.a").after.clone().unwrap();
    assert_eq!(after.get("settings"), &Value::List(vec![]));
    h.converge().await;
    assert_eq!(h.state().outputs["count"].value, serde_json::json!(0));
}

#[tokio::test]
async fn the_old_object_form_is_an_error_with_a_hint() {
    let h = Harness::new(&BOX.replace(
        "target = mem_box.a.settings[0].mode",
        "target = mem_box.a.settings.mode",
    ));
    let err = h.plan().await.unwrap_err();
    let text = summaries(&err);
    assert!(text.contains("Unsupported attribute"), "{text}");
}

#[tokio::test]
async fn state_recorded_with_blocks_as_objects_still_loads() {
    let h = Harness::new(BOX);
    h.converge().await;
    // Rewrite the state as an older iac wrote it: the block given once as an object,
    // an absent one as null.
    let mut state = h.state();
    let mut entry = state.resource("mem_box.a").unwrap().clone();
    entry.attributes["settings"] = serde_json::json!({ "mode": "fast", "zone": "zone-a" });
    state.upsert(entry);
    h.backend.write(&state).unwrap();

    for refresh in [false, true] {
        let opts = PlanOptions {
            refresh,
            ..PlanOptions::default()
        };
        let plan = h.plan_with(&opts, &[]).await.unwrap();
        assert!(
            actions(&plan).is_empty(),
            "refresh={refresh}: {:?}",
            actions(&plan)
        );
        assert!(
            plan.drift.is_empty(),
            "refresh={refresh}: no drift reported"
        );
    }

    h.write(
        "main.hcl",
        &BOX.replace("mode = \"fast\"", "mode = \"slow\""),
    );
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![
            ("mem_box.a".into(), Action::Update),
            ("mem_link.mode".into(), Action::Update)
        ]
    );
    let before = change(&plan, "mem_box.a").before.clone().unwrap();
    assert!(
        matches!(before.get("settings"), Value::List(items) if items.len() == 1),
        "the prior object reads as a list of one: {before:?}"
    );
}

#[test]
fn old_state_values_are_upgraded_against_the_schema() {
    use iac_provider::{Attribute, NestedBlock, Schema};
    use iac_value::{PathStep, Type};
    let schema = Schema::new(
        [("name", Attribute::required(Type::String))],
        [
            (
                "once",
                NestedBlock::list_max_one(Schema::new(
                    [("secret", Attribute::optional(Type::String))],
                    [(
                        "inner",
                        NestedBlock::list_max_one(Schema::new(
                            [("n", Attribute::optional(Type::Number))],
                            [],
                        )),
                    )],
                )),
            ),
            (
                "absent",
                NestedBlock::list_max_one(Schema::new(
                    [("n", Attribute::optional(Type::Number))],
                    [],
                )),
            ),
        ],
    );
    let recorded = iac_state::ResourceState {
        attributes: serde_json::json!({
            "name": "a",
            "once": { "secret": "s", "inner": { "n": 1 } },
            "absent": null
        }),
        sensitive_attributes: vec![vec![
            iac_state::PathStepJson::GetAttr("once".into()),
            iac_state::PathStepJson::GetAttr("secret".into()),
        ]],
        ..serde_json::from_value(serde_json::json!({
            "address": "x_y.a", "mode": "managed", "type": "x_y",
            "provider": "provider[\"x\"]", "attributes": {}
        }))
        .unwrap()
    };
    let v = iac_engine::state_value(&recorded, Some(&schema));
    let once = &v.get("once").as_items().unwrap()[0];
    assert!(
        once.get("secret").is_sensitive(),
        "the mark follows the index"
    );
    assert_eq!(
        once.get("inner"),
        &Value::List(vec![Value::object([("n", Value::from(1i64))])])
    );
    assert_eq!(v.get("absent"), &Value::List(vec![]));
    let path = vec![
        PathStep::Key("once".into()),
        PathStep::Index(0),
        PathStep::Key("secret".into()),
    ];
    let (_, paths) = v.unmark_deep();
    assert_eq!(paths, vec![path]);
}

#[tokio::test]
async fn a_providers_static_check_points_at_the_block_it_concerns() {
    let text = r#"
resource "mem_box" "a" {
  name = "a"
  entry {
    name  = "x"
    value = "1"
  }
  entry {
    name = "y"
  }
}
"#;
    let h = Harness::new(text);
    let diags = h.plan().await.expect_err("the check fails the load");
    let found: Vec<_> = diags
        .0
        .iter()
        .filter(|d| d.summary == "Invalid mem_box configuration")
        .collect();
    assert_eq!(found.len(), 1, "{}", summaries(&diags));
    assert!(
        found[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.ends_with("an entry needs a value")),
        "{:?}",
        found[0].detail
    );
    // The entry without a value (the set's element order is not the source's).
    let at = found[0].span.as_ref().unwrap().range.start;
    assert_eq!(at, text.rfind("entry {").unwrap());
}
