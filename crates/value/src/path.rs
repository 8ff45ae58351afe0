/// One step into a value: an object attribute or map key, or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// A path into a value, e.g. `tags["Name"]` or `rule[0].id`.
pub type Path = Vec<PathStep>;
