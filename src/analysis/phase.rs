//! One phase of an incident (F, E, R or N): when it was, the lines that decided it,
//! and which of two phases came first — proven by the network, or as the lines were
//! printed or first seen when their times overlap (DESIGN-NOTES, "Order of phases").

use serde::Serialize;

use super::scenario;
use crate::ingest::Ingested;
use crate::timeline::{Claim, Interval, LineRef, Point, Timelines};

/// One phase of an incident: when, and the lines that decided it.
///
/// Fields in the JSON document's key order (alphabetical, as serde_json's maps keep
/// keys): the report's incidents are written straight from them (`output::json`).
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// When it happened, on the experiment clock.
    #[serde(serialize_with = "crate::timeline::interval::keys_sorted")]
    pub at: Interval,
    /// The deciding lines (JSON: `file:line: text`).
    pub evidence: Vec<LineRef>,
    /// What happened (`node ubuntub NotReady`, `pod x Terminating`).
    pub what: String,
    /// The phase's point in the network.
    #[serde(skip)]
    pub point: Point,
    /// Other points the phase may be (N is the earlier of the node's Ready line and the
    /// kubelet's first pod write when their order is open).
    #[serde(skip)]
    pub alternatives: Vec<Point>,
    /// When the phase is only known to lie at or before `point` (a node first listed
    /// NotReady failed before that line): the earliest it can be, its object's
    /// creation. Questions of "possibly after" are asked from here.
    #[serde(skip)]
    pub since: Option<Point>,
}

impl Phase {
    fn points(&self) -> impl Iterator<Item = Point> + '_ {
        std::iter::once(self.point).chain(self.alternatives.iter().copied())
    }

    /// The line the phase was first seen on (its first piece of evidence).
    pub(super) fn first_line(&self) -> Option<&LineRef> {
        self.evidence.first()
    }

    /// The earliest point the phase can be.
    pub(super) fn earliest(&self) -> Point {
        self.since.unwrap_or(self.point)
    }

    /// From this phase to `x`, a later step of the same story: over every moment the
    /// phase can be, and never negative (a step does not precede its cause).
    pub(super) fn until(&self, t: &Timelines, x: Point) -> Interval {
        let d = t.difference(self.point, x);
        let d = match self.since {
            Some(s) => {
                let e = t.difference(s, x);
                Interval::new(d.min_ms.min(e.min_ms), d.max_ms.max(e.max_ms))
            }
            None => d,
        };
        Interval::new(d.min_ms.max(0), d.max_ms.max(0))
    }
}

/// Whether what was seen at `a` (its interval and its line) came before what was seen
/// at `b`: proven by the bounds, else by line order when both lines are in one file (a
/// watch prints in order; on a long capture the clock's bounds are minutes wide, and
/// their middles took the second of two evictions a second apart for the first), else
/// by the middles. Used to pick the first of several pods; the order of phases itself
/// is decided on the network, [`order_to_n`].
pub(super) fn seen_earlier(
    a: (&Interval, Option<&LineRef>),
    b: (&Interval, Option<&LineRef>),
) -> bool {
    if a.0.max_ms < b.0.min_ms {
        return true;
    }
    if a.0.min_ms > b.0.max_ms {
        return false;
    }
    if let (Some(x), Some(y)) = (a.1, b.1) {
        if x.source == y.source && x.line != y.line {
            return x.line < y.line;
        }
    }
    earlier(a.0, b.0)
}

impl Phase {
    /// Whether this phase was seen before `other` ([`seen_earlier`]).
    pub(super) fn seen_before(&self, other: &Phase) -> bool {
        seen_earlier(
            (&self.at, self.first_line()),
            (&other.at, other.first_line()),
        )
    }
}

/// Whether interval `a` lies earlier than `b`: proven by the bounds, else by their
/// middles.
fn earlier(a: &Interval, b: &Interval) -> bool {
    if a.max_ms < b.min_ms {
        return true;
    }
    if a.min_ms > b.max_ms {
        return false;
    }
    match (a.mid(), b.mid()) {
        (Some(x), Some(y)) => x < y,
        _ => a.min_ms < b.min_ms,
    }
}

/// The order of `x` and the node's return `n`, where `n` is the earliest of its points:
/// N came first if any of its points is proven before `x`; `x` came first if it is
/// proven before all of them.
pub(super) fn order_to_n(t: &Timelines, ing: &Ingested, x: &Phase, n: &Phase) -> scenario::Order {
    // Every question below has `x` at one end: one search from it answers them all
    // (N may have hundreds of alternative points).
    if t.is_small() {
        t.keep_searches_from(x.point);
    }
    // A phase seen in a listing happened at or before its line, after `since`: N is
    // first when its latest moment is before x's earliest, and the other way round.
    let x_earliest = x.earliest();
    let n_first = n
        .points()
        .any(|p| t.proves(p, x_earliest, Claim::at_least(0)));
    let n_earliest = |p: Point| if p == n.point { n.earliest() } else { p };
    let x_first = n
        .points()
        .all(|p| t.proves(x.point, n_earliest(p), Claim::at_least(0)));
    if n_first && !x_first {
        scenario::Order::After
    } else if x_first && !n_first {
        scenario::Order::Before
    } else if x.since.is_some() || n.since.is_some() {
        first_seen_order(ing, x, n)
    } else {
        printed_order(x, n)
    }
}

/// Two watch events the network leaves unordered, printed in one file: in the order
/// printed (a watch prints each change as it happens). On a long capture two lines
/// minutes apart are beyond the searches near a pair, and the landmarks' chain cannot
/// prove what the file's order shows (a replacement ready 1,650 lines before the
/// node's return was `inconclusive`).
fn printed_order(x: &Phase, n: &Phase) -> scenario::Order {
    match (x.first_line(), n.first_line()) {
        (Some(a), Some(b)) if a.source == b.source && a.line != b.line => {
            if a.line < b.line {
                scenario::Order::Before
            } else {
                scenario::Order::After
            }
        }
        _ => scenario::Order::Open,
    }
}

/// When the phases' windows overlap because they were seen in listings, the order in
/// which they were first seen settles it (commands typed one after another in one
/// shell, DESIGN.md), unless both were first seen in one round of listings — no
/// other command typed between them: then it is open.
fn first_seen_order(ing: &Ingested, x: &Phase, n: &Phase) -> scenario::Order {
    let (Some(a), Some(b)) = (x.first_line(), n.first_line()) else {
        return scenario::Order::Open;
    };
    if a.source != b.source || a.line == b.line {
        return scenario::Order::Open;
    }
    let (lo, hi) = (a.line.min(b.line), a.line.max(b.line));
    let other_command_between = ing.markers.iter().any(|m| {
        m.source == a.source
            && (lo..hi).contains(&m.line)
            && matches!(&m.what, crate::ingest::MarkerKind::Command { text, .. } if !is_listing_command(text))
    });
    match (other_command_between, a.line < b.line) {
        (false, _) => scenario::Order::Open,
        (true, true) => scenario::Order::Before,
        (true, false) => scenario::Order::After,
    }
}

/// A plain `kubectl get` (no `-w`): typed to look, not to change anything.
fn is_listing_command(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    // Past any wrapper (`sudo -u admin`, `watch -n 2`, `time`): kubectl's own name.
    let Some(at) = words.iter().position(|w| {
        crate::kube::actions::KUBECTL_NAMES.contains(&w.rsplit('/').next().unwrap_or(w))
    }) else {
        return false;
    };
    // Its subcommand: the first word after global flags (`-n ns`, `--context c`).
    let mut rest = words[at + 1..].iter();
    let mut sub = None;
    while let Some(w) = rest.next() {
        if matches!(
            *w,
            "-n" | "--namespace" | "--context" | "--kubeconfig" | "-s" | "--server"
        ) {
            rest.next();
        } else if !w.starts_with('-') {
            sub = Some(*w);
            break;
        }
    }
    sub == Some("get") && !words.iter().any(|w| *w == "-w" || *w == "--watch")
}

#[cfg(test)]
mod tests {
    use super::is_listing_command;

    #[test]
    fn a_plain_get_is_a_listing_whatever_wraps_it() {
        assert!(is_listing_command("kubectl get pods -o wide"));
        assert!(is_listing_command(
            "sudo -u admin kubectl get po -n sock-shop"
        ));
        assert!(is_listing_command("kubectl -n kube-system get pods"));
        assert!(is_listing_command("/usr/local/bin/k get nodes"));
        assert!(!is_listing_command("kubectl get pods -w"));
        assert!(!is_listing_command("kubectl describe pod web-0"));
        assert!(!is_listing_command("virsh start kube3"));
    }
}
