//! HCL files: hcl-edit's syntax tree into the model's [`Body`].

use std::sync::Arc;

use hcl_edit::Span as _;

use crate::config::{Attr, Block, Body, Expr, span_of};
use crate::diag::Diagnostic;
use crate::source::{FileId, Sources, Span};

/// Parses a file of HCL into a body, or the syntax error with its line and column.
pub(crate) fn parse_file(file: FileId, sources: &Sources) -> Result<Body, Diagnostic> {
    match hcl_edit::parser::parse_body(sources.text(file)) {
        Ok(body) => Ok(convert_body(file, &body)),
        Err(e) => {
            let loc = e.location();
            let start = sources.offset_of(file, loc.line(), loc.column());
            let end = (start + 1).min(sources.text(file).len());
            Err(Diagnostic::error(
                "Syntax error",
                Some(Span {
                    file,
                    range: start..end,
                }),
            )
            .with_detail(e.message().to_string()))
        }
    }
}

/// Converts hcl-edit's body into the model's [`Body`].
fn convert_body(file: FileId, body: &hcl_edit::structure::Body) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        match structure {
            hcl_edit::structure::Structure::Attribute(a) => out.attrs.push(Attr {
                name: a.key.as_str().to_string(),
                name_span: span_of(file, a.key.span()),
                expr: Expr {
                    file,
                    expr: Arc::new(a.value.clone()),
                },
            }),
            hcl_edit::structure::Structure::Block(b) => {
                let start = b.ident.span().map(|r| r.start).unwrap_or(0);
                let end = b
                    .labels
                    .last()
                    .and_then(|l| l.span())
                    .or_else(|| b.ident.span())
                    .map(|r| r.end)
                    .unwrap_or(start);
                out.blocks.push(Block {
                    kind: b.ident.as_str().to_string(),
                    labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                    span: Span {
                        file,
                        range: start..end,
                    },
                    body: convert_body(file, &b.body),
                });
            }
        }
    }
    out
}
