//! `list` blocks of `*.tfquery.hcl` files (Terraform 1.14): which objects of a type
//! `iac query` lists, through which provider, with which filters.

use super::{Block, Expr};
use crate::source::Span;

/// A `list "TYPE" "NAME"` block.
#[derive(Debug, Clone)]
pub struct ListBlock {
    pub ty: String,
    pub name: String,
    /// The span of the block header.
    pub span: Span,
    /// `provider = aws.west`, as the provider's local name and alias.
    pub provider: super::ProviderArgument,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// Whether each result carries the object's full state (default false).
    pub include_resource: Option<Expr>,
    /// At most this many results (default 100, as Terraform's).
    pub limit: Option<Expr>,
    /// The `config { ... }` block: the filters, decoded against the type's list schema.
    pub config: Option<Block>,
}

impl ListBlock {
    /// The provider local name: its `provider`, else the type's prefix.
    pub fn provider_name(&self) -> &str {
        super::provider_name(&self.provider, &self.ty)
    }

    /// The provider alias, if any.
    pub fn provider_alias(&self) -> Option<&str> {
        super::provider_alias(&self.provider)
    }

    /// `list.TYPE.NAME`, as Terraform names the block.
    pub fn address(&self) -> String {
        format!("list.{}.{}", self.ty, self.name)
    }
}
