//! Which files of a folder are configuration, as Terraform decides it.

use std::path::{Path, PathBuf};

/// How a configuration file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Hcl,
    Json,
}

/// One configuration file of a folder.
#[derive(Debug, Clone)]
pub(crate) struct ConfigFile {
    pub path: PathBuf,
    pub syntax: Syntax,
    /// `override.tf`, `*_override.tf` (and their `.tf.json` forms): merged into the
    /// primary files' blocks instead of adding blocks of its own.
    pub is_override: bool,
}

/// Hidden files (the dependency lock `.terraform.lock.hcl` among them) and editor
/// backups (`x.tf~`, `#x.tf#`) are never configuration (Terraform's `IsIgnoredFile`).
pub(crate) fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}

/// A file name's configuration syntax and stem: `*.tf` and `*.hcl` are HCL, `*.tf.json`
/// JSON; anything else (`*.tfvars`, `*.tftest.hcl`) is not configuration.
fn classify(name: &str) -> Option<(Syntax, &str)> {
    if is_ignored(name) || name.ends_with(".tftest.hcl") || name.ends_with(".tfquery.hcl") {
        return None;
    }
    if let Some(stem) = name.strip_suffix(".tf.json") {
        return Some((Syntax::Json, stem));
    }
    if let Some(stem) = name
        .strip_suffix(".tf")
        .or_else(|| name.strip_suffix(".hcl"))
    {
        return Some((Syntax::Hcl, stem));
    }
    None
}

/// The configuration files of `dir`: primary files first, then override files, each
/// group in name order (the order Terraform merges them in).
pub(crate) fn config_files(dir: &Path) -> std::io::Result<Vec<ConfigFile>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some((syntax, stem)) = classify(name) else {
            continue;
        };
        if !path.is_file() {
            continue;
        }
        let is_override = stem == "override" || stem.ends_with("_override");
        out.push(ConfigFile {
            path,
            syntax,
            is_override,
        });
    }
    out.sort_by(|a, b| (a.is_override, &a.path).cmp(&(b.is_override, &b.path)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_editor_files_are_not_configuration() {
        for name in [".terraform.lock.hcl", ".main.tf", "main.tf~", "#main.tf#"] {
            assert_eq!(classify(name), None, "{name}");
        }
        assert_eq!(classify("main.tf"), Some((Syntax::Hcl, "main")));
        assert_eq!(classify("main.hcl"), Some((Syntax::Hcl, "main")));
        assert_eq!(classify("main.tf.json"), Some((Syntax::Json, "main")));
        assert_eq!(classify("terraform.tfvars"), None);
        assert_eq!(classify("x.tftest.hcl"), None);
    }

    #[test]
    fn override_files_come_last_in_name_order() {
        let dir = std::env::temp_dir().join(format!("iac-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "b.tf",
            "a_override.tf",
            "override.tf.json",
            "a.tf.json",
            ".terraform.lock.hcl",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let names: Vec<(String, bool)> = config_files(&dir)
            .unwrap()
            .into_iter()
            .map(|f| {
                (
                    f.path.file_name().unwrap().to_string_lossy().into_owned(),
                    f.is_override,
                )
            })
            .collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            names,
            [
                ("a.tf.json".to_string(), false),
                ("b.tf".to_string(), false),
                ("a_override.tf".to_string(), true),
                ("override.tf.json".to_string(), true),
            ]
        );
    }
}
