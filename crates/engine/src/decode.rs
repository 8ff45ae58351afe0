//! Evaluating a resource, data source or provider body against a provider's schema.

use std::collections::BTreeMap;

use iac_lang::config::{Block, Body};
use iac_lang::eval::{EvalContext, Scope, evaluate};
use iac_lang::{Diagnostic, Span, did_you_mean};
use iac_provider::{NestedBlock, Nesting, Schema};
use iac_value::{Value, convert};

/// Evaluates `body` as an object of `schema`: every schema attribute is present (null
/// when unset), nested blocks become objects or lists of objects, and sensitive
/// attributes carry the sensitive mark. `header` is where "missing argument" errors point.
pub fn decode_body(
    body: &Body,
    schema: &Schema,
    ctx: &EvalContext,
    header: &Span,
) -> Result<Value, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = BTreeMap::new();
    for attr in &body.attrs {
        let Some(a) = schema.attributes.get(&attr.name) else {
            let detail = if schema.blocks.contains_key(&attr.name) {
                format!(
                    "An argument named \"{}\" is not expected here. Did you mean to define a block of type \"{}\"?",
                    attr.name, attr.name
                )
            } else {
                format!(
                    "An argument named \"{}\" is not expected here.{}",
                    attr.name,
                    did_you_mean(
                        &attr.name,
                        schema
                            .attributes
                            .iter()
                            .filter(|(_, a)| a.optional || a.required)
                            .map(|(k, _)| k.as_str())
                    )
                )
            };
            diags.push(
                Diagnostic::error("Unsupported argument", Some(attr.name_span.clone()))
                    .with_detail(detail),
            );
            continue;
        };
        if !(a.optional || a.required) {
            diags.push(Diagnostic::error("Value for unconfigurable attribute", Some(attr.name_span.clone())).with_detail(format!(
                "Can't configure a value for \"{}\": its value will be decided automatically based on the result of applying this configuration.",
                attr.name
            )));
            continue;
        }
        match evaluate(&attr.expr, ctx) {
            Ok(v) => match convert(v, &a.ty) {
                Ok(v) => {
                    out.insert(attr.name.clone(), v.mark_if(a.sensitive));
                }
                Err(m) => diags.push(
                    Diagnostic::error("Incorrect attribute value type", Some(attr.expr.span()))
                        .with_detail(format!(
                            "Inappropriate value for attribute \"{}\": {m}.",
                            attr.name
                        )),
                ),
            },
            Err(d) => diags.push(d),
        }
    }
    let mut blocks: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut unknown_blocks: Vec<&str> = Vec::new();
    for block in &body.blocks {
        if block.kind == "dynamic" {
            match expand_dynamic(block, schema, ctx) {
                Ok((kind, Some(values))) => blocks.entry(kind).or_default().extend(values),
                Ok((kind, None)) => unknown_blocks.push(kind),
                Err(ds) => diags.extend(ds),
            }
            continue;
        }
        let Some((kind, nested)) = schema.blocks.get_key_value(&block.kind) else {
            let detail = if schema.attributes.contains_key(&block.kind) {
                format!(
                    "Blocks of type \"{0}\" are not expected here. Did you mean to define argument \"{0}\"? If so, use the equals sign to assign it a value.",
                    block.kind
                )
            } else {
                format!(
                    "Blocks of type \"{}\" are not expected here.{}",
                    block.kind,
                    did_you_mean(&block.kind, schema.blocks.keys().map(String::as_str))
                )
            };
            diags.push(
                Diagnostic::error("Unsupported block type", Some(block.span.clone()))
                    .with_detail(detail),
            );
            continue;
        };
        if !block.labels.is_empty() {
            diags.push(
                Diagnostic::error("Extraneous label for block", Some(block.span.clone()))
                    .with_detail(format!("Blocks of type \"{kind}\" take no labels.")),
            );
            continue;
        }
        match decode_body(&block.body, &nested.schema, ctx, &block.span) {
            Ok(v) => blocks.entry(kind.as_str()).or_default().push(v),
            Err(ds) => diags.extend(ds),
        }
    }
    for (name, a) in &schema.attributes {
        if out.contains_key(name) {
            continue;
        }
        if a.required {
            diags.push(
                Diagnostic::error("Missing required argument", Some(header.clone())).with_detail(
                    format!("The argument \"{name}\" is required, but no definition was found."),
                ),
            );
        }
        out.insert(name.clone(), Value::Null);
    }
    for (name, nested) in &schema.blocks {
        if unknown_blocks.contains(&name.as_str()) {
            out.insert(name.clone(), Value::Unknown);
            continue;
        }
        let items = blocks.remove(name.as_str()).unwrap_or_default();
        if let Err(d) = check_count(name, nested, items.len(), header) {
            diags.push(d);
        }
        let value = match nested.nesting {
            Nesting::Single => items.into_iter().next().unwrap_or(Value::Null),
            Nesting::List => Value::List(items),
            Nesting::Set => Value::set(items),
        };
        out.insert(name.clone(), value);
    }
    if diags.is_empty() {
        Ok(Value::Map(out))
    } else {
        Err(diags)
    }
}

fn check_count(
    name: &str,
    nested: &NestedBlock,
    n: usize,
    header: &Span,
) -> Result<(), Diagnostic> {
    if n < nested.min_items {
        return Err(
            Diagnostic::error("Insufficient blocks", Some(header.clone())).with_detail(format!(
                "At least {} \"{name}\" block(s) are required.",
                nested.min_items
            )),
        );
    }
    if let Some(max) = nested.max_items.filter(|&m| n > m) {
        return Err(
            Diagnostic::error("Too many blocks", Some(header.clone())).with_detail(format!(
                "No more than {max} \"{name}\" block(s) are allowed."
            )),
        );
    }
    Ok(())
}

/// A scope that adds one name (a dynamic block's iterator) on top of another scope.
struct WithIterator<'a> {
    inner: &'a dyn Scope,
    name: &'a str,
    value: Value,
}

impl Scope for WithIterator<'_> {
    fn resolve(
        &self,
        root: &str,
        attrs: &[&str],
        span: &Span,
    ) -> Result<(Value, usize), Diagnostic> {
        if root == self.name {
            Ok((self.value.clone(), 0))
        } else {
            self.inner.resolve(root, attrs, span)
        }
    }
}

/// Expands `dynamic "kind" { for_each = ..., iterator = it, content { ... } }`; the
/// blocks are `None` (unknown) while `for_each` is.
fn expand_dynamic<'s>(
    block: &Block,
    schema: &'s Schema,
    ctx: &EvalContext,
) -> Result<(&'s str, Option<Vec<Value>>), Vec<Diagnostic>> {
    let err = |summary: &str, detail: String| {
        vec![Diagnostic::error(summary, Some(block.span.clone())).with_detail(detail)]
    };
    let [label] = block.labels.as_slice() else {
        return Err(err(
            "Invalid dynamic block",
            "A dynamic block takes one label: the type of block it makes.".into(),
        ));
    };
    let Some((kind, nested)) = schema.blocks.get_key_value(label) else {
        return Err(err(
            "Unsupported block type",
            format!(
                "Blocks of type \"{label}\" are not expected here.{}",
                did_you_mean(label, schema.blocks.keys().map(String::as_str))
            ),
        ));
    };
    let Some(for_each) = block.body.attr("for_each") else {
        return Err(err(
            "Invalid dynamic block",
            "A dynamic block needs a for_each argument.".into(),
        ));
    };
    let iterator = match block.body.attr("iterator") {
        Some(a) => a.expr.as_ident().map(str::to_string).ok_or_else(|| {
            vec![Diagnostic::error(
                "Invalid dynamic iterator name",
                Some(a.expr.span()),
            )]
        })?,
        None => label.clone(),
    };
    let Some(content) = block.body.blocks_of("content").next() else {
        return Err(err(
            "Invalid dynamic block",
            "A dynamic block needs a content block.".into(),
        ));
    };
    let collection = evaluate(&for_each.expr, ctx).map_err(|d| vec![d])?;
    let (collection, _) = collection.into_unmarked();
    let pairs: Vec<(Value, Value)> = match collection {
        Value::List(items) | Value::Set(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as i64), v))
            .collect(),
        Value::Map(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
        Value::Null => Vec::new(),
        Value::Unknown => return Ok((kind.as_str(), None)),
        other => {
            return Err(vec![
                Diagnostic::error("Invalid dynamic for_each value", Some(for_each.expr.span()))
                    .with_detail(format!(
                        "Cannot use a {} value in for_each. An iterable collection is required.",
                        other.type_name()
                    )),
            ]);
        }
    };
    let mut values = Vec::new();
    let mut diags = Vec::new();
    for (key, value) in pairs {
        let scope = WithIterator {
            inner: ctx.scope,
            name: &iterator,
            value: Value::object([("key", key), ("value", value)]),
        };
        let inner = ctx.with_scope(&scope);
        match decode_body(&content.body, &nested.schema, &inner, &content.span) {
            Ok(v) => values.push(v),
            Err(ds) => diags.extend(ds),
        }
    }
    if diags.is_empty() {
        Ok((kind.as_str(), Some(values)))
    } else {
        Err(diags)
    }
}
