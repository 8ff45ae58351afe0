//! Terraform's plan representation (`plan -json`, `show -json PLANFILE`).

use serde_json::{Map, Value as Json, json};

use super::state::index;
use super::{
    FORMAT_VERSION_PLAN, mode_name, module_tree, provider_name, provider_source, schema_for, values,
};
use crate::Providers;
use crate::plan::{Action, OutputChange, Plan, ResourceChange};

/// The plan in the shape of Terraform's `show -json` plan format. `tree` is the stack's
/// configuration (the `configuration` section is left out without it). Sensitive values
/// are hidden as [`values`] describes. The same files, variables and state always give
/// the same text.
pub fn plan_json(
    plan: &Plan,
    providers: &Providers,
    tree: Option<&iac_lang::config::ModuleTree>,
) -> Json {
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!(FORMAT_VERSION_PLAN));
    doc.insert(
        "terraform_version".into(),
        json!(iac_lang::TERRAFORM_VERSION),
    );
    doc.insert("iac_version".into(), json!(env!("CARGO_PKG_VERSION")));
    let variables: Map<String, Json> = plan
        .variables
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                json!({ "value": values::known(v).unwrap_or(Json::Null) }),
            )
        })
        .collect();
    if !variables.is_empty() {
        doc.insert("variables".into(), Json::Object(variables));
    }
    doc.insert("planned_values".into(), planned_values(plan, providers));
    let changes = |list: &[ResourceChange]| -> Json {
        Json::Array(
            list.iter()
                // Terraform deletes data sources from state quietly.
                .filter(|c| c.is_managed() || c.action != Action::Delete)
                .map(|c| resource_change(c, providers))
                .collect(),
        )
    };
    if !plan.drift.is_empty() {
        doc.insert("resource_drift".into(), changes(&plan.drift));
    }
    doc.insert("resource_changes".into(), changes(&plan.changes));
    doc.insert(
        "output_changes".into(),
        Json::Object(
            plan.outputs
                .iter()
                .map(|(k, o)| (k.clone(), output_change(o)))
                .collect(),
        ),
    );
    if !plan.prior_state.resources.is_empty() || !plan.prior_state.outputs.is_empty() {
        doc.insert(
            "prior_state".into(),
            super::state_json(&plan.prior_state, providers),
        );
    }
    if let Some(tree) = tree {
        doc.insert(
            "configuration".into(),
            super::configuration::configuration(tree, providers),
        );
        let relevant = relevant_attributes(plan, tree);
        if !relevant.is_empty() {
            doc.insert("relevant_attributes".into(), Json::Array(relevant));
        }
    }
    doc.insert("applyable".into(), json!(plan.has_changes()));
    doc.insert("complete".into(), json!(plan.targets.is_empty()));
    doc.insert("errored".into(), json!(false));
    Json::Object(doc)
}

/// What the plan leaves behind: every resource instance not deleted, with its planned
/// values (unknowns left out), in its module; and the root outputs.
fn planned_values(plan: &Plan, providers: &Providers) -> Json {
    let mut resources = Vec::new();
    for c in &plan.changes {
        if matches!(c.action, Action::Delete | Action::Forget) || c.deposed.is_some() {
            continue;
        }
        let r = &c.addr.resource;
        let schema = schema_for(providers, &c.provider, r.mode, &r.ty);
        let after = c.after.as_ref().map(|a| values::prepare(a, schema));
        let mut j = Map::new();
        j.insert("address".into(), json!(c.addr.to_string()));
        j.insert("mode".into(), json!(mode_name(r.mode)));
        j.insert("type".into(), json!(r.ty));
        j.insert("name".into(), json!(r.name));
        if let Some(i) = index(&c.addr.key) {
            j.insert("index".into(), i);
        }
        j.insert(
            "provider_name".into(),
            json!(provider_source(&provider_name(&c.provider))),
        );
        j.insert("schema_version".into(), json!(0));
        j.insert("values".into(), values::attribute_values(after.as_ref()));
        j.insert(
            "sensitive_values".into(),
            after.as_ref().map_or(json!({}), values::sensitive_mirror),
        );
        resources.push((r.module.clone(), Json::Object(j)));
    }
    let mut out = Map::new();
    let outputs: Map<String, Json> = plan
        .outputs
        .iter()
        .filter_map(|(name, o)| {
            let after = o.after.as_ref()?;
            let mut j = Map::new();
            j.insert("sensitive".into(), json!(o.sensitive));
            if !o.sensitive
                && after.is_wholly_known()
                && let Some(v) = values::known(after)
            {
                j.insert("value".into(), v);
            }
            Some((name.clone(), Json::Object(j)))
        })
        .collect();
    if !outputs.is_empty() {
        out.insert("outputs".into(), Json::Object(outputs));
    }
    out.insert("root_module".into(), module_tree(resources));
    Json::Object(out)
}

fn resource_change(c: &ResourceChange, providers: &Providers) -> Json {
    let r = &c.addr.resource;
    let schema = schema_for(providers, &c.provider, r.mode, &r.ty);
    let before = c.before.as_ref().map(|v| values::prepare(v, schema));
    let after = c.after.as_ref().map(|v| values::prepare(v, schema));
    let mut obj = Map::new();
    obj.insert("address".into(), json!(c.addr.to_string()));
    if let Some(prev) = &c.moved_from {
        obj.insert("previous_address".into(), json!(prev));
    }
    if !r.module.is_root() {
        obj.insert("module_address".into(), json!(r.module.to_string()));
    }
    obj.insert("mode".into(), json!(mode_name(r.mode)));
    obj.insert("type".into(), json!(r.ty));
    obj.insert("name".into(), json!(r.name));
    if let Some(i) = index(&c.addr.key) {
        obj.insert("index".into(), i);
    }
    obj.insert(
        "provider_name".into(),
        json!(provider_source(&provider_name(&c.provider))),
    );
    if let Some(key) = &c.deposed {
        obj.insert("deposed".into(), json!(key));
    }
    let (before_json, after_json) = values::change_pair(before.as_ref(), after.as_ref());
    let mut change = Map::new();
    change.insert("actions".into(), json!(c.action.json_actions()));
    change.insert("before".into(), before_json);
    change.insert("after".into(), after_json);
    change.insert(
        "after_unknown".into(),
        values::after_unknown(after.as_ref()),
    );
    change.insert(
        "before_sensitive".into(),
        before
            .as_ref()
            .map_or(json!(false), values::sensitive_mirror),
    );
    change.insert(
        "after_sensitive".into(),
        after
            .as_ref()
            .map_or(json!(false), values::sensitive_mirror),
    );
    if !c.replace_paths.is_empty() {
        let paths: Vec<Json> = c
            .replace_paths
            .iter()
            .map(|p| {
                Json::Array(
                    p.iter()
                        .map(|s| match s {
                            iac_value::PathStep::Key(k) => json!(k),
                            iac_value::PathStep::Index(i) => json!(i),
                        })
                        .collect(),
                )
            })
            .collect();
        change.insert("replace_paths".into(), Json::Array(paths));
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

fn output_change(o: &OutputChange) -> Json {
    let action = match (&o.before, &o.after) {
        (None, Some(_)) => "create",
        (Some(_), None) => "delete",
        (Some(b), Some(a)) if b.clone().unmark_deep().0 == a.clone().unmark_deep().0 => "no-op",
        _ => "update",
    };
    let marked = |v: &Option<iac_value::Value>| v.clone().map(|v| v.mark_if(o.sensitive));
    let (before, after) = (marked(&o.before), marked(&o.after));
    let (before_json, after_json) = values::change_pair(before.as_ref(), after.as_ref());
    let after_unknown = match &after {
        Some(a) if !a.is_wholly_known() => values::unknown_mirror(a),
        _ => json!(false),
    };
    let sensitive = |v: &Option<iac_value::Value>| {
        o.sensitive || v.as_ref().is_some_and(iac_value::Value::contains_sensitive)
    };
    json!({
        "actions": [action],
        "before": before_json,
        "after": after_json,
        "after_unknown": after_unknown,
        "before_sensitive": sensitive(&o.before),
        "after_sensitive": sensitive(&o.after),
    })
}

/// The resource attributes the configuration refers to, for each resource that changed
/// outside iac (Terraform's `relevant_attributes`: which drift matters).
fn relevant_attributes(plan: &Plan, tree: &iac_lang::config::ModuleTree) -> Vec<Json> {
    let drifted: Vec<String> = plan
        .drift
        .iter()
        .map(|c| crate::static_address(&c.addr))
        .collect();
    let mut out: Vec<Json> = Vec::new();
    for (resource, attribute) in super::configuration::attribute_references(tree) {
        if drifted.contains(&resource) {
            let entry = json!({ "resource": resource, "attribute": attribute });
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    out.sort_by_key(|e| e.to_string());
    out
}
