//! The expression evaluator.
//!
//! hcl-rs's own evaluator has no unknown values, so `iac` walks hcl-edit's tree itself.
//! Unknown operands make unknown results; sensitive operands make sensitive results.
//! References are resolved through a [`Scope`] supplied by the caller.

mod ops;
mod template;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use iac_value::{Type, Value, convert};

use crate::config::{Expr, span_of};
use crate::diag::Diagnostic;
use crate::funcs;
use crate::source::{FileId, Span};

/// Resolves references to named things (`var.x`, `aws_s3_bucket.b`, `each.key`, ...).
pub trait Scope {
    /// Resolves a reference with root name `root` followed by the attribute names
    /// `attrs`. Returns the value and how many of `attrs` the scope used; the evaluator
    /// applies the rest.
    fn resolve(
        &self,
        root: &str,
        attrs: &[&str],
        span: &Span,
    ) -> Result<(Value, usize), Diagnostic>;
}

/// A scope with nothing in it, for expressions that must be constant.
pub struct NoScope;

impl Scope for NoScope {
    fn resolve(&self, root: &str, _: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        Err(Diagnostic::error("Variables not allowed", Some(span.clone()))
            .with_detail(format!("\"{root}\" cannot be referred to here: this value must be known before anything is evaluated.")))
    }
}

/// A scope of plain named values, as `templatefile` uses.
pub struct MapScope<'a>(pub &'a BTreeMap<String, Value>);

impl Scope for MapScope<'_> {
    fn resolve(&self, root: &str, _: &[&str], span: &Span) -> Result<(Value, usize), Diagnostic> {
        match self.0.get(root) {
            Some(v) => Ok((v.clone(), 0)),
            None => Err(Diagnostic::error(
                format!("Unknown variable \"{root}\""),
                Some(span.clone()),
            )
            .with_detail(format!(
                "The template has no variable named \"{root}\".{}",
                crate::did_you_mean(root, self.0.keys().map(String::as_str))
            ))),
        }
    }
}

/// Whether configuration is evaluated to make a plan or to apply one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Phase {
    /// Planning (and validating): `timestamp()`, `plantimestamp()`, `uuid()` and
    /// `bcrypt()` are unknown, so two plans of the same inputs are identical.
    #[default]
    Plan,
    /// Applying: those functions are known; `plantimestamp()` is `plan_time`.
    Apply { plan_time: SystemTime },
}

/// What an evaluation may use: a scope for references, the folder that relative
/// file paths are read from, and the phase.
pub struct EvalContext<'a> {
    pub scope: &'a dyn Scope,
    pub base_dir: &'a Path,
    pub phase: Phase,
}

impl<'a> EvalContext<'a> {
    /// A context over `scope`, reading files relative to `base_dir`, for planning.
    pub fn new(scope: &'a dyn Scope, base_dir: &'a Path) -> EvalContext<'a> {
        EvalContext {
            scope,
            base_dir,
            phase: Phase::Plan,
        }
    }

    /// The same context in `phase`.
    pub fn with_phase(mut self, phase: Phase) -> EvalContext<'a> {
        self.phase = phase;
        self
    }

    /// A context over another scope, keeping the folder and the phase.
    pub fn with_scope<'b>(&'b self, scope: &'b dyn Scope) -> EvalContext<'b> {
        EvalContext {
            scope,
            base_dir: self.base_dir,
            phase: self.phase,
        }
    }
}

/// Evaluates an expression.
pub fn evaluate(expr: &Expr, ctx: &EvalContext) -> Result<Value, Diagnostic> {
    Evaluator {
        file: expr.file,
        ctx,
        locals: Vec::new(),
    }
    .eval(&expr.expr)
}

/// Evaluates an expression and converts the result to `ty`.
pub fn evaluate_as(expr: &Expr, ty: &Type, ctx: &EvalContext) -> Result<Value, Diagnostic> {
    let value = evaluate(expr, ctx)?;
    convert(value, ty)
        .map_err(|m| Diagnostic::error("Incorrect value type", Some(expr.span())).with_detail(m))
}

/// What a `for` iterates over: (key, value) pairs, and whether the collection was sensitive.
pub(crate) type Iteration = (Vec<(Value, Value)>, bool);

pub(crate) struct Evaluator<'a, 'c> {
    pub(crate) file: FileId,
    pub(crate) ctx: &'a EvalContext<'c>,
    /// Names bound by enclosing `for` expressions and template directives.
    pub(crate) locals: Vec<(String, Value)>,
}

impl Evaluator<'_, '_> {
    pub(crate) fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        span_of(self.file, range)
    }

    pub(crate) fn error(
        &self,
        e: &impl hcl_edit::Span,
        summary: &str,
        detail: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(summary, Some(self.span(e.span()))).with_detail(detail)
    }

    pub(crate) fn eval(&mut self, e: &Expression) -> Result<Value, Diagnostic> {
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(Value::Number(n.value().as_f64().unwrap_or(f64::NAN))),
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(items) => items
                .iter()
                .map(|i| self.eval(i))
                .collect::<Result<_, _>>()
                .map(Value::List),
            Expression::Object(obj) => self.object(obj),
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.heredoc(h),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self
                .variable(v.as_str(), &[], &self.span(v.span()))
                .map(|(v, _)| v),
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr)?;
                let (cond, sensitive) = cond.into_unmarked();
                match convert(cond.mark_if(sensitive), &Type::Bool).map(|c| c.into_unmarked().0) {
                    Ok(Value::Unknown) => Ok(Value::Unknown.mark_if(sensitive)),
                    Ok(Value::Bool(true)) => Ok(self.eval(&c.true_expr)?.mark_if(sensitive)),
                    Ok(Value::Bool(false)) => Ok(self.eval(&c.false_expr)?.mark_if(sensitive)),
                    Ok(_) => Err(self.error(
                        &c.cond_expr,
                        "Null condition",
                        "The condition value is null; conditions must be true or false.",
                    )),
                    Err(m) => Err(self.error(&c.cond_expr, "Incorrect condition type", m)),
                }
            }
            Expression::FuncCall(call) => self.call(call),
            Expression::Traversal(t) => self.traversal(t),
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr)?;
                ops::unary(*u.operator.value(), v).map_err(|m| self.error(e, "Invalid operand", m))
            }
            Expression::BinaryOp(b) => {
                let l = self.eval(&b.lhs_expr)?;
                let r = self.eval(&b.rhs_expr)?;
                ops::binary(*b.operator.value(), l, r)
                    .map_err(|m| self.error(e, "Invalid operand", m))
            }
            Expression::ForExpr(f) => self.for_expr(f),
        }
    }

    fn object(&mut self, obj: &hcl_edit::expr::Object) -> Result<Value, Diagnostic> {
        let mut map = BTreeMap::new();
        let mut unknown_key = false;
        // Keys cannot carry marks: a sensitive key makes the whole object sensitive.
        let mut sensitive_key = false;
        for (k, v) in obj.iter() {
            let key = match k {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(ke) => {
                    // A bare name as a key means that name, as in HCL.
                    if let Expression::Variable(v) = ke {
                        v.as_str().to_string()
                    } else {
                        let (kv, ks) = self.eval(ke)?.into_unmarked();
                        sensitive_key |= ks;
                        match convert(kv.mark_if(ks), &Type::String).map(|k| k.into_unmarked().0) {
                            Ok(Value::String(s)) => s,
                            Ok(Value::Unknown) => {
                                unknown_key = true;
                                continue;
                            }
                            Ok(_) => {
                                return Err(self.error(
                                    ke,
                                    "Invalid object key",
                                    "Object keys must not be null.",
                                ));
                            }
                            Err(m) => return Err(self.error(ke, "Invalid object key", m)),
                        }
                    }
                }
            };
            let value = self.eval(v.expr())?;
            map.insert(key, value);
        }
        Ok(if unknown_key {
            Value::Unknown
        } else {
            Value::Map(map)
        }
        .mark_if(sensitive_key))
    }

    fn variable(
        &mut self,
        name: &str,
        attrs: &[&str],
        span: &Span,
    ) -> Result<(Value, usize), Diagnostic> {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Ok((v.clone(), 0));
        }
        self.ctx.scope.resolve(name, attrs, span)
    }

    fn traversal(&mut self, t: &hcl_edit::expr::Traversal) -> Result<Value, Diagnostic> {
        let (mut value, used) = match &t.expr {
            Expression::Variable(v) => {
                let attrs: Vec<&str> = t
                    .operators
                    .iter()
                    .map_while(|op| match op.value() {
                        TraversalOperator::GetAttr(n) => Some(n.as_str()),
                        _ => None,
                    })
                    .collect();
                let span = self.span(t.span());
                self.variable(v.as_str(), &attrs, &span)?
            }
            other => (self.eval(other)?, 0),
        };
        let ops = &t.operators[used..];
        for (i, op) in ops.iter().enumerate() {
            match op.value() {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    return self.splat(value, &ops[i + 1..]);
                }
                _ => value = self.step(value, op)?,
            }
        }
        Ok(value)
    }

    fn splat(
        &mut self,
        value: Value,
        rest: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> Result<Value, Diagnostic> {
        let (value, sensitive) = value.into_unmarked();
        let items = match value {
            Value::Unknown => return Ok(Value::Unknown.mark_if(sensitive)),
            Value::Null => Vec::new(),
            Value::List(items) | Value::Set(items) => items,
            other => vec![other],
        };
        let mut out = Vec::with_capacity(items.len());
        for mut item in items {
            for op in rest {
                item = self.step(item, op)?;
            }
            out.push(item);
        }
        Ok(Value::List(out).mark_if(sensitive))
    }

    fn step(
        &mut self,
        value: Value,
        op: &hcl_edit::Decorated<TraversalOperator>,
    ) -> Result<Value, Diagnostic> {
        let (value, sensitive) = value.into_unmarked();
        let result = match op.value() {
            TraversalOperator::GetAttr(name) => self.get_attr(value, name.as_str(), op)?,
            TraversalOperator::Index(ie) => {
                let (key, key_sensitive) = self.eval(ie)?.into_unmarked();
                self.index(value, key, key_sensitive, op)?
                    .mark_if(key_sensitive)
            }
            TraversalOperator::LegacyIndex(n) => {
                self.index(value, Value::Number(*n.value() as f64), false, op)?
            }
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                unreachable!("splats are handled by the caller")
            }
        };
        Ok(result.mark_if(sensitive))
    }

    fn get_attr(
        &self,
        value: Value,
        name: &str,
        at: &impl hcl_edit::Span,
    ) -> Result<Value, Diagnostic> {
        match value {
            Value::Unknown => Ok(Value::Unknown),
            Value::Map(mut map) => match map.remove(name) {
                Some(v) => Ok(v),
                None => Err(self.error(at, "Unsupported attribute", format!(
                    "This object does not have an attribute named \"{name}\".{}",
                    crate::did_you_mean(name, map.keys().map(String::as_str))
                ))),
            },
            Value::Null => Err(self.error(at, "Attempt to get attribute from null value", format!("This value is null, so it does not have an attribute named \"{name}\"."))),
            Value::List(_) | Value::Set(_) => Err(self.error(at, "Unsupported attribute", format!(
                "Can't access attributes on a list of objects. Did you mean to access attribute \"{name}\" for a specific element of the list, or across all elements of the list (with [*].{name})?"
            ))),
            other => Err(self.error(at, "Unsupported attribute", format!("Can't access attributes on a primitive-typed value ({}).", other.type_name()))),
        }
    }

    /// `value[key]`; a `secret` key is never shown in the error.
    fn index(
        &self,
        value: Value,
        key: Value,
        secret: bool,
        at: &impl hcl_edit::Span,
    ) -> Result<Value, Diagnostic> {
        if key.is_unknown() || value.is_unknown() {
            return Ok(Value::Unknown);
        }
        match value {
            Value::List(mut items) => {
                let i = match convert(key, &Type::Number) {
                    Ok(Value::Number(n)) if n >= 0.0 && n.fract() == 0.0 => n as usize,
                    _ => {
                        return Err(self.error(
                            at,
                            "Invalid index",
                            "A list is indexed by a whole number.",
                        ));
                    }
                };
                if i >= items.len() && secret {
                    return Err(self.error(
                        at,
                        "Invalid index",
                        "The given key does not identify an element in this collection value.",
                    ));
                }
                if i >= items.len() {
                    return Err(self.error(at, "Invalid index", format!("The given key does not identify an element in this collection value: the index {i} is out of range for a list of {} elements.", items.len())));
                }
                Ok(items.swap_remove(i))
            }
            Value::Map(mut map) => {
                let k = match convert(key, &Type::String) {
                    Ok(Value::String(s)) => s,
                    _ => {
                        return Err(self.error(
                            at,
                            "Invalid index",
                            "A map is indexed by a string.",
                        ));
                    }
                };
                map.remove(&k).ok_or_else(|| {
                    if secret {
                        return self.error(at, "Invalid index", "The given key does not identify an element in this collection value.");
                    }
                    self.error(at, "Invalid index", format!("The given key does not identify an element in this collection value: no element has the key \"{k}\".{}", crate::did_you_mean(&k, map.keys().map(String::as_str))))
                })
            }
            Value::Set(_) => Err(self.error(
                at,
                "Invalid index",
                "Elements of a set are not indexed; convert it with tolist(...) first.",
            )),
            Value::Null => Err(self.error(
                at,
                "Attempt to index null value",
                "This value is null, so it does not have any indices.",
            )),
            other => Err(self.error(
                at,
                "Invalid index",
                format!(
                    "This value ({}) does not have any indices.",
                    other.type_name()
                ),
            )),
        }
    }

    fn call(&mut self, call: &hcl_edit::expr::FuncCall) -> Result<Value, Diagnostic> {
        let name = call.name.name.as_str();
        let span = self.span(call.span());
        let core = call.name.namespace.len() == 1 && call.name.namespace[0].as_str() == "core";
        if !call.name.namespace.is_empty() && !core {
            return Err(Diagnostic::error("Call to unknown function", Some(span))
                .with_detail("Provider-defined functions are not supported."));
        }
        let args: Vec<&Expression> = call.args.iter().collect();
        match name {
            "try" => return self.call_try(&args, span),
            "templatestring" => return self.call_templatestring(&args, span),
            "can" => {
                let [arg] = args.as_slice() else {
                    return Err(Diagnostic::error("Invalid function arguments", Some(span))
                        .with_detail("can takes exactly one argument."));
                };
                return match self.eval(arg) {
                    Ok(v) if v.is_unknown() => Ok(Value::Unknown),
                    Ok(_) => Ok(Value::Bool(true)),
                    Err(_) => Ok(Value::Bool(false)),
                };
            }
            _ => {}
        }
        let mut values = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<Vec<_>, _>>()?;
        if call.args.expand_final() {
            let last = values.pop().unwrap_or(Value::Null);
            let (last, sensitive) = last.into_unmarked();
            // A sensitive list marks every element it spreads into the arguments.
            match last {
                Value::List(items) | Value::Set(items) => {
                    values.extend(items.into_iter().map(|v| v.mark_if(sensitive)))
                }
                Value::Unknown => {
                    let any = sensitive || values.iter().any(Value::contains_sensitive);
                    return Ok(Value::Unknown.mark_if(any));
                }
                _ => {
                    return Err(
                        Diagnostic::error("Invalid expanding argument value", Some(span))
                            .with_detail(
                                "The expanding argument (indicated by ...) must be a list or set.",
                            ),
                    );
                }
            }
        }
        let secrets = sensitive_texts(&values);
        let fctx = funcs::Ctx {
            base_dir: self.ctx.base_dir,
            phase: self.ctx.phase,
        };
        funcs::call(name, values, &fctx).map_err(|e| {
            let (summary, detail) = funcs::describe(name, e);
            let detail = if secrets.iter().any(|s| detail.contains(s.as_str())) {
                format!(
                    "Call to function \"{name}\" failed; the message is not shown because it includes a sensitive value."
                )
            } else {
                detail
            };
            Diagnostic::error(summary, Some(span.clone())).with_detail(detail)
        })
    }

    /// `templatestring(ref, vars)`: renders a template held in a string, which must come
    /// from a reference rather than a literal (a literal would already be rendered).
    fn call_templatestring(
        &mut self,
        args: &[&Expression],
        span: Span,
    ) -> Result<Value, Diagnostic> {
        let fail = |summary: &str, detail: String| {
            Err(Diagnostic::error(summary, Some(span.clone())).with_detail(detail))
        };
        let [template, vars] = args else {
            let (summary, detail) = if args.len() < 2 {
                let missing = ["template", "vars"][args.len()];
                (
                    "Not enough function arguments",
                    format!(
                        "Function \"templatestring\" expects 2 argument(s). Missing value for \"{missing}\"."
                    ),
                )
            } else {
                (
                    "Too many function arguments",
                    "Function \"templatestring\" expects only 2 argument(s).".to_string(),
                )
            };
            return fail(summary, detail);
        };
        if matches!(
            template,
            Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_)
        ) {
            return fail("Invalid function argument", "Invalid value for \"template\" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead.".into());
        }
        if !matches!(template, Expression::Traversal(_) | Expression::Variable(_)) {
            return fail("Invalid function argument", "Invalid value for \"template\" parameter: invalid template expression: must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax.".into());
        }
        let (text, text_sensitive) = self.eval(template)?.into_unmarked();
        let (vars, vars_sensitive) = self.eval(vars)?.unmark_deep();
        let sensitive = text_sensitive || !vars_sensitive.is_empty();
        if text.is_unknown() || !vars.is_wholly_known() {
            return Ok(Value::Unknown.mark_if(sensitive));
        }
        let Value::String(text) = text else {
            return fail(
                "Invalid function argument",
                "Invalid value for \"template\" parameter: string required.".into(),
            );
        };
        let Value::Map(vars) = vars else {
            return fail(
                "Invalid function argument",
                "Invalid value for \"vars\" parameter: invalid vars value: must be a map.".into(),
            );
        };
        let fctx = funcs::Ctx {
            base_dir: self.ctx.base_dir,
            phase: self.ctx.phase,
        };
        match funcs::render_template(&text, &vars, &fctx) {
            Ok(v) => Ok(v.mark_if(sensitive)),
            Err(m) => fail(
                "Error in function call",
                format!("Call to function \"templatestring\" failed: {m}."),
            ),
        }
    }

    fn call_try(&mut self, args: &[&Expression], span: Span) -> Result<Value, Diagnostic> {
        let mut last = None;
        for arg in args {
            match self.eval(arg) {
                Ok(v) if v.is_unknown() => return Ok(Value::Unknown),
                Ok(v) => return Ok(v),
                Err(d) => last = Some(d),
            }
        }
        Err(
            Diagnostic::error("Error in function call", Some(span)).with_detail(format!(
                "Call to function \"try\" failed: no expression succeeded{}",
                last.map(|d| format!("; the last error was: {d}"))
                    .unwrap_or_default()
            )),
        )
    }

    /// The (key, value) pairs a `for` iterates over.
    pub(crate) fn iteration(
        &self,
        coll: Value,
        at: &impl hcl_edit::Span,
    ) -> Result<Option<Iteration>, Diagnostic> {
        let (coll, sensitive) = coll.into_unmarked();
        let pairs =
            match coll {
                Value::Unknown => return Ok(None),
                Value::List(items) | Value::Set(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (Value::Number(i as f64), v))
                    .collect(),
                Value::Map(map) => map
                    .into_iter()
                    .map(|(k, v)| (Value::String(k), v))
                    .collect(),
                Value::Null => {
                    return Err(self.error(
                        at,
                        "Iteration over null value",
                        "A null value cannot be used as the collection in a for expression.",
                    ));
                }
                other => return Err(self.error(
                    at,
                    "Iteration over non-iterable value",
                    format!(
                        "A value of type {} cannot be used as the collection in a for expression.",
                        other.type_name()
                    ),
                )),
            };
        Ok(Some((pairs, sensitive)))
    }

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr) -> Result<Value, Diagnostic> {
        let coll = self.eval(&f.intro.collection_expr)?;
        let Some((pairs, sensitive)) = self.iteration(coll, &f.intro.collection_expr)? else {
            return Ok(Value::Unknown);
        };
        let value_var = f.intro.value_var.as_str().to_string();
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let mut out = ForResult {
            sensitive,
            ..ForResult::default()
        };
        for (k, v) in pairs {
            let before = self.locals.len();
            if let Some(kv) = &key_var {
                self.locals.push((kv.clone(), k));
            }
            self.locals.push((value_var.clone(), v));
            let result = self.for_item(f, &mut out);
            self.locals.truncate(before);
            result?;
        }
        let value = if out.unknown {
            Value::Unknown
        } else if f.key_expr.is_some() {
            if f.grouping {
                Value::Map(
                    out.groups
                        .into_iter()
                        .map(|(k, v)| (k, Value::List(v)))
                        .collect(),
                )
            } else {
                Value::Map(out.map)
            }
        } else {
            Value::List(out.list)
        };
        Ok(value.mark_if(out.sensitive))
    }

    fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        out: &mut ForResult,
    ) -> Result<(), Diagnostic> {
        if let Some(cond) = &f.cond {
            // Which items a sensitive condition keeps tells something about it, so the
            // result is sensitive (as in HCL).
            let (include, sensitive) = self.eval(&cond.expr)?.into_unmarked();
            out.sensitive |= sensitive;
            match convert(include, &Type::Bool) {
                Ok(Value::Bool(true)) => {}
                Ok(Value::Bool(false)) => return Ok(()),
                Ok(Value::Unknown) => {
                    out.unknown = true;
                    return Ok(());
                }
                _ => {
                    return Err(self.error(
                        &cond.expr,
                        "Invalid for expression condition",
                        "The condition must be true or false.",
                    ));
                }
            }
        }
        let value = self.eval(&f.value_expr)?;
        let Some(key_expr) = &f.key_expr else {
            out.list.push(value);
            return Ok(());
        };
        // Keys cannot carry marks: a sensitive key makes the whole result sensitive.
        let (key, key_sensitive) = self.eval(key_expr)?.into_unmarked();
        out.sensitive |= key_sensitive;
        let key =
            match convert(key.mark_if(key_sensitive), &Type::String).map(|k| k.into_unmarked().0) {
                Ok(Value::String(s)) => s,
                Ok(Value::Unknown) => {
                    out.unknown = true;
                    return Ok(());
                }
                _ => {
                    return Err(self.error(
                        key_expr,
                        "Invalid object key",
                        "The key expression must produce a string.",
                    ));
                }
            };
        if f.grouping {
            out.groups.entry(key).or_default().push(value);
            return Ok(());
        }
        match out.map.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => {
                let shown = if key_sensitive {
                    "(sensitive value)".to_string()
                } else {
                    format!("\"{}\"", e.key())
                };
                Err(self.error(key_expr, "Duplicate object key", format!(
                    "Two different items produced the key {shown} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to group them by key."
                )))
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(value);
                Ok(())
            }
        }
    }
}

/// What a `for` expression has gathered so far.
#[derive(Default)]
struct ForResult {
    list: Vec<Value>,
    map: BTreeMap<String, Value>,
    groups: BTreeMap<String, Vec<Value>>,
    unknown: bool,
    sensitive: bool,
}

/// The text of every sensitive part of `values`, to keep out of error messages.
fn sensitive_texts(values: &[Value]) -> Vec<String> {
    fn gather(v: &Value, inside: bool, out: &mut Vec<String>) {
        match v {
            Value::Sensitive(inner) => gather(inner, true, out),
            Value::List(items) | Value::Set(items) => {
                items.iter().for_each(|i| gather(i, inside, out))
            }
            Value::Map(m) => m.iter().for_each(|(k, v)| {
                if inside {
                    out.push(k.clone());
                }
                gather(v, inside, out)
            }),
            Value::String(s) if inside && !s.is_empty() => out.push(s.clone()),
            Value::Number(n) if inside => out.push(iac_value::display_number(*n)),
            Value::Bool(b) if inside => out.push(b.to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    values.iter().for_each(|v| gather(v, false, &mut out));
    out
}
