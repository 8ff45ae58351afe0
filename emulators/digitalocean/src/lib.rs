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

mod auth;
mod backups;
mod catalog;
mod cloud;
mod http;
mod routes;
mod world;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use world::World;

/// The droplet limit of a new account: the 25 DigitalOcean's specification shows
/// (brand-new accounts may start lower until DigitalOcean raises them).
pub const DEFAULT_DROPLET_LIMIT: u64 = 25;

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long an action stays `in-progress`.
    pub action_delay: Duration,
    /// Requests a token may make per window before it gets 429s.
    pub rate_limit_per_minute: u32,
    /// The rate-limit window: a minute, as DigitalOcean's; tests shorten it.
    pub rate_limit_window: Duration,
    /// How many droplets a new account may have at once.
    pub droplet_limit: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            action_delay: Duration::from_millis(300),
            rate_limit_per_minute: 250,
            rate_limit_window: Duration::from_secs(60),
            droplet_limit: DEFAULT_DROPLET_LIMIT,
        }
    }
}

/// The emulator's shared state.
pub type Shared = Arc<Mutex<World>>;

/// The HTTP application over fresh accounts, each token's empty until it makes things.
pub fn app(settings: Settings) -> axum::Router {
    routes::router(Arc::new(Mutex::new(World::new(settings))))
}
