//! Type constraint expressions: `string`, `list(object({ a = optional(number, 1) }))`, ...

use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::expr::{Expression, ObjectKey};
use iac_value::{ObjectAttr, Type, Value};

use crate::config::Expr;
use crate::diag::Diagnostic;
use crate::eval::{EvalContext, NoScope, evaluate};

/// Parses a type constraint. The second value is the default given by `optional(T, d)`,
/// which only object attributes may use.
pub fn parse_type(expr: &Expr) -> Result<(Type, Option<Value>), Diagnostic> {
    parse(expr, &expr.expr, false).map(|(t, _, d)| (t, d))
}

fn invalid(expr: &Expr, e: &Expression, detail: &str) -> Diagnostic {
    let at = Expr {
        file: expr.file,
        expr: std::sync::Arc::new(e.clone()),
    };
    Diagnostic::error("Invalid type specification", Some(at.span())).with_detail(detail.to_string())
}

/// Returns the type, whether it was wrapped in `optional`, and its default.
fn parse(
    root: &Expr,
    e: &Expression,
    in_object: bool,
) -> Result<(Type, bool, Option<Value>), Diagnostic> {
    match e {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ok((Type::String, false, None)),
            "number" => Ok((Type::Number, false, None)),
            "bool" => Ok((Type::Bool, false, None)),
            "any" => Ok((Type::Any, false, None)),
            "list" | "set" | "map" => Err(invalid(
                root,
                e,
                &format!(
                    "The {} type needs an element type, e.g. {}(string).",
                    v.as_str(),
                    v.as_str()
                ),
            )),
            other => Err(invalid(
                root,
                e,
                &format!(
                    "\"{other}\" is not a type; use string, number, bool, any, list(...), set(...), map(...), object({{...}}) or tuple([...])."
                ),
            )),
        },
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            let one = |args: &[&Expression]| -> Result<Type, Diagnostic> {
                match args {
                    [a] => parse(root, a, false).map(|(t, _, _)| t),
                    _ => Err(invalid(
                        root,
                        e,
                        &format!("{name}(...) takes exactly one element type."),
                    )),
                }
            };
            match name {
                "list" => Ok((Type::list(one(&args)?), false, None)),
                "set" => Ok((Type::set(one(&args)?), false, None)),
                "map" => Ok((Type::map(one(&args)?), false, None)),
                "tuple" => match args.as_slice() {
                    [Expression::Array(items)] => {
                        let types = items
                            .iter()
                            .map(|i| parse(root, i, false).map(|(t, _, _)| t))
                            .collect::<Result<_, _>>()?;
                        Ok((Type::Tuple(types), false, None))
                    }
                    _ => Err(invalid(
                        root,
                        e,
                        "tuple takes a list of element types: tuple([string, number]).",
                    )),
                },
                "object" => match args.as_slice() {
                    [Expression::Object(obj)] => {
                        let mut attrs = BTreeMap::new();
                        for (k, v) in obj.iter() {
                            let key = match k {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => {
                                    s.as_str().to_string()
                                }
                                ObjectKey::Expression(other) => {
                                    return Err(invalid(
                                        root,
                                        other,
                                        "Object type attribute names must be plain names.",
                                    ));
                                }
                            };
                            let (ty, optional, default) = parse(root, v.expr(), true)?;
                            attrs.insert(
                                key,
                                ObjectAttr {
                                    ty,
                                    optional,
                                    default,
                                },
                            );
                        }
                        Ok((Type::Object(attrs), false, None))
                    }
                    _ => Err(invalid(
                        root,
                        e,
                        "object takes an object of attribute types: object({ name = string }).",
                    )),
                },
                "optional" if in_object => match args.as_slice() {
                    [t] => Ok((parse(root, t, false)?.0, true, None)),
                    [t, d] => {
                        let ty = parse(root, t, false)?.0;
                        let at = Expr {
                            file: root.file,
                            expr: std::sync::Arc::new((*d).clone()),
                        };
                        let default = evaluate(&at, &EvalContext::new(&NoScope, Path::new(".")))?;
                        let default = iac_value::convert(default, &ty).map_err(|m| {
                            Diagnostic::error(
                                "Invalid default for optional attribute",
                                Some(at.span()),
                            )
                            .with_detail(m)
                        })?;
                        Ok((ty, true, Some(default)))
                    }
                    _ => Err(invalid(
                        root,
                        e,
                        "optional takes a type and, optionally, a default value.",
                    )),
                },
                "optional" => Err(invalid(
                    root,
                    e,
                    "optional(...) may only be used for attributes of an object type.",
                )),
                other => Err(invalid(
                    root,
                    e,
                    &format!("\"{other}\" is not a type constructor."),
                )),
            }
        }
        _ => Err(invalid(
            root,
            e,
            "A type is a keyword such as string, or a constructor such as list(string).",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn parse_str(src: &str) -> Result<Type, Diagnostic> {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("t.hcl"), src.to_string());
        let expr = hcl_edit::parser::parse_expr(sources.text(file)).unwrap();
        parse_type(&Expr {
            file,
            expr: std::sync::Arc::new(expr),
        })
        .map(|(t, _)| t)
    }

    #[test]
    fn type_constraints() {
        assert_eq!(parse_str("string").unwrap(), Type::String);
        assert_eq!(
            parse_str("list(map(number))").unwrap(),
            Type::list(Type::map(Type::Number))
        );
        assert_eq!(
            parse_str("tuple([string, bool])").unwrap(),
            Type::Tuple(vec![Type::String, Type::Bool])
        );
        let Type::Object(attrs) =
            parse_str("object({ name = string, size = optional(number, 2) })").unwrap()
        else {
            panic!()
        };
        assert!(!attrs["name"].optional);
        assert_eq!(
            (attrs["size"].optional, attrs["size"].default.clone()),
            (true, Some(Value::Number(2.0)))
        );
        assert!(
            parse_str("strin")
                .unwrap_err()
                .detail
                .unwrap()
                .contains("is not a type")
        );
        assert!(
            parse_str("optional(string)").is_err(),
            "optional only inside object"
        );
        assert!(parse_str("list").is_err());
    }
}
