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
        }
    }

    /// The instance at `address`.
    pub fn resource(&self, address: &str) -> Option<&ResourceState> {
        self.resources.iter().find(|r| r.address == address)
    }

    /// Inserts or replaces the instance with the same address, keeping the list sorted.
    pub fn upsert(&mut self, r: ResourceState) {
        match self
            .resources
            .binary_search_by(|x| x.address.as_str().cmp(&r.address))
        {
            Ok(i) => self.resources[i] = r,
            Err(i) => self.resources.insert(i, r),
        }
    }

    /// Removes the instance at `address`, returning it.
    pub fn remove(&mut self, address: &str) -> Option<ResourceState> {
        let i = self.resources.iter().position(|r| r.address == address)?;
        Some(self.resources.remove(i))
    }

    /// Whether `other` holds the same content (ignoring serial).
    pub fn same_content(&self, other: &State) -> bool {
        self.lineage == other.lineage
            && self.outputs == other.outputs
            && self.resources == other.resources
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
            });
        }
        let addrs: Vec<_> = s.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addrs, ["a", "b", "c"]);
    }

    #[test]
    fn newer_versions_are_refused() {
        let mut s = State::new();
        s.version = FORMAT_VERSION + 1;
        assert!(State::from_json(&s.to_json()).is_err());
    }
}
