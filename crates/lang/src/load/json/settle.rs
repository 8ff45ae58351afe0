//! Settling JSON bodies against a schema: which properties are nested blocks.

use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Object, ObjectKey};

use crate::config::{Attr, Block, Body, ModuleTree, Resource, span_of};
use crate::source::{FileId, Sources};

/// The nested block types of a schema, as far as reading JSON bodies needs them.
pub trait BlockShape {
    /// The shape of the nested block type `name`, when `name` is one.
    fn nested(&self, name: &str) -> Option<Box<dyn BlockShape + '_>>;
}

/// Where the shapes of a stack's bodies come from: the provider schemas.
pub trait Shapes {
    /// The body shape of a resource or data source.
    fn resource(&self, res: &Resource) -> Option<Box<dyn BlockShape + '_>>;
    /// The body shape of a `provider` block of the provider with this local name.
    fn provider(&self, name: &str) -> Option<Box<dyn BlockShape + '_>>;
}

/// Turns, in every resource, data source and provider body written in JSON, each
/// property that the schema says is a nested block type (an object, or an array of
/// objects) into blocks, as Terraform reads JSON bodies against the schema.
pub fn settle_json_bodies(tree: &mut ModuleTree, sources: &Sources, shapes: &dyn Shapes) {
    let json = |f: FileId| is_json(sources, f);
    for res in &mut tree.module.resources {
        if json(res.span.file)
            && let Some(shape) = shapes.resource(res)
        {
            settle(&mut res.body, shape.as_ref(), &json);
        }
    }
    for p in &mut tree.module.providers {
        if json(p.span.file)
            && let Some(shape) = shapes.provider(&p.name)
        {
            settle(&mut p.body, shape.as_ref(), &json);
        }
    }
    for child in tree.children.values_mut() {
        settle_json_bodies(child, sources, shapes);
    }
}

fn is_json(sources: &Sources, file: FileId) -> bool {
    sources.path(file).extension().is_some_and(|e| e == "json")
}

fn settle(body: &mut Body, shape: &dyn BlockShape, json: &dyn Fn(FileId) -> bool) {
    for attr in std::mem::take(&mut body.attrs) {
        let blocks = if json(attr.expr.file) {
            shape
                .nested(&attr.name)
                .and_then(|nested| as_blocks(&attr, nested.as_ref(), json))
        } else {
            None
        };
        match blocks {
            Some(blocks) => body.blocks.extend(blocks),
            None => body.attrs.push(attr),
        }
    }
    for block in &mut body.blocks {
        if !json(block.span.file) {
            continue;
        }
        if block.kind == "dynamic" {
            let Some(nested) = block.labels.first().and_then(|l| shape.nested(l)) else {
                continue;
            };
            for content in block.body.blocks.iter_mut().filter(|b| b.kind == "content") {
                settle(&mut content.body, nested.as_ref(), json);
            }
        } else if let Some(nested) = shape.nested(&block.kind) {
            settle(&mut block.body, nested.as_ref(), json);
        }
    }
}

/// The blocks an object, or an array of objects, stands for.
fn as_blocks(
    attr: &Attr,
    shape: &dyn BlockShape,
    json: &dyn Fn(FileId) -> bool,
) -> Option<Vec<Block>> {
    let objects: Vec<&Object> = match attr.expr.expr.as_ref() {
        Expression::Object(o) => vec![o],
        Expression::Array(items) => items
            .iter()
            .map(Expression::as_object)
            .collect::<Option<_>>()?,
        _ => return None,
    };
    let file = attr.expr.file;
    let mut out = Vec::with_capacity(objects.len());
    for object in objects {
        let mut body = Body::default();
        for (key, value) in object.iter() {
            let name = match key {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                ObjectKey::Expression(_) => return None,
            };
            if name == "//" {
                continue;
            }
            body.attrs.push(Attr {
                name,
                name_span: span_of(file, key.span()),
                expr: crate::config::Expr {
                    file,
                    expr: Arc::new(value.expr().clone()),
                },
            });
        }
        settle(&mut body, shape, json);
        out.push(Block {
            kind: attr.name.clone(),
            labels: Vec::new(),
            span: attr.name_span.clone(),
            body,
        });
    }
    Some(out)
}
