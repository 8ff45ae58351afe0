//! The dependency lock file, `.terraform.lock.hcl`: which provider versions `terraform
//! init` chose, and under which constraints. `iac` compiles its providers in, so it
//! checks that each locked provider it has still meets the constraints recorded there;
//! the locked versions and hashes are for downloading and do not apply.

use std::path::Path;

use super::versions::{Constraint, ProviderRelease};
use crate::config::Block;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::Sources;

/// The lock file's name in a stack's root folder.
pub const LOCK_FILE: &str = ".terraform.lock.hcl";

/// Reads the lock file of `dir`, if there is one, and checks its constraints against
/// the compiled-in providers.
pub(super) fn check(
    dir: &Path,
    providers: &[ProviderRelease],
    sources: &mut Sources,
    diags: &mut Diagnostics,
) {
    let path = dir.join(LOCK_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let file = sources.add(&path, text);
    let body = match super::hcl::parse_file(file, sources) {
        Ok(b) => b,
        Err(d) => return diags.push(d),
    };
    for attr in &body.attrs {
        diags.push(
            Diagnostic::error("Unsupported argument", Some(attr.name_span.clone()))
                .with_detail("A dependency lock file holds only provider blocks."),
        );
    }
    for block in &body.blocks {
        check_entry(block, providers, diags);
    }
}

fn check_entry(block: &Block, providers: &[ProviderRelease], diags: &mut Diagnostics) {
    let [source] = block.labels.as_slice() else {
        return diags.push(
            Diagnostic::error("Invalid provider lock", Some(block.span.clone()))
                .with_detail("A dependency lock file holds only provider \"SOURCE\" blocks."),
        );
    };
    if block.kind != "provider" {
        return diags.push(
            Diagnostic::error(
                format!("Unsupported block type \"{}\"", block.kind),
                Some(block.span.clone()),
            )
            .with_detail("A dependency lock file holds only provider blocks."),
        );
    }
    let Some(release) = providers.iter().find(|p| p.is(source)) else {
        return;
    };
    let Some(attr) = block.body.attr("constraints") else {
        return;
    };
    let Some(text) = attr.expr.expr.as_str() else {
        return diags.push(
            Diagnostic::error("Invalid provider lock", Some(attr.expr.span()))
                .with_detail("The constraints of a locked provider are a string."),
        );
    };
    match Constraint::parse(text) {
        Ok(c) if c.allows(&release.version) => {}
        Ok(_) => diags.push(
            Diagnostic::error("Locked provider version not available", Some(attr.expr.span())).with_detail(format!(
                "The dependency lock file requires {source} \"{text}\", but iac has {} {} compiled in. Change the version constraints (and run `terraform init -upgrade` to update the lock file), or use a version of iac whose provider meets them.",
                release.source, release.version
            )),
        ),
        Err(e) => diags.push(
            Diagnostic::error("Invalid version constraint", Some(attr.expr.span())).with_detail(e),
        ),
    }
}
