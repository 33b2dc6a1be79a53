//! `kubectl describe` output. Its Events block is a table — `Type Reason Age From
//! Message` (kubectl ≥ 1.10; AGE may carry a series, `2m33s (x2 over 4m48s)`), before
//! that `FirstSeen LastSeen Count From SubObjectPath Type Reason Message` — read as
//! Event rows whose involved object is the described one. Every other line of the
//! output (`Key:  value`, Conditions, Volumes, Tolerations…) is skipped with a reason:
//! a section such as `Conditions:` has its own little `Type  Status` table, which is
//! never read as rows.

use std::sync::Arc;

use super::cells::CellClass;
use super::header::{Column, Described, KindFrom, Schema};
use super::schema::ResourceKind;

/// The reason every non-Events line of a describe is skipped with.
pub const SKIP_REASON: &str =
    "part of `kubectl describe` output (Key: value lines and their sections), not a table row";

/// The words of a describe Events header as printed, the column each becomes, and
/// its cells' grammar.
const EVENT_HEADER_WORDS: &[(&str, &str, CellClass)] = &[
    ("Type", "TYPE", CellClass::Token),
    ("Reason", "REASON", CellClass::Token),
    ("Age", "AGE", CellClass::EventAge),
    ("From", "FROM", CellClass::Source),
    ("Message", "MESSAGE", CellClass::Text),
    ("FirstSeen", "FIRSTSEEN", CellClass::Duration),
    ("LastSeen", "LASTSEEN", CellClass::EventAge),
    ("Count", "COUNT", CellClass::Count),
    ("SubObjectPath", "SUBOBJECTPATH", CellClass::OptToken),
];

/// What the tabler knows while it reads a describe's output.
#[derive(Debug, Default, Clone)]
pub struct DescribeState {
    /// The described object so far (command, then `Name:` lines).
    pub object: Described,
    /// Whether the kind came from the command (a `Name:` line does not reset it).
    pub kind_from_command: bool,
    /// Inside the Events block (after `Events:`, until a blank line).
    pub in_events: bool,
}

impl DescribeState {
    /// The state after a `kubectl describe` command.
    pub fn from_command(d: &crate::capture::DescribeCommand) -> DescribeState {
        let kind = d.resource.as_deref().map(|r| {
            Arc::from(
                ResourceKind::from_resource_arg(r)
                    .as_str()
                    .to_ascii_lowercase(),
            )
        });
        DescribeState {
            kind_from_command: kind.is_some(),
            object: Described {
                kind,
                name: d.name.as_deref().map(Arc::from),
            },
            in_events: false,
        }
    }

    /// Reads a `Key: value` line for what it says about the described object: a new
    /// `Name:` starts the next object of a multi-object describe; `Node:`/`Start Time:`
    /// only pods print, `Roles:`/`Taints:` only nodes.
    pub fn note_key_line(&mut self, line: &str) {
        if let Some(name) = name_line(line) {
            self.object.name = Some(Arc::from(name));
            if !self.kind_from_command {
                self.object.kind = None;
            }
            return;
        }
        if self.object.kind.is_some() {
            return;
        }
        let key = line.split_once(':').map_or("", |(k, _)| k);
        let kind = match key {
            "Node" | "Start Time" | "Controlled By" | "QoS Class" => "pod",
            "Roles" | "Taints" | "Unschedulable" | "Addresses" | "Non-terminated Pods" => "node",
            _ => return,
        };
        self.object.kind = Some(Arc::from(kind));
    }
}

/// `Events:` starts the block; `Events:  <none>` says there is none.
pub fn events_start(line: &str) -> Option<bool> {
    let rest = line.strip_prefix("Events:")?.trim();
    match rest {
        "" => Some(true),
        "<none>" => Some(false),
        _ => None,
    }
}

/// The dashes under a describe Events header (`----  ------  ----`).
pub fn is_underline(line: &str) -> bool {
    line.contains("--") && line.bytes().all(|b| b == b'-' || b == b' ')
}

/// `Name:   web-0` → `web-0`.
pub fn name_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("Name:")?;
    let name = rest.trim();
    (rest.starts_with([' ', '\t']) && !name.is_empty() && !name.contains(char::is_whitespace))
        .then_some(name)
}

/// Reads a describe Events header into an Event schema whose involved object is
/// `object`.
pub fn events_header(line: &str, object: &Described) -> Option<Schema> {
    let words = super::split::words(line);
    if words.len() < 4 {
        return None;
    }
    let mut columns = Vec::with_capacity(words.len());
    let mut positions = Vec::with_capacity(words.len());
    for w in &words {
        let text = &line[w.start..w.end];
        let (_, header, class) = EVENT_HEADER_WORDS.iter().find(|(p, _, _)| *p == text)?;
        columns.push(Column {
            header: Arc::from(*header),
            class: *class,
        });
        positions.push(w.column);
    }
    let has = |h: &str| columns.iter().any(|c| &*c.header == h);
    if !(has("REASON") && has("MESSAGE")) {
        return None;
    }
    Some(Schema {
        kind: ResourceKind::Event,
        kind_from: KindFrom::Header,
        columns,
        positions,
        wide: false,
        described: Some(object.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_describe_event_headers() {
        let s = events_header(
            "Type     Reason                  Age    From                     Message",
            &Described::default(),
        )
        .unwrap();
        let names: Vec<&str> = s.columns.iter().map(|c| &*c.header).collect();
        assert_eq!(names, ["TYPE", "REASON", "AGE", "FROM", "MESSAGE"]);
        let s = events_header(
            "FirstSeen   LastSeen   Count   From   SubObjectPath   Type   Reason   Message",
            &Described::default(),
        )
        .unwrap();
        assert_eq!(s.columns.len(), 8);
        // The Conditions section's own table is not an Events header.
        assert!(events_header("Type   Status", &Described::default()).is_none());
        assert!(events_header("Type Reason Age From Status", &Described::default()).is_none());
    }

    #[test]
    fn key_lines_name_the_object() {
        let mut st = DescribeState::default();
        st.note_key_line("Name:             test-deployment-57fb685899-6wg56");
        st.note_key_line("Node:             rhel3/192.168.0.63");
        assert_eq!(
            st.object.name.as_deref(),
            Some("test-deployment-57fb685899-6wg56")
        );
        assert_eq!(st.object.kind.as_deref(), Some("pod"));
        st.note_key_line("Name:   rhel1");
        assert_eq!(st.object.kind, None);
        assert_eq!(name_line("Name:"), None);
        assert_eq!(events_start("Events:  <none>"), Some(false));
        assert_eq!(events_start("Events:"), Some(true));
        assert!(is_underline("----    ------  ----"));
        assert!(!is_underline("-"));
    }
}
