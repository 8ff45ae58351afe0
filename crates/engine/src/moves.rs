//! `moved` blocks: checked when the stack loads (so `validate` and `plan` agree about
//! what is valid), then applied to the prior state before planning.
//!
//! As in Terraform, a resource and one of its instances unify (`aws_s3_bucket.logs` ->
//! `aws_s3_bucket.this["logs"]` moves the instance without a key), and so do a module
//! call and one of its instances (`module.a` -> `module.a[0]`). Chained statements run in
//! order (`a` -> `b` and `b` -> `c` take `a` to `c`).

use std::collections::{BTreeSet, HashMap};

use iac_lang::config::{Mode, Module, ModuleTree};
use iac_lang::{Diagnostic, Diagnostics, Sources, Span};
use iac_state::State;

use crate::addr::{InstanceAddr, InstanceKey, ModuleInstance, Target, parse_instance};
use crate::exprs::expr_target;

/// One `moved` block, its endpoints unified, relative to the module that declares it.
#[derive(Debug, Clone)]
pub struct MoveStatement {
    /// The static path of the module holding the block.
    pub module: Vec<String>,
    pub from: Target,
    pub to: Target,
    /// For a module call moved to (or from) one of its instances: the depth of the
    /// module step whose key must be absent in the addresses the statement moves.
    no_key_at: Option<usize>,
    pub span: Span,
}

/// The `moved` statements of every module, in the order they apply, with every problem
/// Terraform reports for them.
pub fn statements(tree: &ModuleTree, sources: &Sources) -> (Vec<MoveStatement>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut stmts = Vec::new();
    for (path, module) in tree.walk() {
        for m in &module.moved {
            let (from, to) = match (expr_target(&m.from), expr_target(&m.to)) {
                (Ok(f), Ok(t)) => (f, t),
                (f, t) => {
                    diags.extend(f.err().into_iter().chain(t.err()));
                    continue;
                }
            };
            match unify(from, to) {
                Ok((from, to, no_key_at)) => stmts.push(MoveStatement {
                    module: path.clone(),
                    from,
                    to,
                    no_key_at,
                    span: m.span.clone(),
                }),
                Err(detail) => diags.push(
                    Diagnostic::error("Invalid \"moved\" addresses", Some(m.span.clone()))
                        .with_detail(detail),
                ),
            }
        }
    }
    for s in &stmts {
        if let Some(d) = check(s, tree, sources) {
            diags.push(d);
        }
    }
    diags.extend(ambiguous(&stmts, sources));
    if diags.has_errors() {
        return (stmts, diags);
    }
    match ordered(stmts, sources) {
        Ok(stmts) => (stmts, diags),
        Err(d) => {
            diags.push(d);
            (Vec::new(), diags)
        }
    }
}

/// Both endpoints of one kind: a resource with one of its instances becomes the
/// instance without a key, a module call with one of its instances likewise.
fn unify(from: Target, to: Target) -> Result<(Target, Target, Option<usize>), String> {
    let mismatch = || {
        "The \"from\" and \"to\" addresses must either both refer to resources or both refer to modules.".to_string()
    };
    let (from, to) = match (from, to) {
        (Target::Resource(r), Target::Instance(i)) => (
            Target::Instance(r.instance(InstanceKey::None)),
            Target::Instance(i),
        ),
        (Target::Instance(i), Target::Resource(r)) => (
            Target::Instance(i),
            Target::Instance(r.instance(InstanceKey::None)),
        ),
        (Target::Module(f), Target::Module(t)) => {
            let keyed = |m: &ModuleInstance| m.0.last().is_some_and(|s| s.1 != InstanceKey::None);
            let no_key_at = (keyed(&f) != keyed(&t)).then(|| f.0.len().min(t.0.len()) - 1);
            let (f_len, t_len) = (f.0.len(), t.0.len());
            let no_key_at = no_key_at.filter(|_| f_len == t_len);
            return Ok((Target::Module(f), Target::Module(t), no_key_at));
        }
        (Target::Module(_), _) | (_, Target::Module(_)) => return Err(mismatch()),
        pair => pair,
    };
    Ok((from, to, None))
}

fn resource_of(t: &Target) -> Option<&crate::addr::ResourceAddr> {
    match t {
        Target::Resource(r) => Some(r),
        Target::Instance(i) => Some(&i.resource),
        Target::Module(_) => None,
    }
}

/// `file:line,column` of a span, as Terraform's messages write it.
fn at(span: &Span, sources: &Sources) -> String {
    let (line, column) = sources.line_col(span);
    format!("{}:{line},{column}", sources.path(span.file).display())
}

/// Redundant statements, data sources, moves across resource types, and moves whose
/// `from` is still declared.
fn check(s: &MoveStatement, tree: &ModuleTree, sources: &Sources) -> Option<Diagnostic> {
    let err = |summary: &str, detail: String| {
        Some(Diagnostic::error(summary, Some(s.span.clone())).with_detail(detail))
    };
    if target_text(&s.from) == target_text(&s.to) {
        return err(
            "Redundant move statement",
            format!(
                "This statement declares a move from {} to the same address, which is the same as not declaring this move at all.",
                target_text(&s.from)
            ),
        );
    }
    if let (Some(f), Some(t)) = (resource_of(&s.from), resource_of(&s.to)) {
        if f.mode == Mode::Data || t.mode == Mode::Data {
            return err(
                "Data source address is not allowed",
                "Data sources are never destroyed, so it is not valid to use them in a moved block.".into(),
            );
        }
        if f.ty != t.ty {
            return err(
                "Resource type mismatch",
                format!(
                    "This statement declares a move from {f} to {t}, which is a resource of a different type. The providers iac knows cannot move objects between resource types."
                ),
            );
        }
    }
    let (noun, short, declared) = still_declared(s, tree)?;
    err(
        "Moved object still exists",
        format!(
            "This statement declares a move from {}, but that {noun} is still declared at {}.\n\nChange your configuration so that this {short} will be declared as {} instead.",
            target_text(&s.from),
            at(&declared, sources),
            target_text(&s.to),
        ),
    )
    .map(|d| d.with_related(declared, format!("the {noun} is still declared here")))
}

/// The kind of object and where it is declared when the statement's `from` is still in
/// the configuration. An instance with a key is left to the plan: which keys exist is
/// only known once `count` or `for_each` is evaluated.
fn still_declared(
    s: &MoveStatement,
    tree: &ModuleTree,
) -> Option<(&'static str, &'static str, Span)> {
    let module_of = |m: &ModuleInstance| module_at(tree, &s.module, m);
    match &s.from {
        Target::Resource(r) => {
            let res = find(module_of(&r.module)?, r)?;
            Some(("resource", "resource", res.span.clone()))
        }
        Target::Instance(i) if i.key == InstanceKey::None => {
            let res = find(module_of(&i.resource.module)?, &i.resource)?;
            (res.count.is_none() && res.for_each.is_none())
                .then(|| ("resource instance", "instance", res.span.clone()))
        }
        Target::Instance(_) => None,
        Target::Module(m) => {
            let (parent, (name, key)) = m.parent()?;
            let call = module_of(&parent)?.module_calls.get(name)?;
            match (s.no_key_at, key) {
                (None, InstanceKey::None) => Some(("module call", "call", call.span.clone())),
                (Some(_), InstanceKey::None) => (call.count.is_none() && call.for_each.is_none())
                    .then(|| ("module instance", "instance", call.span.clone())),
                _ => None,
            }
        }
    }
}

/// The module at `base` followed by the calls of `m`.
fn module_at<'t>(tree: &'t ModuleTree, base: &[String], m: &ModuleInstance) -> Option<&'t Module> {
    let mut path = base.to_vec();
    path.extend(m.static_path());
    tree.at(&path).map(|t| &t.module)
}

fn find<'m>(
    module: &'m Module,
    r: &crate::addr::ResourceAddr,
) -> Option<&'m iac_lang::config::Resource> {
    module
        .resources
        .iter()
        .find(|res| res.mode == r.mode && res.ty == r.ty && res.name == r.name)
}

/// An endpoint as written, within the module holding the statement.
fn target_text(t: &Target) -> String {
    match t {
        Target::Module(m) => m.to_string(),
        Target::Resource(r) => r.to_string(),
        Target::Instance(i) => i.to_string(),
    }
}

/// Two statements moving one object to different places, or two objects to one place.
fn ambiguous(stmts: &[MoveStatement], sources: &Sources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut froms: HashMap<(Vec<String>, String), &MoveStatement> = HashMap::new();
    let mut tos: HashMap<(Vec<String>, String), &MoveStatement> = HashMap::new();
    for s in stmts {
        let (from, to) = (target_text(&s.from), target_text(&s.to));
        if let Some(other) = froms.get(&(s.module.clone(), from.clone()))
            && target_text(&other.to) != to
        {
            out.push(Diagnostic::error("Ambiguous move statements", Some(s.span.clone())).with_detail(format!(
                "A statement at {} declared that {from} moved to {}, but this statement instead declares that it moved to {to}.\n\nEach object can move to only one destination.",
                at(&other.span, sources), target_text(&other.to)
            )));
        }
        if let Some(other) = tos.get(&(s.module.clone(), to.clone()))
            && target_text(&other.from) != from
        {
            out.push(Diagnostic::error("Ambiguous move statements", Some(s.span.clone())).with_detail(format!(
                "A statement at {} declared that {} moved to {to}, but this statement instead declares that {from} moved there.\n\nEach object can have moved from only one source.",
                at(&other.span, sources), target_text(&other.from)
            )));
        }
        froms.entry((s.module.clone(), from)).or_insert(s);
        tos.entry((s.module.clone(), to)).or_insert(s);
    }
    out
}

/// Whether statement `a` must run before `b`: `a` moves objects to where `b` takes them
/// from.
fn feeds(a: &MoveStatement, b: &MoveStatement) -> bool {
    if a.module != b.module {
        return false;
    }
    let overlaps = |x: &Target, y: &Target| {
        let text = |t: &Target| target_text(t);
        let (x, y) = (text(x), text(y));
        x == y || x.starts_with(&format!("{y}.")) || x.starts_with(&format!("{y}["))
    };
    overlaps(&a.to, &b.from) || overlaps(&b.from, &a.to)
}

/// The statements in an order where every chain runs front to back; a cycle is an error.
fn ordered(stmts: Vec<MoveStatement>, sources: &Sources) -> Result<Vec<MoveStatement>, Diagnostic> {
    let n = stmts.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n).find(|&i| {
            !placed[i] && (0..n).all(|j| placed[j] || j == i || !feeds(&stmts[j], &stmts[i]))
        });
        match next {
            Some(i) => {
                placed[i] = true;
                order.push(i);
            }
            None => {
                let mut lines: Vec<String> = (0..n)
                    .filter(|&i| !placed[i])
                    .map(|i| {
                        let s = &stmts[i];
                        format!(
                            "\n  - {}: {} → {}",
                            at(&s.span, sources),
                            target_text(&s.from),
                            target_text(&s.to)
                        )
                    })
                    .collect();
                lines.sort();
                let first = (0..n).find(|&i| !placed[i]).expect("an unplaced statement");
                return Err(Diagnostic::error(
                    "Cyclic dependency in move statements",
                    Some(stmts[first].span.clone()),
                )
                .with_detail(format!(
                    "The following chained move statements form a cycle, and so there is no final location to move objects to:{}\n\nA chain of move statements must end with an address that doesn't appear in any other statements, and which typically also refers to an object still declared in the configuration.",
                    lines.concat()
                )));
            }
        }
    }
    let mut slots: Vec<Option<MoveStatement>> = stmts.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .map(|i| slots[i].take().expect("each statement once"))
        .collect())
}

/// Renames state entries as the statements say, each relative to every instance of its
/// module found in the state; returns new address -> original address.
pub fn apply(stmts: &[MoveStatement], state: &mut State) -> HashMap<String, String> {
    let mut moved = HashMap::new();
    for s in stmts {
        let path = &s.module;
        let instances: BTreeSet<ModuleInstance> = state
            .resources
            .iter()
            .filter_map(|r| parse_instance(&r.address).ok())
            .filter_map(|a| {
                (a.resource.module.0.len() >= path.len())
                    .then(|| ModuleInstance(a.resource.module.0[..path.len()].to_vec()))
            })
            .filter(|m| m.static_path() == *path)
            .collect();
        for inst in instances {
            let (from, to) = (s.from.clone().within(&inst), s.to.clone().within(&inst));
            let no_key_at = s.no_key_at.map(|d| d + inst.0.len());
            move_entries(state, &from, &to, no_key_at, &mut moved);
        }
    }
    moved
}

/// Renames every state entry inside `from` to its place in `to`, unless `to` is taken.
fn move_entries(
    state: &mut State,
    from: &Target,
    to: &Target,
    no_key_at: Option<usize>,
    moved: &mut HashMap<String, String>,
) {
    let addrs: Vec<InstanceAddr> = state
        .resources
        .iter()
        .filter_map(|r| parse_instance(&r.address).ok())
        .collect();
    if addrs
        .iter()
        .any(|a| to.contains(a) && exact(to, a, no_key_at))
    {
        return;
    }
    for addr in addrs.into_iter().filter(|a| exact(from, a, no_key_at)) {
        let Some(new) = from.rename(to, &addr) else {
            continue;
        };
        let (old, new) = (addr.to_string(), new.to_string());
        if let Some(mut r) = state.remove(&old) {
            r.address = new.clone();
            state.upsert(r);
            let origin = moved.remove(&old).unwrap_or(old);
            moved.insert(new, origin);
        }
    }
}

/// Whether `a`, inside `t`, is really in it: when `t` is a module call's instance
/// without a key (unified with a keyed one), an instance with a key is not.
fn exact(t: &Target, a: &InstanceAddr, no_key_at: Option<usize>) -> bool {
    match (t, no_key_at) {
        (Target::Module(m), Some(d)) if m.0.get(d).is_some_and(|s| s.1 == InstanceKey::None) => a
            .resource
            .module
            .0
            .get(d)
            .is_some_and(|s| s.1 == InstanceKey::None),
        _ => true,
    }
}
