//! The markers between rows (date lines, shell commands) as points, each placed
//! between the rows of its source around it and, with a time, on the wall clock.

use crate::HashMap;
use std::sync::Arc;

use super::wall::Anchors;
use super::{marks, Builder, Strength};
use crate::ingest::{Marker, MarkerKind};
use crate::kube::NodeAction;
use crate::timeline::stn::UNBOUNDED;
use crate::timeline::{LineRef, Point};

/// A command that acts on a node, at its point.
pub(super) type Command = (Point, NodeAction, LineRef);

/// Places the markers with a time or a node command (date lines, injection
/// commands) between the rows of their source; returns the node commands.
pub(super) fn place(
    b: &mut Builder,
    markers: &[Marker],
    points: &[Point],
    anchors: &mut Anchors,
) -> Vec<Command> {
    let obs = b.obs;
    let mut by_source: HashMap<Arc<str>, Vec<usize>> = HashMap::default();
    for (i, o) in obs.iter().enumerate() {
        by_source.entry(o.source.clone()).or_default().push(i);
    }
    let mut commands = Vec::new();
    let mut logins = marks::NodeCommands::default();
    for m in markers {
        let rows = by_source.get(&m.source).map(Vec::as_slice).unwrap_or(&[]);
        let (time, action, text) = match &m.what {
            MarkerKind::Time(w) => (Some(*w), None, String::new()),
            MarkerKind::Command { text, time, host } => (
                *time,
                logins.classify(&m.source, text, host.as_deref()),
                text.clone(),
            ),
            MarkerKind::Interrupt => continue,
        };
        if time.is_none() && action.is_none() {
            continue;
        }
        let p = b.net.point();
        between_rows(b, m, rows, points, p, action.is_none());
        if let Some(w) = time {
            anchors.place(b, p, &w, &[]);
        }
        if let Some(action) = action {
            let line = LineRef {
                source: m.source.clone(),
                line: m.line,
                text: text.into(),
            };
            commands.push((p, action, line));
        }
    }
    commands
}

/// Places marker `m`'s point `p` after the row of its source before it and before the
/// row after it. A date line (`time_only`) is printed where it stands in its own
/// stream; across commands, a mark's place is as good as the file's order of commands.
fn between_rows(
    b: &mut Builder,
    m: &Marker,
    rows: &[usize],
    points: &[Point],
    p: Point,
    time_only: bool,
) {
    let obs = b.obs;
    let split = rows.partition_point(|&i| obs[i].line < m.line);
    let place = |row: usize| {
        if time_only && m.stream == Some(obs[row].stream) {
            Strength::Order
        } else {
            Strength::Sequence
        }
    };
    if split > 0 {
        let prev = rows[split - 1];
        b.add(points[prev], p, 0, UNBOUNDED, place(prev), &[prev]);
    }
    if let Some(&next) = rows.get(split) {
        b.add(p, points[next], 0, UNBOUNDED, place(next), &[next]);
    }
}
