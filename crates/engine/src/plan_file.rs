//! The saved plan file (`plan -out`, read back by `apply FILE` and `show FILE`): the
//! resource changes in Terraform's shape with full values and marks. What tools read is
//! [`crate::json`].

use std::collections::BTreeMap;

use iac_lang::config::Mode;
use iac_provider::Schema;
use iac_value::Value;
use serde_json::{Map, Value as Json, json};

use crate::addr::{InstanceKey, parse_instance};
use crate::plan::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use crate::stateval::{paths_from_json, paths_to_json, value_with_marks};

fn opt(v: Option<&Value>) -> Json {
    v.map_or(Json::Null, Value::to_json)
}

fn marks(v: Option<&Value>, f: fn(&Value) -> Json) -> Json {
    v.map_or(Json::Bool(false), f)
}

/// One change with its full values and marks (the plan file keeps secrets; mode 0600).
fn change_json(c: &ResourceChange) -> Json {
    let r = &c.addr.resource;
    let mut obj = Map::new();
    obj.insert("address".into(), json!(c.addr.to_string()));
    if !r.module.is_root() {
        obj.insert("module_address".into(), json!(r.module.to_string()));
    }
    obj.insert(
        "mode".into(),
        json!(if r.mode == Mode::Data {
            "data"
        } else {
            "managed"
        }),
    );
    obj.insert("type".into(), json!(r.ty));
    obj.insert("name".into(), json!(r.name));
    match &c.addr.key {
        InstanceKey::None => {}
        InstanceKey::Int(i) => {
            obj.insert("index".into(), json!(i));
        }
        InstanceKey::Str(s) => {
            obj.insert("index".into(), json!(s));
        }
    }
    obj.insert("provider_name".into(), json!(c.provider));
    if let Some(prev) = &c.moved_from {
        obj.insert("previous_address".into(), json!(prev));
    }
    if let Some(key) = &c.deposed {
        obj.insert("deposed".into(), json!(key));
    }
    let mut change = Map::new();
    change.insert("actions".into(), json!(c.action.json_actions()));
    change.insert("before".into(), opt(c.before.as_ref()));
    change.insert("after".into(), opt(c.after.as_ref()));
    change.insert(
        "after_unknown".into(),
        marks(c.after.as_ref(), Value::unknown_json),
    );
    change.insert(
        "before_sensitive".into(),
        marks(c.before.as_ref(), Value::sensitive_json),
    );
    change.insert(
        "after_sensitive".into(),
        marks(c.after.as_ref(), Value::sensitive_json),
    );
    if !c.replace_paths.is_empty() {
        change.insert(
            "replace_paths".into(),
            json!(paths_to_json(&c.replace_paths)),
        );
    }
    if let Some(id) = &c.importing {
        change.insert("importing".into(), json!({ "id": id }));
    }
    obj.insert("change".into(), Json::Object(change));
    if let Some(reason) = c.reason {
        obj.insert("action_reason".into(), json!(reason.as_str()));
    }
    Json::Object(obj)
}

fn output_json(o: &OutputChange) -> Json {
    let action = match (&o.before, &o.after) {
        (None, Some(_)) => "create",
        (Some(_), None) => "delete",
        (Some(b), Some(a)) if b.clone().unmark_deep().0 == a.clone().unmark_deep().0 => "no-op",
        _ => "update",
    };
    json!({
        "actions": [action],
        "before": opt(o.before.as_ref()),
        "after": opt(o.after.as_ref()),
        "after_unknown": marks(o.after.as_ref(), Value::unknown_json),
        "before_sensitive": o.sensitive || o.before.as_ref().is_some_and(Value::contains_sensitive),
        "after_sensitive": o.sensitive || o.after.as_ref().is_some_and(Value::contains_sensitive),
    })
}

/// The saved plan file's text: everything needed to apply exactly this plan.
pub fn to_plan_file(plan: &Plan) -> String {
    let vars: Map<String, Json> = plan
        .variables
        .iter()
        .map(|(k, v)| {
            let (plain, paths) = v.clone().unmark_deep();
            (
                k.clone(),
                json!({ "value": plain.to_json(), "sensitive_paths": paths_to_json(&paths) }),
            )
        })
        .collect();
    let mut changes = Vec::new();
    for c in &plan.changes {
        let mut j = change_json(c);
        j["dependencies"] = json!(c.dependencies);
        j["create_before_destroy"] = json!(c.create_before_destroy);
        changes.push(j);
    }
    let outputs: Map<String, Json> = plan
        .outputs
        .iter()
        .map(|(k, o)| (k.clone(), output_json(o)))
        .collect();
    let doc = json!({
        "iac_plan_version": 1,
        "mode": match plan.mode { PlanMode::Normal => "normal", PlanMode::Destroy => "destroy", PlanMode::RefreshOnly => "refresh-only" },
        "state_lineage": plan.state_lineage,
        "state_serial": plan.state_serial,
        "config_digest": plan.config_digest,
        "targets": plan.targets,
        "variables": vars,
        "resource_changes": changes,
        "resource_drift": plan.drift.iter().map(change_json).collect::<Vec<_>>(),
        "output_changes": outputs,
        "prior_state": serde_json::from_str::<Json>(&plan.prior_state.to_json()).expect("state is JSON"),
    });
    serde_json::to_string_pretty(&doc).expect("plan serializes") + "\n"
}

/// Looks up the schema of a (provider, mode, type), to read values back with their types.
pub type SchemaLookup<'a> = &'a dyn Fn(&str, Mode, &str) -> Option<&'a Schema>;

/// Reads a saved plan file.
pub fn from_plan_file(text: &str, schemas: SchemaLookup) -> Result<Plan, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("not a plan file: {e}"))?;
    if doc["iac_plan_version"] != json!(1) {
        return Err("not an iac plan file (or one from another version)".into());
    }
    let s = |k: &str| {
        doc[k]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("the plan file has no \"{k}\""))
    };
    let mode = match s("mode")?.as_str() {
        "normal" => PlanMode::Normal,
        "destroy" => PlanMode::Destroy,
        "refresh-only" => PlanMode::RefreshOnly,
        other => return Err(format!("unknown plan mode \"{other}\"")),
    };
    let mut variables = BTreeMap::new();
    for (k, v) in doc["variables"].as_object().into_iter().flatten() {
        let paths: Vec<Vec<iac_state::PathStepJson>> =
            serde_json::from_value(v["sensitive_paths"].clone()).unwrap_or_default();
        variables.insert(
            k.clone(),
            Value::from_json(&v["value"]).mark_paths(&paths_from_json(&paths)),
        );
    }
    let read_changes = |key: &str| -> Result<Vec<ResourceChange>, String> {
        doc[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| read_change(c, schemas))
            .collect()
    };
    let mut outputs = BTreeMap::new();
    for (k, o) in doc["output_changes"].as_object().into_iter().flatten() {
        let sensitive = o["after_sensitive"] == json!(true);
        let read = |v: &Json, u: &Json| {
            if v.is_null() && !u.as_bool().unwrap_or(false) {
                None
            } else {
                Some(value_with_marks(v, u, &Json::Bool(sensitive), None))
            }
        };
        let action = o["actions"][0].as_str().unwrap_or_default();
        let before = if action == "create" {
            None
        } else {
            read(&o["before"], &Json::Bool(false))
        };
        let after = if action == "delete" {
            None
        } else {
            read(&o["after"], &o["after_unknown"])
        };
        outputs.insert(
            k.clone(),
            OutputChange {
                before,
                after,
                sensitive,
            },
        );
    }
    let prior_state =
        iac_state::State::from_json(&doc["prior_state"].to_string()).map_err(|e| e.to_string())?;
    Ok(Plan {
        mode,
        changes: read_changes("resource_changes")?,
        drift: read_changes("resource_drift")?,
        outputs,
        prior_state,
        state_lineage: s("state_lineage")?,
        state_serial: doc["state_serial"]
            .as_u64()
            .ok_or("the plan file has no state serial")?,
        variables,
        config_digest: s("config_digest")?,
        targets: doc["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        warnings: iac_lang::Diagnostics::default(),
    })
}

fn read_change(c: &Json, schemas: SchemaLookup) -> Result<ResourceChange, String> {
    let addr = parse_instance(c["address"].as_str().ok_or("a change has no address")?)?;
    let provider = c["provider_name"].as_str().unwrap_or_default().to_string();
    let actions: Vec<String> =
        serde_json::from_value(c["change"]["actions"].clone()).map_err(|e| e.to_string())?;
    let action = Action::from_json_actions(&actions)
        .ok_or_else(|| format!("unknown actions {actions:?}"))?;
    let provider_name = crate::walk::parse_provider_address(&provider)
        .map(|k| k.0)
        .unwrap_or_default();
    let schema = schemas(&provider_name, addr.resource.mode, &addr.resource.ty);
    let ch = &c["change"];
    let before = (!ch["before"].is_null()).then(|| {
        value_with_marks(
            &ch["before"],
            &Json::Bool(false),
            &ch["before_sensitive"],
            schema,
        )
    });
    let after_unknown = &ch["after_unknown"];
    let after = (!ch["after"].is_null()
        || after_unknown == &json!(true)
        || after_unknown.as_object().is_some_and(|o| !o.is_empty()))
    .then(|| value_with_marks(&ch["after"], after_unknown, &ch["after_sensitive"], schema));
    let replace_paths =
        serde_json::from_value::<Vec<Vec<iac_state::PathStepJson>>>(ch["replace_paths"].clone())
            .map(|p| paths_from_json(&p))
            .unwrap_or_default();
    Ok(ResourceChange {
        addr,
        provider,
        action,
        reason: c["action_reason"].as_str().and_then(Reason::parse),
        before,
        after,
        replace_paths,
        moved_from: c["previous_address"].as_str().map(str::to_string),
        dependencies: serde_json::from_value(c["dependencies"].clone()).unwrap_or_default(),
        create_before_destroy: c["create_before_destroy"].as_bool().unwrap_or(false),
        deposed: c["deposed"].as_str().map(str::to_string),
        importing: ch["importing"]["id"].as_str().map(str::to_string),
    })
}
