//! The account a request acts on: its bearer token's.

use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;

use crate::Shared;
use crate::auth;
use crate::cloud::Cloud;
use crate::http::unauthorized;
use crate::world::World;

/// A request's account, by its token (401 without a valid one).
pub struct Session {
    world: Shared,
    token: String,
}

impl FromRequestParts<Shared> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, world: &Shared) -> Result<Session, Response> {
        let token = auth::bearer(&parts.headers).ok_or_else(unauthorized)?;
        Ok(Session {
            world: world.clone(),
            token: token.to_string(),
        })
    }
}

impl Session {
    /// The account, locked for the request's work.
    pub fn lock(&self) -> Result<Scope<'_>, String> {
        let mut world = self.world.lock().map_err(|e| e.to_string())?;
        world.account(&self.token);
        Ok(Scope {
            world,
            token: &self.token,
        })
    }
}

/// A locked account.
pub struct Scope<'a> {
    world: MutexGuard<'a, World>,
    token: &'a str,
}

impl Deref for Scope<'_> {
    type Target = Cloud;

    fn deref(&self) -> &Cloud {
        self.world
            .existing(self.token)
            .expect("the account is made when locked")
    }
}

impl DerefMut for Scope<'_> {
    fn deref_mut(&mut self) -> &mut Cloud {
        self.world.account(self.token)
    }
}
