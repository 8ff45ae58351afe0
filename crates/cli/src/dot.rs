//! The dependency graph in Graphviz DOT form, as `terraform graph` writes it: every node
//! id quoted, with `"` and `\` escaped, so `provider["aws"]` stays one valid id.

use std::collections::BTreeSet;
use std::fmt::Write;

use iac_engine::graph::Graph;

/// The graph as DOT: one line per node and per edge (dependent -> dependency), sorted.
pub fn to_dot(graph: &Graph) -> String {
    let g = &graph.graph;
    let mut lines = BTreeSet::new();
    for idx in g.node_indices() {
        let id = quote(&g[idx].to_string());
        lines.insert(format!("  {id} [label = {id}, shape = \"box\"]"));
    }
    for e in g.edge_indices() {
        let (dependency, dependent) = g.edge_endpoints(e).expect("the edge exists");
        lines.insert(format!(
            "  {} -> {}",
            quote(&g[dependent].to_string()),
            quote(&g[dependency].to_string())
        ));
    }
    let mut out = String::from(
        "digraph {\n  compound = \"true\"\n  newrank = \"true\"\n  rankdir = \"RL\"\n",
    );
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string, escaped as Go's `%q` (which Terraform uses) escapes it.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(quote(r#"provider["aws"]"#), r#""provider[\"aws\"]""#);
        assert_eq!(quote(r"a\b"), r#""a\\b""#);
        assert_eq!(quote("a\nb"), r#""a\nb""#);
    }
}
