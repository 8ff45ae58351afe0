//! Reading a folder of stack files into a [`Module`], and a stack into a [`ModuleTree`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span as _;
use iac_value::{Type, Value};

use crate::config::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{EvalContext, NoScope, evaluate};
use crate::source::{FileId, Sources, Span};
use crate::suggest::did_you_mean;
use crate::typeexpr::parse_type;

const TOP_LEVEL_BLOCKS: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "resource",
    "data",
    "module",
    "moved",
    "removed",
];

/// Reads every `*.hcl` and `*.tf` file of `dir` (in name order) into a module.
pub fn load_module(dir: &Path, sources: &mut Sources) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let mut paths = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("hcl" | "tf"))
            })
            .collect::<Vec<_>>(),
        Err(e) => {
            diags.push(Diagnostic::error(
                format!("Cannot read the stack folder {}: {e}", dir.display()),
                None,
            ));
            return (module, diags);
        }
    };
    paths.sort();
    if paths.is_empty() {
        diags.push(
            Diagnostic::error(format!("No stack files in {}", dir.display()), None)
                .with_detail("A stack is a folder of *.hcl (or *.tf) files."),
        );
    }
    for path in paths {
        let file = match sources.read(&path) {
            Ok(Ok(file)) => file,
            Ok(Err(bad_encoding)) => {
                diags.push(bad_encoding);
                continue;
            }
            Err(e) => {
                diags.push(Diagnostic::error(
                    format!("Cannot read {}: {e}", path.display()),
                    None,
                ));
                continue;
            }
        };
        module.files.push(file);
        match hcl_edit::parser::parse_body(sources.text(file)) {
            Ok(body) => Loader {
                file,
                module: &mut module,
                diags: &mut diags,
            }
            .top_level(&body),
            Err(e) => {
                let loc = e.location();
                let start = sources.offset_of(file, loc.line(), loc.column());
                let end = (start + 1).min(sources.text(file).len());
                diags.push(
                    Diagnostic::error(
                        "Syntax error",
                        Some(Span {
                            file,
                            range: start..end,
                        }),
                    )
                    .with_detail(e.message().to_string()),
                );
            }
        }
    }
    (module, diags)
}

/// Reads a stack's root folder and every local module it calls, recursively.
pub fn load_tree(dir: &Path, sources: &mut Sources) -> (ModuleTree, Diagnostics) {
    let mut stack = vec![dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())];
    load_tree_inner(dir, sources, &mut stack)
}

fn load_tree_inner(
    dir: &Path,
    sources: &mut Sources,
    stack: &mut Vec<PathBuf>,
) -> (ModuleTree, Diagnostics) {
    let (module, mut diags) = load_module(dir, sources);
    let mut children = BTreeMap::new();
    for call in module.module_calls.values() {
        if !(call.source.starts_with("./") || call.source.starts_with("../")) {
            diags.push(
                Diagnostic::error("Unsupported module source", Some(call.source_span.clone()))
                    .with_detail(
                        "Only local paths starting with ./ or ../ are supported as module sources.",
                    ),
            );
            continue;
        }
        let child_dir = join_clean(dir, &call.source);
        let canonical = child_dir
            .canonicalize()
            .unwrap_or_else(|_| child_dir.clone());
        if stack.contains(&canonical) {
            diags.push(Diagnostic::error(
                "Module calls itself",
                Some(call.source_span.clone()),
            ));
            continue;
        }
        if !child_dir.is_dir() {
            diags.push(Diagnostic::error(
                format!("Module folder {} does not exist", child_dir.display()),
                Some(call.source_span.clone()),
            ));
            continue;
        }
        stack.push(canonical);
        let (child, child_diags) = load_tree_inner(&child_dir, sources, stack);
        stack.pop();
        diags.extend(child_diags.0);
        children.insert(call.name.clone(), child);
    }
    (ModuleTree { module, children }, diags)
}

struct Loader<'a> {
    file: FileId,
    module: &'a mut Module,
    diags: &'a mut Diagnostics,
}

impl Loader<'_> {
    fn top_level(&mut self, body: &hcl_edit::structure::Body) {
        let file = self.file;
        let body = convert_body(file, body);
        for attr in &body.attrs {
            self.diags.push(
                Diagnostic::error(format!("Unexpected attribute \"{}\" at the top level", attr.name), Some(attr.name_span.clone()))
                    .with_detail("Only blocks such as resource, variable or output may appear at the top level of a file."),
            );
        }
        for block in body.blocks {
            match block.kind.as_str() {
                "terraform" => self.terraform(block),
                "provider" => self.provider(block),
                "variable" => self.variable(block),
                "locals" => self.locals(block),
                "output" => self.output(block),
                "resource" => self.resource(block, Mode::Managed),
                "data" => self.resource(block, Mode::Data),
                "module" => self.module_call(block),
                "moved" => self.moved(block),
                "removed" => self.removed(block),
                other => self.diags.push(
                    Diagnostic::error(
                        format!("Unsupported block type \"{other}\""),
                        Some(block.span.clone()),
                    )
                    .with_detail(format!(
                        "Blocks of type \"{other}\" are not expected here.{}",
                        did_you_mean(other, TOP_LEVEL_BLOCKS.iter().copied())
                    )),
                ),
            }
        }
    }

    fn labels(&mut self, block: &Block, names: &[&str]) -> bool {
        if block.labels.len() == names.len() {
            return true;
        }
        let detail = if names.is_empty() {
            format!("A {} block takes no labels.", block.kind)
        } else {
            format!(
                "A {} block takes {} label(s): {}.",
                block.kind,
                names.len(),
                names.join(", ")
            )
        };
        self.diags.push(
            Diagnostic::error(
                format!("Wrong number of labels on {} block", block.kind),
                Some(block.span.clone()),
            )
            .with_detail(detail),
        );
        false
    }

    fn only(&mut self, body: &Body, attrs: &[&str], blocks: &[&str], what: &str) {
        for a in &body.attrs {
            if !attrs.contains(&a.name.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        format!("Unsupported argument \"{}\" in {what}", a.name),
                        Some(a.name_span.clone()),
                    )
                    .with_detail(format!(
                        "An argument named \"{}\" is not expected here.{}",
                        a.name,
                        did_you_mean(&a.name, attrs.iter().copied())
                    )),
                );
            }
        }
        for b in &body.blocks {
            if !blocks.contains(&b.kind.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        format!("Unsupported block type \"{}\" in {what}", b.kind),
                        Some(b.span.clone()),
                    )
                    .with_detail(format!(
                        "Blocks of type \"{}\" are not expected here.{}",
                        b.kind,
                        did_you_mean(&b.kind, blocks.iter().copied())
                    )),
                );
            }
        }
    }

    fn constant(&mut self, attr: Option<&Attr>) -> Option<Value> {
        let attr = attr?;
        self.diags.take(evaluate(
            &attr.expr,
            &EvalContext::new(&NoScope, Path::new(".")),
        ))
    }

    fn const_bool(&mut self, body: &Body, name: &str) -> Option<bool> {
        let attr = body.attr(name)?;
        let value = self.constant(Some(attr))?;
        match iac_value::convert(value, &Type::Bool) {
            Ok(Value::Bool(b)) => Some(b),
            _ => {
                self.diags.push(Diagnostic::error(
                    format!("\"{name}\" must be true or false"),
                    Some(attr.expr.span()),
                ));
                None
            }
        }
    }

    fn const_string(&mut self, body: &Body, name: &str) -> Option<String> {
        let attr = body.attr(name)?;
        let value = self.constant(Some(attr))?;
        match value {
            Value::String(s) => Some(s),
            _ => {
                self.diags.push(Diagnostic::error(
                    format!("\"{name}\" must be a string"),
                    Some(attr.expr.span()),
                ));
                None
            }
        }
    }

    fn terraform(&mut self, block: Block) {
        if !self.labels(&block, &[]) {
            return;
        }
        self.only(
            &block.body,
            &["required_version"],
            &["backend", "required_providers"],
            "the terraform block",
        );
        for backend in block.body.blocks_of("backend") {
            if !self.labels(backend, &["type"]) {
                continue;
            }
            let kind = backend.labels[0].clone();
            if kind != "local" {
                self.diags.push(
                    Diagnostic::error(
                        format!("Unsupported backend \"{kind}\""),
                        Some(backend.span.clone()),
                    )
                    .with_detail("This version of iac supports the \"local\" backend."),
                );
                continue;
            }
            self.only(&backend.body, &["path"], &[], "the local backend");
            let mut config = BTreeMap::new();
            for attr in &backend.body.attrs {
                if let Some(v) = self.constant(Some(attr)) {
                    config.insert(attr.name.clone(), v);
                }
            }
            if self.module.backend.is_some() {
                self.diags.push(Diagnostic::error(
                    "Duplicate backend configuration",
                    Some(backend.span.clone()),
                ));
            }
            self.module.backend = Some(Backend {
                kind,
                span: backend.span.clone(),
                config,
            });
        }
    }

    fn provider(&mut self, mut block: Block) {
        if !self.labels(&block, &["name"]) {
            return;
        }
        let alias = self.const_string(&block.body, "alias");
        block
            .body
            .attrs
            .retain(|a| a.name != "alias" && a.name != "version");
        let name = block.labels[0].clone();
        if self
            .module
            .providers
            .iter()
            .any(|p| p.name == name && p.alias == alias)
        {
            self.diags.push(Diagnostic::error(
                format!(
                    "Duplicate provider configuration \"{name}\"{}",
                    alias
                        .as_deref()
                        .map(|a| format!(" with alias \"{a}\""))
                        .unwrap_or_default()
                ),
                Some(block.span.clone()),
            ));
            return;
        }
        self.module.providers.push(ProviderConfig {
            name,
            alias,
            span: block.span,
            body: block.body,
        });
    }

    fn variable(&mut self, block: Block) {
        if !self.labels(&block, &["name"]) {
            return;
        }
        let body = &block.body;
        self.only(
            body,
            &["type", "default", "description", "sensitive", "nullable"],
            &["validation"],
            "a variable block",
        );
        let name = block.labels[0].clone();
        let ty = match body.attr("type") {
            Some(attr) => self
                .diags
                .take(parse_type(&attr.expr))
                .map(|(t, _)| t)
                .unwrap_or(Type::Any),
            None => Type::Any,
        };
        let mut validations = Vec::new();
        for v in body.blocks_of("validation") {
            self.only(
                &v.body,
                &["condition", "error_message"],
                &[],
                "a validation block",
            );
            match (v.body.attr("condition"), v.body.attr("error_message")) {
                (Some(c), Some(m)) => validations.push(Validation {
                    condition: c.expr.clone(),
                    error_message: m.expr.clone(),
                }),
                _ => self.diags.push(Diagnostic::error(
                    "A validation block needs both \"condition\" and \"error_message\"",
                    Some(v.span.clone()),
                )),
            }
        }
        let variable = Variable {
            name: name.clone(),
            span: block.span.clone(),
            ty,
            default: body.attr("default").map(|a| a.expr.clone()),
            description: self.const_string(body, "description"),
            sensitive: self.const_bool(body, "sensitive").unwrap_or(false),
            nullable: self.const_bool(body, "nullable").unwrap_or(true),
            validations,
        };
        if let Some(first) = self.module.variables.get(&name) {
            self.diags.push(
                Diagnostic::error(
                    format!("Duplicate variable \"{name}\""),
                    Some(block.span.clone()),
                )
                .with_related(first.span.clone(), "first declared here"),
            );
            return;
        }
        self.module.variables.insert(name, variable);
    }

    fn locals(&mut self, block: Block) {
        if !self.labels(&block, &[]) {
            return;
        }
        for b in &block.body.blocks {
            self.diags.push(Diagnostic::error(
                "Blocks are not allowed in locals",
                Some(b.span.clone()),
            ));
        }
        for attr in block.body.attrs {
            if let Some(first) = self.module.locals.get(&attr.name) {
                self.diags.push(
                    Diagnostic::error(
                        format!("Duplicate local value \"{}\"", attr.name),
                        Some(attr.name_span.clone()),
                    )
                    .with_related(first.span.clone(), "first defined here"),
                );
                continue;
            }
            self.module.locals.insert(
                attr.name.clone(),
                Local {
                    name: attr.name,
                    span: attr.name_span,
                    expr: attr.expr,
                },
            );
        }
    }

    fn output(&mut self, block: Block) {
        if !self.labels(&block, &["name"]) {
            return;
        }
        let body = &block.body;
        self.only(
            body,
            &["value", "description", "sensitive", "depends_on"],
            &[],
            "an output block",
        );
        let name = block.labels[0].clone();
        let Some(value) = body.attr("value") else {
            self.diags.push(Diagnostic::error(
                format!("Output \"{name}\" needs a \"value\" argument"),
                Some(block.span.clone()),
            ));
            return;
        };
        let output = Output {
            name: name.clone(),
            span: block.span.clone(),
            value: value.expr.clone(),
            description: self.const_string(body, "description"),
            sensitive: self.const_bool(body, "sensitive").unwrap_or(false),
            depends_on: self.expr_list(body.attr("depends_on")),
        };
        if self.module.outputs.contains_key(&name) {
            self.diags.push(Diagnostic::error(
                format!("Duplicate output \"{name}\""),
                Some(block.span.clone()),
            ));
            return;
        }
        self.module.outputs.insert(name, output);
    }

    fn expr_list(&mut self, attr: Option<&Attr>) -> Vec<Expr> {
        let Some(attr) = attr else { return Vec::new() };
        match attr.expr.expr.as_array() {
            Some(items) => items
                .iter()
                .map(|e| Expr {
                    file: attr.expr.file,
                    expr: Arc::new(e.clone()),
                })
                .collect(),
            None => {
                self.diags.push(Diagnostic::error(
                    format!("\"{}\" must be a list of references", attr.name),
                    Some(attr.expr.span()),
                ));
                Vec::new()
            }
        }
    }

    fn resource(&mut self, mut block: Block, mode: Mode) {
        if !self.labels(&block, &["type", "name"]) {
            return;
        }
        let ty = block.labels[0].clone();
        let name = block.labels[1].clone();
        let type_span = block.span.clone();
        let take = |body: &mut Body, n: &str| -> Option<Attr> {
            let i = body.attrs.iter().position(|a| a.name == n)?;
            Some(body.attrs.remove(i))
        };
        let count = take(&mut block.body, "count").map(|a| a.expr);
        let for_each = take(&mut block.body, "for_each").map(|a| a.expr);
        if let (Some(_), Some(f)) = (&count, &for_each) {
            self.diags.push(
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    Some(f.span()),
                )
                .with_detail("A resource may use count or for_each, not both."),
            );
        }
        let depends_on = take(&mut block.body, "depends_on");
        let depends_on = self.expr_list(depends_on.as_ref());
        let provider = take(&mut block.body, "provider").and_then(|a| self.provider_ref(&a));
        let mut lifecycle = Lifecycle::default();
        let mut rest = Vec::new();
        for b in std::mem::take(&mut block.body.blocks) {
            match b.kind.as_str() {
                "lifecycle" => lifecycle = self.lifecycle(&b),
                _ => rest.push(b),
            }
        }
        block.body.blocks = rest;
        let kind = if mode == Mode::Data {
            "data source"
        } else {
            "resource"
        };
        let summary = format!("Duplicate {kind} \"{ty}\" \"{name}\"");
        let span = block.span.clone();
        let added = self.module.add_resource(Resource {
            mode,
            ty,
            name,
            span: block.span,
            type_span,
            count,
            for_each,
            depends_on,
            provider,
            lifecycle,
            body: block.body,
        });
        if let Err(existing) = added {
            let first = existing.span.clone();
            self.diags.push(
                Diagnostic::error(summary, Some(span)).with_related(first, "first declared here"),
            );
        }
    }

    fn provider_ref(&mut self, attr: &Attr) -> Option<(String, Option<String>, Span)> {
        let span = attr.expr.span();
        let text = crate::references::static_path(&attr.expr.expr);
        match text
            .as_deref()
            .map(|t| t.split('.').collect::<Vec<_>>())
            .as_deref()
        {
            Some([name]) => Some((name.to_string(), None, span)),
            Some([name, alias]) => Some((name.to_string(), Some(alias.to_string()), span)),
            _ => {
                self.diags.push(
                    Diagnostic::error("Invalid provider reference", Some(span))
                        .with_detail("Write the provider as NAME or NAME.ALIAS, e.g. aws.west."),
                );
                None
            }
        }
    }

    fn lifecycle(&mut self, block: &Block) -> Lifecycle {
        let body = &block.body;
        self.only(
            body,
            &[
                "create_before_destroy",
                "prevent_destroy",
                "ignore_changes",
                "replace_triggered_by",
            ],
            &[],
            "a lifecycle block (precondition and postcondition blocks are not supported yet)",
        );
        let ignore_changes = match body.attr("ignore_changes") {
            None => IgnoreChanges::None,
            Some(a) if a.expr.as_ident() == Some("all") => IgnoreChanges::All,
            Some(a) => IgnoreChanges::Paths(self.expr_list(Some(a))),
        };
        Lifecycle {
            create_before_destroy: self
                .const_bool(body, "create_before_destroy")
                .unwrap_or(false),
            prevent_destroy: self.const_bool(body, "prevent_destroy").unwrap_or(false),
            ignore_changes,
            replace_triggered_by: self.expr_list(body.attr("replace_triggered_by")),
        }
    }

    fn module_call(&mut self, block: Block) {
        if !self.labels(&block, &["name"]) {
            return;
        }
        let name = block.labels[0].clone();
        let body = block.body;
        for b in &body.blocks {
            self.diags.push(Diagnostic::error(
                format!("Unsupported block type \"{}\" in a module block", b.kind),
                Some(b.span.clone()),
            ));
        }
        let Some(source_attr) = body.attr("source") else {
            self.diags.push(Diagnostic::error(
                format!("Module \"{name}\" needs a \"source\" argument"),
                Some(block.span.clone()),
            ));
            return;
        };
        let source_span = source_attr.expr.span();
        let Some(source) = self.const_string(&body, "source") else {
            return;
        };
        let depends_on = self.expr_list(body.attr("depends_on"));
        let providers = self.provider_map(body.attr("providers"));
        let mut inputs = Vec::new();
        let (mut count, mut for_each) = (None, None);
        for attr in body.attrs {
            match attr.name.as_str() {
                "source" | "version" | "depends_on" | "providers" => {}
                "count" => count = Some(attr.expr),
                "for_each" => for_each = Some(attr.expr),
                _ => inputs.push(attr),
            }
        }
        if self.module.module_calls.contains_key(&name) {
            self.diags.push(Diagnostic::error(
                format!("Duplicate module call \"{name}\""),
                Some(block.span.clone()),
            ));
            return;
        }
        self.module.module_calls.insert(
            name.clone(),
            ModuleCall {
                name,
                span: block.span,
                source,
                source_span,
                count,
                for_each,
                depends_on,
                inputs,
                providers,
            },
        );
    }

    /// Reads `providers = { aws = aws.west, "aws.east" = aws }`: the child module's
    /// provider configurations (by local name and alias) and the caller's they are.
    fn provider_map(&mut self, attr: Option<&Attr>) -> BTreeMap<ProviderRef, ProviderRef> {
        let mut out = BTreeMap::new();
        let Some(attr) = attr else { return out };
        let bad = |span| {
            Diagnostic::error("Invalid providers map", Some(span)).with_detail("Write providers = { aws = aws.west }: each key and value a provider name, optionally with .ALIAS.")
        };
        let Some(object) = attr.expr.expr.as_object() else {
            self.diags.push(bad(attr.expr.span()));
            return out;
        };
        for (key, value) in object.iter() {
            let file = attr.expr.file;
            let key_text = match key {
                hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                hcl_edit::expr::ObjectKey::Expression(e) => crate::references::static_path(e),
            };
            let value_expr = Expr {
                file,
                expr: Arc::new(value.expr().clone()),
            };
            let value_text = crate::references::static_path(value_expr.expr.as_ref());
            match (
                key_text.as_deref().and_then(ProviderRef::parse),
                value_text.as_deref().and_then(ProviderRef::parse),
            ) {
                (Some(k), Some(v)) => {
                    out.insert(k, v);
                }
                _ => self.diags.push(bad(value_expr.span())),
            }
        }
        out
    }

    fn moved(&mut self, block: Block) {
        if !self.labels(&block, &[]) {
            return;
        }
        self.only(&block.body, &["from", "to"], &[], "a moved block");
        match (block.body.attr("from"), block.body.attr("to")) {
            (Some(from), Some(to)) => self.module.moved.push(Moved {
                span: block.span.clone(),
                from: from.expr.clone(),
                to: to.expr.clone(),
            }),
            _ => self.diags.push(Diagnostic::error(
                "A moved block needs \"from\" and \"to\"",
                Some(block.span.clone()),
            )),
        }
    }

    fn removed(&mut self, block: Block) {
        if !self.labels(&block, &[]) {
            return;
        }
        self.only(&block.body, &["from"], &["lifecycle"], "a removed block");
        let Some(from) = block.body.attr("from") else {
            self.diags.push(Diagnostic::error(
                "A removed block needs \"from\"",
                Some(block.span.clone()),
            ));
            return;
        };
        let mut destroy = true;
        for lc in block.body.blocks_of("lifecycle") {
            self.only(&lc.body, &["destroy"], &[], "a removed block's lifecycle");
            destroy = self.const_bool(&lc.body, "destroy").unwrap_or(true);
        }
        self.module.removed.push(Removed {
            span: block.span.clone(),
            from: from.expr.clone(),
            destroy,
        });
    }
}

/// Converts hcl-edit's body into the model's [`Body`].
pub(crate) fn convert_body(file: FileId, body: &hcl_edit::structure::Body) -> Body {
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

/// `dir` joined with a relative `source`, cleaned lexically as Terraform does
/// (`./modules/../x` is `x`), so `path.module` reads `modules/host`, not `././modules/host`.
fn join_clean(dir: &Path, source: &str) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in dir.join(source).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Module, Diagnostics, Sources) {
        let dir = tempdir();
        std::fs::write(dir.join("main.hcl"), text).unwrap();
        let mut sources = Sources::default();
        let (m, d) = load_module(&dir, &mut sources);
        (m, d, sources)
    }

    fn tempdir() -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "iac-lang-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_every_block_kind() {
        let (m, d, _) = load(
            r#"
terraform {
  backend "local" { path = "state.json" }
}
provider "aws" {
  region = "eu-west-1"
  alias  = "eu"
}
variable "env" {
  type    = string
  default = "prod"
  validation {
    condition     = contains(["prod", "test"], var.env)
    error_message = "env must be prod or test"
  }
}
locals { name = "web-${var.env}" }
resource "aws_s3_bucket" "logs" {
  bucket   = local.name
  count    = 2
  provider = aws.eu
  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags]
  }
}
data "aws_caller_identity" "me" {}
module "web" {
  source = "./web"
  size   = 3
}
output "bucket" {
  value     = aws_s3_bucket.logs[0].bucket
  sensitive = true
}
moved {
  from = aws_s3_bucket.old
  to   = aws_s3_bucket.logs
}
removed {
  from = aws_s3_bucket.gone
  lifecycle { destroy = false }
}
"#,
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(m.backend.unwrap().config["path"], Value::from("state.json"));
        assert_eq!(m.providers[0].alias.as_deref(), Some("eu"));
        assert_eq!(m.variables["env"].validations.len(), 1);
        let r = &m.resources[0];
        assert_eq!(
            (r.ty.as_str(), r.name.as_str(), r.provider_alias()),
            ("aws_s3_bucket", "logs", Some("eu"))
        );
        assert!(r.lifecycle.prevent_destroy);
        assert!(r.count.is_some());
        assert_eq!(m.resources[1].mode, Mode::Data);
        assert_eq!(m.module_calls["web"].inputs[0].name, "size");
        assert!(m.outputs["bucket"].sensitive);
        assert_eq!(m.moved.len(), 1);
        assert!(!m.removed[0].destroy);
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let (_, d, sources) = load("resource \"a\" \"b\" {\n  x = \n}\n");
        assert!(d.has_errors());
        let text = d.0[0].to_plain(&sources);
        assert!(text.contains("main.hcl:"), "{text}");
        assert!(text.contains("Syntax error"), "{text}");
    }

    #[test]
    fn unknown_blocks_get_a_suggestion() {
        let (_, d, _) = load("resorce \"a\" \"b\" {}\n");
        assert!(
            d.0[0]
                .detail
                .as_ref()
                .unwrap()
                .contains("Did you mean \"resource\"?")
        );
    }

    #[test]
    fn duplicates_are_reported() {
        let (_, d, _) = load("variable \"a\" {}\nvariable \"a\" {}\n");
        assert_eq!(d.0[0].summary, "Duplicate variable \"a\"");
    }

    #[test]
    fn module_folders_are_cleaned_lexically() {
        assert_eq!(
            join_clean(Path::new("."), "./modules/host"),
            Path::new("modules/host")
        );
        assert_eq!(
            join_clean(Path::new("stacks/a"), "../b"),
            Path::new("stacks/b")
        );
        assert_eq!(join_clean(Path::new("."), "./"), Path::new("."));
    }
}
