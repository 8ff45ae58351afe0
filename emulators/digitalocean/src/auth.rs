//! Tokens as DigitalOcean issues them: `dop_v1_` (personal access) or `doo_v1_`
//! (OAuth), then 64 lowercase hex digits.

use axum::http::HeaderMap;

/// Whether `token` has the shape of a DigitalOcean access token.
pub fn valid(token: &str) -> bool {
    let Some(secret) = token
        .strip_prefix("dop_v1_")
        .or_else(|| token.strip_prefix("doo_v1_"))
    else {
        return false;
    };
    secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The request's bearer token, if it is a valid one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| valid(t))
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn only_digitalocean_shaped_tokens_are_valid() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(valid(&format!("dop_v1_{hex}")));
        assert!(valid(&format!("doo_v1_{hex}")));
        assert!(
            !valid(&format!("dor_v1_{hex}")),
            "refresh tokens do not authenticate"
        );
        assert!(!valid(&format!("dop_v1_{}", &hex[1..])));
        assert!(!valid(&format!("dop_v1_{}", hex.to_uppercase())));
        assert!(!valid("dop_v1_e2e-test"));
        assert!(!valid(&hex));
    }
}
