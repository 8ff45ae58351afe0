//! `moved` blocks as Terraform documents them: between a resource and one of its
//! instances, between a module call and one of its instances, chains; and the
//! statements Terraform rejects, rejected when the stack loads (so by `validate` too).

mod support;

use iac_engine::Stack;
use iac_lang::Sources;
use support::{Harness, actions, change, summaries};

/// The errors loading the stack gives (what `iac validate` reports).
fn load_errors(h: &Harness) -> String {
    let mut sources = Sources::default();
    match Stack::load(h.dir.path(), &mut sources, &h.providers()) {
        Ok(_) => String::new(),
        Err(d) => summaries(&d),
    }
}

#[tokio::test]
async fn a_resource_moves_to_an_instance_of_a_for_each() {
    let h = Harness::new("resource \"mem_thing\" \"logs\" {\n  name = \"logs\"\n}\n");
    h.converge().await;
    h.write(
        "main.hcl",
        r#"
resource "mem_thing" "this" {
  for_each = toset(["logs"])
  name     = each.key
}

moved {
  from = mem_thing.logs
  to   = mem_thing.this["logs"]
}
"#,
    );
    assert_eq!(load_errors(&h), "");
    let plan = h.plan().await.unwrap();
    assert!(actions(&plan).is_empty(), "{:?}", actions(&plan));
    assert_eq!(
        change(&plan, "mem_thing.this[\"logs\"]")
            .moved_from
            .as_deref(),
        Some("mem_thing.logs")
    );
}

#[tokio::test]
async fn adding_count_moves_the_object_to_index_zero() {
    let h = Harness::new("resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\n");
    h.converge().await;
    h.write(
        "main.hcl",
        "resource \"mem_thing\" \"a\" {\n  count = 2\n  name  = \"a\"\n}\nmoved {\n  from = mem_thing.a\n  to   = mem_thing.a[0]\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![("mem_thing.a[1]".into(), iac_engine::plan::Action::Create)]
    );
    assert_eq!(
        change(&plan, "mem_thing.a[0]").moved_from.as_deref(),
        Some("mem_thing.a")
    );
}

#[tokio::test]
async fn a_module_call_moves_to_one_of_its_instances() {
    let h = Harness::new("module \"a\" {\n  source = \"./m\"\n}\n");
    h.write(
        "m/main.hcl",
        "resource \"mem_thing\" \"x\" {\n  name = \"x\"\n}\n",
    );
    h.converge().await;
    h.write(
        "main.hcl",
        "module \"a\" {\n  source = \"./m\"\n  count  = 1\n}\nmoved {\n  from = module.a\n  to   = module.a[0]\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert!(actions(&plan).is_empty(), "{:?}", actions(&plan));
    assert_eq!(
        change(&plan, "module.a[0].mem_thing.x")
            .moved_from
            .as_deref(),
        Some("module.a.mem_thing.x")
    );
    h.apply(&plan).await;
    h.write(
        "main.hcl",
        "module \"b\" {\n  source   = \"./m\"\n  for_each = toset([\"x\"])\n}\nmoved {\n  from = module.a[0]\n  to   = module.b[\"x\"]\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert!(actions(&plan).is_empty(), "{:?}", actions(&plan));
    assert!(
        plan.changes
            .iter()
            .any(|c| c.addr.to_string() == "module.b[\"x\"].mem_thing.x")
    );
}

#[tokio::test]
async fn chains_apply_in_order_whatever_order_they_are_written() {
    let h = Harness::new("resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\n");
    h.converge().await;
    h.write(
        "main.hcl",
        "resource \"mem_thing\" \"c\" {\n  name = \"a\"\n}\nmoved {\n  from = mem_thing.b\n  to   = mem_thing.c\n}\nmoved {\n  from = mem_thing.a\n  to   = mem_thing.b\n}\n",
    );
    assert_eq!(load_errors(&h), "");
    let plan = h.plan().await.unwrap();
    assert!(actions(&plan).is_empty(), "{:?}", actions(&plan));
    assert_eq!(
        change(&plan, "mem_thing.c").moved_from.as_deref(),
        Some("mem_thing.a")
    );
}

#[tokio::test]
async fn a_move_from_an_object_still_declared_is_refused() {
    let h = Harness::new("resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\n");
    h.converge().await;
    h.write(
        "main.hcl",
        "resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\nresource \"mem_thing\" \"b\" {\n  name = \"a\"\n}\nmoved {\n  from = mem_thing.a\n  to   = mem_thing.b\n}\n",
    );
    let text = load_errors(&h);
    assert!(text.contains("Moved object still exists"), "{text}");
    assert!(
        text.contains("This statement declares a move from mem_thing.a, but that resource is still declared at ")
            && text.contains("main.hcl:1,1"),
        "{text}"
    );
    assert!(
        text.contains("Change your configuration so that this resource will be declared as mem_thing.b instead."),
        "{text}"
    );
    let err = h.plan().await.unwrap_err();
    assert!(summaries(&err).contains("Moved object still exists"));
    let d = err
        .0
        .iter()
        .find(|d| d.summary == "Moved object still exists")
        .unwrap();
    assert_eq!(
        d.related.len(),
        1,
        "the resource still declared is shown too"
    );
    assert!(h.log().iter().all(|l| !l.starts_with("delete")));

    // A no-key instance still declared (the resource got no count).
    h.write(
        "main.hcl",
        "resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\nmoved {\n  from = mem_thing.a\n  to   = mem_thing.a[0]\n}\n",
    );
    assert!(load_errors(&h).contains("that resource instance is still declared"));
    // A module call still declared.
    h.write("m/main.hcl", "");
    h.write(
        "main.hcl",
        "module \"a\" {\n  source = \"./m\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\nmoved {\n  from = module.a\n  to   = module.b\n}\n",
    );
    assert!(load_errors(&h).contains("that module call is still declared"));
}

#[tokio::test]
async fn invalid_statements_are_errors_in_validate_and_plan() {
    let cases = [
        (
            "moved {\n  from = mem_thing.a\n  to   = module.a\n}\n",
            "Invalid \"moved\" addresses",
        ),
        (
            "moved {\n  from = mem_thing.a\n  to   = mem_link.a\n}\n",
            "Resource type mismatch",
        ),
        (
            "moved {\n  from = mem_thing.a\n  to   = mem_thing.a\n}\n",
            "Redundant move statement",
        ),
        (
            "moved {\n  from = mem_thing.a\n  to   = mem_thing.b\n}\nmoved {\n  from = mem_thing.b\n  to   = mem_thing.a\n}\n",
            "Cyclic dependency in move statements",
        ),
        (
            "moved {\n  from = mem_thing.a\n  to   = mem_thing.b\n}\nmoved {\n  from = mem_thing.a\n  to   = mem_thing.c\n}\n",
            "Ambiguous move statements",
        ),
        (
            "moved {\n  from = data.mem_lookup.a\n  to   = data.mem_lookup.b\n}\n",
            "Data source address is not allowed",
        ),
    ];
    for (text, summary) in cases {
        let h = Harness::new(text);
        assert!(
            load_errors(&h).contains(summary),
            "{text}: {}",
            load_errors(&h)
        );
        let err = h.plan().await.unwrap_err();
        assert!(summaries(&err).contains(summary), "{text}");
    }
}
