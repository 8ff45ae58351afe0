//! What an adoption test checks in the stack `iac adopt` wrote, read with hcl-edit as
//! any tool would: which blocks it holds, that no literal id stands where a reference
//! or a lookup belongs, and edits a person would make.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::visit::{Visit, visit_block};

use super::Made;

/// The configuration files of a folder, parsed.
pub struct Written {
    pub files: Vec<(PathBuf, Body)>,
}

/// Every string literal under a node, outside `import` blocks (whose `id` is a literal
/// id by nature).
#[derive(Default)]
struct Literals(Vec<String>);

impl Visit for Literals {
    fn visit_block(&mut self, block: &Block) {
        if block.ident.as_str() != "import" {
            visit_block(self, block);
        }
    }
    fn visit_string(&mut self, s: &hcl_edit::Decorated<String>) {
        self.0.push(s.value().clone());
    }
    fn visit_literal(&mut self, s: &hcl_edit::Spanned<String>) {
        self.0.push(s.value().clone());
    }
}

fn label(block: &Block, n: usize) -> Option<&str> {
    block.labels.get(n).map(|l| l.as_str())
}

impl Written {
    /// Parses every `*.tf` and `*.hcl` file of `dir`; a file that does not parse fails
    /// the test.
    pub fn read(dir: &Path) -> Written {
        let mut files = Vec::new();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("the stack folder")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "tf" || e == "hcl"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let body = hcl_edit::parser::parse_body(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}\n{text}", path.display()));
            files.push((path, body));
        }
        assert!(!files.is_empty(), "adopt wrote no configuration file");
        Written { files }
    }

    /// The top-level blocks of kind `ident` (`resource`, `import`, `variable`...).
    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.files
            .iter()
            .flat_map(|(_, body)| body.blocks())
            .filter(move |b| b.ident.as_str() == ident)
    }

    /// Resource blocks per type.
    pub fn resources(&self) -> BTreeMap<String, usize> {
        let mut count = BTreeMap::new();
        for block in self.blocks("resource") {
            *count
                .entry(label(block, 0).unwrap_or_default().to_string())
                .or_default() += 1;
        }
        count
    }

    /// The resource block of `type_name` whose `attribute` (or, for `tags.Name`, the
    /// `Name` tag) is the string `value`.
    pub fn resource_where(&self, type_name: &str, attribute: &str, value: &str) -> &Block {
        self.blocks("resource")
            .filter(|b| label(b, 0) == Some(type_name))
            .find(|b| string_at(&b.body, attribute).as_deref() == Some(value))
            .unwrap_or_else(|| panic!("no {type_name} block with {attribute} = {value:?}"))
    }

    /// Fails when an id of `made` appears as a literal outside `import` blocks.
    pub fn assert_no_literal_ids(&self, made: &Made) {
        let mut literals = Literals::default();
        for (_, body) in &self.files {
            literals.visit_body(body);
        }
        for id in &made.ids {
            let numeric = id.chars().all(|c| c.is_ascii_digit());
            let found = literals.0.iter().find(|s| {
                if numeric {
                    *s == id
                } else {
                    s.contains(id.as_str())
                }
            });
            assert!(
                found.is_none(),
                "the adopted stack holds the literal {:?} where a reference or a lookup belongs:\n{}",
                found.unwrap(),
                self.text()
            );
        }
    }

    /// Sets `attribute` of the resource block found by [`Written::resource_where`] to
    /// the string `new`, and writes its file back.
    pub fn edit(&mut self, found: (&str, &str, &str), attribute: &str, new: &str) {
        let (type_name, key, value) = found;
        for (path, body) in &mut self.files {
            let Some(block) = body.blocks_mut().find(|b| {
                b.ident.as_str() == "resource"
                    && b.labels.first().map(|l| l.as_str()) == Some(type_name)
                    && string_at(&b.body, key).as_deref() == Some(value)
            }) else {
                continue;
            };
            let mut attr = block
                .body
                .get_attribute_mut(attribute)
                .unwrap_or_else(|| panic!("{type_name} {value} has no {attribute}"));
            *attr.value_mut() = Expression::from(new);
            std::fs::write(path, body.to_string()).unwrap();
            return;
        }
        panic!("no {type_name} block with {key} = {value:?}");
    }

    /// All files, for failure messages.
    pub fn text(&self) -> String {
        self.files
            .iter()
            .map(|(p, b)| format!("# {}\n{b}", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The string at `attribute` of a body, or at `tags.Name` for `"tags.Name"`.
fn string_at(body: &Body, attribute: &str) -> Option<String> {
    let (name, key) = match attribute.split_once('.') {
        Some((n, k)) => (n, Some(k)),
        None => (attribute, None),
    };
    let value = &body.get_attribute(name)?.value;
    let value = match key {
        None => value,
        Some(key) => {
            let Expression::Object(object) = value else {
                return None;
            };
            object
                .iter()
                .find(|(k, _)| match k {
                    ObjectKey::Ident(i) => i.as_str() == key,
                    ObjectKey::Expression(Expression::String(s)) => s.value() == key,
                    _ => false,
                })
                .map(|(_, v)| v.expr())?
        }
    };
    match value {
        Expression::String(s) => Some(s.value().clone()),
        _ => None,
    }
}

/// The counts of a `Plan: ...` line: `(import, add, change, destroy)`.
pub fn plan_counts(output: &str) -> (usize, usize, usize, usize) {
    let line = output
        .lines()
        .find(|l| l.starts_with("Plan: "))
        .unwrap_or_else(|| panic!("no Plan: line in\n{output}"));
    let number = |what: &str| -> usize {
        line.split(", ")
            .map(|p| p.trim_start_matches("Plan: ").trim_end_matches('.'))
            .find_map(|p| p.strip_suffix(what).map(|n| n.trim().parse().unwrap()))
            .unwrap_or(0)
    };
    (
        number("to import"),
        number("to add"),
        number("to change"),
        number("to destroy"),
    )
}
