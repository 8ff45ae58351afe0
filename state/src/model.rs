use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the state file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A stack's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// A random id made when the state is first created; never changes afterwards.
    pub lineage: String,
    /// Bumped on every write that changes anything.
    pub serial: u64,
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputState>,
    /// Every resource instance, sorted by address.
    #[serde(default)]
    pub resources: Vec<ResourceState>,
    /// The intent journal: creates that were sent but whose answer is not recorded yet,
    /// sorted by address. An entry left by a killed run is resolved by the next plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingCreate>,
}

/// A create sent to a provider whose outcome is not recorded yet (the intent journal).
///
/// It is written before the create is sent and removed once the object is recorded.
/// Found by a later run, it says what to look for: the provider searches by `token`
/// (sent as the API's idempotency token where it has one) or by the identifying
/// values in `planned` (names, tags), and the object found is adopted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCreate {
    /// The address the object is made for.
    pub address: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The provider configuration, as in [`ResourceState::provider`].
    pub provider: String,
    /// The idempotency token the create carries; a retry of the same create sends the
    /// same one.
    pub token: String,
    /// The planned state the create was sent with (unknown values are null).
    pub planned: serde_json::Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_attributes: Vec<Vec<PathStepJson>>,
    /// As in [`ResourceState::dependencies`], for the object once it is adopted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_before_destroy: bool,
    /// When the create was sent (RFC 3339).
    pub started: String,
    /// The run that sent it (its lock id).
    pub run: String,
}

/// A root module output as last applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputState {
    pub value: serde_json::Value,
    #[serde(default)]
    pub sensitive: bool,
}

/// One step of a sensitive attribute path, in Terraform's state shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum PathStepJson {
    GetAttr(String),
    Index(serde_json::Value),
}

/// The status of a resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InstanceStatus {
    #[default]
    Ready,
    /// The create (or replace) failed half-way: the object exists but is not trusted, and
    /// the next plan replaces it.
    Tainted,
}

fn is_ready(s: &InstanceStatus) -> bool {
    *s == InstanceStatus::Ready
}

/// One resource instance (managed or data) in the state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    /// The full address, e.g. `module.web.aws_s3_bucket.logs["a"]`.
    pub address: String,
    /// `managed` or `data`.
    pub mode: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// The provider configuration, e.g. `provider["aws"]` or `provider["aws"].west`.
    pub provider: String,
    pub attributes: serde_json::Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_attributes: Vec<Vec<PathStepJson>>,
    /// Addresses of the resources this one depended on when last applied; used to order
    /// its destruction once it leaves the configuration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "is_ready")]
    pub status: InstanceStatus,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_before_destroy: bool,
    /// Set on an object its replacement has superseded (`create_before_destroy`) but
    /// that is not destroyed yet; the key tells several such objects apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
}

impl ResourceState {
    fn key(&self) -> (&str, Option<&str>) {
        (&self.address, self.deposed.as_deref())
    }
}

impl State {
    /// A new, empty state with a fresh lineage.
    pub fn new() -> State {
        State {
            version: FORMAT_VERSION,
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The journal entry of a create in flight or left unresolved at `address`.
    pub fn pending(&self, address: &str) -> Option<&PendingCreate> {
        self.pending.iter().find(|p| p.address == address)
    }

    /// Records a create about to be sent, replacing any earlier entry for its address.
    pub fn add_pending(&mut self, entry: PendingCreate) {
        let at = self
            .pending
            .partition_point(|p| p.address.as_str() < entry.address.as_str());
        match self.pending.get(at) {
            Some(p) if p.address == entry.address => self.pending[at] = entry,
            _ => self.pending.insert(at, entry),
        }
    }

    /// Removes the journal entry at `address`, returning it.
    pub fn remove_pending(&mut self, address: &str) -> Option<PendingCreate> {
        let at = self.pending.iter().position(|p| p.address == address)?;
        Some(self.pending.remove(at))
    }

    /// The current object at `address` (not a deposed one).
    pub fn resource(&self, address: &str) -> Option<&ResourceState> {
        self.position(address, None)
            .ok()
            .map(|i| &self.resources[i])
    }

    fn position(&self, address: &str, deposed: Option<&str>) -> Result<usize, usize> {
        self.resources
            .binary_search_by(|x| x.key().cmp(&(address, deposed)))
    }

    /// Inserts or replaces the object with the same address (and deposed key), keeping
    /// the list sorted.
    pub fn upsert(&mut self, r: ResourceState) {
        match self.position(&r.address, r.deposed.as_deref()) {
            Ok(i) => self.resources[i] = r,
            Err(i) => self.resources.insert(i, r),
        }
    }

    /// Removes the current object at `address`, returning it.
    pub fn remove(&mut self, address: &str) -> Option<ResourceState> {
        let i = self.position(address, None).ok()?;
        Some(self.resources.remove(i))
    }

    /// Marks the current object at `address` deposed, under a new key, which it returns.
    pub fn depose(&mut self, address: &str) -> Option<String> {
        let mut r = self.remove(address)?;
        let key = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        r.deposed = Some(key.clone());
        self.upsert(r);
        Some(key)
    }

    /// Removes the deposed object `key` at `address`.
    pub fn remove_deposed(&mut self, address: &str, key: &str) -> Option<ResourceState> {
        let i = self.position(address, Some(key)).ok()?;
        Some(self.resources.remove(i))
    }

    /// Removes every object at `address`, current and deposed, and its journal entry;
    /// returns how many were removed.
    pub fn forget(&mut self, address: &str) -> usize {
        let before = self.resources.len() + self.pending.len();
        self.resources.retain(|r| r.address != address);
        self.pending.retain(|p| p.address != address);
        before - self.resources.len() - self.pending.len()
    }

    /// Whether `other` holds the same content (ignoring serial).
    pub fn same_content(&self, other: &State) -> bool {
        self.lineage == other.lineage
            && self.outputs == other.outputs
            && self.resources == other.resources
            && self.pending == other.pending
    }

    /// Parses a state file, checking its format version.
    pub fn from_json(text: &str) -> std::io::Result<State> {
        let state: State = serde_json::from_str(text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("the state file is not valid: {e}"),
            )
        })?;
        if state.version > FORMAT_VERSION {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "the state file has format version {}, newer than this iac understands ({FORMAT_VERSION})",
                    state.version
                ),
            ));
        }
        Ok(state)
    }

    /// The state as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("state serializes");
        s.push('\n');
        s
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut s = State::new();
        s.serial = 4;
        s.outputs.insert(
            "name".into(),
            OutputState {
                value: serde_json::json!("x"),
                sensitive: true,
            },
        );
        s.upsert(ResourceState {
            address: "module.a.aws_s3_bucket.b[\"k\"]".into(),
            mode: "managed".into(),
            type_name: "aws_s3_bucket".into(),
            provider: "provider[\"aws\"]".into(),
            attributes: serde_json::json!({"bucket": "b", "password": "p"}),
            sensitive_attributes: vec![vec![PathStepJson::GetAttr("password".into())]],
            dependencies: vec!["aws_s3_bucket.a".into()],
            status: InstanceStatus::Tainted,
            create_before_destroy: false,
            deposed: None,
        });
        let text = s.to_json();
        assert!(text.contains("\"type\": \"get_attr\""), "{text}");
        assert!(text.contains("\"status\": \"tainted\""));
        assert_eq!(State::from_json(&text).unwrap(), s);
    }

    #[test]
    fn upsert_keeps_addresses_sorted() {
        let mut s = State::new();
        for a in ["b", "a", "c", "a"] {
            s.upsert(ResourceState {
                address: a.into(),
                mode: "managed".into(),
                type_name: "t".into(),
                provider: "p".into(),
                attributes: serde_json::Value::Null,
                sensitive_attributes: vec![],
                dependencies: vec![],
                status: InstanceStatus::Ready,
                create_before_destroy: false,
                deposed: None,
            });
        }
        let addrs: Vec<_> = s.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addrs, ["a", "b", "c"]);
    }

    #[test]
    fn deposed_objects_live_beside_the_current_one() {
        let mut s = State::new();
        let entry = |bucket: &str| ResourceState {
            address: "aws_s3_bucket.b".into(),
            mode: "managed".into(),
            type_name: "aws_s3_bucket".into(),
            provider: "provider[\"aws\"]".into(),
            attributes: serde_json::json!({ "bucket": bucket }),
            sensitive_attributes: vec![],
            dependencies: vec![],
            status: InstanceStatus::Ready,
            create_before_destroy: true,
            deposed: None,
        };
        s.upsert(entry("old"));
        let key = s.depose("aws_s3_bucket.b").unwrap();
        assert!(s.resource("aws_s3_bucket.b").is_none());
        s.upsert(entry("new"));
        assert_eq!(
            s.resource("aws_s3_bucket.b").unwrap().attributes["bucket"],
            "new"
        );
        assert_eq!(
            State::from_json(&s.to_json()).unwrap(),
            s,
            "deposed objects survive a round trip"
        );
        assert_eq!(
            s.remove_deposed("aws_s3_bucket.b", &key)
                .unwrap()
                .attributes["bucket"],
            "old"
        );
        assert_eq!(s.resources.len(), 1);
    }

    #[test]
    fn journal_entries_are_kept_by_address_and_survive_a_round_trip() {
        let mut s = State::new();
        let entry = |address: &str, token: &str| PendingCreate {
            address: address.into(),
            type_name: "aws_instance".into(),
            provider: "provider[\"aws\"]".into(),
            token: token.into(),
            planned: serde_json::json!({ "tags": { "Name": "web" } }),
            sensitive_attributes: vec![],
            dependencies: vec![],
            create_before_destroy: false,
            started: "2026-12-02T05:00:00Z".into(),
            run: "run".into(),
        };
        assert!(
            !s.to_json().contains("pending"),
            "an empty journal is left out"
        );
        s.add_pending(entry("b", "1"));
        s.add_pending(entry("a", "2"));
        s.add_pending(entry("b", "3"));
        let tokens: Vec<_> = s.pending.iter().map(|p| p.token.as_str()).collect();
        assert_eq!(tokens, ["2", "3"]);
        assert_eq!(State::from_json(&s.to_json()).unwrap(), s);
        let mut other = s.clone();
        other.remove_pending("a").unwrap();
        assert!(!s.same_content(&other), "the journal is content");
        assert_eq!(other.forget("b"), 1);
        assert!(other.pending.is_empty());
    }

    #[test]
    fn newer_versions_are_refused() {
        let mut s = State::new();
        s.version = FORMAT_VERSION + 1;
        assert!(State::from_json(&s.to_json()).is_err());
    }
}
