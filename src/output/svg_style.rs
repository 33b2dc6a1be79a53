//! Colours of the timeline picture: one colour-blind-safe scheme (Okabe & Ito, "Color
//! Universal Design", 2008), one colour per state category, all in one place.

use std::fmt::Write as _;

use super::svg::{n, LABEL_X};
use crate::timeline::State;

/// Colour of the phase markers F/E/R/N (not a state colour).
pub const PHASE_COLOUR: &str = "#222222";

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
}

/// Every category, in legend order.
pub const CATEGORIES: [Category; 9] = [
    Category::Running,
    Category::Ready,
    Category::Pending,
    Category::ContainerCreating,
    Category::Terminating,
    Category::Unknown,
    Category::NotReady,
    Category::Failed,
    Category::Other,
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
        }
    }
}

/// The category of a state. Pods and nodes by STATUS; objects without one (workloads)
/// by READY: all replicas ready is `Ready`, fewer is `NotReady`.
pub fn category(s: &State) -> Category {
    match s.status.as_deref() {
        Some(st) => status_category(st),
        None => match s.ready {
            Some([n, m]) if n == m => Category::Ready,
            Some(_) => Category::NotReady,
            None => Category::Other,
        },
    }
}

fn status_category(st: &str) -> Category {
    match st {
        "Running" => Category::Running,
        "Pending" => Category::Pending,
        "ContainerCreating" | "PodInitializing" => Category::ContainerCreating,
        "Terminating" => Category::Terminating,
        "Unknown" => Category::Unknown,
        "Failed"
        | "Error"
        | "CrashLoopBackOff"
        | "ImagePullBackOff"
        | "ErrImagePull"
        | "OOMKilled"
        | "NodeShutdown"
        | "Evicted"
        | "ContainerStatusUnknown" => Category::Failed,
        s if s == "Ready" || s.starts_with("Ready,") => Category::Ready,
        s if s.starts_with("NotReady") => Category::NotReady,
        s if s.starts_with("Init:") => Category::ContainerCreating,
        _ => Category::Other,
    }
}

/// Draws the legend: every state colour, the uncertainty hatch, touches, phases.
pub fn legend(svg: &mut String, y: f64) {
    svg.push_str("<g class=\"legend\">");
    let mut x = LABEL_X;
    for c in CATEGORIES {
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
        x += 26.0 + c.label().len() as f64 * 6.5;
    }
    let y2 = y + 16.0;
    let texts = [
        "boundary somewhere in this interval",
        "unchanged line (hidden change)",
        "phase F/E/R/N: the band is the interval it happened in",
    ];
    let mut x = LABEL_X;
    for (k, text) in texts.iter().enumerate() {
        match k {
            0 => {
                let _ = write!(
                    svg,
                    "<rect x=\"{x0}\" y=\"{y0}\" width=\"24\" height=\"10\" fill=\"#009E73\" fill-opacity=\"0.35\"/>\
                     <rect x=\"{x0}\" y=\"{y0}\" width=\"24\" height=\"10\" fill=\"url(#unsure)\"/>",
                    x0 = n(x),
                    y0 = n(y2 - 9.0)
                );
            }
            1 => {
                let _ = write!(
                    svg,
                    "<line x1=\"{t}\" y1=\"{}\" x2=\"{t}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                    n(y2 - 11.0),
                    n(y2 + 1.0),
                    t = n(x + 12.0)
                );
            }
            _ => {
                let _ = write!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"10\" fill=\"{PHASE_COLOUR}\" fill-opacity=\"0.12\" \
                     stroke=\"{PHASE_COLOUR}\" stroke-dasharray=\"3 2\"/>",
                    n(x),
                    n(y2 - 9.0)
                );
            }
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\">{text}</text>",
            n(x + 30.0),
            n(y2)
        );
        x += 50.0 + text.len() as f64 * 6.2;
    }
    svg.push_str("</g>\n");
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
