//! How far apart two lines of a pass are: line numbers by source, and the lines a
//! pass's spacing leaves out (the taint manager's evictions).

use crate::HashMap;

use super::patch_before;
use crate::analysis::pods::{healthy, Next};
use crate::timeline::{LineRef, Timelines};

/// Line numbers by source, each list sorted: how many lie within a stretch of one.
#[derive(Default)]
pub(in crate::analysis) struct Lines<'a> {
    by_source: HashMap<&'a str, Vec<u64>>,
}

impl<'a> Lines<'a> {
    pub(in crate::analysis) fn push(&mut self, l: &'a LineRef) {
        self.by_source.entry(&*l.source).or_default().push(l.line);
    }

    /// Done pushing: each source's lines in order.
    pub(in crate::analysis) fn sorted(mut self) -> Lines<'a> {
        self.by_source.values_mut().for_each(|v| v.sort_unstable());
        self
    }

    /// How many from line `from` to line `to` of `source`, both included.
    pub(in crate::analysis) fn within(&self, source: &str, from: u64, to: u64) -> usize {
        self.by_source.get(source).map_or(0, |v| {
            (v.partition_point(|&l| l <= to)).saturating_sub(v.partition_point(|&l| l < from))
        })
    }
}

/// How far apart two lines are, as the marks of one pass are told apart.
pub(in crate::analysis) enum Spacing<'a> {
    /// Every line between counts (a known node's reprints: its own lines).
    Every,
    /// Every line but the taint manager's evictions: the `DisruptionTarget` patch
    /// and the `Terminating` of each pod it evicts (FORMAT.md §4.10). A soak's node
    /// is often marked as another node's toleration runs out, and its marks then lie
    /// ten lines apart among those evictions and were split into as many nodes as
    /// gaps. (A deletion without the patch — a rollout's, or any before Kubernetes
    /// 1.26 — still counts: the pods it replaces are what separates a pass from
    /// reprints met by chance.)
    Evictions(Lines<'a>),
}

impl<'a> Spacing<'a> {
    /// Every line of `pods` (places in `t.objects`) but the taint manager's
    /// evictions.
    pub(in crate::analysis) fn evictions(t: &'a Timelines, pods: &[usize]) -> Spacing<'a> {
        let mut left_out = Lines::default();
        for &i in pods {
            let states = &t.objects[i].states;
            for (k, w) in states.windows(2).enumerate() {
                let next = Next::of(states, k + 1);
                if !healthy(&w[0])
                    || crate::analysis::pods::eviction_kind(Some(&w[0]), &w[1], next).is_none()
                {
                    continue;
                }
                let patches = (w[0].touches.iter()).filter(|touch| patch_before(touch, &w[1]));
                let mut lines = patches.map(|touch| &touch.line).peekable();
                if lines.peek().is_some() {
                    lines
                        .chain(w[1].lines.first())
                        .for_each(|l| left_out.push(l));
                }
            }
        }
        Spacing::Evictions(left_out.sorted())
    }

    /// How many lines `b` comes after `a` (1 for the next line), not counting the
    /// lines left out; `u64::MAX` in another source.
    pub(in crate::analysis) fn apart(&self, a: &LineRef, b: &LineRef) -> u64 {
        if a.source != b.source {
            return u64::MAX;
        }
        let raw = b.line.saturating_sub(a.line);
        match self {
            Spacing::Every => raw,
            Spacing::Evictions(left_out) if raw > 1 => {
                raw - left_out.within(&a.source, a.line + 1, b.line - 1) as u64
            }
            Spacing::Evictions(_) => raw,
        }
    }
}
