//! The JSON form of an observation (`watchtrail parse`, `"schema":
//! "watchtrail/observation/v1"`): a duration cell with its text as printed, RESTARTS
//! with its `(X ago)`, and wall-clock times as ISO 8601 as far as they are known.

use serde::{Serialize, Serializer};

use super::{DurationCell, Observation};
use crate::capture::WallClock;

/// A [`DurationCell`] with its text as printed, for the JSON form
/// `{text, min_s, max_s, formatter}`.
struct PrintedDuration<'a> {
    text: &'a str,
    cell: &'a DurationCell,
}

impl Serialize for PrintedDuration<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("DurationCell", 4)?;
        st.serialize_field("text", self.text)?;
        st.serialize_field("min_s", &self.cell.min_s())?;
        st.serialize_field("max_s", &self.cell.max_s())?;
        st.serialize_field("formatter", &self.cell.formatter)?;
        st.end()
    }
}

/// A row's RESTARTS with the `(X ago)` text, for the JSON form `{count, last_ago}`.
struct PrintedRestarts<'a> {
    count: u32,
    ago: Option<PrintedDuration<'a>>,
}

impl Serialize for PrintedRestarts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Restarts", 2)?;
        st.serialize_field("count", &self.count)?;
        st.serialize_field("last_ago", &self.ago)?;
        st.end()
    }
}

impl Serialize for Observation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Observation", 18)?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("stream", &self.stream)?;
        st.serialize_field("seq", &self.seq)?;
        match self.snapshot {
            Some(n) => st.serialize_field("snapshot", &n)?,
            None => st.skip_field("snapshot")?,
        }
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("namespace", &self.namespace)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("status", &self.status())?;
        st.serialize_field("ready", &self.ready)?;
        let restarts = self.restarts.map(|count| PrintedRestarts {
            count,
            ago: self.restarts_ago.as_deref().map(|cell| PrintedDuration {
                text: self.restarts_ago_text().unwrap_or(""),
                cell,
            }),
        });
        st.serialize_field("restarts", &restarts)?;
        st.serialize_field("ip", &self.ip())?;
        st.serialize_field("node", &self.node())?;
        let age = self.age.as_ref().map(|cell| PrintedDuration {
            text: self.age_text().unwrap_or(""),
            cell,
        });
        st.serialize_field("age", &age)?;
        st.serialize_field("time", &self.wall.as_deref().map(wall_clock_text))?;
        st.serialize_field("event", &self.event())?;
        st.serialize_field("cells", &self.cells)?;
        match &self.note {
            Some(n) => st.serialize_field("note", n)?,
            None => st.skip_field("note")?,
        }
        st.end()
    }
}

/// An ISO 8601 zone suffix: `Z`, `+02:00`, or nothing when the capture did not say.
pub fn zone_text(offset_s: Option<i32>) -> String {
    match offset_s {
        Some(0) => "Z".to_string(),
        Some(o) => format!(
            "{}{:02}:{:02}",
            if o < 0 { '-' } else { '+' },
            o.abs() / 3600,
            (o.abs() % 3600) / 60
        ),
        None => String::new(),
    }
}

/// Renders a wall-clock time as ISO 8601 as far as it is known (`2026-04-12T20:49:24`,
/// `--07-03T15:07:54` without a year, `T16:46:25` with only a time of day).
pub fn wall_clock_text(w: &WallClock) -> String {
    let t = w.time.format("%H:%M:%S");
    let zone = zone_text(w.utc_offset_s);
    match (w.year, w.month_day) {
        (Some(y), Some((m, d))) => format!("{y:04}-{m:02}-{d:02}T{t}{zone}"),
        (None, Some((m, d))) => format!("--{m:02}-{d:02}T{t}{zone}"),
        _ => format!("T{t}{zone}"),
    }
}
