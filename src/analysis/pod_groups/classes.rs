//! The classes of pods that shared a node, as the passes join them: a union-find
//! over the capture's pods (`pod_groups`).

use super::BURST_PODS;
use crate::HashMap;

/// How many times two classes' pods must alternate in one pass to be one node's.
const ALTERNATIONS: usize = 3;

/// How many pods a class must hold (from all its passes) to cut a burst mostly of
/// pods no pass grouped where the class begins ([`Classes::join_cut`]).
const CUTTING_PODS: usize = 2 * BURST_PODS;

/// How unlikely a run of a class's new pods at one end of its pass must be, by
/// chance, before it is taken as another node's pass printed beside it.
const CHANCE_RUN: f64 = 1e-3;

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
        let (head, body, tail) = self.unknown_ends(burst);
        for part in [head, tail] {
            if !part.is_empty() {
                self.join(part);
            }
        }
        self.join_cut(body);
    }

    /// A burst's pods before its first and after its last pod of an established
    /// class, when there are too many of them in a row to be that class's node's new
    /// pods met by chance: another node's pass printed back to back with a known
    /// node's, whose pods no pass has grouped yet (two nodes marked in one monitor
    /// cycle, FORMAT.md §4.4). The node controller marks one node's pods in the
    /// order its index gives them, mixed: a node's pods that no earlier pass marked
    /// fall among its known ones, rarely [`CHANCE_RUN`] in a row. Returns the
    /// head, the rest, and the tail (either end empty when it is the class's).
    fn unknown_ends<'b>(&mut self, burst: &'b [usize]) -> (&'b [usize], &'b [usize], &'b [usize]) {
        let known: Vec<bool> = burst
            .iter()
            .map(|&k| self.established(k).is_some())
            .collect();
        let (Some(first), Some(last)) = (
            known.iter().position(|&x| x),
            known.iter().rposition(|&x| x),
        ) else {
            return (&[], burst, &[]);
        };
        // Whether `n` unknown pods in a row at one end are past chance: were the
        // burst one node's, its unknown pods in any order, the odds that the first
        // `n` places all hold one (drawn without replacement).
        let (all, unknown) = (burst.len(), known.iter().filter(|&&x| !x).count());
        let odds = |n: usize| {
            (0..n)
                .map(|i| (unknown - i) as f64 / (all - i) as f64)
                .product::<f64>()
        };
        let apart = |n: usize| n >= BURST_PODS && odds(n) < CHANCE_RUN;
        let head = if apart(first) { first } else { 0 };
        let tail = if apart(burst.len() - 1 - last) {
            last + 1
        } else {
            burst.len()
        };
        (&burst[..head], &burst[head..tail], &burst[tail..])
    }

    /// [`Classes::join_burst`] past its unknown ends: cut where a second established
    /// class begins.
    fn join_cut(&mut self, burst: &[usize]) {
        if burst.is_empty() {
            return;
        }
        // A class of a few pods cuts a burst mostly of pods no pass grouped: pods
        // grouped by chance, or a small node's, met in a large node's pass, rather
        // than a second node's pass. Two small nodes' passes back to back, their pods
        // known, are still cut apart.
        let known = burst
            .iter()
            .filter(|&&k| self.established(k).is_some())
            .count();
        let mostly_known = known * 2 >= burst.len();
        let mut start = 0;
        let mut class: Option<usize> = None;
        for i in 0..burst.len() {
            let cutting = (self.established(burst[i]))
                .filter(|&c| mostly_known || self.size[c] >= CUTTING_PODS);
            match (class, cutting) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Pods `from..to`.
    fn pods(from: usize, to: usize) -> Vec<usize> {
        (from..to).collect()
    }

    /// A known node's pass, its new pods among its known ones, printed back to back
    /// with the pass of a node no pass grouped yet: before it or after it, the other
    /// node's pods are a class of their own, the new pods the known node's.
    #[test]
    fn another_node_s_pass_beside_a_known_one_stays_its_own() {
        for other_first in [true, false] {
            let mut classes = Classes::new(100);
            classes.join_burst(&pods(0, 20)); // the known node's earlier pass
            let mut known_pass = pods(0, 20);
            known_pass.insert(5, 60); // its new pods, mixed in
            known_pass.insert(12, 61);
            let other = pods(30, 40);
            let burst: Vec<usize> = if other_first {
                other.iter().chain(&known_pass).copied().collect()
            } else {
                known_pass.iter().chain(&other).copied().collect()
            };
            classes.join_burst(&burst);
            let known = classes.root(0);
            assert_eq!(classes.root(60), known);
            assert_eq!(classes.root(61), known);
            let theirs = classes.root(30);
            assert_ne!(theirs, known, "other first: {other_first}");
            assert!(other.iter().all(|&k| classes.root(k) == theirs));
        }
    }

    /// Two classes of three pods (grouped by chance, or small nodes') met in a pass
    /// of pods no pass grouped yet cut nothing: the pass is one class.
    #[test]
    fn small_classes_met_in_a_pass_of_new_pods_cut_nothing() {
        let mut classes = Classes::new(100);
        classes.join_burst(&[50, 51, 52]);
        classes.join_burst(&[70, 71, 72]);
        let mut burst = pods(0, 10);
        burst.extend([50, 51, 52]);
        burst.extend(pods(10, 20));
        burst.extend([70, 71, 72]);
        burst.extend(pods(20, 30));
        classes.join_burst(&burst);
        let one = classes.root(0);
        assert!(burst.iter().all(|&k| classes.root(k) == one));
    }

    /// A known node of three pods back with many new ones: its new pods come first
    /// in its pass as often as not, and stay its pods.
    #[test]
    fn a_known_node_s_many_new_pods_first_by_chance_stay_its_own() {
        let mut classes = Classes::new(100);
        classes.join_burst(&[0, 1, 2]);
        let mut burst = pods(50, 56);
        burst.push(0);
        burst.extend(pods(56, 70));
        burst.push(1);
        burst.extend(pods(70, 80));
        burst.push(2);
        burst.extend(pods(80, 84));
        classes.join_burst(&burst);
        let known = classes.root(0);
        assert!(burst.iter().all(|&k| classes.root(k) == known));
    }
}
