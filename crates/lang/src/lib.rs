//! The stack language: Terraform's HCL dialect.
//!
//! Files are parsed with `hcl-edit` (which keeps a byte span on every node) into a
//! [`config::Module`] per folder, and a [`config::ModuleTree`] for a stack and the local
//! modules it calls. Expressions are evaluated by this crate's own evaluator
//! ([`eval`]), which carries the unknown and sensitive marks of [`iac_value::Value`].
//! Everything that goes wrong is a [`Diagnostic`] pointing into the [`Sources`].
//!
//! The language knows nothing of providers: resource bodies are kept as [`config::Body`]
//! for the engine to decode against a provider's schema.

pub mod config;
mod diag;
pub mod eval;
pub mod format;
mod funcs;
mod load;
mod references;
mod source;
mod suggest;
mod typeexpr;
pub mod vars;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use load::{
    BlockShape, LOCK_FILE, ProviderRelease, QUERY_SUFFIX, Shapes, load_module, load_query,
    load_stack, load_tree, settle_json_bodies,
};
pub use references::{Needs, Reference, Step, needs, references, static_traversal};
pub use source::{FileId, Sources, Span};
pub use suggest::did_you_mean;
pub use typeexpr::parse_type;

/// The version of Terraform's language (and of its plan and state JSON formats) that `iac`
/// implements: what `required_version` constraints are checked against and what
/// `terraform_version` says in JSON output.
pub const TERRAFORM_VERSION: &str = "1.11.0";
