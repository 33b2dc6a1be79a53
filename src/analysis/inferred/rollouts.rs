//! Rollouts: a pod of a lost node's Deployment going `Terminating` is no failure of
//! its node when a new template (pod-template-hash) of that Deployment is replacing
//! it.

use crate::HashMap;

use crate::timeline::{ObjectTimeline, Timelines};

/// The pods of each Deployment (by namespace and name) created during the capture,
/// by first line: a rollout shows as pods of a new template (pod-template-hash).
pub(super) struct NewTemplates<'a> {
    by_deployment: HashMap<(Option<&'a str>, &'a str), Created<'a>>,
    /// Each object's Deployment and template, if a pod of one (by place in
    /// `t.objects`).
    of_object: Vec<Option<(&'a str, &'a str)>>,
}

/// Pods created in a capture, sorted by (source, first line), with for each the index
/// of the next one of another template: "is there a pod of another template after
/// line L" is then a binary search, not a scan (a long watch has thousands). Each
/// with the earliest its first line can be (ms).
#[derive(Default)]
struct Created<'a> {
    pods: Vec<(&'a str, u64, &'a str, i64)>,
    next_other: Vec<Option<usize>>,
}

impl<'a> NewTemplates<'a> {
    /// `templates`: each object's Deployment and template, if a pod of one.
    pub(super) fn of(
        t: &'a Timelines,
        templates: Vec<Option<(&'a str, &'a str)>>,
    ) -> NewTemplates<'a> {
        let mut by_deployment: HashMap<_, Created> = HashMap::default();
        for (pod, template) in t.objects.iter().zip(&templates) {
            let Some((deployment, hash)) = *template else {
                continue;
            };
            let first = &pod.states[0];
            let born_here = first
                .since_created
                .get()
                .is_some_and(|s| s.max_ms <= CREATION_LINE_MAX_MS);
            if let (true, Some(line)) = (born_here, first.lines.first()) {
                by_deployment
                    .entry((pod.key.namespace.as_deref(), deployment))
                    .or_default()
                    .pods
                    .push((&*line.source, line.line, hash, first.from.min_ms));
            }
        }
        for c in by_deployment.values_mut() {
            c.pods.sort_unstable();
            let n = c.pods.len();
            c.next_other = vec![None; n];
            for i in (0..n.saturating_sub(1)).rev() {
                c.next_other[i] = if c.pods[i + 1].2 != c.pods[i].2 {
                    Some(i + 1)
                } else {
                    c.next_other[i + 1]
                };
            }
        }
        NewTemplates {
            by_deployment,
            of_object: templates,
        }
    }

    /// Whether a rollout is replacing `pod`'s template (`k`: its place in `t.objects`),
    /// which was last seen no later than `gone` (ms): a pod of the same Deployment
    /// from another template (pod-template-hash) was created after `pod` was first
    /// seen, in the same capture, and no later than [`ROLLOUT_MS`] after `gone`. An
    /// eviction's replacement has the same hash (the same ReplicaSet, FORMAT.md
    /// §5.1); a rollout's Terminating pods are the old template's, scaled down as the
    /// new one's come up (a rolling update) or all deleted before the first new one
    /// is made (`Recreate`). A rollout begun minutes after the pod was gone says
    /// nothing of why it went: taken as one, it hid a node failure behind every later
    /// rollout of its Deployments.
    pub(super) fn replace(&self, k: usize, pod: &ObjectTimeline, gone: i64) -> bool {
        let Some((deployment, hash)) = self.of_object[k] else {
            return false;
        };
        let Some(seen) = pod.states[0].lines.first() else {
            return false;
        };
        let Some(c) = self
            .by_deployment
            .get(&(pod.key.namespace.as_deref(), deployment))
        else {
            return false;
        };
        let source = &*seen.source;
        // One source's lines share their name: told by address first.
        let same = |p: &str| std::ptr::eq(p, source);
        let from = c.pods.partition_point(|p| match same(p.0) {
            true => p.1 <= seen.line,
            false => (p.0, p.1) <= (source, seen.line),
        });
        let end = c.pods.partition_point(|p| same(p.0) || p.0 <= source);
        let other = match c.pods.get(from) {
            Some(p) if from < end && p.2 != hash => Some(from),
            Some(_) if from < end => c.next_other[from],
            _ => None,
        };
        // The first of another template after `pod`'s first line is the earliest
        // (one source's lines are in time order).
        other.is_some_and(|j| j < end && c.pods[j].3 <= gone.saturating_add(ROLLOUT_MS))
    }
}

/// How long after a pod of the old template was last seen the first pod of a
/// rollout's new one may be printed: with `Recreate` the new ReplicaSet is scaled up
/// once every old pod is gone, and old pods of one template end within their shared
/// grace period of each other (30 s by default), plus seconds for the watch.
const ROLLOUT_MS: i64 = 60_000;

/// A pod line printed at its creation shows AGE `0s`–`2s` (watch latency included).
const CREATION_LINE_MAX_MS: i64 = 3_000;
