//! Adopting objects made outside `iac`: their state turned into the configuration a
//! person would write (`generate`).

pub mod generate;
pub mod lookups;
pub mod naming;
pub mod refs;
