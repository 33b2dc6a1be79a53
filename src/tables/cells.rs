//! Cell grammars: what text a column's cells may hold (FORMAT.md §2, §2.10), and the
//! typed readings of the cells later stages use (READY `n/m`, RESTARTS `N (X ago)`).
//!
//! Grammars are plain functions on `&str` — the row splitter calls them hundreds of
//! times a line, so they are written by hand to stay allocation-free. Each has a
//! one-line grammar comment above it.

use crate::duration::{self, Formatter, Reading};

/// The grammar of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellClass {
    /// An object name: one token (`web-0`, `pod/web-0` with `--show-kind`).
    Name,
    /// Any one token without spaces.
    Token,
    /// One token, or an empty cell (VERSION, `-L` label columns, SUBOBJECT).
    OptToken,
    /// `--output-watch-events`: ADDED, MODIFIED, DELETED, ERROR, BOOKMARK.
    WatchEvent,
    /// `n/m` (pods, deployments, statefulsets) or a count (replicasets, daemonsets), or `<none>`.
    ReadyOrCount,
    /// A non-negative integer.
    Count,
    /// `N` or `N (X ago)`.
    Restarts,
    /// A printed duration, `<invalid>`, `<unknown>`, `<none>`.
    Duration,
    /// A duration or an empty cell (Job DURATION before the job starts).
    OptDuration,
    /// An IP address or a comma-joined list of them, `<none>`, `<pending>`, `None`.
    Address,
    /// Job COMPLETIONS: `n/m` or `n/1 of p`.
    Completions,
    /// CronJob SCHEDULE: five or six cron fields, or a `@` macro.
    Schedule,
    /// Event SOURCE / describe FROM: `component`, `component, host`, or the
    /// pre-1.6 `{component host}` (`{default-scheduler }`).
    Source,
    /// An event's LAST SEEN (or a describe Events block's AGE): a duration, maybe
    /// followed by the series `(x2 over 41m)` that `kubectl events` and `describe` add.
    EventAge,
    /// Free text of one or more single-space-separated words (OS-IMAGE, MESSAGE).
    Text,
    /// A column no built-in printer makes: any text, possibly empty. Not in the
    /// vocabulary, so not in [`CellClass::ALL`].
    Unknown,
}

impl CellClass {
    /// Every cell grammar (not `Unknown`).
    pub const ALL: &'static [CellClass] = &[
        CellClass::Name,
        CellClass::Token,
        CellClass::OptToken,
        CellClass::WatchEvent,
        CellClass::ReadyOrCount,
        CellClass::Count,
        CellClass::Restarts,
        CellClass::Duration,
        CellClass::OptDuration,
        CellClass::Address,
        CellClass::Completions,
        CellClass::Schedule,
        CellClass::Source,
        CellClass::EventAge,
        CellClass::Text,
    ];

    /// Whether an empty cell is possible in this column.
    pub fn may_be_empty(self) -> bool {
        matches!(
            self,
            CellClass::OptToken | CellClass::OptDuration | CellClass::Unknown
        )
    }

    /// How many whitespace-separated words a cell may hold: (min, max).
    pub fn words(self) -> (usize, usize) {
        match self {
            CellClass::OptToken | CellClass::OptDuration => (0, 1),
            CellClass::Restarts => (1, 3),
            CellClass::Completions => (1, 3),
            CellClass::Schedule => (1, 6),
            CellClass::Source => (1, 2),
            CellClass::EventAge => (1, 4),
            CellClass::Text => (1, usize::MAX),
            CellClass::Unknown => (0, usize::MAX),
            _ => (1, 1),
        }
    }
}

/// Whether `cell` (single spaces between words) is a cell of this class.
pub fn accepts(class: CellClass, cell: &str) -> bool {
    match class {
        CellClass::Name => token(cell) && !cell.starts_with('<'),
        CellClass::Token => token(cell),
        CellClass::OptToken => cell.is_empty() || token(cell),
        CellClass::WatchEvent => matches!(
            cell,
            "ADDED" | "MODIFIED" | "DELETED" | "ERROR" | "BOOKMARK"
        ),
        CellClass::ReadyOrCount => cell == "<none>" || ready(cell).is_some() || count(cell),
        CellClass::Count => count(cell),
        CellClass::Restarts => restarts(cell).is_some(),
        CellClass::Duration => cell == "<none>" || duration::is_duration(cell),
        CellClass::OptDuration => cell.is_empty() || duration::is_duration(cell),
        CellClass::Address => address(cell),
        CellClass::Completions => completions(cell),
        CellClass::Schedule => schedule(cell),
        CellClass::Source => source(cell),
        CellClass::EventAge => event_age(cell),
        CellClass::Text => !cell.is_empty(),
        CellClass::Unknown => true,
    }
}

/// [`accepts`] for a cell made of `n_words` whole words of a row, as the row splitter
/// gives them (`split::words` cuts at exactly the whitespace [`token`] refuses): such a
/// cell is a token exactly when it is one word, so the token grammars need not scan
/// it again (they were a third of the splitter's grammar checks).
pub(crate) fn accepts_words(class: CellClass, cell: &str, n_words: usize) -> bool {
    let answer = match class {
        CellClass::Name => n_words == 1 && !cell.starts_with('<'),
        CellClass::Token => n_words == 1,
        CellClass::OptToken => n_words <= 1,
        _ => return accepts(class, cell),
    };
    debug_assert_eq!(answer, accepts(class, cell), "{class:?} {cell:?}");
    answer
}

// token = 1*(any char but whitespace)
fn token(s: &str) -> bool {
    if s.is_ascii() {
        // Bytes, not characters: nearly every cell is ASCII, and decoding each
        // character was most of the cell grammars' cost. The ASCII whitespace
        // `char::is_whitespace` knows is `is_ascii_whitespace` and VT (0x0B).
        return !s.is_empty() && !s.bytes().any(|b| b.is_ascii_whitespace() || b == 0x0b);
    }
    !s.contains(char::is_whitespace)
}

// count = 1*DIGIT
fn count(s: &str) -> bool {
    !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit())
}

/// READY: `n/m` → (n, m).
// ready = count "/" count
pub fn ready(s: &str) -> Option<(u32, u32)> {
    // A byte scan (as in `restarts`): asked twice a row, where `split_once`'s
    // searcher, and then `memchr`'s set-up, cost more than the scan of a short cell.
    let slash = s.bytes().position(|b| b == b'/')?;
    let (n, m) = (&s[..slash], &s[slash + 1..]);
    if !count(n) || !count(m) {
        return None;
    }
    Some((count_value(n)?, count_value(m)?))
}

/// The value of a [`count`] (digits only), or none past `u32::MAX`: what `parse`
/// gives for such text, without its sign and radix handling.
fn count_value(digits: &str) -> Option<u32> {
    digits.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(10)?
            .checked_add(u32::from(b.wrapping_sub(b'0')))
    })
}

/// A RESTARTS cell: the count and, when printed, how long ago the last restart was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restarts<'a> {
    /// The restart count.
    pub count: u32,
    /// The duration text inside `(X ago)`, e.g. `53s`.
    pub ago: Option<&'a str>,
}

/// RESTARTS (FORMAT.md §1.7).
// restarts = count [ " (" duration " ago)" ]
pub fn restarts(s: &str) -> Option<Restarts<'_>> {
    let (n, rest) = match s.bytes().position(|b| b == b' ') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if !count(n) {
        return None;
    }
    let count = count_value(n)?;
    let ago = match rest {
        None => None,
        Some(rest) => {
            let inner = rest.strip_prefix('(')?.strip_suffix(" ago)")?;
            if !duration::is_duration(inner) {
                return None;
            }
            Some(inner)
        }
    };
    Some(Restarts { count, ago })
}

/// Reads a duration cell with a formatter, falling back to the other formatter when the
/// text cannot come from the preferred one.
pub fn duration_reading(s: &str, preferred: Formatter) -> Option<(Reading, Formatter)> {
    duration::readings(s).preferring(preferred)
}

// address = "<none>" | "<pending>" | "<unknown>" | "None" | ip *("," ip) ["..."]
fn address(s: &str) -> bool {
    if matches!(s, "<none>" | "<pending>" | "<unknown>" | "None") {
        return true;
    }
    let s = s.strip_suffix("...").unwrap_or(s);
    // Split by bytes: the `char` splitter's set-up cost more than the scan of a short
    // cell (every pod row has one).
    !s.is_empty()
        && s.as_bytes().split(|&b| b == b',').all(|part| {
            !part.is_empty()
                && part
                    .iter()
                    .all(|&b| b.is_ascii_hexdigit() || b == b'.' || b == b':' || b == b'-')
                || hostname(part)
        })
}

// hostname = label *("." label) ; LoadBalancer ingress may be a DNS name
fn hostname(s: &[u8]) -> bool {
    !s.is_empty()
        && s.contains(&b'.')
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

// completions = count "/" count [ " of " count ]
fn completions(s: &str) -> bool {
    match s.split_once(" of ") {
        Some((r, p)) => ready(r).is_some() && count(p),
        None => ready(s).is_some(),
    }
}

// schedule = "@" word | 5*6(cron-field)
fn schedule(s: &str) -> bool {
    if let Some(m) = s.strip_prefix('@') {
        return token(m);
    }
    let n = s.split(' ').count();
    (5..=6).contains(&n)
        && s.split(' ').all(|f| {
            !f.is_empty()
                && f.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'/' | b',' | b'-' | b'?')
                })
        })
}

// source = token [ ", " token ] | "{" token [ " " [token] ] "}"
fn source(s: &str) -> bool {
    if let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        return match inner.split_once(' ') {
            Some((a, b)) => token(a) && (b.is_empty() || token(b)),
            None => token(inner),
        };
    }
    match s.split_once(", ") {
        Some((a, b)) => token(a) && token(b),
        None => token(s),
    }
}

// event-age = age [ " (x" count " over " age ")" ] ; age = duration | "<unknown>" | "<invalid>"
fn event_age(s: &str) -> bool {
    let age = |t: &str| t == "<none>" || duration::is_duration(t);
    match s.split_once(" (x") {
        None => age(s),
        Some((first, rest)) => {
            let Some((n, over)) = rest.strip_suffix(')').and_then(|r| r.split_once(" over "))
            else {
                return false;
            };
            age(first) && count(n) && age(over)
        }
    }
}

/// The first part of an event age cell: `41m (x2 over 41m)` → `41m`.
pub fn event_age_first(s: &str) -> &str {
    s.split_once(" (x").map_or(s, |(first, _)| first)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A count's value is what `parse` reads, overflow included.
    #[test]
    fn count_values_are_parse_s() {
        for digits in [
            "0",
            "7",
            "10",
            "0042",
            "4294967295",
            "4294967296",
            "9999999999999999999",
        ] {
            assert_eq!(count_value(digits), digits.parse().ok(), "{digits}");
        }
    }

    #[test]
    fn ready_reads_n_of_m_and_refuses_the_rest() {
        assert_eq!(ready("1/1"), Some((1, 1)));
        assert_eq!(ready("0/12"), Some((0, 12)));
        for bad in ["1", "1/", "/1", "a/b", "1/1/1", "1 /1", ""] {
            assert_eq!(ready(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn restarts_reads_count_and_ago() {
        assert_eq!(
            restarts("0"),
            Some(Restarts {
                count: 0,
                ago: None
            })
        );
        assert_eq!(
            restarts("1 (53s ago)"),
            Some(Restarts {
                count: 1,
                ago: Some("53s")
            })
        );
        assert_eq!(
            restarts("3 (5d ago)"),
            Some(Restarts {
                count: 3,
                ago: Some("5d")
            })
        );
        assert_eq!(
            restarts("2 (<invalid> ago)"),
            Some(Restarts {
                count: 2,
                ago: Some("<invalid>")
            })
        );
        for bad in [
            "",
            "x",
            "1 (53s)",
            "1 (53 ago)",
            "1 53s ago",
            "1 (53s ago) x",
            "-1",
        ] {
            assert_eq!(restarts(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn grammars_refuse_what_kubectl_never_prints() {
        assert!(!accepts(CellClass::Count, "1/1"));
        assert!(!accepts(CellClass::Duration, "Running"));
        assert!(!accepts(CellClass::Address, "ubuntub"));
        assert!(accepts(CellClass::Address, "fd00::1"));
        assert!(!accepts(CellClass::Token, "a b"));
        assert!(!accepts(CellClass::Name, "<none>"));
        assert!(accepts(CellClass::OptToken, ""));
        assert!(!accepts(CellClass::Token, ""));
        assert!(!accepts(CellClass::Schedule, "* * *"));
        assert!(accepts(CellClass::Completions, "0/1 of 3"));
        assert!(!accepts(CellClass::Completions, "0/1 of"));
        assert!(accepts(CellClass::Source, "kubelet, node-1"));
        assert!(!accepts(CellClass::WatchEvent, "ADDED   "));
        assert!(accepts(CellClass::Source, "{kubelet node-1}"));
        assert!(accepts(CellClass::Source, "{default-scheduler }"));
        assert!(!accepts(CellClass::Source, "{a b c}"));
        assert!(accepts(CellClass::EventAge, "41m (x2 over 41m)"));
        assert!(accepts(CellClass::EventAge, "2m33s"));
        assert!(!accepts(CellClass::EventAge, "41m (x2)"));
        assert!(!accepts(CellClass::EventAge, "Normal"));
        assert_eq!(event_age_first("2m33s (x2 over 4m48s)"), "2m33s");
    }

    #[test]
    fn durations_fall_back_to_the_formatter_that_can_print_them() {
        let (_, f) = duration_reading("1m", Formatter::Human).unwrap();
        assert_eq!(f, Formatter::Short);
        let (_, f) = duration_reading("5m", Formatter::Human).unwrap();
        assert_eq!(f, Formatter::Human);
        assert!(duration_reading("soon", Formatter::Human).is_none());
    }
}
