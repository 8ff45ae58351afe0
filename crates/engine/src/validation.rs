//! A provider's validation problems as diagnostics pointing at what they concern: the
//! attribute, else the nested block, else the resource block.

use iac_lang::Diagnostic;
use iac_lang::Span;
use iac_lang::config::{Block, Body, Resource};
use iac_provider::{Nesting, Schema, ValidationError};
use iac_value::{PathStep, Value};

use crate::proposal::path_string;

/// One diagnostic per problem.
pub fn diagnostics(
    res: &Resource,
    schema: &Schema,
    config: &Value,
    problems: Vec<ValidationError>,
) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|p| {
            let span =
                place(&res.body, schema, config, &p.path).unwrap_or_else(|| res.span.clone());
            let detail = if p.path.is_empty() {
                p.message
            } else {
                format!("{}: {}", path_string(&p.path), p.message)
            };
            Diagnostic::error(format!("Invalid {} configuration", res.ty), Some(span))
                .with_detail(detail)
        })
        .collect()
}

/// Where `path` is written in `body`: an attribute's expression, or the header of the
/// nested block the path goes into.
fn place(body: &Body, schema: &Schema, config: &Value, path: &[PathStep]) -> Option<Span> {
    let PathStep::Key(name) = path.first()? else {
        return None;
    };
    if let Some(attr) = body.attr(name) {
        return Some(attr.expr.span());
    }
    let nested = schema.blocks.get(name)?;
    let blocks: Vec<&Block> = body.blocks_of(name).collect();
    let (block, inner) = match path.get(1) {
        Some(PathStep::Index(i)) => {
            let element = config.get(name).as_items().and_then(|items| items.get(*i));
            let block = which_block(&blocks, nested.nesting, *i, element, path.get(2));
            (block, path.get(2..).unwrap_or_default())
        }
        // A block given once (`timeouts`): the path goes on into it.
        _ => (blocks.first().copied(), &path[1..]),
    };
    let block = block?;
    Some(
        place(&block.body, &nested.schema, &Value::Null, inner)
            .unwrap_or_else(|| block.span.clone()),
    )
}

/// The block an element of a nested block value came from. A list keeps the order of
/// the source; a set does not, so its element is matched to the first block that, like
/// it, leaves the attribute the problem is about unset (or sets it).
fn which_block<'a>(
    blocks: &[&'a Block],
    nesting: Nesting,
    index: usize,
    element: Option<&Value>,
    next: Option<&PathStep>,
) -> Option<&'a Block> {
    if nesting != Nesting::Set {
        return blocks.get(index).copied();
    }
    let Some(PathStep::Key(attr)) = next else {
        return blocks.first().copied();
    };
    let unset = element.is_none_or(|e| e.get(attr).is_null());
    blocks
        .iter()
        .find(|b| b.body.attr(attr).is_none() == unset)
        .or(blocks.first())
        .copied()
}
