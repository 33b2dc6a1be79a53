//! kubectl's printed durations — AGE, LAST SEEN, DURATION, the RESTARTS `(X ago)` suffix —
//! read back as the interval of true durations that print that way, and printed again.
//!
//! Two formatters exist (FORMAT.md §1.1–1.3, apimachinery `pkg/util/duration`):
//! `HumanDuration` (AGE since v1.12: `70s`, `3m10s`, `70m`, `2d1h`) and the older
//! `ShortHumanDuration` (`1m`, `5h`, one unit only). The same text can mean different
//! intervals under each (`5m` is [300 s, 301 s) for Human but [300 s, 360 s) for Short),
//! so [`parse`] takes the formatter and [`pinned_formatter`] says when the text alone
//! proves which one printed it.
//!
//! Intervals are closed bounds in whole seconds, the upper bound of a half-open range
//! written as its limit (`9m3s` → `[543, 544]`), as in the JSON contract.

use serde::Serialize;

/// Seconds in a minute, hour, day and (365-day) year, as kubectl counts them.
const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// Which apimachinery function printed a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Formatter {
    /// `HumanDuration`: AGE since v1.12, CRD tables since v1.14, RESTARTS suffix, events.
    Human,
    /// `ShortHumanDuration`: AGE before v1.12.
    Short,
}

/// Closed bounds of a true duration in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Bounds {
    /// Lower bound, in seconds.
    pub min_s: i64,
    /// Upper bound, in seconds (what a printed text stands for stays below it).
    pub max_s: i64,
}

/// What a duration cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reading {
    /// A true duration within these bounds.
    Bounds(Bounds),
    /// `<invalid>`: the timestamp was at least 2 s in the future of the printing clock.
    Invalid,
    /// `<unknown>`: the timestamp was not set.
    Unknown,
}

/// One `<number><unit>` piece of a printed duration.
type Piece = (i64, char);

// piece = number unit ; number = "0" | nonzero-digit *digit ; unit = s | m | h | d | y
// (Go's `%d` prints no leading zeros: `05s` or `00144m` was never printed.)
/// The piece at the start of `s` and the text after it. Written by hand: every AGE
/// cell is read twice a line (split, then typed), and a parser-combinator form of
/// this grammar cost ten times as much (a test checks both agree).
fn piece(s: &str) -> Option<(Piece, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let number = &s[..digits];
    if digits == 0 || (digits > 1 && number.starts_with('0')) {
        return None;
    }
    let n: i64 = number.parse().ok()?;
    let unit = *s.as_bytes().get(digits)?;
    if !b"smhdy".contains(&unit) {
        return None;
    }
    Some(((n, char::from(unit)), &s[digits + 1..]))
}

// printed = "<invalid>" | "<unknown>" | piece piece?   (the whole text)
fn printed(text: &str) -> Option<Printed> {
    match text {
        "<invalid>" => return Some(Printed::Invalid),
        "<unknown>" => return Some(Printed::Unknown),
        _ => {}
    }
    let (first, rest) = piece(text)?;
    if rest.is_empty() {
        return Some(Printed::Pieces(first, None));
    }
    let (second, rest) = piece(rest)?;
    rest.is_empty()
        .then_some(Printed::Pieces(first, Some(second)))
}

#[derive(Debug, PartialEq)]
enum Printed {
    Invalid,
    Unknown,
    Pieces(Piece, Option<Piece>),
}

fn bounds(min_s: i64, width: i64) -> Option<Reading> {
    Some(Reading::Bounds(Bounds {
        min_s,
        max_s: min_s + width,
    }))
}

/// Reads a printed duration under one formatter. `None` when the text is not a duration
/// that formatter can print (`1m` is never printed by `HumanDuration`; `2m1s` never by
/// `ShortHumanDuration`).
pub fn parse(text: &str, formatter: Formatter) -> Option<Reading> {
    readings(text).under(formatter)
}

/// What a printed duration says under each formatter: the text parsed once, for the
/// callers that ask both (every AGE cell of a capture is asked whether it is a
/// duration, which formatter it proves, and what it reads as).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readings {
    /// Under `HumanDuration`.
    pub human: Option<Reading>,
    /// Under `ShortHumanDuration`.
    pub short: Option<Reading>,
}

impl Readings {
    /// The reading under `formatter`.
    pub fn under(self, formatter: Formatter) -> Option<Reading> {
        match formatter {
            Formatter::Human => self.human,
            Formatter::Short => self.short,
        }
    }

    /// The reading under `preferred`, else under the other formatter, with the
    /// formatter it was read under.
    pub fn preferring(self, preferred: Formatter) -> Option<(Reading, Formatter)> {
        let other = match preferred {
            Formatter::Human => Formatter::Short,
            Formatter::Short => Formatter::Human,
        };
        self.under(preferred)
            .map(|r| (r, preferred))
            .or_else(|| self.under(other).map(|r| (r, other)))
    }

    /// Whether either formatter could have printed the text.
    pub fn is_duration(self) -> bool {
        self.human.is_some() || self.short.is_some()
    }

    /// The formatter the text proves on its own (see [`pinned_formatter`]).
    pub fn pinned(self) -> Option<Formatter> {
        match (self.human, self.short) {
            (Some(Reading::Bounds(_)), None) => Some(Formatter::Human),
            (None, Some(Reading::Bounds(_))) => Some(Formatter::Short),
            _ => None,
        }
    }
}

/// [`Readings`] of `text`.
pub fn readings(text: &str) -> Readings {
    let Some(p) = printed(text) else {
        return Readings {
            human: None,
            short: None,
        };
    };
    match p {
        Printed::Invalid => Readings {
            human: Some(Reading::Invalid),
            short: Some(Reading::Invalid),
        },
        Printed::Unknown => Readings {
            human: Some(Reading::Unknown),
            short: Some(Reading::Unknown),
        },
        Printed::Pieces(a, b) => Readings {
            human: human(a, b),
            short: short(a, b),
        },
    }
}

/// The inverse of `HumanDuration` (FORMAT.md §1.1, §1.4).
fn human(first: Piece, second: Option<Piece>) -> Option<Reading> {
    match (first, second) {
        ((0, 's'), None) => Some(Reading::Bounds(Bounds {
            min_s: -2,
            max_s: 1,
        })),
        ((n, 's'), None) if (1..=119).contains(&n) => bounds(n, 1),
        ((m, 'm'), None) if (2..=9).contains(&m) => bounds(m * MIN, 1),
        // `Mm0s` was printed only before zero remainders were dropped (still 1.12-era).
        ((m, 'm'), Some((s, 's'))) if (2..=9).contains(&m) && (0..=59).contains(&s) => {
            bounds(m * MIN + s, 1)
        }
        ((m, 'm'), None) if (10..=179).contains(&m) => bounds(m * MIN, MIN),
        ((h, 'h'), None) if (3..=7).contains(&h) => bounds(h * HOUR, MIN),
        ((h, 'h'), Some((m, 'm'))) if (3..=7).contains(&h) && (0..=59).contains(&m) => {
            bounds(h * HOUR + m * MIN, MIN)
        }
        ((h, 'h'), None) if (8..=47).contains(&h) => bounds(h * HOUR, HOUR),
        ((d, 'd'), None) if (2..=7).contains(&d) => bounds(d * DAY, HOUR),
        ((d, 'd'), Some((h, 'h'))) if (2..=7).contains(&d) && (0..=23).contains(&h) => {
            bounds(d * DAY + h * HOUR, HOUR)
        }
        ((d, 'd'), None) if (8..=729).contains(&d) => bounds(d * DAY, DAY),
        ((y, 'y'), None) if (2..=7).contains(&y) => bounds(y * YEAR, DAY),
        // `Yy0d` is how servers before 1.19 printed a whole number of years.
        ((y, 'y'), Some((r, 'd'))) if (2..=7).contains(&y) && (0..=364).contains(&r) => {
            bounds(y * YEAR + r * DAY, DAY)
        }
        ((y, 'y'), None) if (8..=292).contains(&y) => bounds(y * YEAR, YEAR),
        _ => None,
    }
}

/// The inverse of `ShortHumanDuration` (FORMAT.md §1.2).
fn short(first: Piece, second: Option<Piece>) -> Option<Reading> {
    if second.is_some() {
        return None;
    }
    match first {
        (0, 's') => Some(Reading::Bounds(Bounds {
            min_s: -2,
            max_s: 1,
        })),
        (n, 's') if (1..=59).contains(&n) => bounds(n, 1),
        (m, 'm') if (1..=59).contains(&m) => bounds(m * MIN, MIN),
        (h, 'h') if (1..=23).contains(&h) => bounds(h * HOUR, HOUR),
        (d, 'd') if (1..=364).contains(&d) => bounds(d * DAY, DAY),
        (y, 'y') if (1..=292).contains(&y) => bounds(y * YEAR, YEAR),
        _ => None,
    }
}

/// The formatter a printed duration proves on its own, if any (FORMAT.md §1.3):
/// `HumanDuration` never prints `1m`, `1h`, `2h`, `1d`, `1y`; `ShortHumanDuration` never
/// prints two units or a unit beyond its carry (`70s`, `70m`, `30h`, `400d`).
pub fn pinned_formatter(text: &str) -> Option<Formatter> {
    readings(text).pinned()
}

/// Whether the text is a duration either formatter could have printed.
pub fn is_duration(text: &str) -> bool {
    readings(text).is_duration()
}

/// `HumanDuration` of a duration given in milliseconds, exactly as apimachinery prints it.
pub fn format_human(ms: i64) -> String {
    // Go: int(d.Seconds()) truncates toward zero.
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 2 * MIN {
        return format!("{seconds}s");
    }
    let minutes = seconds / MIN;
    if minutes < 10 {
        let s = seconds % MIN;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / HOUR;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{}h", hours / 24, h)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{}d", hours / 24 / 365, dy)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `ShortHumanDuration` of a duration given in milliseconds (AGE before v1.12).
pub fn format_short(ms: i64) -> String {
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < MIN {
        return format!("{seconds}s");
    }
    let minutes = seconds / MIN;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / HOUR;
    if hours < 24 {
        return format!("{hours}h");
    }
    if hours < 24 * 365 {
        return format!("{}d", hours / 24);
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests;
