//! One view of an analysis, shared by every writer: the phases with their names and
//! tags, the metric rows with their meanings, the lanes of the picture, the verdict.
//! Writers read this, never the timeline stage's network or its cache: what they need
//! of the timelines (each object's states) is handed over here.

use crate::analysis::{Analysis, Incident, Metrics, Phase, Scenario};
use crate::ingest::InputAccount;
use crate::timeline::{Interval, ObjectTimeline, Origin};

use super::lanes::{self, Row};

/// The phases in the order DESIGN.md defines them, with a person's name for each.
pub const PHASES: [(&str, &str); 4] = [
    ("F", "failure detected"),
    ("E", "eviction started"),
    ("R", "replacement ready"),
    ("N", "node back"),
];

/// One phase of an incident: its tag, its name, and what was seen (None: not seen).
#[derive(Debug, Clone, Copy)]
pub struct PhaseRow<'a> {
    /// The phase's letter (`F`, `E`, `R`, `N`).
    pub tag: &'static str,
    /// The phase's name in words.
    pub name: &'static str,
    /// What was seen of it, if anything.
    pub phase: Option<&'a Phase>,
}

/// The four phases of an incident in F, E, R, N order.
pub fn phase_rows(i: &Incident) -> [PhaseRow<'_>; 4] {
    let p = &i.phases;
    let at = [&p.F, &p.E, &p.R, &p.N];
    std::array::from_fn(|k| PhaseRow {
        tag: PHASES[k].0,
        name: PHASES[k].1,
        phase: at[k].as_ref(),
    })
}

/// The phases that were seen, in F, E, R, N order.
pub fn seen_phases(i: &Incident) -> impl Iterator<Item = (PhaseRow<'_>, &Phase)> {
    phase_rows(i)
        .into_iter()
        .filter_map(|r| r.phase.map(|p| (r, p)))
}

/// The phases in the order they happened: by earliest time, then latest; the ones not
/// seen last, in F, E, R, N order (so a mid-migration reads N before R).
pub fn in_time_order(i: &Incident) -> Vec<PhaseRow<'_>> {
    let mut rows: Vec<PhaseRow<'_>> = phase_rows(i).into_iter().collect();
    // A stable sort keeps F, E, R, N among equal times.
    rows.sort_by_key(|r| match r.phase {
        Some(p) => (0, p.at.min_ms, p.at.max_ms),
        None => (1, 0, 0),
    });
    rows
}

/// One metric: its JSON name, what it measures in words, the phases it runs between,
/// its interval.
#[derive(Debug, Clone, Copy)]
pub struct MetricRow {
    /// The metric's JSON name (`eviction_s`).
    pub key: &'static str,
    /// What it measures, in words.
    pub meaning: &'static str,
    /// `F→E`: the phases the metric runs between (`—` for none).
    pub span: &'static str,
    /// Its interval, when measurable.
    pub value: Option<Interval>,
}

impl MetricRow {
    /// The name without its unit (`eviction`).
    pub fn short(&self) -> &'static str {
        self.key.trim_end_matches("_s")
    }
}

/// The metric rows, in DESIGN.md's order, with a person's wording.
pub fn metric_rows(m: &Metrics) -> [MetricRow; 5] {
    let row = |key, meaning, span, value| MetricRow {
        key,
        meaning,
        span,
        value,
    };
    [
        row(
            "detection_s",
            "failure injected → node NotReady",
            "→F",
            m.detection_s,
        ),
        row(
            "eviction_s",
            "node NotReady → old pod evicted",
            "F→E",
            m.eviction_s,
        ),
        row(
            "replacement_s",
            "evicted → replacement ready",
            "E→R",
            m.replacement_s,
        ),
        row(
            "unavailable_s",
            "workload below desired ready",
            "F→",
            m.unavailable_s,
        ),
        row(
            "node_down_s",
            "node NotReady → Ready again",
            "F→N",
            m.node_down_s,
        ),
    ]
}

/// `text` cut to `width` characters, with `…` where it was cut (None: whole).
pub fn fit(text: &str, width: Option<usize>) -> String {
    match width {
        Some(w) if text.chars().count() > w && w > 1 => {
            let mut t: String = text.chars().take(w - 1).collect();
            t.push('…');
            t
        }
        _ => text.to_string(),
    }
}

/// What every writer of one analysis reads.
pub struct View<'a> {
    /// The experiment's name.
    pub experiment: &'a str,
    /// The verdict in one sentence.
    pub verdict: &'a str,
    /// The experiment's scenario.
    pub scenario: Scenario,
    /// Every scenario the evidence allows, when the order of phases is open.
    pub candidates: &'a [Scenario],
    /// How t = 0 was chosen.
    pub origin: &'a Origin,
    /// The incidents found.
    pub incidents: &'a [Incident],
    /// What is missing or doubtful.
    pub warnings: &'a [String],
    /// Every input file's account.
    pub inputs: &'a [InputAccount],
    /// Every object's timeline (states only; no network behind them).
    pub objects: &'a [ObjectTimeline],
    /// The picture's rows, in order: made when a picture asks for them (a long
    /// capture's are thousands of lanes, and the text views draw none).
    lanes: std::cell::OnceCell<Vec<Row<'a>>>,
    /// When the capture certainly still ran: the latest stream end (each object's last
    /// state holds until its stream ended, the timeline's `to`).
    pub capture_end: Option<i64>,
    document: &'a Analysis,
}

/// The latest time any stream is known to have run to.
fn capture_end(objects: &[ObjectTimeline]) -> Option<i64> {
    objects
        .iter()
        .filter_map(|o| {
            let last = o.last();
            last.to.get().unwrap_or(last.last_seen).lower()
        })
        .max()
}

impl<'a> View<'a> {
    /// The view of one analysis.
    pub fn new(a: &'a Analysis) -> View<'a> {
        let objects = &a.timelines.objects[..];
        View {
            capture_end: capture_end(objects),
            experiment: &a.experiment,
            verdict: &a.verdict,
            scenario: a.scenario,
            candidates: &a.candidates,
            origin: &a.origin,
            incidents: &a.incidents,
            warnings: &a.warnings,
            inputs: &a.inputs,
            objects,
            lanes: std::cell::OnceCell::new(),
            document: a,
        }
    }

    /// The picture's rows, in order.
    pub fn lanes(&self) -> &[Row<'a>] {
        self.lanes
            .get_or_init(|| lanes::rows(self.objects, self.incidents))
    }

    /// The analysis as the JSON document serializes it (the JSON writer only).
    pub(super) fn document(&self) -> &'a Analysis {
        self.document
    }

    /// The scenario names when the order of phases is open (`in-place, mid-migration`).
    pub fn candidate_names(candidates: &[Scenario], sep: &str) -> String {
        candidates
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn a_long_line_is_cut_to_the_width_with_an_ellipsis() {
        assert_eq!(fit("abcdef", Some(4)), "abc…");
        assert_eq!(fit("abc", Some(4)), "abc");
        assert_eq!(fit("abcdef", None), "abcdef");
    }
}
