//! Checks of a module's expressions that need no values, so that `validate` finds what
//! `plan` would: calls of functions that do not exist, wherever they are written.

use hcl_edit::Span as _;
use hcl_edit::expr::FuncCall;
use hcl_edit::visit::{Visit, visit_func_call};

use crate::config::{Expr, Module, span_of};
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::FileId;

/// Whether a built-in function of this name exists, the evaluator's own (`can`, `try`,
/// `templatestring`) included. (The one place that asks.)
fn function_exists(name: &str) -> bool {
    crate::funcs::names().any(|n| n == name)
}

/// The names suggestions are drawn from.
fn function_names() -> impl Iterator<Item = &'static str> {
    crate::funcs::names()
}

/// Reports every call of an unknown function in the module's locals, outputs, variable
/// validations and module call arguments: the expressions loading does not otherwise
/// evaluate (resource and provider bodies, `count`, `for_each` and defaults are
/// evaluated against their schemas and types when the stack is loaded).
pub(super) fn unknown_functions(module: &Module, diags: &mut Diagnostics) {
    let mut exprs: Vec<&Expr> = Vec::new();
    exprs.extend(module.locals.values().map(|l| &l.expr));
    exprs.extend(module.outputs.values().map(|o| &o.value));
    for v in module.variables.values() {
        for rule in &v.validations {
            exprs.push(&rule.condition);
            exprs.push(&rule.error_message);
        }
    }
    for call in module.module_calls.values() {
        exprs.extend(call.inputs.iter().map(|a| &a.expr));
        exprs.extend(call.count.iter().chain(&call.for_each));
    }
    for expr in exprs {
        let mut finder = Finder {
            file: expr.file,
            diags: &mut *diags,
        };
        finder.visit_expr(&expr.expr);
    }
}

struct Finder<'a> {
    file: FileId,
    diags: &'a mut Diagnostics,
}

impl Visit for Finder<'_> {
    fn visit_func_call(&mut self, call: &FuncCall) {
        let name = call.name.name.as_str();
        let span = span_of(self.file, call.span());
        let core = call.name.namespace.len() == 1 && call.name.namespace[0].as_str() == "core";
        if !call.name.namespace.is_empty() && !core {
            self.diags.push(
                Diagnostic::error("Call to unknown function", Some(span))
                    .with_detail("Provider-defined functions are not supported."),
            );
        } else if !function_exists(name) {
            self.diags.push(
                Diagnostic::error("Call to unknown function", Some(span)).with_detail(format!(
                    "There is no function named \"{name}\".{}",
                    crate::did_you_mean(name, function_names())
                )),
            );
        }
        visit_func_call(self, call);
    }
}
