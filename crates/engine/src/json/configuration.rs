//! The `configuration` section of plan JSON: provider configurations, and for the root
//! module and (inside each `module_calls` entry) every called module, its resources with
//! their expressions, outputs, variables and module calls.

use iac_lang::config::{Expr, Mode, ModuleTree, Resource};
use iac_provider::Schema;
use serde_json::{Map, Value as Json, json};

use super::expressions::{self, expression, expressions};
use super::{mode_name, provider_source};
use crate::Providers;

/// The stack's configuration in Terraform's shape.
pub fn configuration(tree: &ModuleTree, providers: &Providers) -> Json {
    let mut configs = Map::new();
    provider_configs(tree, &[], providers, &mut configs);
    // Providers used without a `provider` block of their own get an entry too.
    for (path, module) in tree.walk() {
        for res in &module.resources {
            let used = tree.provider_of(&path, res);
            let key = used.to_string();
            configs.entry(key).or_insert_with(|| {
                let mut p = Map::new();
                p.insert("name".into(), json!(used.name));
                p.insert("full_name".into(), json!(provider_source(&used.name)));
                if let Some(alias) = &used.alias {
                    p.insert("alias".into(), json!(alias));
                }
                Json::Object(p)
            });
        }
    }
    let mut sorted: Vec<(String, Json)> = configs.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    json!({
        "provider_config": Map::from_iter(sorted),
        "root_module": module(tree, &[], tree, providers),
    })
}

/// Terraform's opaque key of a provider configuration: `aws`, `aws.west`, or
/// `module.net:aws` for a block inside a called module.
fn config_key(name: &str, path: &[String]) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{}:{name}", module_address(path))
    }
}

fn module_address(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("module.{p}"))
        .collect::<Vec<_>>()
        .join(".")
}

fn provider_configs(
    tree: &ModuleTree,
    path: &[String],
    providers: &Providers,
    out: &mut Map<String, Json>,
) {
    for p in &tree.module.providers {
        let local = match &p.alias {
            Some(a) => format!("{}.{a}", p.name),
            None => p.name.clone(),
        };
        let mut entry = Map::new();
        entry.insert("name".into(), json!(p.name));
        entry.insert("full_name".into(), json!(provider_source(&p.name)));
        if let Some(alias) = &p.alias {
            entry.insert("alias".into(), json!(alias));
        }
        if !path.is_empty() {
            entry.insert("module_address".into(), json!(module_address(path)));
        }
        if let Some(provider) = providers.get(&p.name) {
            entry.insert(
                "expressions".into(),
                expressions(&p.body, &provider.schema().provider),
            );
        }
        out.insert(config_key(&local, path), Json::Object(entry));
    }
    for (name, child) in &tree.children {
        let mut child_path = path.to_vec();
        child_path.push(name.clone());
        provider_configs(child, &child_path, providers, out);
    }
}

fn module(at: &ModuleTree, path: &[String], root: &ModuleTree, providers: &Providers) -> Json {
    let m = &at.module;
    let mut out = Map::new();
    let outputs: Map<String, Json> = m
        .outputs
        .values()
        .map(|o| {
            let mut j = Map::new();
            if o.sensitive {
                j.insert("sensitive".into(), json!(true));
            }
            j.insert("expression".into(), expression(&o.value, o.sensitive));
            if !o.depends_on.is_empty() {
                j.insert("depends_on".into(), json!(addresses(&o.depends_on)));
            }
            if let Some(d) = &o.description {
                j.insert("description".into(), json!(d));
            }
            (o.name.clone(), Json::Object(j))
        })
        .collect();
    if !outputs.is_empty() {
        out.insert("outputs".into(), Json::Object(outputs));
    }
    let mut resources: Vec<(String, Json)> = m
        .resources
        .iter()
        .map(|r| resource(r, path, root, providers))
        .collect();
    // Terraform lists managed resources, then data sources, each by address.
    resources.sort_by(|a, b| {
        let data = |s: &str| s.starts_with("data.");
        (data(&a.0), &a.0).cmp(&(data(&b.0), &b.0))
    });
    if !resources.is_empty() {
        out.insert(
            "resources".into(),
            Json::Array(resources.into_iter().map(|(_, j)| j).collect()),
        );
    }
    let calls: Map<String, Json> = m
        .module_calls
        .values()
        .map(|call| {
            let child = at.children.get(&call.name);
            let mut j = Map::new();
            j.insert("source".into(), json!(call.source));
            let mut inputs = Map::new();
            for input in &call.inputs {
                let sensitive = child
                    .and_then(|c| c.module.variables.get(&input.name))
                    .is_some_and(|v| v.sensitive);
                inputs.insert(input.name.clone(), expression(&input.expr, sensitive));
            }
            j.insert("expressions".into(), Json::Object(inputs));
            if let Some(c) = &call.count {
                j.insert("count_expression".into(), expression(c, false));
            } else if let Some(f) = &call.for_each {
                j.insert("for_each_expression".into(), expression(f, false));
            }
            let mut child_path = path.to_vec();
            child_path.push(call.name.clone());
            if let Some(child) = child {
                j.insert("module".into(), module(child, &child_path, root, providers));
            }
            if !call.depends_on.is_empty() {
                j.insert("depends_on".into(), json!(addresses(&call.depends_on)));
            }
            (call.name.clone(), Json::Object(j))
        })
        .collect();
    if !calls.is_empty() {
        out.insert("module_calls".into(), Json::Object(calls));
    }
    let variables: Map<String, Json> = m
        .variables
        .values()
        .map(|v| {
            let mut j = Map::new();
            if let Some(d) = &v.default
                && !v.sensitive
                && let Some(c) = expression(d, false).get("constant_value")
            {
                j.insert("default".into(), c.clone());
            }
            if let Some(d) = &v.description {
                j.insert("description".into(), json!(d));
            }
            if v.sensitive {
                j.insert("sensitive".into(), json!(true));
            }
            (v.name.clone(), Json::Object(j))
        })
        .collect();
    if !variables.is_empty() {
        out.insert("variables".into(), Json::Object(variables));
    }
    Json::Object(out)
}

/// One resource block: its address within its module, and its key.
fn resource(
    r: &Resource,
    path: &[String],
    root: &ModuleTree,
    providers: &Providers,
) -> (String, Json) {
    let address = match r.mode {
        Mode::Managed => format!("{}.{}", r.ty, r.name),
        Mode::Data => format!("data.{}.{}", r.ty, r.name),
    };
    let mut j = Map::new();
    j.insert("address".into(), json!(address));
    j.insert("mode".into(), json!(mode_name(r.mode)));
    j.insert("type".into(), json!(r.ty));
    j.insert("name".into(), json!(r.name));
    // The root configuration it uses, as Terraform normalises inherited providers.
    j.insert(
        "provider_config_key".into(),
        json!(root.provider_of(path, r).to_string()),
    );
    if let Some(schema) = schema_of(providers, r) {
        j.insert("expressions".into(), expressions(&r.body, schema));
    }
    j.insert("schema_version".into(), json!(0));
    if let Some(c) = &r.count {
        j.insert("count_expression".into(), expression(c, false));
    } else if let Some(f) = &r.for_each {
        j.insert("for_each_expression".into(), expression(f, false));
    }
    if !r.depends_on.is_empty() {
        j.insert("depends_on".into(), json!(addresses(&r.depends_on)));
    }
    (address, Json::Object(j))
}

fn schema_of<'a>(providers: &'a Providers, r: &Resource) -> Option<&'a Schema> {
    let p = providers.get(r.provider_name())?;
    match r.mode {
        Mode::Managed => p.schema().resources.get(&r.ty),
        Mode::Data => p.schema().data_sources.get(&r.ty),
    }
}

/// `depends_on` entries as addresses (`aws_instance.web`, `module.db`).
fn addresses(list: &[Expr]) -> Vec<String> {
    list.iter().filter_map(crate::exprs::address_text).collect()
}

/// Every reference the configuration makes to an attribute of a resource: the
/// resource's static address (`module.db.aws_db_instance.this`) and the attribute path.
pub fn attribute_references(tree: &ModuleTree) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for (path, m) in tree.walk() {
        let prefix = if path.is_empty() {
            String::new()
        } else {
            format!("{}.", module_address(&path))
        };
        let mut exprs: Vec<&Expr> = Vec::new();
        for r in &m.resources {
            body_exprs(&r.body, &mut exprs);
            exprs.extend(r.count.iter().chain(&r.for_each));
        }
        exprs.extend(m.outputs.values().map(|o| &o.value));
        exprs.extend(m.locals.values().map(|l| &l.expr));
        for call in m.module_calls.values() {
            exprs.extend(call.inputs.iter().map(|i| &i.expr));
        }
        for e in exprs {
            for (resource, attribute) in expressions::attribute_references(e) {
                out.push((format!("{prefix}{resource}"), attribute));
            }
        }
    }
    out
}

fn body_exprs<'a>(body: &'a iac_lang::config::Body, out: &mut Vec<&'a Expr>) {
    out.extend(body.attrs.iter().map(|a| &a.expr));
    for b in &body.blocks {
        body_exprs(&b.body, out);
    }
}
