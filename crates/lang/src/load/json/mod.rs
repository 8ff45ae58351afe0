//! Terraform's JSON configuration syntax (`*.tf.json`, `*.tfvars.json`) read into the
//! model's [`Body`], so everything after loading is the same as for HCL.
//!
//! As in Terraform: a block's labels are nested object keys (`"resource": {"aws_s3_bucket":
//! {"logs": {...}}}`), an array of objects is several blocks, a `"//"` property of a block
//! body is a comment, strings in expression positions are templates (`"${var.name}"`), and
//! the arguments that take references or keywords (`depends_on`, `provider`, `providers`,
//! `ignore_changes`, `replace_triggered_by`, `moved`'s `from` and `to`, a variable's
//! `type`) read their strings as expressions. Which properties of a resource or provider
//! body are nested blocks only the provider's schema says: they stay attributes here and
//! [`settle`] turns them into blocks once the schema is known.

mod exprs;
mod parse;
pub(crate) mod settle;

use std::ops::Range;
use std::sync::Arc;

use hcl_edit::expr::Expression;

use self::exprs::{Mode, Parsed};
use self::parse::{JKind, JValue};
use crate::config::{Attr, Block, Body, Expr};
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, Sources, Span};

/// What a JSON object stands for, which decides how its properties are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The file itself: every property is a block type.
    File,
    Terraform,
    /// A body whose properties are all arguments.
    Attrs,
    Variable,
    Output,
    Resource,
    Lifecycle,
    Dynamic,
    /// A body the provider's schema decides (a provider block, a dynamic block's content).
    Open,
    Module,
    Moved,
    Removed,
    Import,
}

/// The nested block types of a shape (name, number of labels, shape of their bodies) and
/// the arguments whose strings are expressions.
type ShapeInfo = (
    &'static [(&'static str, usize, Shape)],
    &'static [&'static str],
);

fn info(shape: Shape) -> ShapeInfo {
    use Shape::*;
    match shape {
        File => (
            &[
                ("terraform", 0, Terraform),
                ("provider", 1, Open),
                ("variable", 1, Variable),
                ("locals", 0, Attrs),
                ("output", 1, Output),
                ("resource", 2, Resource),
                ("data", 2, Resource),
                ("module", 1, Module),
                ("moved", 0, Moved),
                ("removed", 0, Removed),
                ("import", 0, Import),
                ("check", 1, Attrs),
            ],
            &[],
        ),
        Terraform => (
            &[
                ("backend", 1, Attrs),
                ("required_providers", 0, Attrs),
                ("cloud", 0, Attrs),
            ],
            &[],
        ),
        Attrs => (&[], &[]),
        Variable => (&[("validation", 0, Attrs)], &["type"]),
        Output => (&[("precondition", 0, Attrs)], &["depends_on"]),
        Resource => (
            &[
                ("lifecycle", 0, Lifecycle),
                ("provisioner", 1, Open),
                ("connection", 0, Attrs),
                ("dynamic", 1, Dynamic),
            ],
            &["depends_on", "provider"],
        ),
        Lifecycle => (
            &[("precondition", 0, Attrs), ("postcondition", 0, Attrs)],
            &["ignore_changes", "replace_triggered_by"],
        ),
        Dynamic => (&[("content", 0, Open)], &["iterator"]),
        Open => (&[("dynamic", 1, Dynamic)], &[]),
        Module => (&[], &["depends_on", "providers"]),
        Moved => (&[], &["from", "to"]),
        Removed => (&[("lifecycle", 0, Attrs)], &["from"]),
        Import => (&[], &["to", "provider"]),
    }
}

/// Reads a `*.tf.json` file into the body of its top-level blocks.
pub(crate) fn parse_config(
    file: FileId,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<Body> {
    read(file, sources, Shape::File, diags)
}

/// Reads a `*.tfvars.json` file: one argument per variable.
pub(crate) fn parse_values(
    file: FileId,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<Body> {
    read(file, sources, Shape::Attrs, diags)
}

fn read(file: FileId, sources: &Sources, shape: Shape, diags: &mut Diagnostics) -> Option<Body> {
    let text = sources.text(file);
    let error_at = |offset: usize, summary: &str, detail: String| {
        let end = (offset + 1).min(text.len());
        Diagnostic::error(
            summary,
            Some(Span {
                file,
                range: offset.min(end)..end,
            }),
        )
        .with_detail(detail)
    };
    let top = match parse::parse(text) {
        Ok(v) => v,
        Err((offset, message)) => {
            diags.push(error_at(
                offset,
                "Syntax error",
                format!("Invalid JSON: {message}."),
            ));
            return None;
        }
    };
    if !matches!(top.kind, JKind::Object(_)) {
        diags.push(error_at(
            top.span.start,
            "Incorrect JSON value type",
            "The root of a JSON configuration file must be an object.".to_string(),
        ));
        return None;
    }
    let mut first = Mapper {
        file,
        parsed: None,
        wanted: Vec::new(),
        diags: Vec::new(),
    };
    first.body(&top, shape, "the file");
    let wanted = first.wanted;
    let parsed = match exprs::parse_all(text, &top.span, &wanted) {
        Ok(p) => p,
        Err((offset, message)) => {
            diags.push(error_at(offset, "Invalid expression", message));
            return None;
        }
    };
    let mut second = Mapper {
        file,
        parsed: Some(&parsed),
        wanted: Vec::new(),
        diags: Vec::new(),
    };
    let body = second.body(&top, shape, "the file");
    diags.extend(second.diags);
    Some(body)
}

/// Maps JSON values to the model, twice: first to learn which values are expressions
/// (and how their strings read), then, with those parsed, to build the body.
struct Mapper<'a> {
    file: FileId,
    parsed: Option<&'a Parsed>,
    wanted: Vec<(&'a JValue, Mode)>,
    diags: Vec<Diagnostic>,
}

impl<'a> Mapper<'a> {
    fn span(&self, range: &Range<usize>) -> Span {
        Span {
            file: self.file,
            range: range.clone(),
        }
    }

    fn expr(&mut self, value: &'a JValue, mode: Mode) -> Expr {
        let expr = match self.parsed {
            Some(parsed) => parsed[&value.span.start].clone(),
            None => {
                self.wanted.push((value, mode));
                Arc::new(Expression::Null(hcl_edit::expr::Null.into()))
            }
        };
        Expr {
            file: self.file,
            expr,
        }
    }

    fn body(&mut self, value: &'a JValue, shape: Shape, what: &str) -> Body {
        let mut body = Body::default();
        let JKind::Object(props) = &value.kind else {
            self.diags.push(
                Diagnostic::error("Incorrect JSON value type", Some(self.span(&value.span)))
                    .with_detail(format!(
                        "A JSON object is required here, to define the body of {what}; found {}.",
                        value.describe()
                    )),
            );
            return body;
        };
        let (blocks, exprs) = info(shape);
        for p in props {
            if p.name == "//" {
                continue;
            }
            if let Some(&(kind, labels, nested)) = blocks.iter().find(|(k, _, _)| *k == p.name) {
                self.blocks(
                    kind,
                    labels,
                    nested,
                    &p.value,
                    &p.name_span,
                    Vec::new(),
                    &mut body.blocks,
                );
            } else if shape == Shape::File {
                body.blocks.push(Block {
                    kind: p.name.clone(),
                    labels: Vec::new(),
                    span: self.span(&p.name_span),
                    body: Body::default(),
                });
            } else {
                let mode = if exprs.contains(&p.name.as_str()) {
                    Mode::Expression
                } else {
                    Mode::Template
                };
                let expr = self.expr(&p.value, mode);
                body.attrs.push(Attr {
                    name: p.name.clone(),
                    name_span: self.span(&p.name_span),
                    expr,
                });
            }
        }
        body
    }

    /// The blocks of type `kind` that `value` holds: nested objects keyed by the labels
    /// still missing, then a body; an array wherever several are meant.
    #[allow(clippy::too_many_arguments)]
    fn blocks(
        &mut self,
        kind: &str,
        labels_wanted: usize,
        shape: Shape,
        value: &'a JValue,
        header: &Range<usize>,
        labels: Vec<String>,
        out: &mut Vec<Block>,
    ) {
        match &value.kind {
            JKind::Array(items) => {
                for item in items {
                    self.blocks(
                        kind,
                        labels_wanted,
                        shape,
                        item,
                        header,
                        labels.clone(),
                        out,
                    );
                }
            }
            JKind::Object(props) if labels.len() < labels_wanted => {
                for p in props.iter().filter(|p| p.name != "//") {
                    let mut labels = labels.clone();
                    labels.push(p.name.clone());
                    self.blocks(
                        kind,
                        labels_wanted,
                        shape,
                        &p.value,
                        &p.name_span,
                        labels,
                        out,
                    );
                }
            }
            JKind::Object(_) => {
                let body = self.body(value, shape, &format!("a {kind} block"));
                out.push(Block {
                    kind: kind.to_string(),
                    labels,
                    span: self.span(header),
                    body,
                });
            }
            _ => {
                let wanted = if labels.len() < labels_wanted {
                    format!("whose property names are the labels of the {kind} block")
                } else {
                    format!("to define the body of a {kind} block")
                };
                self.diags.push(
                    Diagnostic::error("Incorrect JSON value type", Some(self.span(&value.span)))
                        .with_detail(format!(
                            "A JSON object is required here, {wanted}; found {}.",
                            value.describe()
                        )),
                );
            }
        }
    }
}
