use std::collections::BTreeMap;

use crate::path::{Path, PathStep};

/// A value of the stack language.
///
/// Two marks ride on values: [`Value::Unknown`] ("known after apply") and
/// [`Value::Sensitive`], a wrapper that hides what it holds from every output.
/// Maps and objects share one variant, as do lists and tuples; sets keep their
/// elements sorted and unique so that equal sets compare equal.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Unknown,
    Sensitive(Box<Value>),
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A set from any elements: sorted and deduplicated.
    pub fn set(mut items: Vec<Value>) -> Value {
        items.sort_by(|a, b| a.total_cmp(b));
        items.dedup();
        Value::Set(items)
    }

    /// An object from (name, value) pairs.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Wraps `self` in the sensitive mark unless it already carries it.
    pub fn mark_sensitive(self) -> Value {
        match self {
            Value::Sensitive(_) => self,
            other => Value::Sensitive(Box::new(other)),
        }
    }

    /// Marks `self` sensitive when `sensitive` is true.
    pub fn mark_if(self, sensitive: bool) -> Value {
        if sensitive {
            self.mark_sensitive()
        } else {
            self
        }
    }

    /// Whether the top level carries the sensitive mark.
    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    /// The value without its top-level sensitive mark, and whether it had one.
    pub fn unmark(&self) -> (&Value, bool) {
        match self {
            Value::Sensitive(inner) => (inner.unmark().0, true),
            other => (other, false),
        }
    }

    /// The value with its top-level sensitive mark removed.
    pub fn into_unmarked(self) -> (Value, bool) {
        match self {
            Value::Sensitive(inner) => (inner.into_unmarked().0, true),
            other => (other, false),
        }
    }

    /// Removes every sensitive mark, at every depth, returning the paths that had one.
    pub fn unmark_deep(self) -> (Value, Vec<Path>) {
        let mut paths = Vec::new();
        let value = self.unmark_at(&mut Vec::new(), &mut paths);
        (value, paths)
    }

    fn unmark_at(self, at: &mut Path, paths: &mut Vec<Path>) -> Value {
        match self {
            Value::Sensitive(inner) => {
                paths.push(at.clone());
                inner.unmark_at(at, &mut Vec::new())
            }
            Value::List(items) => Value::List(unmark_items(items, at, paths)),
            Value::Set(items) => Value::Set(unmark_items(items, at, paths)),
            Value::Map(map) => Value::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        at.push(PathStep::Key(k.clone()));
                        let v = v.unmark_at(at, paths);
                        at.pop();
                        (k, v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// Puts the sensitive mark back on each of `paths` (those that exist).
    pub fn mark_paths(mut self, paths: &[Path]) -> Value {
        for path in paths {
            if path.is_empty() {
                return self.mark_sensitive();
            }
            if let Some(slot) = self.get_path_mut(path) {
                let taken = std::mem::take(slot);
                *slot = taken.mark_sensitive();
            }
        }
        self
    }

    /// Whether any part of the value is sensitive.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) | Value::Set(items) => items.iter().any(Value::contains_sensitive),
            Value::Map(map) => map.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// Whether this value, at the top level, is unknown.
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Sensitive(inner) => inner.is_unknown(),
            _ => false,
        }
    }

    /// Whether no part of the value is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Sensitive(inner) => inner.is_wholly_known(),
            Value::List(items) | Value::Set(items) => items.iter().all(Value::is_wholly_known),
            Value::Map(map) => map.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// Whether the value is null (looking through the sensitive mark).
    pub fn is_null(&self) -> bool {
        matches!(self.unmark().0, Value::Null)
    }

    /// The string inside, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self.unmark().0 {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean inside, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self.unmark().0 {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number inside, if this is a known number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.unmark().0 {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The map or object inside, if any.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unmark().0 {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The elements of a list, tuple or set, if this is one.
    pub fn as_items(&self) -> Option<&[Value]> {
        match self.unmark().0 {
            Value::List(items) | Value::Set(items) => Some(items),
            _ => None,
        }
    }

    /// An attribute of an object (null when absent or when `self` is not an object).
    pub fn get(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.as_map().and_then(|m| m.get(name)).unwrap_or(&NULL)
    }

    /// The value at `path`, if it exists.
    pub fn get_path(&self, path: &[PathStep]) -> Option<&Value> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let next = match (self.unmark().0, first) {
            (Value::Map(m), PathStep::Key(k)) => m.get(k)?,
            (Value::List(items) | Value::Set(items), PathStep::Index(i)) => items.get(*i)?,
            _ => return None,
        };
        next.get_path(rest)
    }

    fn get_path_mut(&mut self, path: &[PathStep]) -> Option<&mut Value> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let this = match self {
            Value::Sensitive(inner) => inner.as_mut(),
            other => other,
        };
        let next = match (this, first) {
            (Value::Map(m), PathStep::Key(k)) => m.get_mut(k)?,
            (Value::List(items) | Value::Set(items), PathStep::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
        next.get_path_mut(rest)
    }

    /// A short name of the value's kind, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "object",
            Value::Unknown => "unknown",
            Value::Sensitive(inner) => inner.type_name(),
        }
    }

    /// A total order over values, used to sort sets deterministically.
    pub fn total_cmp(&self, other: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Null => 0,
                Value::Bool(_) => 1,
                Value::Number(_) => 2,
                Value::String(_) => 3,
                Value::List(_) => 4,
                Value::Set(_) => 5,
                Value::Map(_) => 6,
                Value::Unknown => 7,
                Value::Sensitive(inner) => rank(inner),
            }
        }
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
            (Value::String(a), Value::String(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) | (Value::Set(a), Value::Set(b)) => a
                .iter()
                .zip(b)
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(a.len().cmp(&b.len())),
            (Value::Map(a), Value::Map(b)) => a
                .iter()
                .zip(b)
                .map(|((ka, va), (kb, vb))| ka.cmp(kb).then_with(|| va.total_cmp(vb)))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(a.len().cmp(&b.len())),
            // Marks do not move a value in a set: a sensitive element sorts where its
            // value does (after an equal unmarked one), so unmarking keeps the order.
            (Value::Sensitive(a), Value::Sensitive(b)) => a.total_cmp(b),
            (Value::Sensitive(a), b) => a.total_cmp(b).then(Ordering::Greater),
            (a, Value::Sensitive(b)) => a.total_cmp(b).then(Ordering::Less),
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// Replaces the values at `paths` (relative to `self`) by those in `other`.
    pub fn copy_paths_from(&mut self, other: &Value, paths: &[Path]) {
        for path in paths {
            let Some(source) = other.get_path(path) else {
                continue;
            };
            if let Some(slot) = self.get_path_mut(path) {
                *slot = source.clone();
            }
        }
    }
}

fn unmark_items(items: Vec<Value>, at: &mut Path, paths: &mut Vec<Path>) -> Vec<Value> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            at.push(PathStep::Index(i));
            let v = v.unmark_at(at, paths);
            at.pop();
            v
        })
        .collect()
}

/// Formats a number the way the stack language prints it: integers without a fraction.
pub fn display_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n as f64)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_and_unique() {
        let s = Value::set(vec!["b".into(), "a".into(), "b".into()]);
        assert_eq!(s, Value::Set(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn unmark_deep_and_mark_paths_round_trip() {
        let v = Value::object([
            ("name", Value::from("db")),
            ("password", Value::from("hunter2").mark_sensitive()),
            (
                "list",
                Value::List(vec![Value::from(1i64), Value::from(2i64).mark_sensitive()]),
            ),
        ]);
        let (plain, paths) = v.clone().unmark_deep();
        assert!(!plain.contains_sensitive());
        assert_eq!(paths.len(), 2);
        assert_eq!(plain.mark_paths(&paths), v);
    }

    #[test]
    fn marks_do_not_change_set_order() {
        let marked = Value::set(vec![
            "c".into(),
            Value::from("a").mark_sensitive(),
            "b".into(),
        ]);
        let (plain, paths) = marked.clone().unmark_deep();
        assert_eq!(plain, Value::set(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(plain.mark_paths(&paths), marked);
    }

    #[test]
    fn known_and_unknown() {
        let v = Value::List(vec![Value::from(1i64), Value::Unknown]);
        assert!(!v.is_wholly_known());
        assert!(!v.is_unknown());
        assert!(Value::Unknown.mark_sensitive().is_unknown());
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(display_number(3.0), "3");
        assert_eq!(display_number(0.5), "0.5");
        assert_eq!(display_number(-12.0), "-12");
    }
}
