//! The files of the adopted stack: each object's block with references and lookups in
//! place of ids, secrets as variables, folds as one `for_each` block, and the imports.

use std::collections::{BTreeMap, BTreeSet};

use iac_provider::Schema;
use iac_value::{Path as ValuePath, PathStep, Value};

use super::discover::Found;
use crate::files::{self, Files};
use crate::fold::{self as folding, Fold};
use crate::generate;
use crate::lookups::{self, Lookups};
use crate::refs::{Refs, Target};
use crate::select;

/// The files of the stack: `forced` attributes are written as found even where the
/// generator would leave them out.
pub(super) fn generate_files(
    found: &[Found],
    schemas: &BTreeMap<String, Schema>,
    outside: lookups::Outside,
    forced: &BTreeSet<(usize, String)>,
    providers_tf: &str,
    folds: &[Fold],
) -> Files {
    let targets: Vec<Target> = found
        .iter()
        .map(|f| Target {
            type_name: f.type_name.clone(),
            address: f.address.clone(),
            state: f.state.clone(),
        })
        .collect();
    let refs = Refs::new(&targets);
    let lookups = Lookups::new(outside);
    let mut out = Files::default();
    out.add("providers.tf", providers_tf);
    for (i, f) in found.iter().enumerate() {
        let schema = &schemas[&f.type_name];
        let fold = folds
            .iter()
            .find(|x| x.members.iter().any(|(m, _)| *m == i));
        if fold.is_some_and(|x| x.members[0].0 != i) {
            continue;
        }
        let managed_elsewhere = managed_elsewhere(found, i);
        let mut secrets = Vec::new();
        let subst = |path: &ValuePath, value: &Value| -> Option<hcl_edit::expr::Expression> {
            if let [PathStep::Key(attr)] = path.as_slice() {
                if let Some(x) = fold
                    && x.differing.contains(attr)
                {
                    let e = if x.key_attr.as_ref() == Some(attr) {
                        "each.key".to_string()
                    } else {
                        format!("each.value.{attr}")
                    };
                    return e.parse().ok();
                }
                if forced.contains(&(i, attr.clone())) && !value.is_null() {
                    return Some(generate::expression(value, &|_, _| None, &mut path.clone()));
                }
            }
            let text = refs
                .reference(i, path, value)
                .or_else(|| lookups.expression(path, value))?;
            text.parse().ok()
        };
        let block_name = fold.map_or(f.name.clone(), |x| x.names().0);
        let mut shown = select::as_written(&f.type_name, &f.state);
        if let Value::Map(m) = &mut shown {
            for attr in &managed_elsewhere {
                m.remove(*attr);
            }
        }
        let mut block = generate::block(&f.type_name, &block_name, schema, &shown, &subst);
        if let Some(x) = fold {
            let values = x.names().1;
            let each: hcl_edit::expr::Expression = format!("local.{values}")
                .parse()
                .expect("a local reference");
            block.body.insert(
                0,
                hcl_edit::structure::Attribute::new(hcl_edit::Ident::new("for_each"), each),
            );
            out.add(
                files::file_for(&f.type_name),
                &fold_locals(x, found, &refs, &lookups),
            );
            out.add(
                "imports.tf",
                &files::import_for_each(
                    &format!("{}.{block_name}", f.type_name),
                    &x.members
                        .iter()
                        .map(|(m, key)| (key.clone(), found[*m].id.clone()))
                        .collect::<Vec<_>>(),
                ),
            );
        }
        for (attr, a) in &schema.attributes {
            if a.sensitive && a.config_only && f.state.get(attr).is_null() {
                let var = format!("{}_{attr}", f.name);
                let expr: hcl_edit::expr::Expression =
                    format!("var.{var}").parse().expect("a variable reference");
                block.body.push(hcl_edit::structure::Attribute::new(
                    hcl_edit::Ident::new(attr.as_str()),
                    expr,
                ));
                secrets.push(files::secret_variable(
                    &var,
                    &format!("{}.{}", f.type_name, f.name),
                    attr,
                ));
            }
        }
        let mut body = hcl_edit::structure::Body::new();
        body.push(strip_secret_comments(block));
        out.add(files::file_for(&f.type_name), &generate::render(&body));
        for s in secrets {
            out.add("variables.tf", &s);
        }
        if fold.is_none() {
            out.add("imports.tf", &files::import_block(&f.address, &f.id));
        }
    }
    let lookup_text = lookups.blocks();
    if !lookups.is_empty() {
        out.add("network.tf", &lookup_text);
    }
    out
}

/// The attributes of object `i` that another adopted object manages: an Elastic IP's
/// `instance` when an association of it is adopted, a reserved IP's `droplet_id` when an
/// assignment is.
fn managed_elsewhere(found: &[Found], i: usize) -> Vec<&'static str> {
    let f = &found[i];
    let by = |ty: &str, attr: &str, own: &str| {
        found.iter().any(|o| {
            o.type_name == ty
                && o.state.get(attr) == f.state.get(own)
                && !f.state.get(own).is_null()
        })
    };
    match f.type_name.as_str() {
        "aws_eip" if by("aws_eip_association", "allocation_id", "id") => vec!["instance"],
        "digitalocean_reserved_ip"
            if by(
                "digitalocean_reserved_ip_assignment",
                "ip_address",
                "ip_address",
            ) =>
        {
            vec!["droplet_id"]
        }
        _ => vec![],
    }
}

/// The generator's comment on a secret it left out is replaced by the variable.
fn strip_secret_comments(mut block: hcl_edit::structure::Block) -> hcl_edit::structure::Block {
    use hcl_edit::Decorate;
    let prefix = block
        .body
        .decor()
        .prefix()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let kept: String = prefix
        .split('\n')
        .filter(|l| !l.contains("the API does not return it"))
        .collect::<Vec<_>>()
        .join("\n");
    block.body.decor_mut().set_prefix(kept);
    block
}

/// Decides the folds and gives folded objects their keyed addresses.
pub(super) fn fold_objects(found: &mut [Found], schemas: &BTreeMap<String, Schema>) -> Vec<Fold> {
    let objects: Vec<(String, Value, String)> = found
        .iter()
        .map(|f| {
            let shown = select::as_written(&f.type_name, &f.state);
            (f.type_name.clone(), shown, fold_key(f))
        })
        .collect();
    let folds = folding::folds(&objects, schemas);
    for x in &folds {
        let block = x.names().0;
        for (i, key) in &x.members {
            found[*i].address = format!("{}.{block}[{}]", x.type_name, quoted(key));
        }
    }
    folds
}

/// An object's key in a fold's map: its name as found.
fn fold_key(f: &Found) -> String {
    ["name", "identifier", "bucket"]
        .iter()
        .find_map(|a| f.state.get(a).as_str())
        .or_else(|| f.state.get("tags").get("Name").as_str())
        .unwrap_or(&f.id)
        .to_string()
}

fn quoted(s: &str) -> String {
    hcl_edit::expr::Expression::from(s).to_string()
}

/// The `locals` of a fold: the map of each object's differing attributes.
fn fold_locals(x: &Fold, found: &[Found], refs: &Refs<'_>, lookups: &Lookups) -> String {
    let values = x.names().1;
    let mut text = format!("locals {{\n{values} = {{\n");
    for (i, key) in &x.members {
        let subst = |path: &ValuePath, value: &Value| -> Option<hcl_edit::expr::Expression> {
            refs.reference(*i, path, value)
                .or_else(|| lookups.expression(path, value))?
                .parse()
                .ok()
        };
        text.push_str(&format!("{} = {{\n", quoted(key)));
        for attr in x.mapped() {
            let mut at = vec![PathStep::Key(attr.clone())];
            let v = found[*i].state.get(attr);
            let e = subst(&at, v).unwrap_or_else(|| generate::expression(v, &subst, &mut at));
            text.push_str(&format!("{attr} = {e}\n"));
        }
        text.push_str("}\n");
    }
    text.push_str("}\n}\n");
    iac_lang::format::format_text(&text)
}
