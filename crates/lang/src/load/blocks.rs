//! Decoding top-level blocks (`resource`, `variable`, ...) into the [`Module`] model.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use iac_value::{Type, Value};

use crate::config::*;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{EvalContext, NoScope, evaluate};
use crate::source::Span;
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
    "import",
    "drift",
];
/// Decodes top-level blocks into a [`Module`].
pub(super) struct Loader<'a> {
    pub module: &'a mut Module,
    pub diags: &'a mut Diagnostics,
}

/// The arguments a backend takes, and those it needs, with Terraform's names.
fn backend_arguments(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match kind {
        "local" => Some((&["path"], &[])),
        "s3" => Some((
            &[
                "bucket",
                "key",
                "region",
                "profile",
                "access_key",
                "secret_key",
                "encrypt",
                "kms_key_id",
                "use_lockfile",
                "workspace_key_prefix",
                "endpoints",
                "use_path_style",
                "skip_credentials_validation",
                "skip_region_validation",
                "skip_requesting_account_id",
                "skip_metadata_api_check",
                "skip_s3_checksum",
            ],
            &["bucket", "key"],
        )),
        _ => None,
    }
}

/// Takes attribute `name` out of `body`.
pub(super) fn take(body: &mut Body, name: &str) -> Option<Attr> {
    let i = body.attrs.iter().position(|a| a.name == name)?;
    Some(body.attrs.remove(i))
}

impl Loader<'_> {
    /// Takes `count` and `for_each` out of `body`, refusing both at once in `what` (`A
    /// resource`).
    pub(super) fn repetition(
        &mut self,
        body: &mut Body,
        what: &str,
    ) -> (Option<Expr>, Option<Expr>) {
        let count = take(body, "count").map(|a| a.expr);
        let for_each = take(body, "for_each").map(|a| a.expr);
        if let (Some(_), Some(f)) = (&count, &for_each) {
            self.diags.push(
                Diagnostic::error(
                    "Invalid combination of \"count\" and \"for_each\"",
                    Some(f.span()),
                )
                .with_detail(format!("{what} may use count or for_each, not both.")),
            );
        }
        (count, for_each)
    }

    /// Reports the attributes of a file's top level: only blocks belong there.
    pub fn top_level_attrs(&mut self, attrs: &[Attr]) {
        for attr in attrs {
            self.diags.push(
                Diagnostic::error(format!("Unexpected attribute \"{}\" at the top level", attr.name), Some(attr.name_span.clone()))
                    .with_detail("Only blocks such as resource, variable or output may appear at the top level of a file."),
            );
        }
    }

    /// Decodes one top-level block (already merged with its overrides).
    pub fn block(&mut self, block: Block) {
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
            "import" => super::imports::import(self, block),
            "drift" => super::drift::drift(self, block),
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

    pub(super) fn labels(&mut self, block: &Block, names: &[&str]) -> bool {
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

    pub(super) fn only(&mut self, body: &Body, attrs: &[&str], blocks: &[&str], what: &str) {
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
        if let Some(attr) = block.body.attr("required_version")
            && let Some(text) = self.const_string(&block.body, "required_version")
        {
            self.module.required_version.push(VersionConstraint {
                text,
                span: attr.expr.span(),
            });
        }
        for rp in block.body.blocks_of("required_providers") {
            self.required_providers(rp);
        }
        for backend in block.body.blocks_of("backend") {
            if !self.labels(backend, &["type"]) {
                continue;
            }
            let kind = backend.labels[0].clone();
            let Some((arguments, required)) = backend_arguments(&kind) else {
                self.diags.push(
                    Diagnostic::error(
                        format!("Unsupported backend \"{kind}\""),
                        Some(backend.span.clone()),
                    )
                    .with_detail("This version of iac supports the \"local\" and \"s3\" backends."),
                );
                continue;
            };
            self.only(
                &backend.body,
                arguments,
                &[],
                &format!("the {kind} backend"),
            );
            for name in required {
                if backend.body.attr(name).is_none() {
                    self.diags.push(
                        Diagnostic::error("Missing required argument", Some(backend.span.clone()))
                            .with_detail(format!(
                                "The argument \"{name}\" is required, but no definition was found."
                            )),
                    );
                }
            }
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

    /// `aws = { source = "hashicorp/aws", version = "~> 5.0" }`, or the older
    /// `aws = "~> 5.0"`.
    fn required_providers(&mut self, block: &Block) {
        for b in &block.body.blocks {
            self.diags.push(Diagnostic::error(
                "Blocks are not allowed in required_providers",
                Some(b.span.clone()),
            ));
        }
        for attr in &block.body.attrs {
            let span = attr.expr.span();
            let (mut source, mut version) = (None, None);
            if let Some(object) = attr.expr.expr.as_object() {
                for (key, value) in object.iter() {
                    let key = match key {
                        hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(e) => {
                            e.as_str().map(str::to_string).unwrap_or_default()
                        }
                    };
                    let value = Attr {
                        name: key.clone(),
                        name_span: span.clone(),
                        expr: Expr {
                            file: attr.expr.file,
                            expr: Arc::new(value.expr().clone()),
                        },
                    };
                    let body = Body {
                        attrs: vec![value],
                        blocks: Vec::new(),
                    };
                    match key.as_str() {
                        "source" => source = self.const_string(&body, "source"),
                        "version" => version = self.const_string(&body, "version"),
                        "configuration_aliases" => {}
                        _ => self.diags.push(
                            Diagnostic::error("Invalid required_providers object", Some(span.clone()))
                                .with_detail(format!("Unexpected attribute \"{key}\": a required_providers entry may set only source, version and configuration_aliases.")),
                        ),
                    }
                }
            } else {
                match self.constant(Some(attr)) {
                    Some(Value::String(v)) => version = Some(v),
                    Some(_) => {
                        self.diags.push(
                            Diagnostic::error("Invalid required_providers object", Some(span.clone()))
                                .with_detail("Write the entry as NAME = { source = \"NAMESPACE/TYPE\", version = \"CONSTRAINT\" }."),
                        );
                        continue;
                    }
                    None => continue,
                }
            }
            self.module.required_providers.insert(
                attr.name.clone(),
                RequiredProvider {
                    name: attr.name.clone(),
                    source,
                    version: version.map(|text| VersionConstraint {
                        text,
                        span: span.clone(),
                    }),
                    span,
                },
            );
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
        let (count, for_each) = self.repetition(&mut block.body, "A resource");
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

    pub(super) fn provider_ref(&mut self, attr: &Attr) -> Option<(String, Option<String>, Span)> {
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
