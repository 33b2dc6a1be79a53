//! The classes of pods that shared a node, as the passes join them: a union-find
//! over the capture's pods (`pod_groups`).

use super::BURST_PODS;
use crate::HashMap;

/// How many times two classes' pods must alternate in one pass to be one node's.
const ALTERNATIONS: usize = 3;

/// Pods joined into classes (union–find by size).
pub(super) struct Classes {
    parent: Vec<usize>,
    size: Vec<usize>,
    /// Whether the pod was in a burst.
    grouped: Vec<bool>,
}

impl Classes {
    pub(super) fn new(n: usize) -> Classes {
        Classes {
            parent: (0..n).collect(),
            size: vec![1; n],
            grouped: vec![false; n],
        }
    }

    pub(super) fn root(&mut self, mut k: usize) -> usize {
        while self.parent[k] != k {
            self.parent[k] = self.parent[self.parent[k]];
            k = self.parent[k];
        }
        k
    }

    /// Whether pod `k` is in a class of a whole burst.
    /// Whether pod `k` was in a burst.
    pub(super) fn grouped(&self, k: usize) -> bool {
        self.grouped[k]
    }

    pub(super) fn established(&mut self, k: usize) -> Option<usize> {
        let root = self.root(k);
        (self.grouped[k] && self.size[root] >= BURST_PODS).then_some(root)
    }

    /// The pods of a pass joined. Two nodes' passes may
    /// follow each other within a burst: where its pods already belong to two
    /// classes, it is cut where the second begins (a pass prints one node's pods
    /// together), and never merges them — unless their pods alternate back and forth
    /// (two classes that are one node's, split by an earlier cut: the node
    /// controller marks one node's pods in one loop, never two nodes' mixed).
    pub(super) fn join_burst(&mut self, burst: &[usize]) {
        self.merge_alternating(burst);
        let mut start = 0;
        let mut class: Option<usize> = None;
        for i in 0..burst.len() {
            match (class, self.established(burst[i])) {
                (Some(c), Some(d)) if c != d => {
                    self.join(&burst[start..i]);
                    start = i;
                    class = Some(d);
                }
                (None, d) => class = d,
                _ => {}
            }
        }
        self.join(&burst[start..]);
    }

    /// Merges two established classes whose pods alternate in `burst` at least
    /// [`ALTERNATIONS`] times (A B A B): not two passes back to back, nor one pod of
    /// another node reprinted by chance within a pass (A B A).
    fn merge_alternating(&mut self, burst: &[usize]) {
        let seq: Vec<usize> = burst.iter().filter_map(|&k| self.established(k)).collect();
        let mut switches: HashMap<(usize, usize), usize> = HashMap::default();
        for w in seq.windows(2).filter(|w| w[0] != w[1]) {
            *switches
                .entry((w[0].min(w[1]), w[0].max(w[1])))
                .or_default() += 1;
        }
        for ((a, b), n) in switches {
            if n >= ALTERNATIONS {
                self.join(&[a, b]);
            }
        }
    }

    fn join(&mut self, pods: &[usize]) {
        for &k in pods {
            self.grouped[k] = true;
            let (a, b) = (self.root(pods[0]), self.root(k));
            if a != b {
                let (big, small) = if self.size[a] >= self.size[b] {
                    (a, b)
                } else {
                    (b, a)
                };
                self.parent[small] = big;
                self.size[big] += self.size[small];
            }
        }
    }
}
