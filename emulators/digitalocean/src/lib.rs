//! An emulator of the part of DigitalOcean's public v2 API that the `digitalocean`
//! provider uses, for tests: droplets and their actions, tags, SSH keys, domains and
//! records, firewalls, reserved IPs, and the region/size/image catalogue.
//!
//! It keeps DigitalOcean's paths, status codes and JSON shapes, and its asynchronous
//! behaviour: a droplet is `new` until its create action completes, actions stay
//! `in-progress` for a configurable delay, a droplet with an action running refuses a
//! second one (422), a token must look like DigitalOcean's (`dop_v1_...`, else 401), and
//! every token is rate limited per minute (429 with DigitalOcean's `ratelimit-*`
//! headers). Outside the API, `/emulator/...` lets tests make the next
//! action of a type fail and change the delay or the rate limit.

mod backups;
mod catalog;
mod cloud;
mod http;
mod images;
mod routes;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use cloud::Cloud;

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long an action stays `in-progress`.
    pub action_delay: Duration,
    /// Requests a token may make per window before it gets 429s.
    pub rate_limit_per_minute: u32,
    /// The rate-limit window: a minute, as DigitalOcean's; tests shorten it.
    pub rate_limit_window: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            action_delay: Duration::from_millis(300),
            rate_limit_per_minute: 250,
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
