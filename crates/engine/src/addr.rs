//! Addresses: `module.web["a"].aws_s3_bucket.logs[0]`, `data.aws_ami.ubuntu`, ...

use std::fmt;

use iac_lang::config::Mode;
use iac_value::Value;

/// The key of one instance of a resource or module made with `count` or `for_each`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// Neither `count` nor `for_each`.
    None,
    Int(i64),
    Str(String),
}

impl InstanceKey {
    /// The key as a value (`count.index` or `each.key`).
    pub fn to_value(&self) -> Value {
        match self {
            InstanceKey::None => Value::Null,
            InstanceKey::Int(i) => Value::Number(*i as f64),
            InstanceKey::Str(s) => Value::String(s.clone()),
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", serde_json::Value::String(s.clone())),
        }
    }
}

/// A module instance: the chain of module calls from the root, each with its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ModuleInstance(pub Vec<(String, InstanceKey)>);

impl ModuleInstance {
    /// The root module.
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }

    /// Whether this is the root module.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The child instance for call `name` with key `key`.
    pub fn child(&self, name: &str, key: InstanceKey) -> ModuleInstance {
        let mut steps = self.0.clone();
        steps.push((name.to_string(), key));
        ModuleInstance(steps)
    }

    /// The static module path (call names without keys).
    pub fn static_path(&self) -> Vec<String> {
        self.0.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Whether `other` is this module instance or inside it; a step written without a
    /// key (`module.web`) stands for every instance of that call.
    pub fn matches_prefix_of(&self, other: &ModuleInstance) -> bool {
        self.0.len() <= other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((n, k), (on, ok))| n == on && (*k == InstanceKey::None || k == ok))
    }

    /// The parent module instance and this instance's last step.
    pub fn parent(&self) -> Option<(ModuleInstance, &(String, InstanceKey))> {
        let (last, rest) = self.0.split_last()?;
        Some((ModuleInstance(rest.to_vec()), last))
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, key)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}{key}")?;
        }
        Ok(())
    }
}

/// A resource (or data source) block within a module instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceAddr {
    pub module: ModuleInstance,
    pub mode: Mode,
    pub ty: String,
    pub name: String,
}

impl ResourceAddr {
    /// The instance with key `key`.
    pub fn instance(&self, key: InstanceKey) -> InstanceAddr {
        InstanceAddr {
            resource: self.clone(),
            key,
        }
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.ty, self.name)
    }
}

/// One resource instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr {
    pub resource: ResourceAddr,
    pub key: InstanceKey,
}

impl fmt::Display for InstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.resource, self.key)
    }
}

/// What a user-written address (`-target`, `state mv`, `moved`) names: a whole module
/// instance, a whole resource, or one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Module(ModuleInstance),
    Resource(ResourceAddr),
    Instance(InstanceAddr),
}

impl Target {
    /// Whether `addr` is this target or inside it.
    pub fn contains(&self, addr: &InstanceAddr) -> bool {
        match self {
            Target::Module(m) => m.matches_prefix_of(&addr.resource.module),
            Target::Resource(r) => &addr.resource == r,
            Target::Instance(i) => addr == i,
        }
    }
}

impl Target {
    /// The target as seen from inside module instance `m` (its addresses prefixed by `m`).
    pub fn within(self, m: &ModuleInstance) -> Target {
        let prefix =
            |inner: &ModuleInstance| ModuleInstance(m.0.iter().chain(&inner.0).cloned().collect());
        match self {
            Target::Module(x) => Target::Module(prefix(&x)),
            Target::Resource(mut r) => {
                r.module = prefix(&r.module);
                Target::Resource(r)
            }
            Target::Instance(mut i) => {
                i.resource.module = prefix(&i.resource.module);
                Target::Instance(i)
            }
        }
    }

    /// Where `addr` goes when `self` is renamed to `to`: a module's resources keep
    /// their place inside it, a resource's instances keep their keys. `None` when
    /// `addr` is not inside `self` or the two targets are of different kinds.
    pub fn rename(&self, to: &Target, addr: &InstanceAddr) -> Option<InstanceAddr> {
        if !self.contains(addr) {
            return None;
        }
        let mut new = addr.clone();
        match (self, to) {
            (Target::Module(f), Target::Module(t)) => {
                let mut prefix = t.0.clone();
                if f.0.len() == t.0.len() {
                    for (i, step) in prefix.iter_mut().enumerate() {
                        if f.0[i].1 == InstanceKey::None && step.1 == InstanceKey::None {
                            step.1 = addr.resource.module.0[i].1.clone();
                        }
                    }
                }
                new.resource.module.0.splice(0..f.0.len(), prefix);
            }
            (Target::Resource(_), Target::Resource(t)) => new.resource = t.clone(),
            (Target::Instance(_) | Target::Resource(_), Target::Instance(t)) => new = t.clone(),
            _ => return None,
        }
        Some(new)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => write!(f, "{m}"),
            Target::Resource(r) => write!(f, "{r}"),
            Target::Instance(i) => write!(f, "{i}"),
        }
    }
}

/// Parses an address as written on the command line or in state.
pub fn parse_target(text: &str) -> Result<Target, String> {
    let mut p = Parser {
        s: text.trim(),
        pos: 0,
    };
    let mut module = ModuleInstance::root();
    loop {
        let save = p.pos;
        let word = p.ident()?;
        if word == "module" {
            p.expect('.')?;
            let name = p.ident()?;
            let key = p.key()?;
            module.0.push((name, key));
            if p.done() {
                return Ok(Target::Module(module));
            }
            p.expect('.')?;
            continue;
        }
        p.pos = save;
        break;
    }
    let mut mode = Mode::Managed;
    let mut ty = p.ident()?;
    if ty == "data" {
        mode = Mode::Data;
        p.expect('.')?;
        ty = p.ident()?;
    }
    p.expect('.')?;
    let name = p.ident()?;
    let resource = ResourceAddr {
        module,
        mode,
        ty,
        name,
    };
    if p.done() {
        return Ok(Target::Resource(resource));
    }
    let key = p.key()?;
    if !p.done() {
        return Err(format!(
            "unexpected \"{}\" at the end of the address \"{text}\"",
            &p.s[p.pos..]
        ));
    }
    Ok(Target::Instance(resource.instance(key)))
}

/// Parses the address of one resource instance (a whole resource means its no-key instance).
pub fn parse_instance(text: &str) -> Result<InstanceAddr, String> {
    match parse_target(text)? {
        Target::Instance(i) => Ok(i),
        Target::Resource(r) => Ok(r.instance(InstanceKey::None)),
        Target::Module(_) => Err(format!("\"{text}\" is a module, not a resource instance")),
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn done(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.s[self.pos..].starts_with(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected \"{c}\" at position {} of the address \"{}\"",
                self.pos + 1,
                self.s
            ))
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        let rest = &self.s[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(format!(
                "expected a name at position {} of the address \"{}\"",
                self.pos + 1,
                self.s
            ));
        }
        self.pos += len;
        Ok(rest[..len].to_string())
    }

    fn key(&mut self) -> Result<InstanceKey, String> {
        if !self.s[self.pos..].starts_with('[') {
            return Ok(InstanceKey::None);
        }
        let rest = &self.s[self.pos + 1..];
        if rest.starts_with('"') {
            let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            let key = de
                .next()
                .ok_or("unterminated key")?
                .map_err(|e| format!("bad key in \"{}\": {e}", self.s))?;
            self.pos += 1 + de.byte_offset();
            self.expect(']')?;
            Ok(InstanceKey::Str(key))
        } else {
            let end = rest
                .find(']')
                .ok_or_else(|| format!("missing \"]\" in \"{}\"", self.s))?;
            let n = rest[..end].trim().parse::<i64>().map_err(|_| {
                format!(
                    "the index \"{}\" in \"{}\" is not a number or a quoted string",
                    &rest[..end],
                    self.s
                )
            })?;
            self.pos += end + 2;
            Ok(InstanceKey::Int(n))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        for text in [
            "aws_s3_bucket.logs",
            "aws_s3_bucket.logs[0]",
            "aws_s3_bucket.logs[\"a b\"]",
            "data.aws_ami.ubuntu",
            "module.web.aws_s3_bucket.logs[\"a\"]",
            "module.web[1].module.inner[\"x\"].data.aws_ami.a",
        ] {
            let parsed = parse_target(text).unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        assert!(matches!(
            parse_target("module.web").unwrap(),
            Target::Module(_)
        ));
        assert!(parse_target("aws_s3_bucket").is_err());
        assert!(parse_target("aws_s3_bucket.x[oops]").is_err());
    }

    #[test]
    fn targets_contain_their_instances() {
        let inst = parse_instance("module.web.aws_s3_bucket.logs[\"a\"]").unwrap();
        assert!(parse_target("module.web").unwrap().contains(&inst));
        assert!(
            parse_target("module.web.aws_s3_bucket.logs")
                .unwrap()
                .contains(&inst)
        );
        assert!(!parse_target("module.db").unwrap().contains(&inst));
        let keyed = parse_instance("module.web[\"a\"].aws_s3_bucket.logs").unwrap();
        assert!(
            parse_target("module.web").unwrap().contains(&keyed),
            "a keyless module step matches every instance"
        );
        assert!(!parse_target("module.web[\"b\"]").unwrap().contains(&keyed));
        let renamed = parse_target("module.web")
            .unwrap()
            .rename(&parse_target("module.site").unwrap(), &keyed)
            .unwrap();
        assert_eq!(renamed.to_string(), "module.site[\"a\"].aws_s3_bucket.logs");
        assert!(
            !parse_target("module.web.aws_s3_bucket.logs[\"b\"]")
                .unwrap()
                .contains(&inst)
        );
    }
}
