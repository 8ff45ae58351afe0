//! Adopting objects made outside `iac`: their state turned into the configuration a
//! person would write (`generate`), with references between them (`refs`), lookups of
//! what lies outside (`lookups`), names (`naming`), files by service (`files`), and
//! `iac adopt` itself (`select`, `adopt`).

pub mod adopt;
pub mod files;
pub mod fold;
pub mod generate;
pub mod lookups;
pub mod naming;
pub mod refs;
pub mod select;
