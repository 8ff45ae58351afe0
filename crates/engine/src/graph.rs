//! The dependency graph over a stack's configuration.
//!
//! Nodes are the things a module declares (per static module path, before `count` and
//! `for_each` expand); an edge `a -> b` means `b` refers to `a`, so `a` is evaluated
//! first. Edges come from references, `depends_on`, providers, module nesting, and the
//! `import` blocks that adopt into a resource.

use std::collections::HashMap;
use std::fmt;

use iac_lang::config::{Expr, Mode, Module, ModuleTree};
use iac_lang::{Diagnostic, Diagnostics, Span, did_you_mean, references};
use petgraph::graph::{DiGraph, NodeIndex};

/// What a node stands for, within its module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Variable(String),
    Local(String),
    Output(String),
    Resource(Mode, String, String),
    ModuleCall(String),
    /// A provider configuration of the root module: name and alias.
    Provider(String, Option<String>),
}

/// A node: a kind within a static module path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub module: Vec<String>,
    pub kind: NodeKind,
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        match &self.kind {
            NodeKind::Variable(n) => write!(f, "var.{n}"),
            NodeKind::Local(n) => write!(f, "local.{n}"),
            NodeKind::Output(n) => write!(f, "output.{n}"),
            NodeKind::Resource(Mode::Managed, t, n) => write!(f, "{t}.{n}"),
            NodeKind::Resource(Mode::Data, t, n) => write!(f, "data.{t}.{n}"),
            NodeKind::ModuleCall(n) => write!(f, "module.{n}"),
            NodeKind::Provider(n, None) => write!(f, "provider[\"{n}\"]"),
            NodeKind::Provider(n, Some(a)) => write!(f, "provider[\"{n}\"].{a}"),
        }
    }
}

/// The graph of a stack.
pub struct Graph {
    pub graph: DiGraph<Node, ()>,
    pub index: HashMap<Node, NodeIndex>,
}

impl Graph {
    /// Builds the graph of `tree`, reporting undeclared references and cycles.
    pub fn build(tree: &ModuleTree) -> Result<Graph, Diagnostics> {
        let mut b = Builder {
            graph: DiGraph::new(),
            index: HashMap::new(),
            spans: HashMap::new(),
            diags: Diagnostics::default(),
        };
        for (path, module) in tree.walk() {
            b.add_nodes(&path, module);
        }
        for (path, module) in tree.walk() {
            b.add_edges(tree, &path, module);
        }
        b.check_cycles();
        if b.diags.has_errors() {
            return Err(b.diags);
        }
        Ok(Graph {
            graph: b.graph,
            index: b.index,
        })
    }

    /// The nodes in an order where every node comes after those it depends on.
    pub fn topological(&self) -> Vec<NodeIndex> {
        petgraph::algo::toposort(&self.graph, None)
            .expect("cycles were rejected when the graph was built")
    }

    /// The nodes `node` depends on directly.
    pub fn dependencies(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph
            .neighbors_directed(node, petgraph::Direction::Incoming)
    }
}

struct Builder {
    graph: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
    spans: HashMap<NodeIndex, Span>,
    diags: Diagnostics,
}

impl Builder {
    fn add(&mut self, module: &[String], kind: NodeKind, span: Span) -> NodeIndex {
        let node = Node {
            module: module.to_vec(),
            kind,
        };
        let idx = self.graph.add_node(node.clone());
        self.index.insert(node, idx);
        self.spans.insert(idx, span);
        idx
    }

    fn add_nodes(&mut self, path: &[String], m: &Module) {
        for v in m.variables.values() {
            self.add(path, NodeKind::Variable(v.name.clone()), v.span.clone());
        }
        for l in m.locals.values() {
            self.add(path, NodeKind::Local(l.name.clone()), l.span.clone());
        }
        for o in m.outputs.values() {
            self.add(path, NodeKind::Output(o.name.clone()), o.span.clone());
        }
        for r in &m.resources {
            self.add(
                path,
                NodeKind::Resource(r.mode, r.ty.clone(), r.name.clone()),
                r.span.clone(),
            );
        }
        for c in m.module_calls.values() {
            self.add(path, NodeKind::ModuleCall(c.name.clone()), c.span.clone());
        }
        if path.is_empty() {
            for p in &m.providers {
                self.add(
                    path,
                    NodeKind::Provider(p.name.clone(), p.alias.clone()),
                    p.span.clone(),
                );
            }
        }
    }

    fn node(&self, module: &[String], kind: NodeKind) -> Option<NodeIndex> {
        self.index
            .get(&Node {
                module: module.to_vec(),
                kind,
            })
            .copied()
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex) {
        // Looked up from the target's side: a provider feeds thousands of resources,
        // but each node depends on few things.
        let exists = self
            .graph
            .neighbors_directed(to, petgraph::Direction::Incoming)
            .any(|n| n == from);
        if !exists {
            self.graph.add_edge(from, to, ());
        }
    }

    fn add_edges(&mut self, tree: &ModuleTree, path: &[String], m: &Module) {
        let here = |kind| Node {
            module: path.to_vec(),
            kind,
        };
        for l in m.locals.values() {
            let idx = self.index[&here(NodeKind::Local(l.name.clone()))];
            self.refs(tree, path, idx, &l.expr);
        }
        for o in m.outputs.values() {
            let idx = self.index[&here(NodeKind::Output(o.name.clone()))];
            self.refs(tree, path, idx, &o.value);
            for d in &o.depends_on {
                self.refs(tree, path, idx, d);
            }
        }
        for r in &m.resources {
            let idx = self.index[&here(NodeKind::Resource(r.mode, r.ty.clone(), r.name.clone()))];
            for e in r
                .count
                .iter()
                .chain(&r.for_each)
                .chain(&r.depends_on)
                .chain(&r.lifecycle.replace_triggered_by)
            {
                self.refs(tree, path, idx, e);
            }
            self.body_refs(tree, path, idx, &r.body);
            let used = tree.provider_of(path, r);
            let provider = NodeKind::Provider(used.name.clone(), used.alias.clone());
            match self.node(&[], provider) {
                Some(p) => self.edge(p, idx),
                None if used.alias.is_some() => {
                    let span = r
                        .provider
                        .as_ref()
                        .map(|p| p.2.clone())
                        .unwrap_or_else(|| r.span.clone());
                    let detail = if path.is_empty() {
                        format!(
                            "No provider \"{}\" block with alias = \"{}\" is declared in the root module.",
                            used.name,
                            used.alias.as_deref().unwrap_or_default()
                        )
                    } else {
                        format!(
                            "The module's calls do not pass {used} on (providers = {{ ... }}), or the root module declares no provider \"{}\" block with that alias.",
                            used.name
                        )
                    };
                    self.diags.push(
                        Diagnostic::error(
                            format!("Provider configuration not present: {used}"),
                            Some(span),
                        )
                        .with_detail(detail),
                    );
                }
                None => {}
            }
        }
        for c in m.module_calls.values() {
            let idx = self.index[&here(NodeKind::ModuleCall(c.name.clone()))];
            for e in c.count.iter().chain(&c.for_each).chain(&c.depends_on) {
                self.refs(tree, path, idx, e);
            }
            let mut child = path.to_vec();
            child.push(c.name.clone());
            let Some(child_tree) = tree.at(&child) else {
                continue;
            };
            let child_module = &child_tree.module;
            for input in &c.inputs {
                self.refs(tree, path, idx, &input.expr);
                if !child_module.variables.contains_key(&input.name) {
                    self.diags.push(
                        Diagnostic::error(
                            format!("Unsupported argument \"{}\"", input.name),
                            Some(input.name_span.clone()),
                        )
                        .with_detail(format!(
                            "Module \"{}\" has no variable named \"{}\".{}",
                            c.name,
                            input.name,
                            did_you_mean(
                                &input.name,
                                child_module.variables.keys().map(String::as_str)
                            )
                        )),
                    );
                }
            }
            for v in child_module.variables.values() {
                if v.default.is_none() && !c.inputs.iter().any(|i| i.name == v.name) {
                    self.diags.push(Diagnostic::error(format!("Missing required argument \"{}\"", v.name), Some(c.span.clone()))
                        .with_detail(format!("Module \"{}\" needs a value for its variable \"{}\", which has no default.", c.name, v.name)));
                }
            }
            let child_nodes: Vec<NodeIndex> = self
                .graph
                .node_indices()
                .filter(|&n| self.graph[n].module == child)
                .collect();
            for n in child_nodes {
                self.edge(idx, n);
            }
        }
        if path.is_empty() {
            for p in &m.providers {
                let idx = self.index[&here(NodeKind::Provider(p.name.clone(), p.alias.clone()))];
                self.body_refs(tree, path, idx, &p.body);
            }
            // An import block's expressions are evaluated (in the root module) when its
            // target is planned.
            for i in &m.imports {
                let t = &i.target;
                let kind = NodeKind::Resource(Mode::Managed, t.ty.clone(), t.name.clone());
                let Some(idx) = self.node(&t.module_path(), kind) else {
                    continue;
                };
                let keys = t
                    .modules
                    .iter()
                    .filter_map(|(_, k)| k.as_ref())
                    .chain(&t.key);
                for e in keys.chain(&i.for_each).chain([&i.id]) {
                    self.refs(tree, path, idx, e);
                }
            }
        }
    }

    fn body_refs(
        &mut self,
        tree: &ModuleTree,
        path: &[String],
        idx: NodeIndex,
        body: &iac_lang::config::Body,
    ) {
        self.body_refs_bound(tree, path, idx, body, &mut Vec::new());
    }

    /// References in a body, leaving out the iterators of enclosing `dynamic` blocks.
    fn body_refs_bound(
        &mut self,
        tree: &ModuleTree,
        path: &[String],
        idx: NodeIndex,
        body: &iac_lang::config::Body,
        bound: &mut Vec<String>,
    ) {
        for a in &body.attrs {
            self.refs_except(tree, path, idx, &a.expr, bound);
        }
        for b in &body.blocks {
            let iterator = (b.kind == "dynamic").then(|| {
                b.body
                    .attr("iterator")
                    .and_then(|a| a.expr.as_ident().map(str::to_string))
                    .or_else(|| b.labels.first().cloned())
                    .unwrap_or_default()
            });
            if let Some(it) = &iterator {
                if let Some(f) = b.body.attr("for_each") {
                    self.refs_except(tree, path, idx, &f.expr, bound);
                }
                bound.push(it.clone());
                for content in b.body.blocks_of("content") {
                    self.body_refs_bound(tree, path, idx, &content.body, bound);
                }
                bound.pop();
            } else {
                self.body_refs_bound(tree, path, idx, &b.body, bound);
            }
        }
    }

    fn refs(&mut self, tree: &ModuleTree, path: &[String], idx: NodeIndex, expr: &Expr) {
        self.refs_except(tree, path, idx, expr, &[]);
    }

    fn refs_except(
        &mut self,
        tree: &ModuleTree,
        path: &[String],
        idx: NodeIndex,
        expr: &Expr,
        bound: &[String],
    ) {
        let module = &tree.at(path).expect("path comes from the tree").module;
        for r in references(expr)
            .into_iter()
            .filter(|r| !bound.contains(&r.root))
        {
            match self.resolve(tree, path, module, &r) {
                Ok(targets) => {
                    for t in targets {
                        if t == idx && matches!(self.graph[idx].kind, NodeKind::Resource(..)) {
                            self.diags.push(
                                Diagnostic::error("Self-referential block", Some(r.span.clone()))
                                    .with_detail(format!(
                                        "Configuration for {} may not refer to itself.",
                                        self.graph[idx]
                                    )),
                            );
                        } else {
                            self.edge(t, idx);
                        }
                    }
                }
                Err(d) => self.diags.push(d),
            }
        }
    }

    fn resolve(
        &self,
        tree: &ModuleTree,
        path: &[String],
        m: &Module,
        r: &iac_lang::Reference,
    ) -> Result<Vec<NodeIndex>, Diagnostic> {
        let first = r.attrs.first().map(String::as_str);
        let undeclared = |what: &str, name: &str, candidates: Vec<&str>| {
            let place = if path.is_empty() {
                "the root module".to_string()
            } else {
                format!("module.{}", path.join(".module."))
            };
            Diagnostic::error(
                format!("Reference to undeclared {what}"),
                Some(r.span.clone()),
            )
            .with_detail(format!(
                "{} \"{name}\" has not been declared in {place}.{}",
                capitalize(what),
                did_you_mean(name, candidates)
            ))
        };
        let one = |kind: NodeKind| self.node(path, kind).into_iter().collect::<Vec<_>>();
        match (r.root.as_str(), first) {
            ("count" | "each" | "path" | "self" | "terraform", _) => Ok(vec![]),
            ("var", Some(name)) => {
                let found = one(NodeKind::Variable(name.to_string()));
                if found.is_empty() {
                    return Err(undeclared("input variable", name, m.variables.keys().map(String::as_str).collect()));
                }
                Ok(found)
            }
            ("local", Some(name)) => {
                let found = one(NodeKind::Local(name.to_string()));
                if found.is_empty() {
                    return Err(undeclared("local value", name, m.locals.keys().map(String::as_str).collect()));
                }
                Ok(found)
            }
            ("module", Some(name)) => {
                let Some(call) = self.node(path, NodeKind::ModuleCall(name.to_string())) else {
                    return Err(undeclared("module", name, m.module_calls.keys().map(String::as_str).collect()));
                };
                let mut child = path.to_vec();
                child.push(name.to_string());
                let Some(child_tree) = tree.at(&child) else { return Ok(vec![call]) };
                match r.attrs.get(1) {
                    Some(output) => match self.node(&child, NodeKind::Output(output.clone())) {
                        Some(o) => Ok(vec![o]),
                        None => Err(Diagnostic::error("Unsupported attribute", Some(r.span.clone())).with_detail(format!(
                            "Module \"{name}\" has no output named \"{output}\".{}",
                            did_you_mean(output, child_tree.module.outputs.keys().map(String::as_str))
                        ))),
                    },
                    None => Ok(child_tree.module.outputs.keys().filter_map(|o| self.node(&child, NodeKind::Output(o.clone()))).chain([call]).collect()),
                }
            }
            ("data", Some(ty)) => {
                let Some(name) = r.attrs.get(1) else {
                    return Err(Diagnostic::error("Invalid data source reference", Some(r.span.clone())).with_detail("A data source is referred to as data.TYPE.NAME."));
                };
                let found = one(NodeKind::Resource(Mode::Data, ty.to_string(), name.clone()));
                if found.is_empty() {
                    let names: Vec<&str> = m.resources.iter().filter(|x| x.mode == Mode::Data && x.ty == ty).map(|x| x.name.as_str()).collect();
                    return Err(undeclared(&format!("data source \"{ty}\""), name, names));
                }
                Ok(found)
            }
            (ty, Some(name)) if ty.contains('_') => {
                let found = one(NodeKind::Resource(Mode::Managed, ty.to_string(), name.to_string()));
                if found.is_empty() {
                    let names: Vec<&str> = m.resources.iter().filter(|x| x.mode == Mode::Managed && x.ty == ty).map(|x| x.name.as_str()).collect();
                    return Err(undeclared(&format!("resource \"{ty}\""), name, names));
                }
                Ok(found)
            }
            (root, _) => Err(Diagnostic::error(format!("Invalid reference \"{root}\""), Some(r.span.clone())).with_detail(
                "A reference is written as var.NAME, local.NAME, module.NAME.OUTPUT, data.TYPE.NAME or TYPE.NAME.",
            )),
        }
    }

    fn check_cycles(&mut self) {
        for scc in petgraph::algo::tarjan_scc(&self.graph) {
            let is_cycle =
                scc.len() > 1 || scc.first().is_some_and(|&n| self.graph.contains_edge(n, n));
            if !is_cycle {
                continue;
            }
            let mut names: Vec<String> = scc.iter().map(|&n| self.graph[n].to_string()).collect();
            names.sort();
            let first = scc
                .iter()
                .min_by_key(|&&n| self.graph[n].to_string())
                .copied()
                .expect("non-empty");
            let mut d = Diagnostic::error(format!("Cycle: {}", names.join(", ")), self.spans.get(&first).cloned())
                .with_detail("These objects refer to each other, so none can be evaluated first. Remove one of the references.");
            for &n in &scc {
                if n != first
                    && let Some(s) = self.spans.get(&n)
                {
                    d = d
                        .with_related(s.clone(), format!("{} is part of the cycle", self.graph[n]));
                }
            }
            self.diags.push(d);
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
