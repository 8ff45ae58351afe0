//! Terraform's JSON representations, for tools that read Terraform's output (checkov,
//! terraform-compliance, OPA, ...): the plan (`plan -json`, `show -json PLANFILE`), the
//! state (`show -json`), and the configuration a plan carries. Sensitive values never
//! appear in them (see [`values`]). The saved plan file is another format
//! ([`crate::plan_file`]).

mod configuration;
mod expressions;
pub mod plan;
pub mod state;
pub mod values;

use std::collections::BTreeMap;

use iac_lang::config::Mode;
use iac_provider::Schema;
use serde_json::{Map, Value as Json, json};

use crate::Providers;
use crate::addr::ModuleInstance;

pub use plan::plan_json;
pub use state::state_json;

/// The version of the plan format, as Terraform numbers it.
pub const FORMAT_VERSION_PLAN: &str = "1.2";
/// The version of the state format, as Terraform numbers it.
pub const FORMAT_VERSION_STATE: &str = "1.0";

/// A provider's source address, as Terraform writes `provider_name` and `full_name`:
/// providers published by their vendor live under the vendor's namespace.
pub fn provider_source(name: &str) -> String {
    let namespace = match name {
        "digitalocean" => "digitalocean",
        _ => "hashicorp",
    };
    format!("registry.terraform.io/{namespace}/{name}")
}

/// The provider's name in a configuration address such as `provider["aws"].west`.
fn provider_name(config_address: &str) -> String {
    crate::walk::parse_provider_address(config_address)
        .map(|k| k.0)
        .unwrap_or_default()
}

/// The schema of a resource or data source type, by its provider configuration address.
fn schema_for<'a>(
    providers: &'a Providers,
    config_address: &str,
    mode: Mode,
    ty: &str,
) -> Option<&'a Schema> {
    let p = providers.get(&provider_name(config_address))?;
    match mode {
        Mode::Managed => p.schema().resources.get(ty),
        Mode::Data => p.schema().data_sources.get(ty),
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

/// A `root_module` of resources, each in the module instance it belongs to: every
/// module instance holding resources (and every module above one) is a `child_modules`
/// entry of its parent, sorted by address.
fn module_tree(resources: Vec<(ModuleInstance, Json)>) -> Json {
    let mut by_module: BTreeMap<ModuleInstance, Vec<Json>> = BTreeMap::new();
    for (module, resource) in resources {
        let mut up = module.parent().map(|(p, _)| p);
        while let Some(parent) = up {
            up = parent.parent().map(|(p, _)| p);
            by_module.entry(parent).or_default();
        }
        by_module.entry(module).or_default().push(resource);
    }
    module_json(&ModuleInstance::root(), &by_module)
}

fn module_json(at: &ModuleInstance, all: &BTreeMap<ModuleInstance, Vec<Json>>) -> Json {
    let mut m = Map::new();
    if let Some(resources) = all.get(at)
        && !resources.is_empty()
    {
        m.insert("resources".into(), Json::Array(resources.clone()));
    }
    if !at.is_root() {
        m.insert("address".into(), json!(at.to_string()));
    }
    let mut children: Vec<(String, Json)> = all
        .keys()
        .filter(|k| k.parent().is_some_and(|(p, _)| &p == at))
        .map(|k| (k.to_string(), module_json(k, all)))
        .collect();
    children.sort_by(|a, b| a.0.cmp(&b.0));
    if !children.is_empty() {
        m.insert(
            "child_modules".into(),
            Json::Array(children.into_iter().map(|(_, j)| j).collect()),
        );
    }
    Json::Object(m)
}
