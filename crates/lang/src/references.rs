//! Finding what an expression refers to, for the dependency graph and for Terraform's
//! configuration JSON.

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};

use crate::config::{Expr, span_of};
use crate::source::{FileId, Span};

/// A reference such as `aws_s3_bucket.logs.arn`: its root name and the attribute names
/// that follow it directly (stopping at the first index or splat).
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub root: String,
    pub attrs: Vec<String>,
    pub span: Span,
    traversal: Vec<Step>,
}

impl Reference {
    /// The reference's whole static traversal: the root, then every name and literal
    /// index that follows it, up to the first step that is not known without evaluating
    /// (an index by expression, a splat). For `aws_instance.x[0].tags["Name"]` that is
    /// all of it; for `aws_instance.x[count.index].id` it is `aws_instance.x`.
    pub fn traversal(&self) -> &[Step] {
        &self.traversal
    }
}

/// What an expression needs to be evaluated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Needs {
    /// Every reference, in source order.
    pub references: Vec<Reference>,
    /// Whether it calls a function anywhere.
    pub calls_functions: bool,
}

/// Every reference in `expr`, in source order. Names bound by `for` expressions inside
/// it are not references and are left out.
pub fn references(expr: &Expr) -> Vec<Reference> {
    needs(expr).references
}

/// The references of `expr` (as [`references`] finds them) and whether it calls functions.
pub fn needs(expr: &Expr) -> Needs {
    let mut found = Needs::default();
    collect(expr.file, &expr.expr, &mut Vec::new(), &mut found);
    found
}

/// The expression as a dotted path (`aws.west`), if it is only names and attributes.
pub(crate) fn static_path(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut s = static_path(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(name) => {
                        s.push('.');
                        s.push_str(name.as_str());
                    }
                    _ => return None,
                }
            }
            Some(s)
        }
        _ => None,
    }
}

fn collect(file: FileId, expr: &Expression, bound: &mut Vec<String>, out: &mut Needs) {
    match expr {
        Expression::Variable(v) => {
            if !bound.iter().any(|b| b == v.as_str()) {
                out.references.push(Reference {
                    root: v.as_str().to_string(),
                    attrs: Vec::new(),
                    span: span_of(file, v.span()),
                    traversal: vec![Step::Name(v.as_str().to_string())],
                });
            }
        }
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                if !bound.iter().any(|b| b == v.as_str()) {
                    let attrs: Vec<String> = t
                        .operators
                        .iter()
                        .map_while(|op| match op.value() {
                            TraversalOperator::GetAttr(name) => Some(name.as_str().to_string()),
                            _ => None,
                        })
                        .collect();
                    let mut traversal = vec![Step::Name(v.as_str().to_string())];
                    traversal.extend(t.operators.iter().map_while(|op| literal_step(op.value())));
                    out.references.push(Reference {
                        root: v.as_str().to_string(),
                        attrs,
                        span: span_of(file, t.span()),
                        traversal,
                    });
                }
            } else {
                collect(file, &t.expr, bound, out);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op.value() {
                    collect(file, e, bound, out);
                }
            }
        }
        Expression::Array(a) => a.iter().for_each(|e| collect(file, e, bound, out)),
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                if let hcl_edit::expr::ObjectKey::Expression(k) = k {
                    collect(file, k, bound, out);
                }
                collect(file, v.expr(), bound, out);
            }
        }
        Expression::StringTemplate(t) => collect_template(file, t, bound, out),
        Expression::HeredocTemplate(h) => collect_template(file, &h.template, bound, out),
        Expression::Parenthesis(p) => collect(file, p.inner(), bound, out),
        Expression::Conditional(c) => {
            collect(file, &c.cond_expr, bound, out);
            collect(file, &c.true_expr, bound, out);
            collect(file, &c.false_expr, bound, out);
        }
        Expression::FuncCall(f) => {
            out.calls_functions = true;
            f.args.iter().for_each(|e| collect(file, e, bound, out));
        }
        Expression::UnaryOp(u) => collect(file, &u.expr, bound, out),
        Expression::BinaryOp(b) => {
            collect(file, &b.lhs_expr, bound, out);
            collect(file, &b.rhs_expr, bound, out);
        }
        Expression::ForExpr(f) => {
            collect(file, &f.intro.collection_expr, bound, out);
            let before = bound.len();
            bound.push(f.intro.value_var.as_str().to_string());
            if let Some(k) = &f.intro.key_var {
                bound.push(k.as_str().to_string());
            }
            if let Some(k) = &f.key_expr {
                collect(file, k, bound, out);
            }
            collect(file, &f.value_expr, bound, out);
            if let Some(c) = &f.cond {
                collect(file, &c.expr, bound, out);
            }
            bound.truncate(before);
        }
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => {}
    }
}

fn collect_template(file: FileId, t: &Template, bound: &mut Vec<String>, out: &mut Needs) {
    for element in t.iter() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => collect(file, &i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    collect(file, &i.if_expr.cond_expr, bound, out);
                    collect_template(file, &i.if_expr.template, bound, out);
                    if let Some(e) = &i.else_expr {
                        collect_template(file, &e.template, bound, out);
                    }
                }
                Directive::For(f) => {
                    collect(file, &f.for_expr.collection_expr, bound, out);
                    let before = bound.len();
                    bound.push(f.for_expr.value_var.as_str().to_string());
                    if let Some(k) = &f.for_expr.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    collect_template(file, &f.for_expr.template, bound, out);
                    bound.truncate(before);
                }
            },
        }
    }
}

/// One step of a static traversal such as `module.web.aws_s3_bucket.logs["a"]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A name: the root, or an attribute.
    Name(String),
    /// A literal numeric index.
    Index(u64),
    /// A literal string key.
    Key(String),
}

/// The expression as names and literal indices, if it is only that (no calls, no
/// variables in brackets, no splats).
pub fn static_traversal(expr: &Expr) -> Option<Vec<Step>> {
    match expr.expr.as_ref() {
        Expression::Variable(v) => Some(vec![Step::Name(v.as_str().to_string())]),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut steps = vec![Step::Name(root.as_str().to_string())];
            for op in &t.operators {
                steps.push(literal_step(op.value())?);
            }
            Some(steps)
        }
        _ => None,
    }
}

/// A traversal step that is a name or a literal index; `None` for one that needs
/// evaluating (an index by expression, a splat).
fn literal_step(op: &TraversalOperator) -> Option<Step> {
    match op {
        TraversalOperator::GetAttr(n) => Some(Step::Name(n.as_str().to_string())),
        TraversalOperator::Index(Expression::String(s)) => Some(Step::Key(s.value().clone())),
        TraversalOperator::Index(Expression::Number(n)) => n.value().as_u64().map(Step::Index),
        TraversalOperator::LegacyIndex(n) => Some(Step::Index(*n.value())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;
    use std::path::Path;
    use std::sync::Arc;

    fn refs(src: &str) -> Vec<(String, Vec<String>)> {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("t.hcl"), src.to_string());
        let expr = hcl_edit::parser::parse_expr(sources.text(file)).unwrap();
        references(&Expr {
            file,
            expr: Arc::new(expr),
        })
        .into_iter()
        .map(|r| (r.root, r.attrs))
        .collect()
    }

    #[test]
    fn finds_references_but_not_for_variables() {
        let got =
            refs(r#"[for k, v in var.m : "${k}-${v.x}-${aws_s3_bucket.b[k].arn}-${local.y}"]"#);
        assert_eq!(
            got,
            vec![
                ("var".into(), vec!["m".into()]),
                ("aws_s3_bucket".into(), vec!["b".into()]),
                ("local".into(), vec!["y".into()]),
            ]
        );
        assert_eq!(
            refs("module.web.out[0]"),
            vec![("module".into(), vec!["web".into(), "out".into()])]
        );
    }

    fn parse(src: &str) -> Expr {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("t.hcl"), src.to_string());
        Expr {
            file,
            expr: Arc::new(hcl_edit::parser::parse_expr(sources.text(file)).unwrap()),
        }
    }

    fn names(steps: &[&str]) -> Vec<Step> {
        steps.iter().map(|s| Step::Name(s.to_string())).collect()
    }

    #[test]
    fn traversals_go_past_literal_indexes() {
        let found = references(&parse(r#"digitalocean_tag.role["gateway"].name"#));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].attrs,
            vec!["role".to_string()],
            "attrs stop at the index"
        );
        assert_eq!(
            found[0].traversal(),
            [
                Step::Name("digitalocean_tag".into()),
                Step::Name("role".into()),
                Step::Key("gateway".into()),
                Step::Name("name".into()),
            ]
        );
        let found = references(&parse("aws_instance.x[0].tags[\"Name\"]"));
        assert_eq!(
            found[0].traversal(),
            [
                Step::Name("aws_instance".into()),
                Step::Name("x".into()),
                Step::Index(0),
                Step::Name("tags".into()),
                Step::Key("Name".into()),
            ]
        );
        assert_eq!(
            references(&parse("aws_instance.x.1.id"))[0].traversal(),
            [
                Step::Name("aws_instance".into()),
                Step::Name("x".into()),
                Step::Index(1),
                Step::Name("id".into()),
            ]
        );
    }

    #[test]
    fn traversals_stop_where_evaluation_is_needed() {
        let found = references(&parse("aws_instance.x[count.index].id"));
        let traversals: Vec<&[Step]> = found.iter().map(Reference::traversal).collect();
        assert_eq!(
            traversals,
            vec![
                &names(&["aws_instance", "x"])[..],
                &names(&["count", "index"])[..],
            ]
        );
        assert_eq!(
            references(&parse("aws_instance.x[*].id"))[0].traversal(),
            names(&["aws_instance", "x"])
        );
        assert_eq!(references(&parse("var"))[0].traversal(), names(&["var"]));
        // A traversal of something that is not a name is no reference of its own.
        let found = references(&parse("[for s in var.l : s.id][0].id"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].traversal(), names(&["var", "l"]));
    }

    #[test]
    fn needs_tells_function_calls() {
        assert!(needs(&parse(r#"upper("a")"#)).calls_functions);
        assert!(needs(&parse(r#""${join(",", var.l)}""#)).calls_functions);
        let plain = needs(&parse("[var.a, local.b]"));
        assert!(!plain.calls_functions);
        assert_eq!(plain.references.len(), 2);
    }

    #[test]
    fn static_traversals() {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("t.hcl"), "module.a[\"k\"].aws_x.y[2]".into());
        let expr = Expr {
            file,
            expr: Arc::new(hcl_edit::parser::parse_expr(sources.text(file)).unwrap()),
        };
        assert_eq!(
            static_traversal(&expr).unwrap(),
            vec![
                Step::Name("module".into()),
                Step::Name("a".into()),
                Step::Key("k".into()),
                Step::Name("aws_x".into()),
                Step::Name("y".into()),
                Step::Index(2)
            ]
        );
    }
}
