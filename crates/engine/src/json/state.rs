//! Terraform's state representation (`show -json`, and a plan's `prior_state`).

use iac_state::{InstanceStatus, State};
use serde_json::{Map, Value as Json, json};

use super::{FORMAT_VERSION_STATE, module_tree, provider_source, schema_for, values};
use crate::Providers;
use crate::addr::{InstanceKey, parse_instance};

/// The state in the shape of Terraform's `show -json` state format. Sensitive values
/// are null; `sensitive_values` says where they are.
pub fn state_json(state: &State, providers: &Providers) -> Json {
    let mut doc = Map::new();
    doc.insert("format_version".into(), json!(FORMAT_VERSION_STATE));
    doc.insert(
        "terraform_version".into(),
        json!(iac_lang::TERRAFORM_VERSION),
    );
    doc.insert("iac_version".into(), json!(env!("CARGO_PKG_VERSION")));
    if state.resources.is_empty() && state.outputs.is_empty() {
        return Json::Object(doc);
    }
    let mut values = Map::new();
    if !state.outputs.is_empty() {
        let outputs: Map<String, Json> = state
            .outputs
            .iter()
            .map(|(name, o)| {
                let mut j = Map::new();
                j.insert("sensitive".into(), json!(o.sensitive));
                if !o.sensitive {
                    j.insert("value".into(), o.value.clone());
                }
                (name.clone(), Json::Object(j))
            })
            .collect();
        values.insert("outputs".into(), Json::Object(outputs));
    }
    let mut entries = Vec::new();
    for r in &state.resources {
        let Ok(addr) = parse_instance(&r.address) else {
            continue;
        };
        let schema = schema_for(providers, &r.provider, addr.resource.mode, &r.type_name);
        let value = values::prepare(&crate::state_value(r, schema), schema);
        let mut j = Map::new();
        j.insert("address".into(), json!(r.address));
        j.insert("mode".into(), json!(r.mode));
        j.insert("type".into(), json!(r.type_name));
        j.insert("name".into(), json!(addr.resource.name));
        if let Some(index) = index(&addr.key) {
            j.insert("index".into(), index);
        }
        j.insert(
            "provider_name".into(),
            json!(provider_source(&super::provider_name(&r.provider))),
        );
        j.insert("schema_version".into(), json!(0));
        j.insert("values".into(), values::attribute_values(Some(&value)));
        j.insert("sensitive_values".into(), values::sensitive_mirror(&value));
        if !r.dependencies.is_empty() {
            j.insert("depends_on".into(), json!(r.dependencies));
        }
        if r.status == InstanceStatus::Tainted {
            j.insert("tainted".into(), json!(true));
        }
        if let Some(key) = &r.deposed {
            j.insert("deposed_key".into(), json!(key));
        }
        entries.push((addr.resource.module.clone(), Json::Object(j)));
    }
    values.insert("root_module".into(), module_tree(entries));
    doc.insert("values".into(), Json::Object(values));
    Json::Object(doc)
}

/// An instance key as JSON (`index`), none for a resource without `count`/`for_each`.
pub(super) fn index(key: &InstanceKey) -> Option<Json> {
    match key {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(json!(i)),
        InstanceKey::Str(s) => Some(json!(s)),
    }
}
