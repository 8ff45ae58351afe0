//! DigitalOcean's rate limits (250 requests a minute and 5,000 an hour per token, a 429
//! with `retry-after` past the minute's): the provider paces its requests to stay under
//! them, and rides out 429s by waiting as long as `retry-after` says, not until the
//! hour's `ratelimit-reset`. Each test has an emulator of its own, with its own limits.

use std::time::{Duration, Instant};

use iac_e2e::{Stack, digitalocean_emulator};
use serde_json::json;

const DEBUG_LOG: (&str, &str) = ("IAC_LOG", "iac_provider_digitalocean=debug");

#[test]
fn an_apply_of_more_than_250_requests_stays_under_the_minutes_limit() {
    let emulator = digitalocean_emulator(&[
        "--action-delay-ms",
        "200",
        "--rate-limit",
        "250",
        "--rate-limit-hourly",
        "5000",
    ]);
    // 140 tags: a create and a read back each, 280 requests, as fast as 20 at a time go.
    let stack = Stack::on(
        &emulator,
        &[(
            "main.hcl",
            r#"
resource "digitalocean_tag" "team" {
  count = 140
  name  = "team-${count.index}"
}
"#,
        )],
    );
    let started = Instant::now();
    let applied = stack
        .iac_with_env(
            &["apply", "-auto-approve", "-no-color", "-parallelism=20"],
            &[DEBUG_LOG],
        )
        .expect(0);
    assert!(applied.stdout.contains("140 added"), "{}", applied.stdout);
    assert!(
        !applied.stderr.contains("rate limited (429)"),
        "no request went over DigitalOcean's 250 a minute: {}",
        applied.stderr
    );
    assert!(
        applied.stderr.contains("pacing under the rate limit"),
        "the provider held requests back to stay under the limit"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(55),
        "the requests past the 250th waited for the minute to move on"
    );
    let (status, tags) = stack.digitalocean("GET", "/v2/tags?per_page=200", None);
    assert_eq!(status, 200);
    assert_eq!(tags["meta"]["total"], 140);
}

#[test]
fn the_provider_waits_out_429s_as_retry_after_says() {
    // A minute shortened to two seconds (the hour to two minutes) and 8 requests in it:
    // every few requests meet a 429 with `retry-after` of a second or two, while the
    // hour's `ratelimit-reset` is about two minutes away.
    let emulator = digitalocean_emulator(&["--action-delay-ms", "200", "--rate-limit", "8"]);
    let stack = Stack::on(
        &emulator,
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
        Some(&json!({"rate_limit_window_seconds": 2})),
    );
    assert_eq!(status, 204);
    let started = Instant::now();
    let applied = stack
        .iac_with_env(&["apply", "-auto-approve", "-no-color"], &[DEBUG_LOG])
        .expect(0);
    assert!(applied.stdout.contains("5 added"), "{}", applied.stdout);
    assert!(
        applied
            .stderr
            .contains("rate limited (429); waiting as its retry-after says"),
        "the storm happened: {}",
        applied.stderr
    );
    assert!(
        !applied.stderr.contains("hourly budget is spent"),
        "{}",
        applied.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "no wait for the hour's reset: {:?}",
        started.elapsed()
    );
    let (status, list) = stack.digitalocean("GET", "/v2/droplets", None);
    // The check itself may meet the limit; wait as its retry-after says.
    let list = if status == 429 {
        std::thread::sleep(Duration::from_secs(2));
        stack.digitalocean("GET", "/v2/droplets", None).1
    } else {
        list
    };
    assert_eq!(list["meta"]["total"], 5);
}
