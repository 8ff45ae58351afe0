//! Files and paths (Terraform's `filesystem.go`): reading files relative to the
//! module's folder, hashing them, `fileset` globs, Go's path functions and `templatefile`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iac_value::Value;

use super::args::{map, string};
use super::crypto::{base64, hex, md5, sha1, sha256, sha512};
use super::{CallError, Ctx, Function, R, bad_arg, f, fail};

pub(crate) const FUNCTIONS: &[Function] = &[
    f("abspath", &["path"], abspath),
    f("basename", &["path"], |_, a| {
        Ok(Value::String(basename(&string(&a, 0)?)))
    }),
    f("dirname", &["path"], |_, a| {
        Ok(Value::String(dirname(&string(&a, 0)?)))
    }),
    f("file", &["path"], file),
    f("filebase64", &["path"], |c, a| Ok(base64(&read(c, &a)?))),
    f("filebase64sha256", &["path"], |c, a| {
        Ok(base64(&sha256(read(c, &a)?)))
    }),
    f("filebase64sha512", &["path"], |c, a| {
        Ok(base64(&sha512(read(c, &a)?)))
    }),
    f("fileexists", &["path"], fileexists),
    f("filemd5", &["path"], |c, a| Ok(hex(&md5(read(c, &a)?)))),
    f("fileset", &["path", "pattern"], fileset),
    f("filesha1", &["path"], |c, a| Ok(hex(&sha1(read(c, &a)?)))),
    f("filesha256", &["path"], |c, a| {
        Ok(hex(&sha256(read(c, &a)?)))
    }),
    f("filesha512", &["path"], |c, a| {
        Ok(hex(&sha512(read(c, &a)?)))
    }),
    f("pathexpand", &["path"], |_, a| {
        Ok(Value::String(expand_home(&string(&a, 0)?)))
    }),
    f("templatefile", &["path", "vars"], templatefile),
];

/// `path` with a leading `~` replaced by the home folder.
fn expand_home(path: &str) -> String {
    let home = || std::env::var("HOME").unwrap_or_default();
    if path == "~" {
        home()
    } else if let Some(rest) = path.strip_prefix("~/") {
        format!("{}/{rest}", home())
    } else {
        path.to_string()
    }
}

/// Where `path` (relative to the module's folder, `~` expanded) is.
fn resolve(ctx: &Ctx, path: &str) -> PathBuf {
    ctx.base_dir.join(expand_home(path))
}

/// The bytes of the file named by the first argument.
fn read(ctx: &Ctx, a: &[Value]) -> Result<Vec<u8>, CallError> {
    let path = string(a, 0)?;
    let full = resolve(ctx, &path);
    std::fs::read(&full).map_err(|e| {
        CallError::Failed(if e.kind() == std::io::ErrorKind::NotFound {
            format!("no file exists at {path:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource")
        } else {
            format!("failed to read file: {e}")
        })
    })
}

/// The text of the file named by the first argument.
fn read_text(ctx: &Ctx, a: &[Value]) -> Result<String, CallError> {
    String::from_utf8(read(ctx, a)?).map_err(|_| {
        CallError::Failed(format!("contents of {:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", string(a, 0).unwrap_or_default()))
    })
}

fn file(ctx: &Ctx, a: Vec<Value>) -> R {
    read_text(ctx, &a).map(Value::String)
}

fn fileexists(ctx: &Ctx, a: Vec<Value>) -> R {
    let path = string(&a, 0)?;
    match std::fs::metadata(resolve(ctx, &path)) {
        Ok(m) if m.is_dir() => fail(format!("{path:?} is a directory, not a file")),
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => fail(format!("failed to stat {path:?}: {e}")),
    }
}

/// The files under `path` whose path relative to it matches `pattern`, as Terraform's
/// `fileset` (doublestar globs: `*` stays within a folder, `**` crosses folders).
fn fileset(ctx: &Ctx, a: Vec<Value>) -> R {
    let (path, pattern) = (string(&a, 0)?, string(&a, 1)?);
    let matcher = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|_| {
            CallError::Failed(format!(
                "failed to glob pattern {:?}: syntax error in pattern",
                format!("{path}/{pattern}")
            ))
        })?
        .compile_matcher();
    let root = resolve(ctx, &path);
    let mut found = Vec::new();
    walk_files(&root, "", &mut found);
    Ok(Value::set(
        found
            .into_iter()
            .filter(|rel| matcher.is_match(rel))
            .map(Value::String)
            .collect(),
    ))
}

/// Every file below `dir`, as paths relative to the walk's root with `/` separators.
fn walk_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        match std::fs::metadata(entry.path()) {
            Ok(m) if m.is_dir() => walk_files(&entry.path(), &rel, out),
            Ok(m) if m.is_file() => out.push(rel),
            _ => {}
        }
    }
}

fn abspath(_: &Ctx, a: Vec<Value>) -> R {
    let path = string(&a, 0)?;
    let full = if path.starts_with('/') {
        path
    } else {
        let cwd = std::env::current_dir()
            .map_err(|e| CallError::Failed(format!("failed to get the current folder: {e}")))?;
        format!("{}/{path}", cwd.to_string_lossy())
    };
    Ok(Value::String(clean(&full)))
}

/// Go's `filepath.Clean`: the shortest equivalent path.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&p) if p != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`: the last element, trailing slashes ignored.
fn basename(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `filepath.Dir`: all but the last element, cleaned.
fn dirname(path: &str) -> String {
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    clean(dir)
}

fn templatefile(ctx: &Ctx, a: Vec<Value>) -> R {
    let path = string(&a, 0)?;
    let text = read_text(ctx, &a)?;
    let vars = match &a[1] {
        Value::Map(_) => map(&a, 1)?,
        _ => return bad_arg(1, "invalid vars value: must be a map"),
    };
    render_template(&text, vars, ctx).map_err(|m| CallError::Failed(format!("{path}: {m}")))
}

/// Renders template `text` with `vars` as its only variables.
pub(crate) fn render_template(
    text: &str,
    vars: &BTreeMap<String, Value>,
    ctx: &Ctx,
) -> Result<Value, String> {
    let template = hcl_edit::parser::parse_template(text)
        .map_err(|e| format!("syntax error: {}", e.message()))?;
    let scope = crate::eval::MapScope(vars);
    let eval_ctx = crate::eval::EvalContext::new(&scope, ctx.base_dir).with_phase(ctx.phase);
    let mut ev = crate::eval::Evaluator {
        file: crate::FileId(usize::MAX),
        ctx: &eval_ctx,
        locals: Vec::new(),
    };
    ev.template(&template).map_err(|d| d.to_string())
}
