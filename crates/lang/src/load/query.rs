//! Reading a stack's query files (`*.tfquery.hcl`, Terraform 1.14): their `list`
//! blocks, and the `variable`, `locals` and `provider` blocks that join the root module
//! as Terraform has them. Plans and applies never read query files.

use std::path::Path;

use crate::config::{Block, ListBlock, ModuleTree};
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Sources;
use crate::suggest::did_you_mean;

use super::ProviderRelease;
use super::blocks::{Loader, take};

/// The suffix of a query file.
pub const QUERY_SUFFIX: &str = ".tfquery.hcl";

const QUERY_BLOCKS: &[&str] = &["list", "variable", "locals", "provider"];

/// The stack in `dir` (its `*.tf` files, if it has any) with its query files' blocks:
/// the root module gains their variables, locals and providers, and the `list` blocks
/// are returned in file and source order.
pub fn load_query(
    dir: &Path,
    sources: &mut Sources,
    providers: &[ProviderRelease],
) -> (ModuleTree, Vec<ListBlock>, Diagnostics) {
    let query_files = match query_files(dir) {
        Ok(files) => files,
        Err(e) => {
            let d = Diagnostic::error(format!("Cannot read {}: {e}", dir.display()), None);
            return (ModuleTree::default(), Vec::new(), Diagnostics(vec![d]));
        }
    };
    let has_config = super::files::config_files(dir).is_ok_and(|f| !f.is_empty());
    let (mut tree, mut diags) = if has_config {
        super::load_stack(dir, sources, providers)
    } else {
        let mut tree = ModuleTree::default();
        tree.module.dir = dir.to_path_buf();
        (tree, Diagnostics::default())
    };
    if query_files.is_empty() {
        diags.push(
            Diagnostic::error(format!("No query files in {}", dir.display()), None).with_detail(
                "iac query reads the list blocks of the folder's *.tfquery.hcl files.",
            ),
        );
    }
    let mut lists: Vec<ListBlock> = Vec::new();
    let mut loader = Loader {
        module: &mut tree.module,
        diags: &mut diags,
    };
    for path in query_files {
        let file = match sources.read(&path) {
            Ok(Ok(file)) => file,
            Ok(Err(bad_encoding)) => {
                loader.diags.push(bad_encoding);
                continue;
            }
            Err(e) => {
                let d = Diagnostic::error(format!("Cannot read {}: {e}", path.display()), None);
                loader.diags.push(d);
                continue;
            }
        };
        loader.module.files.push(file);
        let Some(body) = loader.diags.take(super::hcl::parse_file(file, sources)) else {
            continue;
        };
        loader.top_level_attrs(&body.attrs);
        for block in body.blocks {
            match block.kind.as_str() {
                "list" => {
                    if let Some(list) = loader.list(block) {
                        match lists
                            .iter()
                            .find(|l| l.ty == list.ty && l.name == list.name)
                        {
                            Some(first) => loader.diags.push(
                                Diagnostic::error(
                                    format!("Duplicate list \"{}\" \"{}\"", list.ty, list.name),
                                    Some(list.span.clone()),
                                )
                                .with_related(first.span.clone(), "first declared here"),
                            ),
                            None => lists.push(list),
                        }
                    }
                }
                "variable" | "locals" | "provider" => loader.block(block),
                other => loader.diags.push(
                    Diagnostic::error(
                        format!("Unsupported block type \"{other}\" in a query file"),
                        Some(block.span.clone()),
                    )
                    .with_detail(format!(
                        "A *.tfquery.hcl file holds list, variable, locals and provider blocks.{}",
                        did_you_mean(other, QUERY_BLOCKS.iter().copied())
                    )),
                ),
            }
        }
    }
    (tree, lists, diags)
}

/// The query files of `dir`, in name order (hidden files and editor backups aside).
fn query_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.ends_with(QUERY_SUFFIX) && !super::files::is_ignored(name) && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

impl Loader<'_> {
    /// Decodes a `list "TYPE" "NAME"` block.
    fn list(&mut self, mut block: Block) -> Option<ListBlock> {
        if !self.labels(&block, &["type", "name"]) {
            return None;
        }
        let what = format!("list \"{}\" \"{}\"", block.labels[0], block.labels[1]);
        self.only(
            &block.body,
            &["provider", "count", "for_each", "include_resource", "limit"],
            &["config"],
            &what,
        );
        let (count, for_each) = self.repetition(&mut block.body, "A list block");
        let provider = take(&mut block.body, "provider").and_then(|a| self.provider_ref(&a));
        let include_resource = take(&mut block.body, "include_resource").map(|a| a.expr);
        let limit = take(&mut block.body, "limit").map(|a| a.expr);
        let mut configs = block.body.blocks.into_iter().filter(|b| b.kind == "config");
        let config = configs.next();
        if let Some(extra) = configs.next() {
            self.diags.push(
                Diagnostic::error(
                    format!("Duplicate config block in {what}"),
                    Some(extra.span.clone()),
                )
                .with_detail("A list block takes at most one config block."),
            );
        }
        if let Some(c) = &config {
            self.labels(c, &[]);
        }
        Some(ListBlock {
            ty: block.labels[0].clone(),
            name: block.labels[1].clone(),
            span: block.span,
            provider,
            count,
            for_each,
            include_resource,
            limit,
            config,
        })
    }
}
