//! Names AWS objects get when the configuration gives only a prefix (or nothing).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `prefix` followed by a suffix unique by time, process and call, of 20 lowercase hex
/// digits (Terraform's generated names end in 26 digits; S3 and load balancers cap
/// names, so this is shorter).
pub fn generated(prefix: &str) -> String {
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{prefix}{:08x}{:05x}{:04x}{:03x}",
        now.as_secs() as u32,
        now.subsec_micros(),
        std::process::id() & 0xffff,
        CALLS.fetch_add(1, Ordering::Relaxed) & 0xfff
    )
}

/// The length of the suffix [`generated`] appends.
const SUFFIX_LEN: usize = 20;

/// The prefix a name was generated from, when it looks generated: how an imported
/// object gets back the `name_prefix` its configuration has (Terraform infers it the
/// same way).
fn prefix_of(name: &str) -> Option<&str> {
    let split = name.len().checked_sub(SUFFIX_LEN)?;
    let suffix = name.get(split..)?;
    (split > 0
        && suffix
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
    .then(|| &name[..split])
}

/// The prefixes used when a configuration gives neither a name nor a prefix.
const DEFAULT_PREFIXES: [&str; 3] = ["terraform-", "tf-lb-", "tf-"];

/// An imported object's state with `prefix_attr` filled from the name in `name_attr`
/// when that name looks generated from a prefix the configuration chose.
pub fn with_imported_prefix(
    state: iac_value::Value,
    prefix_attr: &str,
    name_attr: &str,
) -> iac_value::Value {
    let prefix = state
        .get(name_attr)
        .as_str()
        .and_then(prefix_of)
        .filter(|p| !DEFAULT_PREFIXES.contains(p))
        .map(str::to_string);
    match prefix {
        Some(p) if state.get(prefix_attr).is_null() => {
            crate::values::with(state, prefix_attr, iac_value::Value::from(p))
        }
        _ => state,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_names_keep_the_prefix_and_differ() {
        let (a, b) = (super::generated("web-"), super::generated("web-"));
        assert!(a.starts_with("web-") && a.len() == 24, "{a}");
        assert_ne!(a, b);
        assert_eq!(super::prefix_of(&a), Some("web-"));
        assert_eq!(super::prefix_of("web-server"), None);
    }
}
