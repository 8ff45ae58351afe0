//! Terraform's version constraints (`>= 1.2, < 2.0`, `~> 5.0`, `!= 1.3.1`) and the
//! versions `iac` checks them against.

use semver::Version;

use crate::config::{Module, VersionConstraint};
use crate::diag::{Diagnostic, Diagnostics};

/// A compiled-in provider as the files see it: the Terraform provider whose schema it
/// follows (`hashicorp/aws`), the version of that provider's schema, and the local name
/// its resource types start with (`aws`).
#[derive(Debug, Clone)]
pub struct ProviderRelease {
    pub name: String,
    /// `NAMESPACE/TYPE` on the public registry.
    pub source: String,
    pub version: Version,
}

impl ProviderRelease {
    /// Describes a provider; `version` is a full `MAJOR.MINOR.PATCH`.
    pub fn new(name: &str, source: &str, version: &str) -> Result<ProviderRelease, String> {
        Ok(ProviderRelease {
            name: name.to_string(),
            source: source.to_string(),
            version: Version::parse(version).map_err(|e| format!("{name}: {e}"))?,
        })
    }

    /// Whether a provider source address (`hashicorp/aws`,
    /// `registry.terraform.io/hashicorp/aws`) names this provider.
    pub fn is(&self, source: &str) -> bool {
        let source = source.to_ascii_lowercase();
        let source = source
            .strip_prefix("registry.terraform.io/")
            .or_else(|| source.strip_prefix("registry.opentofu.org/"))
            .unwrap_or(&source);
        source == self.source.to_ascii_lowercase()
    }
}

/// Checks the module's `required_version` constraints against the Terraform language
/// version `iac` implements ([`crate::TERRAFORM_VERSION`]).
pub(crate) fn check_required_version(module: &Module, diags: &mut Diagnostics) {
    let ours = Version::parse(crate::TERRAFORM_VERSION).expect("TERRAFORM_VERSION is a version");
    for c in &module.required_version {
        match Constraint::parse(&c.text) {
            Ok(parsed) if parsed.allows(&ours) => {}
            Ok(_) => diags.push(
                Diagnostic::error("Unsupported Terraform Core version", Some(c.span.clone())).with_detail(format!(
                    "This configuration does not support Terraform version {ours}: it requires \"{}\". iac implements the language of Terraform {ours}.",
                    c.text
                )),
            ),
            Err(e) => diags.push(invalid(c, e)),
        }
    }
}

/// Checks each `required_providers` entry: its source must be a compiled-in provider and
/// that provider's version must meet the entry's constraint. With no `providers` given
/// there is nothing to check against.
pub(crate) fn check_required_providers(
    module: &Module,
    providers: &[ProviderRelease],
    diags: &mut Diagnostics,
) {
    if providers.is_empty() {
        return;
    }
    let have = || {
        providers
            .iter()
            .map(|p| format!("{} {}", p.source, p.version))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for rp in module.required_providers.values() {
        let found = match &rp.source {
            Some(source) => providers.iter().find(|p| p.is(source)),
            None => providers.iter().find(|p| p.name == rp.name),
        };
        let Some(release) = found else {
            let wanted = rp
                .source
                .clone()
                .unwrap_or_else(|| format!("hashicorp/{}", rp.name));
            diags.push(
                Diagnostic::error("Provider not available", Some(rp.span.clone())).with_detail(format!(
                    "The configuration requires the provider {wanted}, which iac does not have. iac has {}.",
                    have()
                )),
            );
            continue;
        };
        let Some(c) = &rp.version else { continue };
        match Constraint::parse(&c.text) {
            Ok(parsed) if parsed.allows(&release.version) => {}
            Ok(_) => diags.push(
                Diagnostic::error(
                    "Unsatisfiable provider version constraint",
                    Some(c.span.clone()),
                )
                .with_detail(format!(
                    "The configuration requires {} \"{}\", but iac has {} {} compiled in.",
                    release.source, c.text, release.source, release.version
                )),
            ),
            Err(e) => diags.push(invalid(c, e)),
        }
    }
}

fn invalid(c: &VersionConstraint, message: String) -> Diagnostic {
    Diagnostic::error("Invalid version constraint", Some(c.span.clone())).with_detail(format!(
        "{message}: write constraints such as \">= 1.5\", \"~> 5.0\" or \">= 2.0, < 3.0\"."
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// `~>`: this version or a later one that changes only the last part written.
    Pessimistic,
}

/// One `OP VERSION` term; `parts` is how many of major, minor and patch were written.
#[derive(Debug, Clone)]
struct Term {
    op: Op,
    version: Version,
    parts: usize,
}

/// A parsed constraint: every term must hold.
#[derive(Debug, Clone)]
pub(crate) struct Constraint(Vec<Term>);

impl Constraint {
    /// Parses Terraform's constraint syntax, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut terms = Vec::new();
        for raw in text.split(',') {
            let raw = raw.trim();
            let (op, rest) = [
                ("~>", Op::Pessimistic),
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(sym, op)| raw.strip_prefix(sym).map(|rest| (*op, rest)))
            .unwrap_or((Op::Eq, raw));
            let (version, parts) = parse_version(rest.trim())
                .ok_or_else(|| format!("\"{raw}\" is not a version constraint"))?;
            terms.push(Term { op, version, parts });
        }
        Ok(Constraint(terms))
    }

    /// Whether `v` meets every term.
    pub fn allows(&self, v: &Version) -> bool {
        self.0.iter().all(|t| t.allows(v))
    }
}

impl Term {
    fn allows(&self, v: &Version) -> bool {
        let c = &self.version;
        match self.op {
            Op::Eq => v == c,
            Op::Ne => v != c,
            Op::Gt => v > c,
            Op::Ge => v >= c,
            Op::Lt => v < c,
            Op::Le => v <= c,
            Op::Pessimistic => {
                // `~> 1.2` is `>= 1.2, < 2.0`; `~> 1.2.3` is `>= 1.2.3, < 1.3.0`; `~> 1`
                // is `>= 1.0, < 2.0`.
                let upper = match self.parts {
                    3 => Version::new(c.major, c.minor + 1, 0),
                    _ => Version::new(c.major + 1, 0, 0),
                };
                v >= c && *v < upper
            }
        }
    }
}

/// `1`, `1.2`, `1.2.3`, `1.2.3-beta1` (missing parts are zero; build metadata is
/// ignored), with how many numeric parts were written.
fn parse_version(text: &str) -> Option<(Version, usize)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (core, pre) = match text.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (text, None),
    };
    let core = core.split_once('+').map_or(core, |(c, _)| c);
    let numbers: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if numbers.is_empty() || numbers.len() > 3 {
        return None;
    }
    let mut v = Version::new(
        numbers[0],
        numbers.get(1).copied().unwrap_or(0),
        numbers.get(2).copied().unwrap_or(0),
    );
    if let Some(pre) = pre {
        let pre = pre.split_once('+').map_or(pre, |(p, _)| p);
        v.pre = semver::Prerelease::new(pre).ok()?;
    }
    Some((v, numbers.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(c: &str, v: &str) -> bool {
        Constraint::parse(c)
            .unwrap()
            .allows(&Version::parse(v).unwrap())
    }

    #[test]
    fn operators() {
        assert!(allows(">= 1.5", "1.11.0"));
        assert!(!allows(">= 1.12", "1.11.0"));
        assert!(allows(">= 1.0, < 2.0.0", "1.11.0"));
        assert!(!allows(">= 1.0, < 1.11", "1.11.0"));
        assert!(allows("!= 1.10.0", "1.11.0"));
        assert!(!allows("!= 1.11.0", "1.11.0"));
        assert!(allows("1.11.0", "1.11.0"));
        assert!(allows("= 1.11", "1.11.0"));
        assert!(!allows("= 1.10.5", "1.11.0"));
        assert!(allows("> 1.10.9", "1.11.0"));
        assert!(allows("<= 1.11.0", "1.11.0"));
    }

    #[test]
    fn pessimistic_constraints_differ_from_cargo_tilde() {
        assert!(allows("~> 5.0", "5.100.0"));
        assert!(!allows("~> 5.0", "6.0.0"));
        assert!(!allows("~> 4.67", "5.100.0"));
        assert!(allows("~> 5.100.0", "5.100.0"));
        assert!(!allows("~> 5.99.0", "5.100.0"));
        assert!(allows("~> 5", "5.100.0"));
        assert!(allows("~> 1.2", "1.11.0"));
        assert!(!allows("~> 1.2.0", "1.11.0"));
    }

    #[test]
    fn pre_releases_sort_before_their_release() {
        assert!(allows(">= 1.11.0-beta1", "1.11.0"));
        assert!(!allows(">= 1.12.0-alpha20250101", "1.11.0"));
        assert!(!allows("= 1.11.0-rc1", "1.11.0"));
    }

    #[test]
    fn bad_syntax_is_an_error() {
        assert!(Constraint::parse(">= banana").is_err());
        assert!(Constraint::parse("").is_err());
        assert!(Constraint::parse("~> 1.2.3.4").is_err());
    }

    #[test]
    fn source_addresses_match_with_or_without_the_registry() {
        let aws = ProviderRelease::new("aws", "hashicorp/aws", "5.100.0").unwrap();
        assert!(aws.is("hashicorp/aws"));
        assert!(aws.is("registry.terraform.io/hashicorp/aws"));
        assert!(aws.is("Hashicorp/AWS"));
        assert!(!aws.is("digitalocean/digitalocean"));
    }
}
