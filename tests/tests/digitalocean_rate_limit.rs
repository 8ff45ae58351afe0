//! A storm of 429s: with a budget of a few requests per window, applying and destroying
//! five droplets still succeeds; the provider waits for each window to reset. (Its own
//! test binary, so the lowered limit applies to no other test.)

use iac_e2e::{Emulator, Stack};
use serde_json::json;

#[test]
fn the_provider_rides_out_a_429_storm() {
    let stack = Stack::new(
        Emulator::DigitalOcean,
        &[(
            "main.hcl",
            r#"
resource "digitalocean_droplet" "worker" {
  count  = 5
  name   = "worker-${count.index}"
  region = "nyc2"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
}
"#,
        )],
    );
    let (status, _) = stack.digitalocean(
        "POST",
        "/emulator/settings",
        Some(&json!({"rate_limit_per_minute": 8, "rate_limit_window_seconds": 2})),
    );
    assert_eq!(status, 204);
    let applied = stack
        .iac_with_env(
            &["apply", "-auto-approve", "-no-color"],
            &[("IAC_LOG", "iac_provider_digitalocean=debug")],
        )
        .expect(0);
    assert!(applied.stdout.contains("5 added"), "{}", applied.stdout);
    assert!(
        applied.stderr.contains("rate limited (429)"),
        "the storm happened: {}",
        applied.stderr
    );
    let (status, list) = stack.digitalocean("GET", "/v2/droplets", None);
    // The check itself may meet the limit; wait for the window like the provider does.
    let list = if status == 429 {
        std::thread::sleep(std::time::Duration::from_secs(2));
        stack.digitalocean("GET", "/v2/droplets", None).1
    } else {
        list
    };
    assert_eq!(list["meta"]["total"], 5);
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}
