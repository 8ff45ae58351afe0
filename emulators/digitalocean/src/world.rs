//! Everything the emulator serves: one account per token, as every DigitalOcean token
//! belongs to one team, and what the accounts share (settings, rate-limit windows, the
//! sequence that numbers droplets, actions and keys).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::Settings;
use crate::cloud::Cloud;
use crate::rate_limit::Usage;

/// The emulator's whole state.
pub struct World {
    pub settings: Settings,
    /// Each token's requests, for its rate limits.
    pub windows: BTreeMap<String, Usage>,
    /// Each token's account, made on its first request.
    accounts: BTreeMap<String, Cloud>,
    /// Ids are unique across accounts, as DigitalOcean's are.
    ids: Arc<AtomicU64>,
}

impl World {
    pub fn new(settings: Settings) -> World {
        World {
            settings,
            windows: BTreeMap::new(),
            accounts: BTreeMap::new(),
            ids: Arc::new(AtomicU64::new(3_000_000)),
        }
    }

    /// The token's account, made with the default droplet limit on first use.
    pub fn account(&mut self, token: &str) -> &mut Cloud {
        let (ids, limit) = (self.ids.clone(), self.settings.droplet_limit);
        self.accounts
            .entry(token.to_string())
            .or_insert_with(|| Cloud::new(token, ids, limit))
    }

    /// The token's account if it has made a request.
    pub fn existing(&self, token: &str) -> Option<&Cloud> {
        self.accounts.get(token)
    }

    /// Completes, in every account, each action whose time has come.
    pub fn tick(&mut self) {
        let delay = self.settings.action_delay;
        for account in self.accounts.values_mut() {
            account.tick(delay);
        }
    }
}
