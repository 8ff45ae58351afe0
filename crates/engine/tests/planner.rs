//! The planner and applier against the in-memory provider.

mod support;

use iac_engine::addr::parse_instance;
use iac_engine::plan::{Action, PlanMode, Reason};
use iac_engine::planner::PlanOptions;
use iac_state::{Backend, InstanceStatus};
use iac_value::Value;
use support::{Harness, actions, change, summaries};

const TWO: &str = r#"
resource "mem_thing" "a" {
  name = "alpha"
  size = 1
}

resource "mem_link" "l" {
  target = mem_thing.a.id
}
"#;

#[tokio::test]
async fn every_basic_action() {
    let h = Harness::new(TWO);
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![
            ("mem_link.l".into(), Action::Create),
            ("mem_thing.a".into(), Action::Create)
        ]
    );
    assert!(
        change(&plan, "mem_link.l")
            .after
            .as_ref()
            .unwrap()
            .get("target")
            .is_unknown(),
        "known after apply"
    );
    assert_eq!(plan.summary(), (2, 0, 0));
    h.apply(&plan).await;
    assert_eq!(
        h.log(),
        vec!["create mem_thing alpha", "create mem_link thing-0"],
        "the link waits for the thing"
    );

    let again = h.plan().await.unwrap();
    assert!(actions(&again).is_empty(), "{:?}", actions(&again));
    assert!(!again.has_changes());

    h.write("main.hcl", &TWO.replace("size = 1", "size = 2"));
    let plan = h.plan().await.unwrap();
    assert_eq!(actions(&plan), vec![("mem_thing.a".into(), Action::Update)]);
    h.apply(&plan).await;

    h.write("main.hcl", &TWO.replace("alpha", "beta"));
    let plan = h.plan().await.unwrap();
    let c = change(&plan, "mem_thing.a");
    assert_eq!(c.action, Action::Replace);
    assert_eq!(c.reason, Some(Reason::ReplaceBecauseCannotUpdate));
    assert_eq!(iac_engine::path_string(&c.replace_paths[0]), "name");
    assert_eq!(
        change(&plan, "mem_link.l").action,
        Action::Update,
        "the link follows the new id"
    );
    h.apply(&plan).await;
    let state = h.state();
    assert_eq!(
        state.resource("mem_thing.a").unwrap().attributes["name"],
        "beta"
    );

    h.write(
        "main.hcl",
        "resource \"mem_thing\" \"a\" {\n  name = \"beta\"\n}\n",
    );
    let plan = h.plan().await.unwrap();
    let c = change(&plan, "mem_link.l");
    assert_eq!(
        (c.action, c.reason),
        (Action::Delete, Some(Reason::DeleteBecauseNoResourceConfig))
    );
}

#[tokio::test]
async fn destroy_goes_in_reverse_dependency_order() {
    let h = Harness::new(TWO);
    h.converge().await;
    let plan = h
        .plan_with(
            &PlanOptions {
                mode: PlanMode::Destroy,
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    assert_eq!(plan.summary(), (0, 0, 2));
    h.apply(&plan).await;
    let log = h.log();
    assert_eq!(
        &log[2..],
        ["delete mem_link thing-0", "delete mem_thing alpha"]
    );
    assert!(h.state().resources.is_empty());
}

#[tokio::test]
async fn count_and_for_each_changes() {
    let h = Harness::new(
        r#"
variable "n" {
  default = 3
}
variable "names" {
  default = ["x", "y"]
}
resource "mem_thing" "c" {
  count = var.n
  name  = "c${count.index}"
}
resource "mem_thing" "e" {
  for_each = toset(var.names)
  name     = each.value
  tags     = { key = each.key }
}
"#,
    );
    h.converge().await;
    let st = h.state();
    assert!(st.resource("mem_thing.c[2]").is_some());
    assert!(st.resource("mem_thing.e[\"y\"]").is_some());

    let plan = h
        .plan_with(
            &PlanOptions::default(),
            &[
                ("n", Value::from(2i64)),
                ("names", Value::List(vec!["x".into(), "z".into()])),
            ],
        )
        .await
        .unwrap();
    let c = change(&plan, "mem_thing.c[2]");
    assert_eq!(
        (c.action, c.reason),
        (Action::Delete, Some(Reason::DeleteBecauseCountIndex))
    );
    let e = change(&plan, "mem_thing.e[\"y\"]");
    assert_eq!(
        (e.action, e.reason),
        (Action::Delete, Some(Reason::DeleteBecauseEachKey))
    );
    assert_eq!(change(&plan, "mem_thing.e[\"z\"]").action, Action::Create);
    assert_eq!(change(&plan, "mem_thing.c[0]").action, Action::NoOp);
}

#[tokio::test]
async fn for_each_needs_known_keys_and_a_map_or_set() {
    let h = Harness::new(
        r#"
resource "mem_thing" "a" {
  name = "a"
}
resource "mem_thing" "b" {
  for_each = toset([mem_thing.a.id])
  name     = each.key
}
resource "mem_thing" "c" {
  for_each = ["not", "a", "set"]
  name     = each.key
}
"#,
    );
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(
        err.contains("Invalid for_each argument")
            && err.contains("cannot be determined until apply"),
        "{err}"
    );
    assert!(err.contains("must be a map, or set of strings"), "{err}");
}

#[tokio::test]
async fn lifecycle_rules() {
    let h = Harness::new(
        r#"
resource "mem_thing" "kept" {
  name = "kept"
  lifecycle {
    prevent_destroy = true
  }
}
resource "mem_thing" "ignored" {
  name = "ignored"
  size = 1
  tags = { a = "1" }
  lifecycle {
    ignore_changes = [size, tags["a"]]
  }
}
resource "mem_thing" "cbd" {
  name = "cbd"
  lifecycle {
    create_before_destroy = true
  }
}
resource "mem_thing" "trigger" {
  name = "trigger"
  size = 1
}
resource "mem_thing" "triggered" {
  name = "triggered"
  lifecycle {
    replace_triggered_by = [mem_thing.trigger]
  }
}
"#,
    );
    h.converge().await;
    let text = std::fs::read_to_string(h.dir.path().join("main.hcl")).unwrap();
    let edited = text
        .replace(
            "size = 1\n  tags = { a = \"1\" }",
            "size = 5\n  tags = { a = \"2\" }",
        )
        .replace("name = \"cbd\"", "name = \"cbd2\"")
        .replace(
            "name = \"trigger\"\n  size = 1",
            "name = \"trigger\"\n  size = 2",
        );
    h.write("main.hcl", &edited);
    let plan = h.plan().await.unwrap();
    assert_eq!(
        change(&plan, "mem_thing.ignored").action,
        Action::NoOp,
        "ignored attributes keep their prior values"
    );
    assert_eq!(
        change(&plan, "mem_thing.cbd").action,
        Action::CreateThenDelete
    );
    let t = change(&plan, "mem_thing.triggered");
    assert_eq!(
        (t.action, t.reason),
        (Action::Replace, Some(Reason::ReplaceByTriggers))
    );
    let out = h.apply(&plan).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    let log = h.log();
    let create = log
        .iter()
        .position(|l| l == "create mem_thing cbd2")
        .unwrap();
    let delete = log
        .iter()
        .position(|l| l == "delete mem_thing cbd")
        .unwrap();
    assert!(create < delete, "create_before_destroy: {log:?}");

    h.write(
        "main.hcl",
        &edited.replace("name = \"kept\"", "name = \"kept2\""),
    );
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(
        err.contains("Instance cannot be destroyed") && err.contains("mem_thing.kept"),
        "{err}"
    );
}

#[tokio::test]
async fn moved_and_removed_blocks() {
    let h = Harness::new(
        "resource \"mem_thing\" \"old\" {\n  name = \"m\"\n}\nresource \"mem_thing\" \"gone\" {\n  name = \"g\"\n}\n",
    );
    h.converge().await;
    h.write(
        "main.hcl",
        "resource \"mem_thing\" \"new\" {\n  name = \"m\"\n}\nmoved {\n  from = mem_thing.old\n  to   = mem_thing.new\n}\nremoved {\n  from = mem_thing.gone\n  lifecycle {\n    destroy = false\n  }\n}\n",
    );
    let plan = h.plan().await.unwrap();
    let moved = change(&plan, "mem_thing.new");
    assert_eq!(
        (moved.action, moved.moved_from.as_deref()),
        (Action::NoOp, Some("mem_thing.old"))
    );
    assert_eq!(change(&plan, "mem_thing.gone").action, Action::Forget);
    h.apply(&plan).await;
    let st = h.state();
    assert!(
        st.resource("mem_thing.new").is_some()
            && st.resource("mem_thing.old").is_none()
            && st.resource("mem_thing.gone").is_none()
    );
    assert!(
        !h.log().iter().any(|l| l.starts_with("delete")),
        "nothing was destroyed: {:?}",
        h.log()
    );
}

#[tokio::test]
async fn a_stop_ends_the_waits_in_flight_and_records_what_they_made() {
    let h = Harness::new(
        "resource \"mem_thing\" \"a\" {\n  name = \"slow-a\"\n}\nresource \"mem_thing\" \"b\" {\n  name = \"b\"\n  size = length(mem_thing.a.id)\n}\n",
    );
    let plan = h.plan().await.unwrap();
    let stop = iac_provider::Stop::new();
    let requester = stop.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        requester.request();
    });
    let started = std::time::Instant::now();
    let out = h.apply_until(&plan, &stop).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(out.interrupted);
    let said = summaries(&out.diags);
    assert!(
        said.contains("stopped waiting for slow-a") && said.contains("Apply interrupted"),
        "{said}"
    );
    let st = h.state();
    assert_eq!(
        st.resource("mem_thing.a").unwrap().status,
        InstanceStatus::Tainted,
        "the object the interrupted create made is recorded"
    );
    assert!(st.resource("mem_thing.b").is_none(), "nothing new started");
    let plan = h.plan().await.unwrap();
    assert_eq!(
        change(&plan, "mem_thing.a").reason,
        Some(Reason::ReplaceBecauseTainted)
    );
}

#[tokio::test]
async fn tainted_and_requested_replacement() {
    let h = Harness::new(
        "resource \"mem_thing\" \"a\" {\n  name = \"partial-a\"\n}\nresource \"mem_thing\" \"b\" {\n  name = \"b\"\n}\n",
    );
    let plan = h.plan().await.unwrap();
    let out = h.apply(&plan).await;
    assert!(summaries(&out.diags).contains("tagging failed"));
    let st = h.state();
    assert_eq!(
        st.resource("mem_thing.a").unwrap().status,
        InstanceStatus::Tainted,
        "the half-made object is recorded"
    );
    assert_eq!(
        st.resource("mem_thing.b").unwrap().status,
        InstanceStatus::Ready,
        "independent work finished"
    );

    let plan = h.plan().await.unwrap();
    assert_eq!(
        change(&plan, "mem_thing.a").reason,
        Some(Reason::ReplaceBecauseTainted)
    );

    let opts = PlanOptions {
        replace: vec![parse_instance("mem_thing.b").unwrap()],
        ..Default::default()
    };
    let plan = h.plan_with(&opts, &[]).await.unwrap();
    assert_eq!(
        change(&plan, "mem_thing.b").reason,
        Some(Reason::ReplaceByRequest)
    );
}

#[tokio::test]
async fn a_failure_skips_dependents_and_saves_the_rest() {
    let h = Harness::new(
        r#"
resource "mem_thing" "bad" {
  name = "fail-me"
}
resource "mem_link" "after_bad" {
  target = mem_thing.bad.id
}
resource "mem_thing" "good" {
  name = "good"
}
"#,
    );
    let plan = h.plan().await.unwrap();
    let out = h.apply(&plan).await;
    let err = summaries(&out.diags);
    assert!(
        err.contains("CreateThing") && err.contains("cannot create fail-me"),
        "{err}"
    );
    assert!(
        !h.log().iter().any(|l| l.starts_with("create mem_link")),
        "the dependent never started"
    );
    let st = h.state();
    assert!(st.resource("mem_thing.good").is_some() && st.resource("mem_thing.bad").is_none());
}

#[tokio::test]
async fn deleted_outside_is_planned_again() {
    let h = Harness::new(TWO);
    h.converge().await;
    h.provider
        .cloud
        .objects
        .lock()
        .unwrap()
        .retain(|k, _| !k.starts_with("thing"));
    let plan = h.plan().await.unwrap();
    assert_eq!(change(&plan, "mem_thing.a").action, Action::Create);
    assert_eq!(plan.drift.len(), 1);
    let skip = h
        .plan_with(
            &PlanOptions {
                refresh: false,
                ..Default::default()
            },
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        change(&skip, "mem_thing.a").action,
        Action::NoOp,
        "-refresh=false trusts the state"
    );
}

#[tokio::test]
async fn sensitive_values_are_marked_and_recorded() {
    let h = Harness::new(
        r#"
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "mem_thing" "a" {
  name   = "a"
  secret = var.pw
  tags   = { pw = var.pw }
}
output "secret" {
  value     = mem_thing.a.secret
  sensitive = true
}
"#,
    );
    let plan = h.plan().await.unwrap();
    let after = change(&plan, "mem_thing.a").after.clone().unwrap();
    assert!(after.get("secret").is_sensitive());
    assert!(after.get("tags").contains_sensitive());
    h.apply(&plan).await;
    let st = h.state();
    let r = st.resource("mem_thing.a").unwrap();
    assert_eq!(
        r.sensitive_attributes.len(),
        2,
        "{:?}",
        r.sensitive_attributes
    );
    assert!(st.outputs["secret"].sensitive);

    h.write("extra.hcl", "output \"leak\" {\n  value = var.pw\n}\n");
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(err.contains("Output refers to sensitive values"), "{err}");
}

#[tokio::test]
async fn modules_with_for_each_and_outputs() {
    let h = Harness::new(
        r#"
module "svc" {
  source   = "./modules/svc"
  for_each = toset(["web", "api"])
  name     = each.key
}
output "ids" {
  value = { for k, m in module.svc : k => m.thing_name }
}
"#,
    );
    h.write(
        "modules/svc/main.hcl",
        "variable \"name\" {\n  type = string\n}\nresource \"mem_thing\" \"t\" {\n  name = \"svc-${var.name}\"\n}\noutput \"thing_name\" {\n  value = mem_thing.t.name\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![
            ("module.svc[\"api\"].mem_thing.t".into(), Action::Create),
            ("module.svc[\"web\"].mem_thing.t".into(), Action::Create)
        ]
    );
    h.apply(&plan).await;
    assert_eq!(
        h.state().outputs["ids"].value,
        serde_json::json!({"api": "svc-api", "web": "svc-web"})
    );
}

#[tokio::test]
async fn data_sources_read_at_plan_or_apply() {
    let h = Harness::new(
        r#"
data "mem_lookup" "now" {
  input = "fixed"
}
resource "mem_thing" "a" {
  name = data.mem_lookup.now.result
}
data "mem_lookup" "later" {
  input = mem_thing.a.id
}
resource "mem_link" "l" {
  target = data.mem_lookup.later.result
}
"#,
    );
    let plan = h.plan().await.unwrap();
    assert_eq!(
        change(&plan, "mem_thing.a")
            .after
            .as_ref()
            .unwrap()
            .get("name"),
        &Value::from("looked-up-fixed")
    );
    let later = change(&plan, "data.mem_lookup.later");
    assert_eq!(
        (later.action, later.reason),
        (Action::Read, Some(Reason::ReadBecauseConfigUnknown))
    );
    h.apply(&plan).await;
    assert_eq!(
        h.state().resource("mem_link.l").unwrap().attributes["target"],
        "looked-up-thing-0"
    );
}

#[tokio::test]
async fn a_data_source_waits_for_pending_changes_it_depends_on() {
    let h = Harness::new(
        r#"
resource "mem_thing" "a" {
  name = "a"
}
data "mem_lookup" "after_a" {
  input = mem_thing.a.name
}
"#,
    );
    let plan = h.plan().await.unwrap();
    let read = change(&plan, "data.mem_lookup.after_a");
    assert_eq!(
        (read.action, read.reason),
        (Action::Read, Some(Reason::ReadBecauseDependencyPending)),
        "its input is known, but mem_thing.a is about to be created"
    );
    h.apply(&plan).await;
    let plan = h.plan().await.unwrap();
    assert_eq!(
        change(&plan, "data.mem_lookup.after_a").action,
        Action::NoOp,
        "with nothing pending it is read while planning"
    );
}

#[tokio::test]
async fn dynamic_blocks_and_targets() {
    let h = Harness::new(
        r#"
variable "ports" {
  default = [80, 443]
}
resource "mem_thing" "a" {
  name = "a"
  dynamic "rule" {
    for_each = var.ports
    content {
      port = rule.value
    }
  }
}
resource "mem_thing" "b" {
  name = "b"
}
"#,
    );
    let opts = PlanOptions {
        targets: vec![iac_engine::addr::parse_target("mem_thing.a").unwrap()],
        ..Default::default()
    };
    let plan = h.plan_with(&opts, &[]).await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![("mem_thing.a".into(), Action::Create)],
        "-target leaves mem_thing.b out"
    );
    let rules = change(&plan, "mem_thing.a")
        .after
        .as_ref()
        .unwrap()
        .get("rule")
        .to_json();
    assert_eq!(rules, serde_json::json!([{"port": 80}, {"port": 443}]));
}

#[tokio::test]
async fn state_writes_never_lose_a_created_object() {
    let h = Harness::new(TWO);
    let plan = h.plan().await.unwrap();
    h.apply(&plan).await;
    let st = h.backend.read().unwrap().unwrap();
    assert!(
        st.serial >= 2,
        "written after each operation (serial {})",
        st.serial
    );
    assert_eq!(
        st.resource("mem_link.l").unwrap().dependencies,
        vec!["mem_thing.a".to_string()]
    );
}

#[tokio::test]
async fn plans_are_deterministic_and_plan_files_round_trip() {
    let h = Harness::new(
        r#"
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "mem_thing" "a" {
  count  = 3
  name   = "t${count.index}"
  secret = var.pw
}
resource "mem_link" "l" {
  for_each = { x = 1, y = 2 }
  target   = mem_thing.a[each.value].id
}
output "ids" {
  value = mem_thing.a[*].id
}
"#,
    );
    let first = h.plan().await.unwrap();
    let second = h.plan().await.unwrap();
    let providers = h.providers();
    let tree = h.tree();
    let json = iac_engine::json::plan_json(&first, &providers, Some(&tree)).to_string();
    assert_eq!(
        json,
        iac_engine::json::plan_json(&second, &providers, Some(&tree)).to_string(),
        "two plans of the same inputs are identical"
    );
    assert!(
        !json.contains("hunter2"),
        "sensitive values stay out of plan JSON"
    );

    let text = iac_engine::plan_file::to_plan_file(&first);
    let lookup = |p: &str, mode: iac_lang::config::Mode, ty: &str| {
        let s = providers.get(p)?.schema();
        match mode {
            iac_lang::config::Mode::Managed => s.resources.get(ty),
            iac_lang::config::Mode::Data => s.data_sources.get(ty),
        }
    };
    let back = iac_engine::plan_file::from_plan_file(&text, &lookup).unwrap();
    assert_eq!(
        back.changes, first.changes,
        "changes survive the plan file, unknowns and marks included"
    );
    assert_eq!(back.variables, first.variables);
    assert_eq!(iac_engine::plan_file::to_plan_file(&back), text);
    let link = change(&back, "mem_link.l[\"x\"]");
    assert!(link.after.as_ref().unwrap().get("target").is_unknown());
    assert!(
        change(&back, "mem_thing.a[0]")
            .after
            .as_ref()
            .unwrap()
            .get("secret")
            .is_sensitive()
    );

    let out = h.apply(&back).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(h.state().resources.len(), 5);
}

#[tokio::test]
async fn moved_blocks_inside_modules_and_of_modules() {
    let h = Harness::new(
        "module \"old\" {\n  source   = \"./m\"\n  for_each = toset([\"a\", \"b\"])\n}\n",
    );
    h.write(
        "m/main.hcl",
        "resource \"mem_thing\" \"x\" {\n  name = \"x-${path.module}\"\n}\n",
    );
    h.converge().await;
    h.write("m/main.hcl", "resource \"mem_thing\" \"y\" {\n  name = \"x-${path.module}\"\n}\nmoved {\n  from = mem_thing.x\n  to   = mem_thing.y\n}\n");
    h.write(
        "main.hcl",
        "module \"new\" {\n  source   = \"./m\"\n  for_each = toset([\"a\", \"b\"])\n}\nmoved {\n  from = module.old\n  to   = module.new\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert!(
        actions(&plan).is_empty(),
        "only moves: {:?}",
        actions(&plan)
    );
    let c = change(&plan, "module.new[\"a\"].mem_thing.y");
    assert_eq!(
        c.moved_from.as_deref(),
        Some("module.old[\"a\"].mem_thing.x")
    );
}

#[tokio::test]
async fn a_failed_create_before_destroy_keeps_the_old_object_as_deposed() {
    let h = Harness::new(
        "resource \"mem_thing\" \"a\" {\n  name = \"stuck-1\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n",
    );
    h.converge().await;
    h.provider
        .cloud
        .stuck
        .store(true, std::sync::atomic::Ordering::SeqCst);
    h.write("main.hcl", "resource \"mem_thing\" \"a\" {\n  name = \"stuck-2\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n");
    let plan = h.plan().await.unwrap();
    assert_eq!(
        change(&plan, "mem_thing.a").action,
        Action::CreateThenDelete
    );
    let out = h.apply(&plan).await;
    assert!(
        summaries(&out.diags).contains("stuck-1 is still in use"),
        "{:?} {:?}",
        out.diags,
        h.log()
    );
    let st = h.state();
    assert_eq!(
        st.resource("mem_thing.a").unwrap().attributes["name"],
        "stuck-2",
        "the replacement is current"
    );
    let deposed: Vec<_> = st
        .resources
        .iter()
        .filter(|r| r.deposed.is_some())
        .collect();
    assert_eq!(deposed.len(), 1, "the old object is still recorded");
    assert_eq!(deposed[0].attributes["name"], "stuck-1");

    h.provider
        .cloud
        .stuck
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let plan = h.plan().await.unwrap();
    let stale: Vec<_> = plan.actions().collect();
    assert_eq!(stale.len(), 1, "{:?}", actions(&plan));
    assert_eq!(
        (stale[0].action, stale[0].deposed.is_some()),
        (Action::Delete, true)
    );
    assert_eq!(plan.summary(), (0, 0, 1));
    let out = h.apply(&plan).await;
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(h.state().resources.len(), 1);
    assert!(!h.plan().await.unwrap().has_changes());
}

#[tokio::test]
async fn modules_get_provider_configurations_through_providers_maps() {
    let h = Harness::new(
        r#"
provider "mem" {
  prefix = "one-"
}
provider "mem" {
  alias  = "two"
  prefix = "two-"
}
resource "mem_thing" "root" {
  name = "root"
}
module "inherits" {
  source = "./m"
}
module "mapped" {
  source    = "./m"
  providers = { mem = mem.two }
}
"#,
    );
    h.write(
        "m/main.hcl",
        "resource \"mem_thing\" \"t\" {\n  name = \"in-module\"\n}\n",
    );
    h.converge().await;
    let st = h.state();
    let id = |a: &str| {
        st.resource(a).unwrap().attributes["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(id("mem_thing.root").starts_with("one-"));
    assert!(
        id("module.inherits.mem_thing.t").starts_with("one-"),
        "a module inherits the default configuration"
    );
    assert!(
        id("module.mapped.mem_thing.t").starts_with("two-"),
        "providers = {{ mem = mem.two }} is honoured"
    );
    assert_eq!(
        st.resource("module.mapped.mem_thing.t").unwrap().provider,
        "provider[\"mem\"].two"
    );

    h.write(
        "main.hcl",
        "module \"mapped\" {\n  source    = \"./m\"\n  providers = { mem = mem.three }\n}\n",
    );
    let err = summaries(&h.plan().await.unwrap_err());
    assert!(
        err.contains("Provider configuration not present: mem.three"),
        "{err}"
    );
}

#[tokio::test]
async fn depends_on_orders_without_a_reference() {
    let h = Harness::new(
        "resource \"mem_thing\" \"b\" {\n  name       = \"b\"\n  depends_on = [mem_thing.a]\n}\nresource \"mem_thing\" \"a\" {\n  name = \"a\"\n}\n",
    );
    h.converge().await;
    assert_eq!(h.log(), vec!["create mem_thing a", "create mem_thing b"]);
    assert_eq!(
        h.state().resource("mem_thing.b").unwrap().dependencies,
        vec!["mem_thing.a".to_string()]
    );
}

#[tokio::test]
async fn set_and_tuple_outputs_read_back_from_the_state_are_no_change() {
    let h = Harness::new(
        "output \"set\" {\n  value = toset([\"b\", \"a\"])\n}\noutput \"tuple\" {\n  value = [1, \"x\"]\n}\n",
    );
    h.converge().await;
    let plan = h.plan().await.unwrap();
    for (name, o) in &plan.outputs {
        assert_eq!(o.before, o.after, "output {name}");
    }
}

#[tokio::test]
async fn an_adopted_config_only_value_is_recorded_as_the_provider_plans_it() {
    let h = Harness::new("resource \"mem_script\" \"s\" {\n  script = \"hello\"\n}\n");
    h.converge().await;
    // As after an import: the state has never recorded the script.
    let mut state = h.state();
    let mut entry = state.resource("mem_script.s").unwrap().clone();
    entry.attributes.as_object_mut().unwrap().remove("script");
    state.upsert(entry);
    h.backend.write(&state).unwrap();

    let plan = h.plan().await.unwrap();
    assert_eq!(actions(&plan), vec![]);
    let recorded = plan.prior_state.resource("mem_script.s").unwrap();
    assert_eq!(recorded.attributes["script"], "HELLO");
    h.apply(&plan).await;
    assert_eq!(
        h.state().resource("mem_script.s").unwrap().attributes["script"],
        "HELLO"
    );

    // A later change of it is a change (a replacement: it is force_new).
    h.write(
        "main.hcl",
        "resource \"mem_script\" \"s\" {\n  script = \"bye\"\n}\n",
    );
    let plan = h.plan().await.unwrap();
    assert_eq!(
        actions(&plan),
        vec![("mem_script.s".to_string(), Action::Replace)]
    );
}
