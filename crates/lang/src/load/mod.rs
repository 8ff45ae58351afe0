//! Reading a folder into a [`Module`], and a stack into a [`ModuleTree`], as Terraform
//! reads a configuration directory.
//!
//! - `files`: which files are configuration (`*.tf`, `*.hcl`, `*.tf.json`; never hidden
//!   files such as `.terraform.lock.hcl`, nor editor backups) and which are overrides.
//! - `hcl` and `json`: each syntax into the same [`Body`](crate::config::Body).
//! - `merge`: override files merged into the primary files' blocks.
//! - `blocks`: top-level blocks decoded into the module; `imports`, the `import` blocks.
//! - `checks`: static checks of expressions (unknown functions).
//! - `query`: the `list` blocks of `*.tfquery.hcl` files, for `iac query`.
//! - `versions` and `lock`: `required_version`, `required_providers` and the dependency
//!   lock file checked against what `iac` implements.

mod blocks;
mod checks;
mod drift;
mod files;
mod hcl;
mod imports;
pub(crate) mod json;
mod lock;
mod merge;
mod query;
mod versions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Module, ModuleTree};
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Sources;

pub(crate) use hcl::parse_file as parse_hcl;
pub use json::settle::{BlockShape, Shapes, settle_json_bodies};
pub use lock::LOCK_FILE;
pub use query::{QUERY_SUFFIX, load_query};
pub use versions::ProviderRelease;

/// Reads the configuration files of `dir` into a module: primary files in name order,
/// then override files merged into them. `required_version` is checked here.
pub fn load_module(dir: &Path, sources: &mut Sources) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let files = match files::config_files(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                format!("Cannot read the stack folder {}: {e}", dir.display()),
                None,
            ));
            return (module, diags);
        }
    };
    if files.iter().all(|f| f.is_override) {
        diags.push(
            Diagnostic::error(format!("No stack files in {}", dir.display()), None)
                .with_detail("A stack is a folder of *.tf (or *.hcl, *.tf.json) files."),
        );
    }
    let mut blocks = Vec::new();
    let mut loader = blocks::Loader {
        module: &mut module,
        diags: &mut diags,
    };
    for f in files {
        let file = match sources.read(&f.path) {
            Ok(Ok(file)) => file,
            Ok(Err(bad_encoding)) => {
                loader.diags.push(bad_encoding);
                continue;
            }
            Err(e) => {
                loader.diags.push(Diagnostic::error(
                    format!("Cannot read {}: {e}", f.path.display()),
                    None,
                ));
                continue;
            }
        };
        loader.module.files.push(file);
        let body = match f.syntax {
            files::Syntax::Hcl => loader.diags.take(hcl::parse_file(file, sources)),
            files::Syntax::Json => json::parse_config(file, sources, loader.diags),
        };
        let Some(body) = body else { continue };
        loader.top_level_attrs(&body.attrs);
        if f.is_override {
            merge::merge_file(&mut blocks, body.blocks, loader.diags);
        } else {
            blocks.extend(body.blocks);
        }
    }
    for block in blocks {
        loader.block(block);
    }
    versions::check_required_version(&module, &mut diags);
    checks::unknown_functions(&module, &mut diags);
    (module, diags)
}

/// Reads a stack's root folder and every local module it calls, recursively.
pub fn load_tree(dir: &Path, sources: &mut Sources) -> (ModuleTree, Diagnostics) {
    let mut stack = vec![dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())];
    load_tree_inner(dir, sources, &mut stack)
}

/// [`load_tree`], then checks the providers the stack requires (`required_providers`
/// and the root's dependency lock file) against the compiled-in `providers`.
pub fn load_stack(
    dir: &Path,
    sources: &mut Sources,
    providers: &[ProviderRelease],
) -> (ModuleTree, Diagnostics) {
    let (tree, mut diags) = load_tree(dir, sources);
    for (_, module) in tree.walk() {
        versions::check_required_providers(module, providers, &mut diags);
    }
    lock::check(dir, providers, sources, &mut diags);
    (tree, diags)
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
        for import in &child.module.imports {
            diags.push(
                Diagnostic::error("Invalid import configuration", Some(import.span.clone()))
                    .with_detail(format!("An import block was detected in \"{}\". Import blocks are only allowed in the root module.", child_dir.display())),
            );
        }
        children.insert(call.name.clone(), child);
    }
    (ModuleTree { module, children }, diags)
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
mod tests;
