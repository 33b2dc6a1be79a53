//! Recognising a table header line and building its [`Schema`].

use std::sync::Arc;

use super::cells::CellClass;
use super::schema::{column, default_columns, kind_from_columns, ResourceKind};
use crate::capture::GetCommand;

/// A table's layout: its kind and columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The resource kind the table lists.
    pub kind: ResourceKind,
    /// How the kind was decided, for `--verbose` and warnings.
    pub kind_from: KindFrom,
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// Character column where each header cell starts (empty for a headerless table).
    pub positions: Vec<usize>,
    /// Whether the table is `-o wide` (it has the kind's wide-only columns).
    pub wide: bool,
    /// For the Events block of a `kubectl describe`: the described object, as far as
    /// the command or the output's `Name:` line tell it.
    pub described: Option<Described>,
}

/// The object a `kubectl describe` showed (the involved object of its Events block).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Described {
    /// Lower-case kind (`pod`, `node`), when known.
    pub kind: Option<Arc<str>>,
    /// Its name, when known.
    pub name: Option<Arc<str>>,
}

/// Where a schema's kind came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindFrom {
    /// The `kubectl get` command line before the table.
    Command,
    /// The set of header columns.
    Header,
    /// No header: the cells of the rows fit this kind's columns.
    Cells,
    /// Nothing told: a generic table.
    Unknown,
}

/// One column of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text (`NOMINATED NODE`), or the default header for a headerless table.
    pub header: std::sync::Arc<str>,
    /// The grammar of its cells.
    pub class: CellClass,
}

impl Schema {
    /// Each column's cell grammar, in order.
    pub fn classes(&self) -> Vec<CellClass> {
        self.columns.iter().map(|c| c.class).collect()
    }

    /// Index of the first column with this header.
    pub fn index(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| &*c.header == header)
    }

    /// The column of the object's name: the first of class name, else the first.
    pub fn name_column(&self) -> usize {
        self.columns
            .iter()
            .position(|c| c.class == CellClass::Name)
            .unwrap_or(0)
    }
}

/// Header words whose first letter can get lost in a copy (`AME   READY ...`).
const FIRST_COLUMNS: &[&str] = &[
    "NAME",
    "NAMESPACE",
    "EVENT",
    "LAST SEEN",
    "LASTSEEN",
    "POD",
    "CONTROLLER",
];

/// Multi-word header names, for headers whose spaces a web page collapsed.
const TWO_WORD_HEADERS: &[&str] = &[
    "NOMINATED NODE",
    "READINESS GATES",
    "NODE SELECTOR",
    "LAST SEEN",
    "FIRST SEEN",
    "LAST SCHEDULE",
    "INVOLVED OBJECT",
    "ACCESS MODES",
];

/// A parsed header line: names and their start columns, plus a repair note.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub names: Vec<String>,
    pub positions: Vec<usize>,
    pub note: Option<String>,
}

/// Most words a table header may have. kubectl's widest built-in headers have about
/// 20 (with `-L` label columns a few more); a header claiming thousands of columns
/// would make every row under it cost that many columns to split.
pub const MAX_HEADER_WORDS: usize = 100;

/// Why a line that reads like a header is not taken as one, when it has more words
/// than [`MAX_HEADER_WORDS`]; None for any other line.
pub fn too_wide(line: &str) -> Option<String> {
    if !first_word_is_header_word(line) {
        return None;
    }
    let words = line.split_whitespace().count();
    let all = line.split_whitespace().all(is_header_word);
    (words > MAX_HEADER_WORDS && all).then(|| {
        format!(
            "a table header of {words} words: more than {MAX_HEADER_WORDS} is not read as a \
             header (its rows are not read either)"
        )
    })
}

/// Whether the line's first word is a header word. Asked twice of every row: its first
/// byte answers for a row (a lower-case letter is no header word's), so the word is
/// found (a scan by characters) only for the other lines.
fn first_word_is_header_word(line: &str) -> bool {
    if line.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
        return false;
    }
    line.split_whitespace().next().is_some_and(is_header_word)
}

/// Upper-case letters, digits and `()-_./:`, at least one letter. Asked of every
/// line's first word (is it a header?): a row's lower-case name fails at its first
/// byte.
fn is_header_word(w: &str) -> bool {
    w.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"()-_./:".contains(&b))
        && w.bytes().any(|b| b.is_ascii_uppercase())
}

/// Reads a line as a table header, if it is one: every word upper-case, the first
/// column one kubectl puts first, and most names known to the vocabulary.
pub fn parse_header(line: &str) -> Option<Header> {
    parse_header_with(line, false)
}

/// [`parse_header`] for a line right after a `kubectl get` that names a kind: any
/// kind's printer (PV, PVC, StorageClass, VolumeAttachment, a custom resource) may
/// print columns the vocabulary does not know, so a header that starts with NAME
/// (or NAMESPACE) needs no known names beyond it.
pub fn parse_header_after(line: &str, get: Option<&GetCommand>) -> Option<Header> {
    let relaxed = get.is_some_and(|g| command_kind(g).is_some());
    parse_header_with(line, relaxed)
}

fn parse_header_with(line: &str, any_columns: bool) -> Option<Header> {
    // Every word must be a header word: most lines are rows, whose first word is not.
    if !first_word_is_header_word(line) {
        return None;
    }
    let items: Vec<(usize, usize, &str)> = super::split::words(line)
        .into_iter()
        .map(|w| (w.column, w.gap, &line[w.start..w.end]))
        .collect();
    if items.len() < 2
        || items.len() > MAX_HEADER_WORDS
        || !items.iter().all(|(_, _, w)| is_header_word(w))
    {
        return None;
    }
    // Join words separated by one space into one name, unless the spaces were collapsed
    // (then only known two-word names are joined).
    let collapsed = items.iter().skip(1).all(|(_, g, _)| *g <= 1);
    let mut names: Vec<String> = Vec::new();
    let mut positions = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let (c, _, w) = items[i];
        let mut name = w.to_string();
        if i + 1 < items.len() {
            let (_, g, next) = items[i + 1];
            let pair = format!("{w} {next}");
            let joined_known = TWO_WORD_HEADERS.contains(&pair.as_str());
            if g == 1 && (joined_known || !collapsed) {
                name = pair;
                i += 1;
            }
        }
        names.push(name);
        positions.push(c);
        i += 1;
    }
    let mut note = None;
    if !FIRST_COLUMNS.contains(&names[0].as_str()) {
        let repaired = FIRST_COLUMNS
            .iter()
            .find(|f| f.len() > 1 && f[1..] == names[0]);
        match repaired {
            Some(f) => {
                note = Some(format!(
                    "header's first word {:?} read as {f:?} (first letter lost in copying)",
                    names[0]
                ));
                names[0] = f.to_string();
            }
            None => return None,
        }
    }
    let known = names.iter().filter(|n| column(n).is_some()).count();
    let named = any_columns && note.is_none() && matches!(names[0].as_str(), "NAME" | "NAMESPACE");
    if known * 2 < names.len() && !named {
        return None;
    }
    Some(Header {
        names,
        positions,
        note,
    })
}

/// The kind a command line names, if it names a kind.
pub fn command_kind(get: &GetCommand) -> Option<ResourceKind> {
    let resource = get.resource.as_deref()?;
    // `kubectl get deploy,rs`: several kinds; the header or name prefixes decide.
    if resource.contains(',') {
        return None;
    }
    Some(ResourceKind::from_resource_arg(resource))
}

/// Builds the schema of a header, given the command before it (if any).
pub fn schema_from_header(header: &Header, get: Option<&GetCommand>) -> Schema {
    let by_header = kind_from_columns(&header.names);
    let by_command = get.and_then(command_kind);
    let (kind, kind_from) = match (by_command, by_header) {
        (Some(c), Some(h)) if c == h => (c, KindFrom::Command),
        // A custom resource whose columns happen to look like a built-in kind's.
        (Some(ResourceKind::Other(name)), _) => (ResourceKind::Other(name), KindFrom::Command),
        // The header proves a built-in kind: trust what was printed over what was typed.
        (_, Some(h)) => (h, KindFrom::Header),
        (Some(c), None) => (c, KindFrom::Command),
        (None, None) => (ResourceKind::Other("unknown".into()), KindFrom::Unknown),
    };
    // A kind no built-in printer makes is a generic table: NAME, AGE (and kubectl's own
    // prefix columns) keep their grammar, every other cell is verbatim text.
    let generic = matches!(kind, ResourceKind::Other(_));
    // StorageClass prints its default as `standard (default)` in NAME (FORMAT.md §2.10).
    let storage_class = matches!(&kind, ResourceKind::Other(r)
        if matches!(r.split('.').next(), Some("storageclass" | "storageclasses" | "sc")));
    // Pre-1.0 pods print no IP and HOST `<unassigned>` before scheduling.
    let pre_1_0 = header.names.first().is_some_and(|n| n == "POD");
    let columns = header
        .names
        .iter()
        .map(|n| {
            let known = column(n).map(|d| d.class);
            let keep = !generic || matches!(n.as_str(), "NAME" | "NAMESPACE" | "AGE" | "EVENT");
            let class = match n.as_str() {
                "NAME" if storage_class => CellClass::Text,
                "IP" if pre_1_0 => CellClass::OptToken,
                _ => known.filter(|_| keep).unwrap_or(CellClass::Unknown),
            };
            Column {
                header: n.as_str().into(),
                class,
            }
        })
        .collect();
    let wide = header.names.iter().any(|n| {
        matches!(
            n.as_str(),
            "IP" | "INTERNAL-IP" | "CONTAINERS" | "SUBOBJECT"
        )
    });
    Schema {
        kind,
        kind_from,
        columns,
        positions: header.positions.clone(),
        wide,
        described: None,
    }
}

/// The schema of a headerless table whose kind is known (`--no-headers`, `| grep`):
/// the kind's current columns plus the extra columns the command's flags add.
pub fn schema_for_kind(
    kind: ResourceKind,
    get: Option<&GetCommand>,
    kind_from: KindFrom,
) -> Option<Schema> {
    let wide = get.is_some_and(|g| g.wide);
    let mut names: Vec<String> = default_columns(&kind, wide)?
        .into_iter()
        .map(String::from)
        .collect();
    if let Some(g) = get {
        if g.all_namespaces && kind != ResourceKind::Node {
            names.insert(0, "NAMESPACE".into());
        }
        if g.output_watch_events {
            names.insert(0, "EVENT".into());
        }
        for key in &g.label_columns {
            let last = key.rsplit('/').next().unwrap_or(key);
            names.push(last.to_ascii_uppercase());
        }
        if g.show_labels {
            names.push("LABELS".into());
        }
    }
    let label_start =
        names.len() - get.map_or(0, |g| g.label_columns.len() + g.show_labels as usize);
    let columns = names
        .iter()
        .enumerate()
        .map(|(i, n)| Column {
            header: n.as_str().into(),
            class: if i >= label_start && n != "LABELS" {
                CellClass::OptToken
            } else {
                column(n).map(|d| d.class).unwrap_or(CellClass::Unknown)
            },
        })
        .collect();
    Some(Schema {
        kind,
        kind_from,
        columns,
        positions: Vec::new(),
        wide,
        described: None,
    })
}

/// Applies what the command says about extra columns to a header-built schema: `-L`
/// label columns may be empty, whatever their header word.
pub fn apply_label_columns(schema: &mut Schema, get: Option<&GetCommand>) {
    let Some(g) = get else { return };
    let n = g.label_columns.len();
    if n == 0 {
        return;
    }
    let end = schema.columns.len()
        - usize::from(
            g.show_labels
                && schema
                    .columns
                    .last()
                    .is_some_and(|c| &*c.header == "LABELS"),
        );
    let start = end.saturating_sub(n);
    for c in &mut schema.columns[start..end] {
        c.class = CellClass::OptToken;
    }
}

/// Shared handle to a schema (many rows point at one).
pub type SchemaRef = Arc<Schema>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: a 123 KB file whose header claimed 10,001 columns took 50 s (every row
    /// split over every column). A header may claim at most [`MAX_HEADER_WORDS`]; a
    /// wider one is skipped with a reason, and so are its rows, at little work.
    #[test]
    fn a_header_of_thousands_of_columns_is_refused_with_a_reason_and_costs_little() {
        use crate::tables::{split::STEPS, Item, Tabler};
        let names = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
        let header: Vec<&str> = (0..10_001).map(|i| names[i % 5]).collect();
        let mut text = header.join("   ") + "\n";
        for i in 0..200 {
            text += &format!(
                "web-{i}   1/1   Running   0   5m   {}\n",
                vec!["x"; 40].join("   ")
            );
        }
        assert!(text.len() > 100_000);
        STEPS.with(|s| s.set(0));
        let mut t = Tabler::new(0);
        let items: Vec<Item> = crate::capture::capture_bytes(text.as_bytes())
            .into_iter()
            .map(|l| t.push(l))
            .collect();
        let steps = STEPS.with(|s| s.get());
        assert!(steps < 1_000_000, "{steps} steps of the row splitter");
        match &items[0] {
            Item::Skipped { reason, .. } => {
                assert!(reason.contains("10001 words"), "{reason}");
                assert!(reason.len() < 300, "{reason}");
            }
            _ => panic!("the header line is not skipped"),
        }
        for item in &items[1..] {
            match item {
                Item::Skipped { reason, .. } => assert!(reason.len() < 300, "{reason}"),
                _ => panic!("a row under the refused header is read"),
            }
        }
    }

    #[test]
    fn reads_the_seed_pod_header_with_two_word_names() {
        let h = parse_header("NAME                               READY   STATUS    RESTARTS   AGE   IP             NODE      NOMINATED NODE   READINESS GATES").unwrap();
        assert_eq!(
            h.names,
            [
                "NAME",
                "READY",
                "STATUS",
                "RESTARTS",
                "AGE",
                "IP",
                "NODE",
                "NOMINATED NODE",
                "READINESS GATES"
            ]
        );
        assert_eq!(h.positions[1], 35);
        let s = schema_from_header(&h, None);
        assert_eq!(s.kind, ResourceKind::Pod);
        assert!(s.wide);
    }

    #[test]
    fn reads_a_collapsed_header() {
        let h =
            parse_header("NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES")
                .unwrap();
        assert_eq!(h.names.len(), 9);
        assert_eq!(h.names[7], "NOMINATED NODE");
    }

    #[test]
    fn repairs_a_lost_first_letter() {
        let h = parse_header("AME      STATUS   ROLES    AGE    VERSION").unwrap();
        assert_eq!(h.names[0], "NAME");
        assert!(h.note.is_some());
    }

    #[test]
    fn refuses_rows_and_prose() {
        assert!(parse_header("nginx-deployment   1/1     1            1           20s").is_none());
        assert!(parse_header("NOTE THAT THIS IS LOUD").is_none());
        assert!(parse_header("NAME").is_none());
        assert!(parse_header("## Node失效前").is_none());
    }

    #[test]
    fn a_crd_command_keeps_its_kind() {
        let h = parse_header("NAME      READY   AGE").unwrap();
        let get = GetCommand {
            resource: Some("certificates".into()),
            ..Default::default()
        };
        assert_eq!(
            schema_from_header(&h, Some(&get)).kind,
            ResourceKind::Other("certificates".into())
        );
        let get = GetCommand {
            resource: Some("sts".into()),
            ..Default::default()
        };
        assert_eq!(
            schema_from_header(&h, Some(&get)).kind,
            ResourceKind::StatefulSet
        );
    }
}
