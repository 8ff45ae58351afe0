//! Names AWS objects get when the configuration gives only a prefix (or nothing).

use iac_provider::CreateToken;
use iac_value::Value;

/// `prefix` followed by a suffix of 20 lowercase hex digits taken from the create's
/// token (Terraform's generated names end in 26 digits; S3 and load balancers cap
/// names, so this is shorter). The token is journaled before the create is sent, so a
/// create retried after a crash, and the search for what it made, use the same name.
pub fn for_create(prefix: &str, token: &CreateToken) -> String {
    let digits: String = token.as_str().chars().take(SUFFIX_LEN).collect();
    format!("{prefix}{digits}")
}

/// The name a create uses: the planned `name_attr`, else one made from the planned
/// `prefix_attr` (or `default_prefix`) and the token.
pub fn chosen(
    planned: &Value,
    name_attr: &str,
    prefix_attr: &str,
    default_prefix: &str,
    token: &CreateToken,
) -> String {
    crate::values::string(planned, name_attr).unwrap_or_else(|| {
        for_create(
            planned.get(prefix_attr).as_str().unwrap_or(default_prefix),
            token,
        )
    })
}

/// The length of the suffix [`for_create`] appends.
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
pub fn with_imported_prefix(state: Value, prefix_attr: &str, name_attr: &str) -> Value {
    let prefix = state
        .get(name_attr)
        .as_str()
        .and_then(prefix_of)
        .filter(|p| !DEFAULT_PREFIXES.contains(p))
        .map(str::to_string);
    match prefix {
        Some(p) if state.get(prefix_attr).is_null() => {
            crate::values::with(state, prefix_attr, Value::from(p))
        }
        _ => state,
    }
}

#[cfg(test)]
mod tests {
    use iac_provider::CreateToken;

    #[test]
    fn generated_names_keep_the_prefix_and_follow_the_token() {
        let token = CreateToken::new();
        let a = super::for_create("web-", &token);
        assert!(a.starts_with("web-") && a.len() == 24, "{a}");
        assert_eq!(a, super::for_create("web-", &token), "a retried create");
        assert_ne!(a, super::for_create("web-", &CreateToken::new()));
        assert_eq!(super::prefix_of(&a), Some("web-"));
        assert_eq!(super::prefix_of("web-server"), None);
    }
}
