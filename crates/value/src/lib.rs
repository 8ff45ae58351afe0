//! Values with *unknown* and *sensitive* marks, their types, and conversion between them.
//!
//! This crate is the common currency of `iac`: the language evaluates expressions to
//! [`Value`]s, the engine stores and diffs them, and providers receive and return them.
//! It depends on nothing but `serde_json`, so every other crate may use it.

mod convert;
mod json;
mod path;
mod render;
mod types;
mod value;

pub use convert::convert;
pub use path::{Path, PathStep};
pub use types::{ObjectAttr, Type};
pub use value::{Value, display_number};
