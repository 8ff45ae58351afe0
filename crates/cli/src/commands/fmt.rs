//! `iac fmt`: rewrite stack files in the canonical format.

use std::path::{Path, PathBuf};

use iac_lang::{Diagnostics, Sources};

use crate::args::FmtArgs;
use crate::context::Failed;

fn collect(path: &Path, recursive: bool, top: bool, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if p.is_dir() && (recursive || top) && !name.starts_with('.') {
            if recursive {
                collect(&p, recursive, false, out);
            }
        } else if p.is_file()
            && (name.ends_with(".hcl") || name.ends_with(".tf") || name.ends_with(".tfvars"))
        {
            out.push(p);
        }
    }
}

/// `iac fmt [-check] [-recursive] [PATH...]`. Exits 3 under `-check` when a file would change.
pub fn fmt(a: FmtArgs, sources: &mut Sources) -> Result<i32, Failed> {
    let mut files = Vec::new();
    for p in &a.paths {
        collect(p, a.recursive, true, &mut files);
    }
    let mut diags = Diagnostics::default();
    let mut unformatted = 0;
    for f in files {
        let id = match sources.read(&f) {
            Ok(Ok(id)) => id,
            Ok(Err(bad_encoding)) => {
                diags.push(bad_encoding);
                continue;
            }
            Err(e) => {
                diags.push(iac_lang::Diagnostic::error(
                    format!("Cannot read {}: {e}", f.display()),
                    None,
                ));
                continue;
            }
        };
        let text = sources.text(id).to_string();
        match iac_lang::format::format_file(id, sources) {
            Ok(formatted) if formatted != text => {
                unformatted += 1;
                println!("{}", f.display());
                if !a.check {
                    std::fs::write(&f, formatted).map_err(|e| {
                        crate::context::error("Failed to write", format!("{}: {e}", f.display()))
                    })?;
                }
            }
            Ok(_) => {}
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(Failed(diags));
    }
    Ok(if a.check && unformatted > 0 { 3 } else { 0 })
}
