//! Where each row came from (`pods.log:12`), kept once the rows themselves are gone:
//! a conflict found while solving, and t = 0, name lines by it.

use std::sync::Arc;

use crate::observe::Observation;

/// Each row's source and line number: the sources once per run of rows from one
/// source, the line numbers one a row.
#[derive(Default)]
pub(crate) struct LineNames {
    /// `(first row, source)` for each run of rows from one source, in row order.
    sources: Vec<(usize, Arc<str>)>,
    lines: Vec<u64>,
}

impl LineNames {
    pub(super) fn of(rows: &[Observation]) -> LineNames {
        let mut names = LineNames {
            sources: Vec::new(),
            lines: Vec::with_capacity(rows.len()),
        };
        for (i, o) in rows.iter().enumerate() {
            // By pointer first: the rows of a source share its name, and `Arc<str>`'s
            // `==` compares the text (a call to `memcmp` a row).
            let same = |s: &Arc<str>| Arc::ptr_eq(s, &o.source) || *s == o.source;
            if names.sources.last().is_none_or(|(_, s)| !same(s)) {
                names.sources.push((i, o.source.clone()));
            }
            names.lines.push(o.line);
        }
        names
    }

    /// The rows of each source, as ranges in row order (a source's rows are together).
    pub(crate) fn source_rows(&self) -> Vec<std::ops::Range<usize>> {
        let ends = self
            .sources
            .iter()
            .skip(1)
            .map(|(first, _)| *first)
            .chain([self.lines.len()]);
        self.sources
            .iter()
            .zip(ends)
            .map(|((first, _), end)| *first..end)
            .collect()
    }

    /// `source:line` of row `i` (`?` for a row it does not know).
    pub(crate) fn name(&self, i: usize) -> String {
        let k = self.sources.partition_point(|(first, _)| *first <= i);
        match (
            k.checked_sub(1).map(|k| &self.sources[k].1),
            self.lines.get(i),
        ) {
            (Some(source), Some(line)) => format!("{source}:{line}"),
            _ => "?".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Origin, Source};

    #[test]
    fn each_row_is_named_by_its_own_source_and_line() {
        let source = |name: &str, text: &str| Source {
            name: name.into(),
            origin: Origin::Bytes(text.as_bytes().into()),
        };
        let pods =
            "NAME READY STATUS RESTARTS AGE\nweb-1 1/1 Running 0 5m\nweb-2 1/1 Running 0 5m\n";
        let nodes = "NAME STATUS ROLES AGE VERSION\nw1 Ready <none> 9d v1.28.2\n";
        let ing =
            crate::ingest::ingest(&[source("pods.log", pods), source("nodes.log", nodes)]).unwrap();
        let names = LineNames::of(&ing.observations);
        let all: Vec<String> = (0..ing.observations.len()).map(|i| names.name(i)).collect();
        let expected: Vec<String> = ing
            .observations
            .iter()
            .map(|o| format!("{}:{}", o.source, o.line))
            .collect();
        assert_eq!(all, expected);
        assert_eq!(names.name(99), "?");
    }
}
