//! An emulator of the part of DigitalOcean's public v2 API that the `digitalocean`
//! provider (and `doctl` or Terraform's provider) use, for tests: the account, droplets
//! and their actions, all actions, tags, SSH keys, domains and records, firewalls,
//! reserved IPs and their actions, and the region/size/image catalogue.
//!
//! It follows DigitalOcean's OpenAPI specification (paths, status codes, JSON shapes,
//! `links`/`meta`, error bodies `{"id", "message", "request_id"}` for every refusal,
//! unknown paths and methods included; `tests/contract.rs` checks each answer against
//! a schema written from it) and DigitalOcean's behaviour:
//! - each token (`dop_v1_` or `doo_v1_` and 64 hex digits, else 401) is its own
//!   account, with its own resources and a droplet limit (`/v2/account`; a create past
//!   it is a 422 with DigitalOcean's message);
//! - actions stay `in-progress` for a configurable delay; a droplet is `new` until its
//!   create action completes, and one with an action running refuses a second (422);
//! - a deleted droplet answers 204 at once but stays listed (locked, its status as it
//!   was) until its `destroy` action completes; a reserved IP's `droplet` changes when
//!   its assign or unassign action completes;
//! - action links are full URLs on the request's host;
//! - every token is rate limited as on DigitalOcean (250 requests in any minute, 429
//!   with `retry-after` beyond; 5,000 in any hour, in the `ratelimit-*` headers);
//! - image slugs move to newer images (`/emulator/images/{slug}/successor`).
//!
//! Outside the API, `/emulator/...` lets tests make an account's next action of a type
//! fail, lose the answer to an account's next request of a method and path (carried
//! out, answered with a 5xx), set an account's droplet limit, and change the delay or
//! the rate limit.

mod auth;
mod backups;
mod catalog;
mod cloud;
mod http;
mod images;
mod rate_limit;
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
    /// Requests a token may make in any minute before it gets 429s with `retry-after`.
    pub rate_limit_per_minute: u32,
    /// Requests a token may make in any hour (`ratelimit-limit`).
    pub rate_limit_per_hour: u32,
    /// How long the rate limits' minute is: a minute, as DigitalOcean's; tests shorten
    /// it (the hour is sixty of them).
    pub rate_limit_window: Duration,
    /// How many droplets a new account may have at once.
    pub droplet_limit: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            action_delay: Duration::from_millis(300),
            rate_limit_per_minute: 250,
            rate_limit_per_hour: 5000,
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
