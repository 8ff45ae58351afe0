//! One object's state as the resource block a person would write: hcl-edit structures
//! rendered as `iac fmt` formats them.
//!
//! What is written: every attribute the configuration may set whose value is not null,
//! not empty and not its schema default (a default equal to the value changes nothing,
//! any other value must stay, or the plan would change the object: a security group's
//! `description` that differs from "Managed by Terraform" would force a replacement).
//! Computed-only attributes, `timeouts`, `false` in a flag the provider computes when
//! unset, and a name made from a recorded `*_prefix` (the prefix is written) are left
//! out; secrets are never written: a sensitive attribute is left out with a comment.

use std::collections::BTreeMap;

use hcl_edit::Decorate;
use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValue, ObjectValueTerminator};
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::{Ident, Number};
use iac_provider::{Nesting, Schema};
use iac_value::{Path, PathStep, Value};

/// Replaces a literal: given the path of a value inside the resource body (attribute
/// names, block names with their index, element indexes) and the value, the expression to
/// write instead (a reference, a lookup, `each.value.x`), or `None` to keep the literal.
/// Asked for a whole attribute first, then for each element of a collection.
pub type Substitute<'a> = &'a dyn Fn(&Path, &Value) -> Option<Expression>;

/// One `resource "TYPE" "NAME" { ... }` block with literal values, formatted, without
/// what the cloud sets by itself.
pub fn resource_block(
    type_name: &str,
    name: &str,
    schema: &Schema,
    state: &iac_value::Value,
) -> String {
    let shown = crate::select::as_written(type_name, state);
    let block = block(type_name, name, schema, &shown, &|_, _| None);
    render(&Body::builder().block(block).build())
}

/// One object to write a resource block for.
pub struct ToWrite<'a> {
    pub type_name: &'a str,
    pub name: &'a str,
    pub schema: &'a Schema,
    pub state: &'a Value,
}

/// The resource blocks of `objects`, formatted, in their order: literal values, except
/// where one object names another of them, which is written as a reference (as
/// [`crate::refs`] links types), so the blocks depend on each other as the objects do.
pub fn resource_blocks(objects: &[ToWrite<'_>]) -> Vec<String> {
    let targets: Vec<crate::refs::Target> = objects
        .iter()
        .map(|o| crate::refs::Target {
            type_name: o.type_name.to_string(),
            address: format!("{}.{}", o.type_name, o.name),
            state: o.state.clone(),
        })
        .collect();
    let refs = crate::refs::Refs::new(&targets);
    objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let subst = |path: &Path, value: &Value| -> Option<Expression> {
                refs.reference(i, path, value)?.parse().ok()
            };
            let shown = crate::select::as_written(o.type_name, o.state);
            let block = block(o.type_name, o.name, o.schema, &shown, &subst);
            render(&Body::builder().block(block).build())
        })
        .collect()
}

/// The resource block of an object, as an hcl-edit structure, with `subst` deciding
/// which values become expressions.
pub fn block(
    type_name: &str,
    name: &str,
    schema: &Schema,
    state: &Value,
    subst: Substitute<'_>,
) -> Block {
    let mut body = Body::new();
    let mut comments = Vec::new();
    fill_body(
        schema,
        state,
        subst,
        &mut Vec::new(),
        &mut body,
        &mut comments,
    );
    comment_body(&mut body, &comments);
    let mut block = Block::builder(Ident::new("resource"))
        .label(type_name)
        .label(name)
        .build();
    block.body = body;
    block
}

/// A body as text, formatted as `iac fmt` formats it.
pub fn render(body: &Body) -> String {
    iac_lang::format::format_text(&body.to_string())
}

/// Writes `comments` (one line each) at the top of `body`.
pub fn comment_body(body: &mut Body, comments: &[String]) {
    if comments.is_empty() {
        return;
    }
    let text: String = comments.iter().map(|c| format!("\n# {c}")).collect();
    body.decor_mut().set_prefix(text);
}

fn fill_body(
    schema: &Schema,
    state: &Value,
    subst: Substitute<'_>,
    at: &mut Path,
    body: &mut Body,
    comments: &mut Vec<String>,
) {
    for (name, attr) in &schema.attributes {
        if !attr.optional && !attr.required {
            continue;
        }
        // A name made from a prefix (the state records the prefix only then) is written
        // as that prefix, as its configuration had it; the name is the cloud's.
        if !state.get(&format!("{name}_prefix")).unmark().0.is_null() {
            continue;
        }
        let raw = state.get(name);
        let (value, marked) = raw.unmark();
        at.push(PathStep::Key(name.clone()));
        if let Some(expr) = subst(at, value) {
            body.push(Attribute::new(Ident::new(name.as_str()), expr));
            at.pop();
            continue;
        }
        if attr.sensitive || marked {
            if !value.is_null() {
                comments.push(format!(
                    "{name}: sensitive, left out; set it from a sensitive variable"
                ));
            } else if attr.config_only {
                comments.push(format!(
                    "{name}: the API does not return it; left out, the object keeps its own"
                ));
            }
        } else if keep_attribute(attr, value) {
            body.push(Attribute::new(
                Ident::new(name.as_str()),
                expression(value, subst, at),
            ));
        }
        at.pop();
    }
    for (name, nested) in &schema.blocks {
        if name == "timeouts" {
            continue;
        }
        let items: Vec<&Value> = match (nested.nesting, state.get(name)) {
            (Nesting::Single, v @ Value::Map(_)) => vec![v],
            (_, v) => v.as_items().unwrap_or(&[]).iter().collect(),
        };
        at.push(PathStep::Key(name.clone()));
        for (i, item) in items.into_iter().enumerate() {
            if nested.nesting != Nesting::Single {
                at.push(PathStep::Index(i));
            }
            let mut inner = Body::new();
            fill_body(&nested.schema, item, subst, at, &mut inner, comments);
            if nested.nesting != Nesting::Single {
                at.pop();
            }
            if inner.is_empty() && nested.min_items == 0 {
                continue;
            }
            body.push(
                Block::builder(Ident::new(name.as_str()))
                    .structures(inner)
                    .build(),
            );
        }
        at.pop();
    }
}

/// The top-level attributes and blocks that [`block`] writes with literal values, by
/// name, with their values: what two objects' blocks are compared by.
pub fn written(schema: &Schema, state: &Value) -> BTreeMap<String, Value> {
    let attrs = schema.attributes.iter().filter(|(name, a)| {
        (a.optional || a.required) && !a.sensitive && keep_attribute(a, state.get(name))
    });
    let blocks = schema
        .blocks
        .keys()
        .filter(|name| *name != "timeouts" && keep(state.get(name), None));
    attrs
        .map(|(name, _)| name)
        .chain(blocks)
        .map(|name| (name.clone(), state.get(name).clone()))
        .collect()
}

/// Whether an attribute's value is written: as [`keep`] says, and not `false` where the
/// provider computes the attribute when unset (`multi_az`, `disable_api_termination`):
/// left out, the object keeps its own, and `false` is what nobody writes.
fn keep_attribute(attr: &iac_provider::Attribute, value: &Value) -> bool {
    let unset_flag = attr.computed && *value == Value::Bool(false);
    !unset_flag && keep(value, attr.default.as_ref())
}

/// Whether a value must be written: not null, unknown or empty, and not the default.
fn keep(value: &Value, default: Option<&Value>) -> bool {
    match value {
        Value::Null | Value::Unknown => false,
        Value::List(v) | Value::Set(v) if v.is_empty() => false,
        Value::Map(m) if m.is_empty() => false,
        v => default != Some(v),
    }
}

/// A value as an expression, elements substituted where `subst` says.
pub fn expression(value: &Value, subst: Substitute<'_>, at: &mut Path) -> Expression {
    match value.unmark().0 {
        Value::Null | Value::Unknown | Value::Sensitive(_) => {
            Expression::Null(hcl_edit::expr::Null.into())
        }
        Value::Bool(b) => Expression::from(*b),
        Value::Number(n) => number(*n),
        Value::String(s) => string(s),
        Value::List(items) | Value::Set(items) => {
            let mut array = Array::new();
            for (i, item) in items.iter().enumerate() {
                at.push(PathStep::Index(i));
                let e = subst(at, item).unwrap_or_else(|| expression(item, subst, at));
                at.pop();
                array.push(e);
            }
            Expression::from(array)
        }
        Value::Map(map) => {
            let mut object = Object::new();
            for (i, (k, v)) in map.iter().enumerate() {
                let mut key = if Ident::try_new(k.as_str()).is_ok() {
                    ObjectKey::Ident(Ident::new(k.as_str()).into())
                } else {
                    ObjectKey::Expression(Expression::from(k.as_str()))
                };
                if i == 0 {
                    key.decor_mut().set_prefix("\n");
                }
                at.push(PathStep::Key(k.clone()));
                let e = subst(at, v).unwrap_or_else(|| expression(v, subst, at));
                at.pop();
                let mut value = ObjectValue::new(e);
                value.set_terminator(ObjectValueTerminator::Newline);
                object.insert(key, value);
            }
            Expression::from(object)
        }
    }
}

fn number(n: f64) -> Expression {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Expression::from(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(
            Expression::Null(hcl_edit::expr::Null.into()),
            Expression::from,
        )
    }
}

/// A string literal; text of several lines as a heredoc, as a person would write a
/// script or a policy.
fn string(s: &str) -> Expression {
    if s.ends_with('\n') && s.len() > 1 && !s.lines().any(|l| l.trim() == "EOT") {
        let escaped = s.replace("${", "$${").replace("%{", "%%{");
        if let Ok(e) = format!("<<EOT\n{escaped}EOT\n")
            .trim_end()
            .parse::<Expression>()
        {
            return e;
        }
    }
    Expression::from(s)
}

#[cfg(test)]
mod tests;
