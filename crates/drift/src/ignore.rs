//! The `drift { ignore = [...] }` entries: what a drift report leaves out.
//!
//! - `aws_instance.web`, `module.db.aws_db_instance.main["a"]`: a managed object, whole;
//! - `aws_instance.web.tags["Patched"]`: one attribute path of it (and what is inside);
//! - `aws_s3_bucket`: every unmanaged object of a type;
//! - `aws_instance:i-0abc`: one unmanaged object, by type and import id;
//! - `tag:Team=data`: every unmanaged object carrying that tag.

use std::collections::BTreeSet;

use iac_discovery::select::TagFilter;
use iac_engine::addr::{InstanceAddr, Target, parse_target};
use iac_lang::config::DriftSettings;
use iac_lang::{Diagnostic, Diagnostics, Span};
use iac_value::{Path, PathStep, Value};

/// One entry, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Ignore {
    Managed { target: Target, path: Path },
    Type(String),
    Object { type_name: String, id: String },
    Tag(TagFilter),
}

/// Every entry of a stack's `drift` block.
#[derive(Debug, Clone, Default)]
pub struct Ignores(pub Vec<Ignore>);

impl Ignores {
    /// Reads the entries; `types` are the resource types the providers know, so that a
    /// misspelt one is an error at its place, not an entry that silences nothing.
    pub fn read(
        settings: Option<&DriftSettings>,
        types: &BTreeSet<String>,
    ) -> Result<Ignores, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut out = Vec::new();
        for (text, span) in settings.map(|s| s.ignore.as_slice()).unwrap_or_default() {
            match parse(text, types) {
                Ok(i) => out.push(i),
                Err(why) => diags.push(invalid(text, why, span)),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(Ignores(out))
        }
    }

    /// Whether the attribute at `path` of the managed object `addr` is ignored (an empty
    /// path: the whole object, as when it was deleted).
    pub fn managed(&self, addr: &InstanceAddr, path: &[PathStep]) -> bool {
        self.0.iter().any(|i| match i {
            Ignore::Managed { target, path: p } => target.contains(addr) && path.starts_with(p),
            _ => false,
        })
    }

    /// Whether an unmanaged object is ignored, by its type, id or tags.
    pub fn unmanaged(&self, type_name: &str, id: &str, state: &Value) -> bool {
        self.0.iter().any(|i| match i {
            Ignore::Type(t) => t == type_name,
            Ignore::Object {
                type_name: t,
                id: i,
            } => t == type_name && i == id,
            Ignore::Tag(filter) => filter.matches(state),
            Ignore::Managed { .. } => false,
        })
    }
}

fn invalid(text: &str, why: String, span: &Span) -> Diagnostic {
    Diagnostic::error(format!("Invalid drift ignore entry \"{text}\""), Some(span.clone())).with_detail(format!(
        "{why}. An entry is a resource address with an optional attribute path (\"aws_instance.web.tags\"), a resource type (\"aws_s3_bucket\"), a type and an id (\"aws_instance:i-0abc\"), or a tag (\"tag:Team=data\")."
    ))
}

fn parse(text: &str, types: &BTreeSet<String>) -> Result<Ignore, String> {
    let known = |t: &str| {
        if types.contains(t) {
            Ok(t.to_string())
        } else {
            Err(format!(
                "No provider has a resource type \"{t}\"{}",
                iac_lang::did_you_mean(t, types.iter().map(String::as_str))
            ))
        }
    };
    if let Some(tag) = text.strip_prefix("tag:") {
        return TagFilter::parse(tag)
            .map(Ignore::Tag)
            .map_err(|_| "A tag entry is \"tag:KEY=VALUE\" or \"tag:KEY\"".to_string());
    }
    if let Some((type_name, id)) = text.split_once(':') {
        if id.is_empty() {
            return Err("The id after the type is empty".to_string());
        }
        return Ok(Ignore::Object {
            type_name: known(type_name)?,
            id: id.to_string(),
        });
    }
    if !text.contains('.') {
        return Ok(Ignore::Type(known(text)?));
    }
    let (target, rest) = split_address(text)?;
    if let Target::Module(_) = target {
        return Err("A module is not an object; name a resource in it".to_string());
    }
    Ok(Ignore::Managed {
        target,
        path: parse_path(rest)?,
    })
}

/// The shortest leading part of `text` (cut at a `.` outside brackets) that is a
/// resource address, and what follows it.
fn split_address(text: &str) -> Result<(Target, &str), String> {
    let mut depth = 0usize;
    let mut quoted = false;
    let cuts = text
        .char_indices()
        .filter_map(|(i, c)| {
            match c {
                '"' => quoted = !quoted,
                '[' if !quoted => depth += 1,
                ']' if !quoted => depth = depth.saturating_sub(1),
                '.' if !quoted && depth == 0 => return Some(i),
                _ => {}
            }
            None
        })
        .chain([text.len()]);
    let mut last = String::new();
    for cut in cuts {
        match parse_target(&text[..cut]) {
            Ok(Target::Module(_)) => {}
            Ok(t) => return Ok((t, text[cut..].trim_start_matches('.'))),
            Err(e) => last = e,
        }
    }
    Err(format!("It is not a resource address: {last}"))
}

/// Reads an attribute path such as `tags["Name"]` or `ingress[0].cidr_blocks`.
fn parse_path(text: &str) -> Result<Path, String> {
    let mut path = Path::new();
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner
                .find(']')
                .ok_or_else(|| format!("Unclosed \"[\" in the attribute path \"{text}\""))?;
            let key = &inner[..end];
            path.push(match serde_json::from_str::<String>(key) {
                Ok(s) => PathStep::Key(s),
                Err(_) => PathStep::Index(key.parse().map_err(|_| {
                    format!("\"{key}\" in the attribute path is neither a quoted key nor an index")
                })?),
            });
            rest = &inner[end + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return Err(format!("An empty name in the attribute path \"{text}\""));
            }
            path.push(PathStep::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> BTreeSet<String> {
        ["aws_instance", "aws_s3_bucket"].map(String::from).into()
    }

    #[test]
    fn reads_every_kind_of_entry() {
        let t = types();
        let Ignore::Managed { target, path } =
            parse("aws_instance.web.tags[\"Patched\"]", &t).unwrap()
        else {
            panic!()
        };
        assert_eq!(target.to_string(), "aws_instance.web");
        assert_eq!(
            path,
            vec![
                PathStep::Key("tags".into()),
                PathStep::Key("Patched".into())
            ]
        );
        let Ignore::Managed { target, path } =
            parse("module.db.aws_instance.a[\"x.y\"].ebs[0]", &t).unwrap()
        else {
            panic!()
        };
        assert_eq!(target.to_string(), "module.db.aws_instance.a[\"x.y\"]");
        assert_eq!(path, vec![PathStep::Key("ebs".into()), PathStep::Index(0)]);
        assert_eq!(
            parse("aws_s3_bucket", &t),
            Ok(Ignore::Type("aws_s3_bucket".into()))
        );
        assert_eq!(
            parse("aws_instance:i-0abc", &t),
            Ok(Ignore::Object {
                type_name: "aws_instance".into(),
                id: "i-0abc".into()
            })
        );
        assert_eq!(
            parse("tag:Team=data", &t),
            Ok(Ignore::Tag(TagFilter {
                key: "Team".into(),
                value: Some("data".into())
            }))
        );
    }

    #[test]
    fn refuses_what_would_silence_nothing() {
        let t = types();
        assert!(
            parse("aws_s3_buckets", &t)
                .unwrap_err()
                .contains("Did you mean \"aws_s3_bucket\"?")
        );
        assert!(parse("tag:=x", &t).is_err());
        assert!(parse("module.db", &t).is_err());
        assert!(parse("aws_instance.web.tags[\"x\"", &t).is_err());
    }

    #[test]
    fn a_path_silences_what_is_inside_it_only() {
        let ignores = Ignores(vec![parse("aws_instance.web.tags", &types()).unwrap()]);
        let addr = iac_engine::addr::parse_instance("aws_instance.web").unwrap();
        assert!(ignores.managed(
            &addr,
            &[PathStep::Key("tags".into()), PathStep::Key("a".into())]
        ));
        assert!(!ignores.managed(&addr, &[PathStep::Key("instance_type".into())]));
        assert!(
            !ignores.managed(&addr, &[]),
            "a deletion is not an attribute"
        );
    }
}
