//! Colours of the timeline picture: one colour-blind-safe scheme (Okabe & Ito, "Color
//! Universal Design", 2008), one colour per state category, all in one place.

use std::fmt::Write as _;

use super::svg::{n, LABEL_X};
use crate::timeline::State;

/// Colour of each phase's band and label (F, E, R, N): dark, apart from the state
/// colours and from each other, so overlapping bands stay distinguishable.
pub fn phase_colour(tag: &str) -> &'static str {
    match tag {
        "F" => "#A50026", // dark red
        "E" => "#7F3B08", // dark brown
        "R" => "#00441B", // dark green
        _ => "#08306B",   // dark blue (N)
    }
}

/// What a state looks like in the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Running,
    Ready,
    Pending,
    ContainerCreating,
    Terminating,
    Unknown,
    NotReady,
    Failed,
    Other,
    /// A workload with every desired replica ready (`3/3`).
    Available,
    /// A workload with some but not all replicas ready (`1/3`).
    Degraded,
    /// A workload with no replica ready (`0/3`).
    Unavailable,
}

/// Every category, in legend order.
pub const CATEGORIES: [Category; 12] = [
    Category::Running,
    Category::Ready,
    Category::Pending,
    Category::ContainerCreating,
    Category::Terminating,
    Category::Unknown,
    Category::NotReady,
    Category::Failed,
    Category::Other,
    Category::Available,
    Category::Degraded,
    Category::Unavailable,
];

impl Category {
    pub fn colour(self) -> &'static str {
        match self {
            Category::Running => "#009E73",           // bluish green
            Category::Ready => "#0072B2",             // blue
            Category::Pending => "#F0E442",           // yellow
            Category::ContainerCreating => "#56B4E9", // sky blue
            Category::Terminating => "#E69F00",       // orange
            Category::Unknown => "#CC79A7",           // reddish purple
            Category::NotReady => "#D55E00",          // vermillion
            Category::Failed => "#000000",            // black
            Category::Other => "#999999",             // grey
            // Workloads: one blue, full to hollow (not a state colour of pods or nodes).
            Category::Available => "#1F4E79",
            Category::Degraded => "#8DB3D9",
            Category::Unavailable => "#FFFFFF",
        }
    }

    /// Text written on a bar wide enough: a workload's `n/m ready`.
    pub fn bar_text(self, s: &State) -> Option<String> {
        match self {
            Category::Available | Category::Degraded | Category::Unavailable => {
                s.ready.map(|[n, m]| format!("{n}/{m} ready"))
            }
            _ => None,
        }
    }

    /// Extra attributes of a bar: a hollow bar (no replica ready) gets an outline.
    pub fn outline(self) -> &'static str {
        match self {
            Category::Unavailable => " stroke=\"#1F4E79\" stroke-width=\"1\"",
            _ => "",
        }
    }

    /// The colour of text on the bar.
    pub fn text_colour(self) -> &'static str {
        match self {
            Category::Available => "#ffffff",
            _ => "#1F4E79",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Running => "Running",
            Category::Ready => "Ready",
            Category::Pending => "Pending",
            Category::ContainerCreating => "ContainerCreating",
            Category::Terminating => "Terminating",
            Category::Unknown => "Unknown",
            Category::NotReady => "NotReady",
            Category::Failed => "Failed/Error",
            Category::Other => "other",
            Category::Available => "workload m/m ready",
            Category::Degraded => "some ready",
            Category::Unavailable => "none ready",
        }
    }
}

/// The category of a state. Pods and nodes by STATUS; objects without one (workloads)
/// by availability, READY `n/m`: all, some or none of the desired replicas ready.
pub fn category(s: &State) -> Category {
    match s.status.as_deref() {
        Some(st) => status_category(st),
        None => match s.ready {
            Some([n, m]) if n >= m => Category::Available,
            Some([0, _]) => Category::Unavailable,
            Some(_) => Category::Degraded,
            None => Category::Other,
        },
    }
}

/// A STATUS word's colour, from what [`crate::kube`] says it means (one place decides
/// health, eviction and node conditions for the analysis and the picture alike).
fn status_category(st: &str) -> Category {
    use crate::kube::{node_status, pod_status, NodeCondition, PodMeaning};
    match node_status(st).condition {
        NodeCondition::Ready => return Category::Ready,
        NodeCondition::NotReady if st != "Unknown" => return Category::NotReady,
        _ => {}
    }
    match pod_status(st, Some([1, 1])) {
        PodMeaning::Running => Category::Running,
        PodMeaning::Starting if st == "Pending" => Category::Pending,
        PodMeaning::Starting => Category::ContainerCreating,
        PodMeaning::Deleting => Category::Terminating,
        // Finished its work: not a failure to paint.
        PodMeaning::Terminal if st == "Completed" => Category::Other,
        PodMeaning::NodeLost | PodMeaning::RuntimeUnknown => Category::Unknown,
        PodMeaning::Waiting | PodMeaning::Terminal | PodMeaning::ShutDown => Category::Failed,
        PodMeaning::NotReady | PodMeaning::Other => Category::Other,
    }
}

/// Where the next legend item goes: left to right, wrapping at the picture's width.
struct Flow {
    x: f64,
    row: usize,
    top: f64,
    width: f64,
}

impl Flow {
    /// The baseline position of an item `w` wide.
    fn place(&mut self, w: f64) -> (f64, f64) {
        if self.x + w > self.width - LABEL_X && self.x > LABEL_X {
            self.row += 1;
            self.x = LABEL_X;
        }
        let at = (self.x, self.top + self.row as f64 * 16.0);
        self.x += w;
        at
    }
}

/// The key items after the colours: what the hatch, ticks, thin bars and bands mean.
const KEYS: [&str; 4] = [
    "boundary somewhere in this interval",
    "unchanged line (hidden change)",
    "thin: past its stream's end",
    "phase F/E/R/N: the band is when it happened",
];

fn key(svg: &mut String, k: usize, x: f64, y: f64) {
    let _ = match k {
        0 => write!(
            svg,
            "<rect x=\"{x0}\" y=\"{y0}\" width=\"24\" height=\"10\" fill=\"#009E73\" fill-opacity=\"0.35\"/>\
             <rect x=\"{x0}\" y=\"{y0}\" width=\"24\" height=\"10\" fill=\"url(#unsure)\"/>",
            x0 = n(x),
            y0 = n(y - 9.0)
        ),
        1 => write!(
            svg,
            "<line x1=\"{t}\" y1=\"{}\" x2=\"{t}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"1.5\"/>",
            n(y - 11.0),
            n(y + 1.0),
            t = n(x + 12.0)
        ),
        2 => write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"#009E73\"/>\
             <rect x=\"{}\" y=\"{}\" width=\"14\" height=\"3\" fill=\"#009E73\"/>",
            n(x),
            n(y - 9.0),
            n(x + 10.0),
            n(y - 5.5)
        ),
        _ => ["F", "E", "R", "N"]
            .into_iter()
            .enumerate()
            .try_for_each(|(k, tag)| {
                write!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"10\" fill=\"{c}\" fill-opacity=\"0.25\" \
                     stroke=\"{c}\" stroke-dasharray=\"3 2\"/>",
                    n(x + k as f64 * 6.0),
                    n(y - 9.0),
                    c = phase_colour(tag)
                )
            }),
    };
}

/// Draws the legend from baseline `y`, wrapping at `width`: every state colour, then
/// the uncertainty hatch, touches, thin tails and phase bands. Returns its rows.
pub fn legend(svg: &mut String, y: f64, width: f64) -> usize {
    svg.push_str("<g class=\"legend\">");
    let mut flow = Flow {
        x: LABEL_X,
        row: 0,
        top: y,
        width,
    };
    for c in CATEGORIES {
        let (x, y) = flow.place(26.0 + c.label().len() as f64 * 6.5);
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\" stroke=\"#333333\" stroke-width=\"0.5\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            n(x),
            n(y - 9.0),
            c.colour(),
            n(x + 18.0),
            n(y),
            c.label()
        );
    }
    for (k, text) in KEYS.iter().enumerate() {
        let (x, y) = flow.place(44.0 + text.len() as f64 * 6.2);
        key(svg, k, x, y);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\">{text}</text>",
            n(x + 30.0),
            n(y)
        );
    }
    svg.push_str("</g>\n");
    flow.row + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_fall_into_their_categories() {
        assert_eq!(status_category("Ready,SchedulingDisabled"), Category::Ready);
        assert_eq!(status_category("NotReady"), Category::NotReady);
        assert_eq!(status_category("Error"), Category::Failed);
        assert_eq!(status_category("Completed"), Category::Other);
    }

    #[test]
    fn every_category_has_its_own_colour() {
        let mut c: Vec<&str> = CATEGORIES.iter().map(|c| c.colour()).collect();
        c.sort();
        c.dedup();
        assert_eq!(c.len(), CATEGORIES.len());
    }
}
