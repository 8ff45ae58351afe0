//! `import` blocks: `to`, `id`, `for_each` and `provider`, checked as Terraform's
//! `configs/import.go` checks them. Where an import may appear (the root module only) is
//! checked when the tree is loaded; whether its target is declared, by the engine.

use std::sync::Arc;

use hcl_edit::expr::{Expression, TraversalOperator};

use super::blocks::Loader;
use crate::config::{Block, Expr, Import, ImportTo, ProviderRef};
use crate::diag::Diagnostic;

/// Decodes one `import` block into the module.
pub(super) fn import(loader: &mut Loader, block: Block) {
    if !loader.labels(&block, &[]) {
        return;
    }
    let body = &block.body;
    loader.only(
        body,
        &["to", "id", "for_each", "provider"],
        &[],
        "an import block",
    );
    let Some(to) = body.attr("to") else {
        loader.diags.push(
            Diagnostic::error("Missing required argument", Some(block.span.clone()))
                .with_detail("The argument \"to\" is required, but no definition was found."),
        );
        return;
    };
    let Some(id) = body.attr("id") else {
        loader.diags.push(
            Diagnostic::error("Invalid import block", Some(block.span.clone()))
                .with_detail("At least one of 'id' or 'identity' must be specified."),
        );
        return;
    };
    let target = match import_to(&to.expr) {
        Ok(t) => t,
        Err(d) => {
            loader.diags.push(d);
            return;
        }
    };
    let provider = body.attr("provider").and_then(|attr| {
        let (name, alias, span) = loader.provider_ref(attr)?;
        if !target.modules.is_empty() {
            loader.diags.push(
                Diagnostic::error("Invalid import provider argument", Some(span))
                    .with_detail("The provider argument can only be specified in import blocks that will generate configuration.\n\nUse the providers argument within the module block to configure providers for all resources within a module, including imported resources."),
            );
            return None;
        }
        Some((ProviderRef { name, alias }, span))
    });
    loader.module.imports.push(Import {
        span: block.span.clone(),
        to: to.expr.clone(),
        target,
        id: id.expr.clone(),
        for_each: body.attr("for_each").map(|a| a.expr.clone()),
        provider,
    });
}

/// Reads `to`: module calls and a managed resource, each optionally indexed by an
/// expression (`each.key`, a literal).
pub(crate) fn import_to(to: &Expr) -> Result<ImportTo, Diagnostic> {
    let invalid = |detail: &str| {
        Err(Diagnostic::error("Invalid import address", Some(to.span()))
            .with_detail(detail.to_string()))
    };
    let general = "The \"to\" argument must be the address of a resource instance, such as aws_s3_bucket.logs, aws_s3_bucket.logs[\"key\"] or module.web.aws_instance.app.";
    let (root, operators) = match to.expr.as_ref() {
        Expression::Variable(v) => (v.as_str().to_string(), Vec::new()),
        Expression::Traversal(t) => match &t.expr {
            Expression::Variable(v) => (
                v.as_str().to_string(),
                t.operators.iter().map(|o| o.value().clone()).collect(),
            ),
            _ => return invalid(general),
        },
        _ => return invalid(general),
    };
    // Names, each with the index that follows it.
    let mut steps: Vec<(String, Option<Expr>)> = vec![(root, None)];
    for op in operators {
        let index = match op {
            TraversalOperator::GetAttr(n) => {
                steps.push((n.as_str().to_string(), None));
                continue;
            }
            TraversalOperator::Index(e) => e,
            TraversalOperator::LegacyIndex(n) => Expression::from(*n.value() as i64),
            _ => return invalid(general),
        };
        let last = steps.last_mut().expect("the root is a step");
        if last.1.is_some() {
            return invalid(general);
        }
        last.1 = Some(Expr {
            file: to.file,
            expr: Arc::new(index),
        });
    }
    let mut modules = Vec::new();
    let mut rest = steps.as_slice();
    while let [(module, None), (call, key), tail @ ..] = rest
        && module == "module"
    {
        modules.push((call.clone(), key.clone()));
        rest = tail;
    }
    match rest {
        [(data, None), _, _] if data == "data" => {
            invalid("Only managed resources can be imported.")
        }
        [(ty, None), (name, key)] if ty != "module" => Ok(ImportTo {
            modules,
            ty: ty.clone(),
            name: name.clone(),
            key: key.clone(),
        }),
        _ => invalid(general),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;
    use std::path::Path;

    fn parse(src: &str) -> Result<(Vec<String>, String, String, bool), String> {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("t.tf"), src.to_string());
        let expr = hcl_edit::parser::parse_expr(sources.text(file)).unwrap();
        let to = Expr {
            file,
            expr: Arc::new(expr),
        };
        import_to(&to)
            .map(|t| (t.module_path(), t.ty, t.name, t.key.is_some()))
            .map_err(|d| d.detail.unwrap_or_default())
    }

    #[test]
    fn reads_resources_modules_and_keys() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse("aws_s3_bucket.logs").unwrap(),
            (vec![], "aws_s3_bucket".into(), "logs".into(), false)
        );
        assert_eq!(
            parse("aws_s3_bucket.logs[each.key]").unwrap(),
            (vec![], "aws_s3_bucket".into(), "logs".into(), true)
        );
        assert_eq!(
            parse("module.a[\"x\"].module.b.aws_instance.web[0]").unwrap(),
            (s(&["a", "b"]), "aws_instance".into(), "web".into(), true)
        );
    }

    #[test]
    fn refuses_data_sources_and_partial_addresses() {
        assert_eq!(
            parse("data.aws_ami.x").unwrap_err(),
            "Only managed resources can be imported."
        );
        for bad in [
            "aws_s3_bucket",
            "module.a",
            "aws_s3_bucket.a.b",
            "aws_s3_bucket[0].a",
            "\"x\"",
        ] {
            assert!(
                parse(bad).unwrap_err().contains("must be the address"),
                "{bad}"
            );
        }
    }
}
