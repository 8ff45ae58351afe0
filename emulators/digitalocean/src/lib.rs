//! An emulator of the part of DigitalOcean's public v2 API that the `digitalocean`
//! provider uses, for tests: droplets and their actions, tags, SSH keys, domains and
//! records, firewalls, reserved IPs, and the region/size/image catalogue.
//!
//! It keeps DigitalOcean's paths, status codes and JSON shapes, and its asynchronous
//! behaviour: a droplet is `new` until its create action completes, actions stay
//! `in-progress` for a configurable delay, a droplet with an action running refuses a
//! second one (422), a token must look like DigitalOcean's (`dop_v1_...`, else 401), and
//! every token is rate limited as on DigitalOcean (250 requests in any minute, 429 with
//! `retry-after` beyond; 5,000 in any hour, in the `ratelimit-*` headers). Outside the API, `/emulator/...` lets tests make the next
//! action of a type fail and change the delay or the rate limit.

mod backups;
mod catalog;
mod cloud;
mod http;
mod images;
mod rate_limit;
mod routes;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use cloud::Cloud;

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long an action stays `in-progress`.
    pub action_delay: Duration,
    /// Requests a token may make in any minute before it gets 429s with `retry-after`.
    pub rate_limit_per_minute: u32,
    /// Requests a token may make in any hour (`ratelimit-limit`).
    pub rate_limit_per_hour: u32,
    /// How long the rate limits' minute is: a minute, as DigitalOcean's; tests shorten
    /// it (the hour is sixty of them).
    pub rate_limit_window: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            action_delay: Duration::from_millis(300),
            rate_limit_per_minute: 250,
            rate_limit_per_hour: 5000,
            rate_limit_window: Duration::from_secs(60),
        }
    }
}

/// The emulator's shared state.
pub type Shared = Arc<Mutex<Cloud>>;

/// The HTTP application over a fresh, empty account.
pub fn app(settings: Settings) -> axum::Router {
    routes::router(Arc::new(Mutex::new(Cloud::new(settings))))
}
