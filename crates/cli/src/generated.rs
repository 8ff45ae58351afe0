//! Placeholder until `iac_discovery::generate::resource_block` lands (h/discovery): a
//! resource block from an object's state, with literal values, leaving out what is
//! computed only, null, empty or the default.

use iac_provider::Schema;
use iac_value::Value;

/// One `resource "TYPE" "NAME" { ... }` block.
pub fn resource_block(type_name: &str, name: &str, schema: &Schema, state: &Value) -> String {
    let mut out = format!("resource \"{type_name}\" \"{name}\" {{\n");
    body(schema, state, 1, &mut out);
    out.push_str("}\n");
    out
}

fn body(schema: &Schema, value: &Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let empty = Default::default();
    let fields = value.as_map().unwrap_or(&empty);
    for (name, attr) in &schema.attributes {
        let Some(v) = fields.get(name) else { continue };
        let settable = attr.required || attr.optional;
        let blank = matches!(v, Value::Null)
            || v.as_map().is_some_and(|m| m.is_empty())
            || matches!(v, Value::List(l) | Value::Set(l) if l.is_empty());
        if !settable
            || blank
            || v.is_sensitive()
            || attr.default.as_ref() == Some(v)
            || attr.derived_from.is_some()
        {
            continue;
        }
        out.push_str(&format!("{pad}{name} = {}\n", v.render(2 * depth)));
    }
    for (name, block) in &schema.blocks {
        let items = match fields.get(name) {
            Some(Value::List(items) | Value::Set(items)) => items.clone(),
            Some(v @ Value::Map(_)) => vec![v.clone()],
            _ => continue,
        };
        for item in items {
            out.push_str(&format!("{pad}{name} {{\n"));
            body(&block.schema, &item, depth + 1, out);
            out.push_str(&format!("{pad}}}\n"));
        }
    }
}
