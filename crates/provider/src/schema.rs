use std::collections::BTreeMap;

use iac_value::{Type, Value};

/// The attributes and nested blocks a resource, data source or provider block accepts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub attributes: BTreeMap<String, Attribute>,
    pub blocks: BTreeMap<String, NestedBlock>,
}

/// One attribute of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    /// Set by the provider when the configuration leaves it unset.
    pub computed: bool,
    /// A change replaces the object.
    pub force_new: bool,
    /// Never shown in plans or outputs.
    pub sensitive: bool,
    /// The value when the configuration leaves it unset.
    pub default: Option<Value>,
    /// Not held by the cloud (`force_destroy`, `skip_final_snapshot`, a password): the
    /// provider cannot read it back, so an object whose state never recorded it (an
    /// import) takes it from the configuration instead of planning an update.
    pub config_only: bool,
    /// The attribute the provider computes this one from, element by element (`tags_all`
    /// from `tags`): the engine carries that attribute's sensitive marks over to this
    /// one, since providers never see marks.
    pub derived_from: Option<String>,
}

impl Attribute {
    fn new(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: false,
            optional: false,
            computed: false,
            force_new: false,
            sensitive: false,
            default: None,
            config_only: false,
            derived_from: None,
        }
    }

    /// An attribute the configuration must set.
    pub fn required(ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::new(ty)
        }
    }

    /// An attribute the configuration may set.
    pub fn optional(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::new(ty)
        }
    }

    /// An attribute only the provider sets.
    pub fn computed(ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::new(ty)
        }
    }

    /// An attribute the configuration may set, else the provider does.
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::new(ty)
        }
    }

    /// Marks a change of this attribute as forcing replacement.
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }

    /// Marks the attribute sensitive.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Marks the attribute as one the cloud does not hold.
    pub fn config_only(mut self) -> Attribute {
        self.config_only = true;
        self
    }

    /// Declares that the provider computes this attribute from `source`'s elements.
    pub fn derived_from(mut self, source: &str) -> Attribute {
        self.derived_from = Some(source.to_string());
        self
    }

    /// Gives the attribute a default.
    pub fn default(mut self, v: impl Into<Value>) -> Attribute {
        self.default = Some(v.into());
        self
    }
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one; its value is an object (or null). Terraform gives only the
    /// `timeouts` block this shape: the providers' other at-most-one blocks are lists
    /// with `max_items` 1 (see [`NestedBlock::list_max_one`]).
    Single,
    /// Any number, in order; its value is a list of objects.
    List,
    /// Any number, unordered; its value is a set of objects.
    Set,
}

/// A nested block type of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    pub nesting: Nesting,
    pub schema: Schema,
    pub min_items: usize,
    pub max_items: Option<usize>,
    pub force_new: bool,
}

impl NestedBlock {
    /// A repeated block.
    pub fn list(schema: Schema) -> NestedBlock {
        NestedBlock {
            nesting: Nesting::List,
            schema,
            min_items: 0,
            max_items: None,
            force_new: false,
        }
    }

    /// An unordered repeated block.
    pub fn set(schema: Schema) -> NestedBlock {
        NestedBlock {
            nesting: Nesting::Set,
            ..NestedBlock::list(schema)
        }
    }

    /// A block given at most once, as Terraform's providers declare one (`TypeList`
    /// with `MaxItems: 1`): its value is a list of zero or one objects, read as
    /// `x.block[0].attr`.
    pub fn list_max_one(schema: Schema) -> NestedBlock {
        NestedBlock {
            max_items: Some(1),
            ..NestedBlock::list(schema)
        }
    }

    /// A block given at most once whose value is an object (or null): Terraform's
    /// `timeouts` block.
    pub fn single(schema: Schema) -> NestedBlock {
        NestedBlock {
            nesting: Nesting::Single,
            schema,
            min_items: 0,
            max_items: Some(1),
            force_new: false,
        }
    }

    /// Requires at least `n` blocks.
    pub fn min(mut self, n: usize) -> NestedBlock {
        self.min_items = n;
        self
    }
}

impl Schema {
    /// A schema from attribute and block lists.
    pub fn new<const A: usize, const B: usize>(
        attributes: [(&str, Attribute); A],
        blocks: [(&str, NestedBlock); B],
    ) -> Schema {
        Schema {
            attributes: attributes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            blocks: blocks
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    /// The object type a value of this schema has.
    pub fn value_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for (name, a) in &self.attributes {
            attrs.insert(
                name.clone(),
                iac_value::ObjectAttr {
                    ty: a.ty.clone(),
                    optional: true,
                    default: None,
                },
            );
        }
        for (name, b) in &self.blocks {
            let inner = b.schema.value_type();
            let ty = match b.nesting {
                Nesting::Single => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
            };
            attrs.insert(
                name.clone(),
                iac_value::ObjectAttr {
                    ty,
                    optional: true,
                    default: None,
                },
            );
        }
        Type::Object(attrs)
    }

    /// The marks that `marks` (sensitive paths of a configuration) imply for the
    /// attributes derived from others: a mark on `tags` marks all of `tags_all`, a mark on
    /// `tags["k"]` marks `tags_all["k"]` (where `value`, the planned object, has it).
    pub fn derived_paths(&self, marks: &[iac_value::Path], value: &Value) -> Vec<iac_value::Path> {
        use iac_value::PathStep;
        let mut out = Vec::new();
        for (name, a) in &self.attributes {
            let Some(source) = &a.derived_from else {
                continue;
            };
            for mark in marks {
                let Some((PathStep::Key(first), rest)) = mark.split_first() else {
                    continue;
                };
                if first != source {
                    continue;
                }
                let mut derived = vec![PathStep::Key(name.clone())];
                derived.extend(rest.iter().cloned());
                if value.get_path(&derived).is_some() {
                    out.push(derived);
                }
            }
        }
        out
    }

    /// Paths of every sensitive attribute present in `value`.
    pub fn sensitive_paths(&self, value: &Value) -> Vec<iac_value::Path> {
        let mut out = Vec::new();
        self.collect_sensitive(value, &mut Vec::new(), &mut out);
        out
    }

    fn collect_sensitive(
        &self,
        value: &Value,
        at: &mut iac_value::Path,
        out: &mut Vec<iac_value::Path>,
    ) {
        use iac_value::PathStep;
        for (name, a) in &self.attributes {
            if a.sensitive && !value.get(name).is_null() {
                let mut p = at.clone();
                p.push(PathStep::Key(name.clone()));
                out.push(p);
            }
        }
        for (name, b) in &self.blocks {
            at.push(PathStep::Key(name.clone()));
            match value.get(name) {
                Value::Map(_) => b.schema.collect_sensitive(value.get(name), at, out),
                v => {
                    for (i, item) in v.as_items().unwrap_or(&[]).iter().enumerate() {
                        at.push(PathStep::Index(i));
                        b.schema.collect_sensitive(item, at, out);
                        at.pop();
                    }
                }
            }
            at.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iac_value::PathStep;

    #[test]
    fn marks_carry_over_to_derived_attributes() {
        let schema = Schema::new(
            [
                ("tags", Attribute::optional(Type::map(Type::String))),
                (
                    "tags_all",
                    Attribute::computed(Type::map(Type::String)).derived_from("tags"),
                ),
            ],
            [],
        );
        let planned = Value::object([
            ("tags", Value::object([("pw", Value::from("x"))])),
            (
                "tags_all",
                Value::object([("pw", Value::from("x")), ("team", Value::from("ops"))]),
            ),
        ]);
        let key = |k: &str| PathStep::Key(k.to_string());
        let element = vec![vec![key("tags"), key("pw")]];
        assert_eq!(
            schema.derived_paths(&element, &planned),
            vec![vec![key("tags_all"), key("pw")]]
        );
        let whole = vec![vec![key("tags")]];
        assert_eq!(
            schema.derived_paths(&whole, &planned),
            vec![vec![key("tags_all")]]
        );
        let other = vec![vec![key("name")]];
        assert!(schema.derived_paths(&other, &planned).is_empty());
    }
}

/// Everything a provider accepts.
#[derive(Debug, Clone, Default)]
pub struct ProviderSchema {
    /// The `provider` block's own settings.
    pub provider: Schema,
    pub resources: BTreeMap<String, Schema>,
    pub data_sources: BTreeMap<String, Schema>,
    /// The filters each resource type that can be listed accepts (a `list` block's
    /// `config`), by type name.
    pub lists: BTreeMap<String, Schema>,
}
