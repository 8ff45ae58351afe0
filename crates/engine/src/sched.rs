//! Runs the nodes of a dependency graph concurrently: each node starts as soon as all
//! of its own dependencies have finished, not level by level.

use futures::stream::{FuturesUnordered, StreamExt};
use iac_provider::Stop;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, HashSet};
use std::future::Future;

/// How a node's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    /// Not started: a dependency failed or was skipped, or the run was interrupted.
    Skipped,
}

/// Runs `run` for every node in `subset`, in dependency order, with all ready nodes in
/// flight at once (callers bound the expensive parts themselves). A node whose
/// dependency failed is skipped, and so are its dependents; independent nodes go on.
/// Once `stop` is requested, nothing new starts and the nodes in flight are waited for
/// (their provider waits end on the same stop).
pub async fn run<N, F, Fut>(
    graph: &DiGraph<N, ()>,
    subset: &HashSet<NodeIndex>,
    stop: &Stop,
    run: F,
) -> HashMap<NodeIndex, Outcome>
where
    F: Fn(NodeIndex) -> Fut,
    Fut: Future<Output = bool>,
{
    let mut waiting: HashMap<NodeIndex, usize> = subset
        .iter()
        .map(|&n| {
            (
                n,
                graph
                    .neighbors_directed(n, Direction::Incoming)
                    .filter(|d| subset.contains(d))
                    .count(),
            )
        })
        .collect();
    let mut outcomes: HashMap<NodeIndex, Outcome> = HashMap::new();
    let mut ready: Vec<NodeIndex> = waiting
        .iter()
        .filter(|(_, c)| **c == 0)
        .map(|(n, _)| *n)
        .collect();
    ready.sort();
    let mut running = FuturesUnordered::new();
    loop {
        while let Some(n) = ready.pop() {
            waiting.remove(&n);
            let blocked = graph
                .neighbors_directed(n, Direction::Incoming)
                .any(|d| matches!(outcomes.get(&d), Some(Outcome::Failed | Outcome::Skipped)));
            if blocked || stop.requested() {
                outcomes.insert(n, Outcome::Skipped);
                release(graph, n, subset, &mut waiting, &mut ready);
                continue;
            }
            let fut = run(n);
            running.push(async move { (n, fut.await) });
        }
        let Some((n, ok)) = running.next().await else {
            break;
        };
        outcomes.insert(
            n,
            if ok {
                Outcome::Succeeded
            } else {
                Outcome::Failed
            },
        );
        release(graph, n, subset, &mut waiting, &mut ready);
    }
    outcomes
}

fn release<N>(
    graph: &DiGraph<N, ()>,
    n: NodeIndex,
    subset: &HashSet<NodeIndex>,
    waiting: &mut HashMap<NodeIndex, usize>,
    ready: &mut Vec<NodeIndex>,
) {
    for next in graph.neighbors_directed(n, Direction::Outgoing) {
        if !subset.contains(&next) {
            continue;
        }
        if let Some(c) = waiting.get_mut(&next) {
            *c -= 1;
            if *c == 0 {
                ready.push(next);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    fn diamond() -> (DiGraph<&'static str, ()>, Vec<NodeIndex>) {
        let mut g = DiGraph::new();
        let a = g.add_node("a");
        let b = g.add_node("b");
        let c = g.add_node("c");
        let d = g.add_node("d");
        g.add_edge(a, b, ());
        g.add_edge(a, c, ());
        g.add_edge(b, d, ());
        g.add_edge(c, d, ());
        (g, vec![a, b, c, d])
    }

    #[tokio::test]
    async fn runs_in_dependency_order_with_independent_work_overlapping() {
        let (g, n) = diamond();
        let log = Mutex::new(Vec::new());
        let all: HashSet<_> = n.iter().copied().collect();
        let outcomes = run(&g, &all, &Stop::new(), |i| {
            let log = &log;
            let name = g[i];
            async move {
                log.lock().unwrap().push(format!("start {name}"));
                tokio::time::sleep(Duration::from_millis(if name == "b" { 50 } else { 10 })).await;
                log.lock().unwrap().push(format!("end {name}"));
                true
            }
        })
        .await;
        assert!(outcomes.values().all(|o| *o == Outcome::Succeeded));
        let log = log.into_inner().unwrap();
        let pos = |s: &str| log.iter().position(|l| l == s).unwrap();
        assert!(pos("end a") < pos("start b"));
        assert!(
            pos("start c") < pos("end b"),
            "c starts while b runs: {log:?}"
        );
        assert!(pos("end b") < pos("start d") && pos("end c") < pos("start d"));
    }

    #[tokio::test]
    async fn a_failure_skips_dependents_but_not_independent_work() {
        let (g, n) = diamond();
        let all: HashSet<_> = n.iter().copied().collect();
        let outcomes = run(&g, &all, &Stop::new(), |i| {
            let name = g[i];
            async move { name != "b" }
        })
        .await;
        assert_eq!(outcomes[&n[1]], Outcome::Failed);
        assert_eq!(outcomes[&n[2]], Outcome::Succeeded);
        assert_eq!(outcomes[&n[3]], Outcome::Skipped);
    }

    #[tokio::test]
    async fn a_stop_starts_nothing_new() {
        let (g, n) = diamond();
        let all: HashSet<_> = n.iter().copied().collect();
        let stop = Stop::new();
        let outcomes = run(&g, &all, &stop, |i| {
            let stop = &stop;
            let name = g[i];
            async move {
                if name == "a" {
                    stop.request();
                }
                true
            }
        })
        .await;
        assert_eq!(outcomes[&n[0]], Outcome::Succeeded);
        assert!(n[1..].iter().all(|i| outcomes[i] == Outcome::Skipped));
    }
}
