//! A client of a fresh emulator, for the tests beside this module (each test crate
//! uses part of it).
#![allow(dead_code)]

use std::time::Duration;

use iac_do_emulator::{Settings, app};
use serde_json::Value;

/// Tokens shaped as DigitalOcean issues them; each is its own account.
pub const TOKEN: &str = "dop_v1_6c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345678";
pub const OTHER_TOKEN: &str =
    "doo_v1_0fedcba9876543210fedcba9876543210fedcba9876543210fedcba987654321";

/// A public key the emulator fingerprints.
pub const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7w1vZy6b2u6QeJm0zv1b9h5Sx0x3Zc2pQ4mK8rT1aB ops@example";

/// Settings with actions that complete in 100 ms.
pub fn quick() -> Settings {
    Settings {
        action_delay: Duration::from_millis(100),
        ..Settings::default()
    }
}

/// A fresh emulator on a free port and a client of it with one token.
pub struct Api {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn new(settings: Settings) -> Api {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app(settings)).await.unwrap() });
        Api {
            base,
            token: TOKEN.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// The same emulator, as another token (another account).
    pub fn with_token(&self, token: &str) -> Api {
        Api {
            base: self.base.clone(),
            token: token.to_string(),
            http: self.http.clone(),
        }
    }

    /// `(status, JSON body)` of `method path`; `path` may be a full URL from a link.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }

    /// Polls an action (by its link or id) until it leaves `in-progress`.
    pub async fn settle(&self, action: u64) -> String {
        loop {
            let (_, a) = self.get(&format!("/v2/actions/{action}")).await;
            let status = a["action"]["status"].as_str().unwrap().to_string();
            if status != "in-progress" {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}
