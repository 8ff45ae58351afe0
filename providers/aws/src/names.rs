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

#[cfg(test)]
mod tests {
    #[test]
    fn generated_names_keep_the_prefix_and_differ() {
        let (a, b) = (super::generated("web-"), super::generated("web-"));
        assert!(a.starts_with("web-") && a.len() == 24, "{a}");
        assert_ne!(a, b);
    }
}
