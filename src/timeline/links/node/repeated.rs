//! The links of a node that fails again and again (a chaos soak watched with a node
//! stream beside the pods'): each NotReady line is paired with its own failure's marks
//! on the node's pods, and each return with the returning kubelet's writes.
//!
//! The two streams share no clock (a node's AGE is in days), so which burst of marks
//! in the pods' stream is which NotReady line can only be told by order: the node
//! controller marks a node's pods in the pass that marks the node NotReady (FORMAT.md
//! §4.4), so the k-th burst of marks on the node's pods is the k-th NotReady line's.
//! A mark is the first line of a healthy pod that repeats its state (a touch); a
//! burst is such touches close together in the pods' stream. When the bursts are not
//! as many as the NotReady lines (a partition's re-pushed status, a stream that
//! starts mid-failure), no pairing is trusted: the node's lines are not linked, and a
//! warning says so.

use super::{NodeDown, Notes, Track};
use crate::observe::Observation;
use crate::timeline::links::Link;
use crate::timeline::Point;

/// Rows of the pods' stream between two marks of one burst, at most: the node
/// controller marks a node's pods within a second, and a busy namespace prints a
/// few lines a second between them.
const BURST_GAP_ROWS: u32 = 64;

/// A mark on one of the node's pods: its line, and where the pod's lines continue.
#[derive(Clone, Copy)]
struct Mark<'a> {
    line: usize,
    pod: &'a Track,
    /// The mark's place in `pod.obs`.
    at: usize,
}

pub(super) fn links(
    obs: &[Observation],
    points: &[Point],
    downs: &[NodeDown],
    pods: &[&Track],
    opts: &crate::timeline::LinkOptions,
    links: &mut Vec<Link>,
    notes: &mut Notes,
) {
    let Some(node) = downs.first().map(|d| d.node) else {
        return;
    };
    let bursts = bursts(obs, pods).unwrap_or_default();
    if bursts.len() != downs.len() {
        notes.unplaced_nodes.push(node.key.name.to_string());
        notes.warnings.push(format!(
            "node {}: {} NotReady lines but {} bursts of marks on its pods: its lines are not placed against the pods' lines, and its failures are inferred from its pods' lines",
            node.key.name,
            downs.len(),
            bursts.len()
        ));
        return;
    }
    let sec = 1000;
    for (down, burst) in downs.iter().zip(&bursts) {
        if opts.not_ready {
            // The first mark follows the NotReady line within the node controller's
            // pass (the burst's later marks follow it in line order; the last may come
            // seconds later on a node of hundreds of pods, marked one by one).
            let first = burst[0];
            links.push(Link {
                kind: "pods on a node are marked not ready when it turns NotReady",
                flag: "--no-link-not-ready",
                a: points[down.down],
                b: points[first.line],
                lo: 0,
                hi: 5 * sec,
                obs: vec![down.down, first.line],
                rank: 1,
            });
        }
        if opts.node_back {
            back_link(obs, points, down, burst, links);
        }
    }
}

/// The node's first change after its NotReady line and the returning kubelet's first
/// write to one of the pods it marked, within 60 s of each other.
fn back_link(
    obs: &[Observation],
    points: &[Point],
    down: &NodeDown,
    burst: &[Mark],
    links: &mut Vec<Link>,
) {
    let Some(back) = down.back else {
        return;
    };
    let name = &*down.node.key.name;
    // Each pod's first kubelet write after its mark; the earliest in the stream.
    let write = burst
        .iter()
        .filter_map(|m| super::kubelet_change(obs, &m.pod.obs[m.at..], name))
        .min();
    if let Some(c) = write {
        links.push(Link {
            kind: "the returning kubelet writes its pods and its node",
            flag: "--no-link-node-back",
            a: points[back],
            b: points[c],
            lo: -60 * 1000,
            hi: 60 * 1000,
            obs: vec![back, c],
            rank: 0,
        });
    }
}

/// The bursts of marks on the node's pods, in stream order; `None` when the pods'
/// lines are in more than one stream (their order across streams is unknown).
fn bursts<'a>(obs: &[Observation], pods: &[&'a Track]) -> Option<Vec<Vec<Mark<'a>>>> {
    let mut marks: Vec<Mark> = Vec::new();
    for &pod in pods {
        for at in 1..pod.obs.len() {
            let (a, b) = (&obs[pod.obs[at - 1]], &obs[pod.obs[at]]);
            // The first repeat of a healthy state: `a` is the pod's first line or
            // changed something, `b` only touched it.
            let first_repeat = at == 1 || !obs[pod.obs[at - 2]].same_state(a);
            let healthy = crate::kube::pod_status(a.status().unwrap_or(""), a.ready)
                == crate::kube::PodMeaning::Running;
            if healthy && b.snapshot.is_none() && a.same_state(b) && first_repeat {
                marks.push(Mark {
                    line: pod.obs[at],
                    pod,
                    at,
                });
            }
        }
    }
    let stream = marks.first().map(|m| obs[m.line].stream);
    if marks.iter().any(|m| Some(obs[m.line].stream) != stream) {
        return None;
    }
    marks.sort_by_key(|m| obs[m.line].seq);
    // A burst ends at a gap, or at a pod it already marked (a failure marks each pod
    // once: a quiet namespace may print nothing between two failures).
    let mut bursts: Vec<Vec<Mark>> = Vec::new();
    for m in marks {
        match bursts.last_mut() {
            Some(b)
                if obs[m.line].seq - obs[b[b.len() - 1].line].seq <= BURST_GAP_ROWS
                    && !b.iter().any(|x| std::ptr::eq(x.pod, m.pod)) =>
            {
                b.push(m)
            }
            _ => bursts.push(vec![m]),
        }
    }
    Some(bursts)
}

/// A node `w1` that fails twice, its two pods marked each time and restarted by its
/// returning kubelet (pods.log), and the nodes' watch with as many NotReady lines as
/// asked (nodes.log): shared by the tests here and the analysis's.
#[cfg(test)]
pub(crate) mod fixtures {
    pub(crate) const PODS: &str = "\
NAME   READY   STATUS    RESTARTS   AGE     IP         NODE
a      1/1     Running   0          10s     10.0.0.1   w1
b      1/1     Running   0          10s     10.0.0.2   w1
a      1/1     Running   0          50s     10.0.0.1   w1
b      1/1     Running   0          50s     10.0.0.2   w1
a      0/1     Running   1          2m      10.0.0.3   w1
b      0/1     Running   1          2m      10.0.0.4   w1
a      1/1     Running   1          2m10s   10.0.0.3   w1
b      1/1     Running   1          2m10s   10.0.0.4   w1
a      1/1     Running   1          5m      10.0.0.3   w1
b      1/1     Running   1          5m      10.0.0.4   w1
a      0/1     Running   2          6m      10.0.0.5   w1
b      0/1     Running   2          6m      10.0.0.6   w1
";

    /// `w1` listed Ready, then `turns` times NotReady, each but the last followed by
    /// Ready again.
    pub(crate) fn nodes(turns: usize) -> String {
        let line = |status: &str| format!("w1     {status:<8}   <none>   9d    v1.28.2\n");
        let mut text = String::from("NAME   STATUS     ROLES    AGE   VERSION\n");
        text += &line("Ready");
        for k in 0..turns {
            text += &line("NotReady");
            if k + 1 < turns {
                text += &line("Ready");
            }
        }
        text
    }

    /// The sources, nodes' first.
    pub(crate) fn sources(turns: usize) -> Vec<crate::input::Source> {
        let source = |name: &str, text: String| crate::input::Source {
            name: name.into(),
            origin: crate::input::Origin::Bytes(text.into_bytes().into()),
        };
        vec![
            source("nodes.log", nodes(turns)),
            source("pods.log", PODS.into()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::sources;
    use crate::timeline::{Interval, Timelines};

    fn timelines(turns: usize) -> Timelines {
        let mut ing = crate::ingest::ingest(&sources(turns)).expect("ingests");
        crate::timeline::build(&mut ing, Default::default())
    }

    /// The node's NotReady states, as placed on the clock.
    fn not_ready(t: &Timelines) -> Vec<Interval> {
        let node = t.objects.iter().find(|o| &*o.key.name == "w1").expect("w1");
        node.states
            .iter()
            .filter(|s| s.status.as_deref() == Some("NotReady"))
            .map(|s| s.from)
            .collect()
    }

    /// Each of a node's two NotReady lines is placed by its own failure's marks: the
    /// second within seconds of the pods' second marks (AGE 5m), not of the first.
    #[test]
    fn each_notready_line_is_placed_by_its_own_marks() {
        let t = timelines(2);
        let placed = not_ready(&t);
        assert_eq!(placed.len(), 2);
        for p in &placed {
            assert!(p.max_ms - p.min_ms <= 10_000, "{placed:?}");
        }
        // The pods' marks: 40 s and 290 s after their first lines.
        assert!(placed[1].min_ms - placed[0].max_ms >= 200_000, "{placed:?}");
        assert!(
            t.warnings.iter().all(|w| !w.contains("not placed")),
            "{:?}",
            t.warnings
        );
    }

    /// Three NotReady lines and two bursts of marks: which is which cannot be told, so
    /// none is linked, and a warning says so.
    #[test]
    fn notready_lines_that_outnumber_the_marks_are_not_placed() {
        let t = timelines(3);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("node w1: 3 NotReady lines but 2 bursts")),
            "{:?}",
            t.warnings
        );
        assert!(not_ready(&t).iter().all(|p| p.max_ms - p.min_ms > 60_000));
    }
}
