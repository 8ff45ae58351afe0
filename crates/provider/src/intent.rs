//! Creates whose outcome may be unrecorded: the idempotency token every create carries,
//! and what a provider finds when asked what such a create made.
//!
//! The engine journals each create (with its token) in the state before sending it. A
//! run killed before the answer was recorded leaves that entry behind; the next run asks
//! the provider to look for the object ([`crate::ProviderClient::find_created`]) and
//! adopts what it finds.

use iac_value::Value;

/// The idempotency token of one create: 32 lowercase hexadecimal characters, which fit
/// every API's rules for such tokens (EC2 `ClientToken`, at most 64 characters; ACM
/// `IdempotencyToken`, at most 32 word characters; Route 53 `CallerReference`, at most
/// 128). A create retried after a crash carries the same token as the first attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateToken(String);

impl CreateToken {
    /// A fresh token.
    pub fn new() -> CreateToken {
        CreateToken(uuid::Uuid::new_v4().simple().to_string())
    }

    /// The token a journal entry recorded.
    pub fn recorded(token: impl Into<String>) -> CreateToken {
        CreateToken(token.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for CreateToken {
    fn default() -> CreateToken {
        CreateToken::new()
    }
}

impl std::fmt::Display for CreateToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An object that an unrecorded create may have made.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Its state, as `read` returns it.
    pub state: Value,
    /// Whether the create finished its work on it (an instance that is still pending,
    /// or a droplet whose create action errored, did not): an incomplete object is
    /// recorded tainted, so the next plan replaces it.
    pub complete: bool,
}

/// The error of a resource type that cannot look for what an unrecorded create made.
pub fn cannot_find() -> crate::Error {
    crate::Error::new(
        "this resource type has no way to look for an object an interrupted create made",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_fit_every_api() {
        let a = CreateToken::new();
        let b = CreateToken::new();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(CreateToken::recorded(a.as_str()), a);
    }
}
