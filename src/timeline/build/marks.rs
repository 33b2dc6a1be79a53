//! Marks beside the rows: commands that act on nodes, and events, each a point of
//! the network placed by the file's order or by its LAST SEEN.

use crate::HashMap;
use std::sync::Arc;

use super::{Builder, Strength};
use crate::timeline::stn::{Ms, UNBOUNDED};
use crate::timeline::{EventMark, Interval, Point};

/// Classifies the commands of each source in file order, remembering the machine an
/// interactive login (`ssh kube3`, `gcloud compute ssh n1`) opened: a command typed
/// after it at a prompt that names no host runs there.
#[derive(Default)]
pub(super) struct NodeCommands {
    logged_in: HashMap<Arc<str>, String>,
}

impl NodeCommands {
    pub(super) fn classify(
        &mut self,
        source: &Arc<str>,
        text: &str,
        host: Option<&str>,
    ) -> Option<crate::kube::NodeAction> {
        if let Some(target) = crate::kube::actions::login_target(text) {
            self.logged_in.insert(source.clone(), target);
            return None;
        }
        let first = text.split_whitespace().next().unwrap_or("");
        if matches!(first, "exit" | "logout") || host.is_some() {
            self.logged_in.remove(source);
        }
        let host = host.or_else(|| self.logged_in.get(source).map(String::as_str));
        crate::kube::classify_command(text, host)
    }
}

/// One point per event row, `LAST SEEN` before its line (as AGE places a creation).
pub(super) fn event_points(b: &mut Builder, points: &[Point]) -> Vec<(Point, usize)> {
    let mut out = Vec::new();
    for (i, o) in b.obs.iter().enumerate() {
        let Some((lo, hi)) = o.event_age_s() else {
            continue;
        };
        let Some(meaning) = o
            .event_reason()
            .map(|(r, m)| crate::kube::event_reason(r, m))
        else {
            continue;
        };
        if meaning == crate::kube::EventMeaning::Other {
            continue;
        }
        let p = b.net.point();
        // The printed duration is a half-open range of whole seconds (as AGE).
        let (lo, hi): (Ms, Ms) = (
            lo * 1000,
            if hi == i64::MAX {
                UNBOUNDED
            } else {
                hi * 1000 - 1
            },
        );
        b.add(p, points[i], lo.max(-2000), hi, Strength::Age, &[i]);
        out.push((p, i));
    }
    out
}

/// The event marks, read from their rows before the network is solved: each one's
/// time (`at`) is its point's, filled in once it is.
pub(super) fn event_marks(b: &Builder, points: &[(Point, usize)]) -> Vec<EventMark> {
    points
        .iter()
        .filter_map(|&(p, i)| {
            let o = &b.obs[i];
            let (reason, message) = o.event_reason()?;
            let (kind, object) = match o.event_object() {
                Some((k, n)) => (k.to_ascii_lowercase(), n.to_string()),
                None => (String::new(), o.name().to_string()),
            };
            Some(EventMark {
                at: Interval::UNKNOWN,
                point: p,
                meaning: crate::kube::event_reason(reason, message),
                reason: reason.into(),
                object_kind: kind,
                object,
                message: message.into(),
                line: b.line_ref(i),
            })
        })
        .collect()
}
