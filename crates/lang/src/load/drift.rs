//! The `drift` block, iac's own: `ignore`, a list of strings kept with their places, so
//! that `iac drift` can point at an entry it cannot read.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;

use super::blocks::Loader;
use crate::config::{Block, DriftSettings, span_of};
use crate::diag::Diagnostic;

/// Decodes one `drift` block into the module; a second one is an error.
pub(super) fn drift(loader: &mut Loader, block: Block) {
    if !loader.labels(&block, &[]) {
        return;
    }
    loader.only(&block.body, &["ignore"], &[], "a drift block");
    if loader.module.drift.is_some() {
        loader.diags.push(
            Diagnostic::error("Duplicate drift block", Some(block.span.clone()))
                .with_detail("A stack has one drift block; merge the ignore lists into one."),
        );
        return;
    }
    let mut settings = DriftSettings {
        span: block.span.clone(),
        ignore: Vec::new(),
    };
    if let Some(attr) = block.body.attr("ignore") {
        let file = attr.expr.file;
        match attr.expr.expr.as_ref() {
            Expression::Array(items) => {
                for item in items.iter() {
                    let span = span_of(file, item.span());
                    match item {
                        Expression::String(s) => settings.ignore.push((s.value().clone(), span)),
                        _ => loader.diags.push(
                            Diagnostic::error("Invalid drift ignore entry", Some(span))
                                .with_detail("Each entry is a quoted string: a resource address with an optional attribute path (\"aws_instance.web.tags\"), a resource type (\"aws_s3_bucket\"), a type and an id (\"aws_instance:i-0abc\"), or a tag (\"tag:Team=data\")."),
                        ),
                    }
                }
            }
            _ => loader.diags.push(
                Diagnostic::error("Invalid drift ignore list", Some(attr.expr.span())).with_detail(
                    "\"ignore\" is a list of quoted strings, written out in the file.",
                ),
            ),
        }
    }
    loader.module.drift = Some(settings);
}
