//! The configuration model: what one folder of stack files declares.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::Span as _;
use iac_value::{Type, Value};

use crate::source::{FileId, Span};

mod list;
pub use list::ListBlock;

/// An expression together with the file it was written in.
#[derive(Debug, Clone)]
pub struct Expr {
    pub file: FileId,
    pub expr: Arc<hcl_edit::expr::Expression>,
}

impl Expr {
    /// The expression's span in its file.
    pub fn span(&self) -> Span {
        span_of(self.file, self.expr.span())
    }

    /// The expression as written, when it is a plain identifier (`string`, `aws_s3_bucket.x`
    /// is not one).
    pub fn as_ident(&self) -> Option<&str> {
        self.expr.as_variable().map(|i| i.as_str())
    }
}

pub(crate) fn span_of(file: FileId, range: Option<std::ops::Range<usize>>) -> Span {
    Span {
        file,
        range: range.unwrap_or(0..0),
    }
}

/// An attribute `name = expr` in a body.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
}

/// A nested block `kind "label" { ... }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    /// The span of the block's header (type and labels).
    pub span: Span,
    pub body: Body,
}

/// The attributes and blocks of a block body, in source order.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    /// The attribute named `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The blocks of kind `kind`.
    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

/// A `variable` block.
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub span: Span,
    pub ty: Type,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<Validation>,
}

/// A `validation` block of a variable.
#[derive(Debug, Clone)]
pub struct Validation {
    pub condition: Expr,
    pub error_message: Expr,
}

/// A `locals` entry.
#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub span: Span,
    pub expr: Expr,
}

/// An `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub span: Span,
    pub value: Expr,
    pub description: Option<String>,
    pub sensitive: bool,
    pub depends_on: Vec<Expr>,
}

/// Whether a resource block is managed (`resource`) or read-only (`data`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

/// The `lifecycle` block of a resource.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    pub replace_triggered_by: Vec<Expr>,
}

/// What `ignore_changes` names.
#[derive(Debug, Clone, Default)]
pub enum IgnoreChanges {
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths such as `tags["Owner"]`, as written.
    Paths(Vec<Expr>),
}

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct Resource {
    pub mode: Mode,
    pub ty: String,
    pub name: String,
    /// The span of the block header.
    pub span: Span,
    pub type_span: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    /// `provider = aws.west`, as the provider's local name and alias.
    pub provider: ProviderArgument,
    pub lifecycle: Lifecycle,
    pub body: Body,
}

/// A block's `provider = NAME[.ALIAS]`, with where it was written.
pub type ProviderArgument = Option<(String, Option<String>, Span)>;

/// The provider local name a block of type `ty` uses: its explicit `provider`, else the
/// type's prefix (`aws` for `aws_s3_bucket`).
pub(crate) fn provider_name<'a>(provider: &'a ProviderArgument, ty: &'a str) -> &'a str {
    match provider {
        Some((name, _, _)) => name,
        None => ty.split('_').next().unwrap_or(ty),
    }
}

/// The provider alias of a block's `provider`, if any.
pub(crate) fn provider_alias(provider: &ProviderArgument) -> Option<&str> {
    provider.as_ref().and_then(|(_, alias, _)| alias.as_deref())
}

impl Resource {
    /// The provider local name this resource uses: its explicit `provider`, else its
    /// type's prefix (`aws` for `aws_s3_bucket`).
    pub fn provider_name(&self) -> &str {
        provider_name(&self.provider, &self.ty)
    }

    /// The provider alias, if any.
    pub fn provider_alias(&self) -> Option<&str> {
        provider_alias(&self.provider)
    }
}

/// A `provider` block.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub span: Span,
    pub body: Body,
}

/// A `module` block calling a local module.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub span: Span,
    pub source: String,
    pub source_span: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    /// Input variables passed to the module.
    pub inputs: Vec<Attr>,
    /// `providers = { ... }`: the child's provider configurations and the caller's each
    /// one is. A child's default (unaliased) configuration not named here is the caller's.
    pub providers: BTreeMap<ProviderRef, ProviderRef>,
}

/// A provider configuration as written: `aws` or `aws.west`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderRef {
    pub name: String,
    pub alias: Option<String>,
}

impl ProviderRef {
    /// Parses `name` or `name.alias`.
    pub fn parse(text: &str) -> Option<ProviderRef> {
        match text.split('.').collect::<Vec<_>>().as_slice() {
            [name] => Some(ProviderRef {
                name: name.to_string(),
                alias: None,
            }),
            [name, alias] => Some(ProviderRef {
                name: name.to_string(),
                alias: Some(alias.to_string()),
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.alias {
            Some(a) => write!(f, "{}.{a}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A `moved` block.
#[derive(Debug, Clone)]
pub struct Moved {
    pub span: Span,
    pub from: Expr,
    pub to: Expr,
}

/// A `removed` block.
#[derive(Debug, Clone)]
pub struct Removed {
    pub span: Span,
    pub from: Expr,
    /// `lifecycle { destroy = false }` makes this `false`: forget without destroying.
    pub destroy: bool,
}

/// An `import` block (root module only): adopt the object `id` at the address `to`.
#[derive(Debug, Clone)]
pub struct Import {
    /// The span of the block header.
    pub span: Span,
    /// `to` as written.
    pub to: Expr,
    /// The resource `to` names, its instance keys left unevaluated.
    pub target: ImportTo,
    pub id: Expr,
    pub for_each: Option<Expr>,
    /// `provider = aws.west`, with where it is written.
    pub provider: Option<(ProviderRef, Span)>,
}

/// The resource instance an `import` block's `to` names: `module.a["x"].aws_s3_bucket.b[each.key]`.
#[derive(Debug, Clone)]
pub struct ImportTo {
    /// The module calls on the way, each with its instance key expression, if any.
    pub modules: Vec<(String, Option<Expr>)>,
    pub ty: String,
    pub name: String,
    pub key: Option<Expr>,
}

impl ImportTo {
    /// The static path of module call names.
    pub fn module_path(&self) -> Vec<String> {
        self.modules.iter().map(|(m, _)| m.clone()).collect()
    }

    /// The static resource address, keys left out (`module.a.aws_s3_bucket.b`).
    pub fn static_address(&self) -> String {
        let mut out = String::new();
        for (m, _) in &self.modules {
            out.push_str(&format!("module.{m}."));
        }
        out.push_str(&format!("{}.{}", self.ty, self.name));
        out
    }
}

/// The `terraform` block's backend setting.
#[derive(Debug, Clone)]
pub struct Backend {
    pub kind: String,
    pub span: Span,
    pub config: BTreeMap<String, Value>,
}

/// A version constraint as written (`">= 1.5, < 2.0"`), with where.
#[derive(Debug, Clone)]
pub struct VersionConstraint {
    pub text: String,
    pub span: Span,
}

/// An entry of `terraform { required_providers { ... } }`.
#[derive(Debug, Clone)]
pub struct RequiredProvider {
    /// The local name (`aws`).
    pub name: String,
    /// `source = "hashicorp/aws"`; absent means `hashicorp/NAME`.
    pub source: Option<String>,
    pub version: Option<VersionConstraint>,
    pub span: Span,
}

/// Everything one folder declares.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    pub backend: Option<Backend>,
    /// The `required_version` constraints of the `terraform` blocks.
    pub required_version: Vec<VersionConstraint>,
    /// The `required_providers` entries by local name.
    pub required_providers: BTreeMap<String, RequiredProvider>,
    pub providers: Vec<ProviderConfig>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    /// Resource and data blocks in source order; add them with [`Module::add_resource`].
    pub resources: Vec<Resource>,
    /// Where each (mode, type, name) sits in `resources`.
    pub(crate) resource_index: std::collections::HashMap<(Mode, String, String), usize>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub moved: Vec<Moved>,
    pub removed: Vec<Removed>,
    /// `import` blocks, in source order.
    pub imports: Vec<Import>,
    /// The `drift` block: what `iac drift` leaves out of its report.
    pub drift: Option<DriftSettings>,
}

/// A `drift` block, iac's own (Terraform has none): `ignore = [...]`, each entry as
/// written with its place; `iac drift` reads their meaning.
#[derive(Debug, Clone)]
pub struct DriftSettings {
    pub span: Span,
    pub ignore: Vec<(String, Span)>,
}

impl Module {
    /// The resource or data block with this mode, type and name.
    pub fn resource(&self, mode: Mode, ty: &str, name: &str) -> Option<&Resource> {
        self.resource_index
            .get(&(mode, ty.to_string(), name.to_string()))
            .map(|&i| &self.resources[i])
    }

    /// Adds a resource block; returns the one already declared under the same mode,
    /// type and name instead, if there is one.
    pub fn add_resource(&mut self, r: Resource) -> Result<(), &Resource> {
        let key = (r.mode, r.ty.clone(), r.name.clone());
        if let Some(&i) = self.resource_index.get(&key) {
            return Err(&self.resources[i]);
        }
        self.resource_index.insert(key, self.resources.len());
        self.resources.push(r);
        Ok(())
    }
}

/// A stack's root module and, recursively, the local modules it calls.
#[derive(Debug, Clone, Default)]
pub struct ModuleTree {
    pub module: Module,
    pub children: BTreeMap<String, ModuleTree>,
}

impl ModuleTree {
    /// The module at a static path of call names (empty for the root).
    pub fn at(&self, path: &[String]) -> Option<&ModuleTree> {
        match path.split_first() {
            None => Some(self),
            Some((first, rest)) => self.children.get(first)?.at(rest),
        }
    }

    /// The root module's provider configuration a resource in the module at `path` uses:
    /// its own `provider` (or its type's default), mapped through each enclosing module
    /// call's `providers`.
    pub fn provider_of(&self, path: &[String], res: &Resource) -> ProviderRef {
        let mut current = ProviderRef {
            name: res.provider_name().to_string(),
            alias: res.provider_alias().map(str::to_string),
        };
        for depth in (0..path.len()).rev() {
            let Some(call) = self
                .at(&path[..depth])
                .and_then(|t| t.module.module_calls.get(&path[depth]))
            else {
                break;
            };
            if let Some(mapped) = call.providers.get(&current) {
                current = mapped.clone();
            }
        }
        current
    }

    /// Every module in the tree with its static path, root first.
    pub fn walk(&self) -> Vec<(Vec<String>, &Module)> {
        let mut out = vec![(Vec::new(), &self.module)];
        for (name, child) in &self.children {
            for (mut path, m) in child.walk() {
                path.insert(0, name.clone());
                out.push((path, m));
            }
        }
        out
    }
}
