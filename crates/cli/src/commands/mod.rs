//! One module per group of commands.

pub mod adopt;
pub mod apply;
pub mod drift;
pub mod fmt;
pub mod generate;
pub mod import;
pub mod init;
pub mod inspect;
pub mod plan;
pub mod query;
mod query_config;
pub mod state;
pub mod version;
