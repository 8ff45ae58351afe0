//! Regressions for bugs that destroyed infrastructure or leaked secrets.

mod support;

use iac_engine::plan::{Action, Plan};
use iac_engine::planner::PlanOptions;
use iac_value::Value;
use support::{Harness, actions, change, summaries};

/// A plan through the saved plan file and back, read with the mem provider's schemas.
fn through_plan_file(h: &Harness, plan: &Plan) -> Plan {
    let text = iac_engine::plan_file::to_plan_file(plan);
    let providers = h.providers();
    let lookup = |p: &str, mode: iac_lang::config::Mode, ty: &str| {
        let s = providers.get(p)?.schema();
        match mode {
            iac_lang::config::Mode::Managed => s.resources.get(ty),
            iac_lang::config::Mode::Data => s.data_sources.get(ty),
        }
    };
    iac_engine::plan_file::from_plan_file(&text, &lookup).unwrap()
}

#[tokio::test]
async fn counts_out_of_range_are_errors_that_destroy_nothing() {
    let h = Harness::new(
        "variable \"n\" {\n  default = 2\n}\nresource \"mem_thing\" \"c\" {\n  count = var.n\n  name  = \"c${count.index}\"\n}\n",
    );
    h.converge().await;
    for (n, expected) in [
        (
            1e300,
            "value must be a whole number, between -9223372036854775808 and 9223372036854775807",
        ),
        (9.3e18, "value must be a whole number"),
        (-1.0, "must be greater than or equal to zero"),
        (1.5, "value must be a whole number"),
        (
            1e9,
            "iac makes at most 50000 instances of one resource or module block, and this count is 1000000000",
        ),
    ] {
        let err = h
            .plan_with(&PlanOptions::default(), &[("n", Value::Number(n))])
            .await
            .expect_err("an out-of-range count is an error");
        let d = &err.0[0];
        assert_eq!(d.summary, "Invalid count argument");
        assert!(d.span.is_some(), "the error points at the count");
        let detail = d.detail.clone().unwrap_or_default();
        assert!(detail.contains(expected), "count = {n}: {detail}");
    }
    assert_eq!(h.state().resources.len(), 2, "nothing was destroyed");
    assert!(
        !h.log().iter().any(|op| op.starts_with("delete")),
        "{:?}",
        h.log()
    );
}

#[tokio::test]
async fn for_each_sizes_are_limited_and_module_counts_checked() {
    let h = Harness::new(
        r#"
resource "mem_thing" "e" {
  for_each = toset(flatten([for i in range(60) : [for j in range(1000) : "${i}-${j}"]]))
  name     = each.key
}
"#,
    );
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(
        err.contains("Invalid for_each argument") && err.contains("this value has 60000 elements"),
        "{err}"
    );

    let h = Harness::new("module \"m\" {\n  source = \"./m\"\n  count  = 1e300\n}\n");
    h.write("m/main.hcl", "output \"x\" {\n  value = 1\n}\n");
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(err.contains("Invalid count argument"), "{err}");
}

#[tokio::test]
async fn sensitive_for_each_keys_are_refused() {
    for for_each in [
        "{ for k in [var.pw] : k => 1 }",
        "toset([var.pw])",
        "{ for k in [\"a\"] : k => 1 if var.pw != \"\" }",
    ] {
        let h = Harness::new(&format!(
            "variable \"pw\" {{\n  default   = \"hunter2\"\n  sensitive = true\n}}\nresource \"mem_thing\" \"e\" {{\n  for_each = {for_each}\n  name     = each.key\n}}\n"
        ));
        let err = summaries(&h.plan().await.unwrap_err());
        assert!(
            err.contains("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments"),
            "{for_each}: {err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }
    // Sensitive values (not keys) are fine.
    let h = Harness::new(
        "variable \"pw\" {\n  default   = \"hunter2\"\n  sensitive = true\n}\nresource \"mem_thing\" \"e\" {\n  for_each = { a = var.pw }\n  name     = each.key\n  secret   = each.value\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert!(
        change(&plan, "mem_thing.e[\"a\"]")
            .after
            .as_ref()
            .unwrap()
            .get("secret")
            .is_sensitive()
    );
}

#[tokio::test]
async fn unknowns_and_marks_inside_sets_survive_the_plan_file() {
    let h = Harness::new(
        r#"
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "mem_thing" "sg" {
  name = "sg"
}
resource "mem_link" "l" {
  target = "x"
  groups = [mem_thing.sg.id, "sg-fixed"]
}
resource "mem_link" "s" {
  target = "y"
  groups = ["a", var.pw]
}
"#,
    );
    let plan = h.plan().await.unwrap();
    let back = through_plan_file(&h, &plan);
    assert_eq!(back.changes, plan.changes);
    let groups = change(&back, "mem_link.l")
        .after
        .as_ref()
        .unwrap()
        .get("groups")
        .clone();
    assert!(
        !groups.is_wholly_known(),
        "the unknown id is still unknown: {groups:?}"
    );
    assert!(
        change(&back, "mem_link.s")
            .after
            .as_ref()
            .unwrap()
            .get("groups")
            .contains_sensitive()
    );
    let out = h.apply(&back).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(h.state().resources.len(), 3);
}

#[tokio::test]
async fn a_saved_plan_applies_in_a_copy_of_the_stack_elsewhere() {
    let main = "resource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\n";
    let made = Harness::new(main);
    made.write("modules/m/main.hcl", "output \"x\" {\n  value = 1\n}\n");
    made.write(
        "more.hcl",
        "module \"m\" {\n  source = \"./modules/m\"\n}\n",
    );
    let plan = made.plan().await.unwrap();
    let back = through_plan_file(&made, &plan);

    // Another checkout: the same files in another folder, with its own provider.
    let copy = Harness::new(main);
    copy.write("modules/m/main.hcl", "output \"x\" {\n  value = 1\n}\n");
    copy.write(
        "more.hcl",
        "module \"m\" {\n  source = \"./modules/m\"\n}\n",
    );
    let out = copy.apply(&back).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert!(
        copy.state().resource("mem_thing.a").is_some(),
        "the copy's state got it"
    );
    assert!(
        made.state().resources.is_empty(),
        "the original folder is untouched"
    );

    // The digest is of the files relative to the stack, so it tells a copy with other
    // files apart and no folder name enters it.
    let loaded = |h: &Harness| {
        let mut sources = iac_lang::Sources::default();
        iac_engine::Stack::load(h.dir.path(), &mut sources, &h.providers())
            .ok()
            .unwrap()
            .digest
    };
    assert_eq!(loaded(&made), loaded(&copy));
    assert_eq!(back.config_digest, loaded(&copy));
    copy.write("modules/m/main.hcl", "output \"x\" {\n  value = 2\n}\n");
    assert_ne!(loaded(&made), loaded(&copy));
}

#[tokio::test]
async fn tags_all_carries_the_marks_of_tags() {
    let h = Harness::new(
        r#"
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "mem_tagged" "a" {
  name = "a"
  tags = { pw = var.pw, team = "ops" }
}
resource "mem_tagged" "b" {
  name = "b"
  tags = var.pw == "" ? {} : { team = "ops" }
}
"#,
    );
    let plan = h.plan().await.unwrap();
    let a = change(&plan, "mem_tagged.a").after.clone().unwrap();
    assert!(a.get("tags_all").get("pw").is_sensitive(), "{a:?}");
    assert!(!a.get("tags_all").get("managed").is_sensitive());
    let b = change(&plan, "mem_tagged.b").after.clone().unwrap();
    assert!(
        b.get("tags_all").is_sensitive(),
        "wholly sensitive tags: {b:?}"
    );
    let json = iac_engine::json::plan_json(&plan, &h.providers(), Some(&h.tree())).to_string();
    assert!(!json.contains("hunter2"), "{json}");

    h.apply(&plan).await;
    let st = h.state();
    let paths = format!(
        "{:?}",
        st.resource("mem_tagged.a").unwrap().sensitive_attributes
    );
    assert!(paths.contains("tags_all"), "{paths}");
}

#[tokio::test]
async fn refreshed_prior_values_keep_the_recorded_marks() {
    let text = |size: i64| {
        format!(
            "variable \"pw\" {{\n  default   = \"hunter2\"\n  sensitive = true\n}}\nresource \"mem_thing\" \"a\" {{\n  name = \"a\"\n  size = {size}\n  tags = {{ pw = var.pw }}\n}}\n"
        )
    };
    let h = Harness::new(&text(1));
    h.converge().await;
    h.write("main.hcl", &text(2));
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![("mem_thing.a".to_string(), Action::Update)]
    );
    let before = change(&plan, "mem_thing.a").before.clone().unwrap();
    assert!(before.get("tags").get("pw").is_sensitive(), "{before:?}");
    let json = iac_engine::json::plan_json(&plan, &h.providers(), Some(&h.tree())).to_string();
    assert!(!json.contains("hunter2"), "{json}");

    h.write("main.hcl", "");
    let plan = h.plan().await.unwrap();
    let before = change(&plan, "mem_thing.a").before.clone().unwrap();
    assert_eq!(change(&plan, "mem_thing.a").action, Action::Delete);
    assert!(before.get("tags").get("pw").is_sensitive(), "{before:?}");
}
