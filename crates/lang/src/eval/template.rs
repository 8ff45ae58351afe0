//! String templates: interpolation, `%{ if }` and `%{ for }` directives, and `~` strip markers.

use hcl_edit::template::{Directive, Element, Template};
use iac_value::{Type, Value, convert};

use super::Evaluator;
use crate::diag::Diagnostic;

/// The rendered pieces of a template so far: text, and whether it is unknown or sensitive.
#[derive(Default)]
struct Rendered {
    text: String,
    unknown: bool,
    sensitive: bool,
    /// Set by a strip marker: trim leading white space from the next literal.
    trim_next: bool,
}

impl Rendered {
    fn literal(&mut self, s: &str) {
        if std::mem::take(&mut self.trim_next) {
            self.text.push_str(s.trim_start());
        } else {
            self.text.push_str(s);
        }
    }

    fn strip_before(&mut self) {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
    }
}

impl Evaluator<'_, '_> {
    /// Evaluates a template to a string (or unknown). A template that is a single
    /// interpolation keeps the interpolated value's type, as in HCL.
    pub(crate) fn template(&mut self, t: &Template) -> Result<Value, Diagnostic> {
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr);
        }
        let mut out = Rendered::default();
        self.render(t, &mut out)?;
        Ok(if out.unknown {
            Value::Unknown
        } else {
            Value::String(out.text)
        }
        .mark_if(out.sensitive))
    }

    fn render(&mut self, t: &Template, out: &mut Rendered) -> Result<(), Diagnostic> {
        for element in t.iter() {
            match element {
                Element::Literal(s) => out.literal(s.value()),
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        out.strip_before();
                    }
                    let v = self.eval(&i.expr)?;
                    self.append(v, &i.expr, out)?;
                    out.trim_next = i.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(dir) => {
                        if dir.if_expr.strip.strip_start() {
                            out.strip_before();
                        }
                        let cond = self.eval(&dir.if_expr.cond_expr)?;
                        let (cond, sensitive) = cond.into_unmarked();
                        out.sensitive |= sensitive;
                        match convert(cond, &Type::Bool) {
                            Ok(Value::Bool(true)) => {
                                out.trim_next = dir.if_expr.strip.strip_end();
                                self.render(&dir.if_expr.template, out)?;
                            }
                            Ok(Value::Bool(false)) => {
                                if let Some(e) = &dir.else_expr {
                                    if e.strip.strip_start() {
                                        out.strip_before();
                                    }
                                    out.trim_next = e.strip.strip_end();
                                    self.render(&e.template, out)?;
                                }
                            }
                            Ok(Value::Unknown) => out.unknown = true,
                            _ => {
                                return Err(self.error(
                                    &dir.if_expr.cond_expr,
                                    "Invalid template directive",
                                    "The condition of %{ if } must be true or false.",
                                ));
                            }
                        }
                        if dir.endif_expr.strip.strip_start() {
                            out.strip_before();
                        }
                        out.trim_next = dir.endif_expr.strip.strip_end();
                    }
                    Directive::For(dir) => {
                        let f = &dir.for_expr;
                        if f.strip.strip_start() {
                            out.strip_before();
                        }
                        let coll = self.eval(&f.collection_expr)?;
                        match self.iteration(coll, &f.collection_expr)? {
                            None => out.unknown = true,
                            Some((pairs, sensitive)) => {
                                out.sensitive |= sensitive;
                                for (k, v) in pairs {
                                    let before = self.locals.len();
                                    if let Some(kv) = &f.key_var {
                                        self.locals.push((kv.as_str().to_string(), k));
                                    }
                                    self.locals.push((f.value_var.as_str().to_string(), v));
                                    out.trim_next = f.strip.strip_end();
                                    let result = self.render(&f.template, out);
                                    self.locals.truncate(before);
                                    result?;
                                    if dir.endfor_expr.strip.strip_start() {
                                        out.strip_before();
                                    }
                                }
                            }
                        }
                        out.trim_next = dir.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }

    fn append(
        &self,
        v: Value,
        at: &hcl_edit::expr::Expression,
        out: &mut Rendered,
    ) -> Result<(), Diagnostic> {
        let (v, sensitive) = v.into_unmarked();
        out.sensitive |= sensitive;
        match convert(v, &Type::String) {
            Ok(Value::String(s)) => out.text.push_str(&s),
            Ok(Value::Unknown) => out.unknown = true,
            Ok(_) => return Err(self.error(
                at,
                "Invalid template interpolation value",
                "The expression result is null. Cannot include a null value in a string template.",
            )),
            Err(_) => {
                return Err(self.error(
                    at,
                    "Invalid template interpolation value",
                    "Cannot include the given value in a string template: string required.",
                ));
            }
        }
        Ok(())
    }
}
