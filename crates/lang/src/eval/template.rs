//! String templates: interpolation, `%{ if }` and `%{ for }` directives, and `~` strip markers.

use hcl_edit::template::{
    Directive, Element, ForDirective, HeredocTemplate, IfDirective, Template,
};
use iac_value::{Type, Value, convert};

use super::Evaluator;
use crate::diag::Diagnostic;

/// The rendered pieces of a template so far: text, and whether it is unknown or sensitive.
#[derive(Default)]
struct Rendered {
    text: String,
    unknown: bool,
    sensitive: bool,
    /// Where the literal text at the end of `text` begins: a strip marker removes white
    /// space from the adjacent literal only, never from an interpolated value or from
    /// what a directive rendered.
    literal_start: usize,
    /// Set by a strip marker: trim leading white space from the next element if it is
    /// a literal.
    trim_next: bool,
    /// In a heredoc each line is a literal of its own, so a strip marker reaches only
    /// to the line break next to it (as HCL does).
    heredoc: bool,
    /// Inside a directive's body: the parser leaves escapes there as written, and a
    /// quoted string processes them as everywhere else in it.
    in_body: bool,
}

impl Rendered {
    fn literal(&mut self, s: &str) {
        let unescaped;
        let s = if self.in_body && !self.heredoc {
            unescaped = unescape(s);
            unescaped.as_str()
        } else {
            s
        };
        if std::mem::take(&mut self.trim_next) {
            // The first literal token: the whole text, or in a heredoc its first line.
            let end = if self.heredoc {
                s.find('\n').map_or(s.len(), |i| i + 1)
            } else {
                s.len()
            };
            self.text.push_str(s[..end].trim_start());
            self.text.push_str(&s[end..]);
        } else {
            self.text.push_str(s);
        }
    }

    /// Removes trailing white space from the adjacent literal (in a heredoc, from its
    /// last line).
    fn strip_before(&mut self) {
        let region = &self.text[self.literal_start..];
        let start = if self.heredoc {
            let scan = region.strip_suffix('\n').unwrap_or(region);
            scan.rfind('\n').map_or(0, |i| i + 1)
        } else {
            0
        };
        let token = &region[start..];
        let keep = self.literal_start + start + token.trim_end().len();
        self.text.truncate(keep);
    }

    /// Marks the end of a literal: what follows is an interpolation or a directive.
    fn boundary(&mut self) {
        self.trim_next = false;
        self.literal_start = self.text.len();
    }
}

/// A quoted string's escapes (`\n`, `\r`, `\t`, `\"`, `\\`, `\uNNNN`, `\UNNNNNNNN`)
/// processed; anything else is kept as written.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let hex = |n: usize| {
            after
                .get(1..=n)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
        };
        let (c, len) = match after.chars().next() {
            Some('n') => (Some('\n'), 1),
            Some('r') => (Some('\r'), 1),
            Some('t') => (Some('\t'), 1),
            Some('"') => (Some('"'), 1),
            Some('\\') => (Some('\\'), 1),
            Some('u') => (hex(4), 5),
            Some('U') => (hex(8), 9),
            _ => (None, 0),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Evaluator<'_, '_> {
    /// Evaluates a quoted template to a string (or unknown). A template that is a single
    /// interpolation keeps the interpolated value's type, as in HCL.
    pub(crate) fn template(&mut self, t: &Template) -> Result<Value, Diagnostic> {
        self.render_template(t, false)
    }

    /// Evaluates a heredoc template.
    pub(crate) fn heredoc(&mut self, h: &HeredocTemplate) -> Result<Value, Diagnostic> {
        self.render_template(&h.template, true)
    }

    fn render_template(&mut self, t: &Template, heredoc: bool) -> Result<Value, Diagnostic> {
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr);
        }
        let mut out = Rendered {
            heredoc,
            ..Rendered::default()
        };
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
                    out.boundary();
                    let v = self.eval(&i.expr)?;
                    self.append(v, &i.expr, out)?;
                    out.boundary();
                    out.trim_next = i.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(dir) => self.render_if(dir, out)?,
                    Directive::For(dir) => self.render_for(dir, out)?,
                },
            }
        }
        Ok(())
    }

    /// Renders the body of a directive: `trim_start` is the strip marker that opens it
    /// (`if ~}`), `strip_end` the one that closes it (`%{~ endif`).
    fn body(
        &mut self,
        t: &Template,
        trim_start: bool,
        strip_end: bool,
        out: &mut Rendered,
    ) -> Result<(), Diagnostic> {
        out.boundary();
        out.trim_next = trim_start;
        let outer = std::mem::replace(&mut out.in_body, true);
        let rendered = self.render(t, out);
        out.in_body = outer;
        rendered?;
        if strip_end {
            out.strip_before();
        }
        out.boundary();
        Ok(())
    }

    fn render_if(&mut self, dir: &IfDirective, out: &mut Rendered) -> Result<(), Diagnostic> {
        if dir.if_expr.strip.strip_start() {
            out.strip_before();
        }
        out.boundary();
        let cond = self.eval(&dir.if_expr.cond_expr)?;
        let (cond, sensitive) = cond.into_unmarked();
        out.sensitive |= sensitive;
        let endif_strip = dir.endif_expr.strip.strip_start();
        match convert(cond, &Type::Bool) {
            Ok(Value::Bool(true)) => {
                let end = dir
                    .else_expr
                    .as_ref()
                    .map_or(endif_strip, |e| e.strip.strip_start());
                self.body(
                    &dir.if_expr.template,
                    dir.if_expr.strip.strip_end(),
                    end,
                    out,
                )?;
            }
            Ok(Value::Bool(false)) => {
                if let Some(e) = &dir.else_expr {
                    self.body(&e.template, e.strip.strip_end(), endif_strip, out)?;
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
        out.trim_next = dir.endif_expr.strip.strip_end();
        Ok(())
    }

    fn render_for(&mut self, dir: &ForDirective, out: &mut Rendered) -> Result<(), Diagnostic> {
        let f = &dir.for_expr;
        if f.strip.strip_start() {
            out.strip_before();
        }
        out.boundary();
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
                    let result = self.body(
                        &f.template,
                        f.strip.strip_end(),
                        dir.endfor_expr.strip.strip_start(),
                        out,
                    );
                    self.locals.truncate(before);
                    result?;
                }
            }
        }
        out.trim_next = dir.endfor_expr.strip.strip_end();
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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use iac_value::Value;

    use crate::config::Expr;
    use crate::diag::Diagnostic;
    use crate::eval::{EvalContext, Scope, evaluate};
    use crate::source::{Sources, Span};

    /// No names: the golden templates use only literals.
    struct Empty;

    impl Scope for Empty {
        fn resolve(
            &self,
            root: &str,
            _: &[&str],
            span: &Span,
        ) -> Result<(Value, usize), Diagnostic> {
            Err(Diagnostic::error(
                format!("Reference to undeclared \"{root}\""),
                Some(span.clone()),
            ))
        }
    }

    /// Every template in `testdata/templates.json` renders as the `terraform` binary
    /// rendered it (`testdata/templates.py` regenerates the file).
    #[test]
    fn templates_render_as_terraform_renders_them() {
        let golden: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("testdata/templates.json")).expect("golden JSON");
        let mut failures = Vec::new();
        for (name, case) in &golden {
            let src = case["expr"].as_str().expect("expr");
            let want = case["want"].as_str().expect("want");
            let mut sources = Sources::default();
            let file = sources.add(Path::new("golden.hcl"), src.to_string());
            let expr = hcl_edit::parser::parse_expr(sources.text(file))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let got = evaluate(
                &Expr {
                    file,
                    expr: Arc::new(expr),
                },
                &EvalContext::new(&Empty, Path::new(".")),
            );
            match got {
                Ok(Value::String(s)) if s == want => {}
                other => failures.push(format!("{name}: want {want:?}, got {other:?}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(golden.len() >= 19);
    }
}
