//! Times and durations the way a person reads them. The only place a time interval
//! becomes text; the timeline stage keeps numbers.

use crate::timeline::stn::Ms;
use crate::timeline::Interval;

/// `m:ss` (or `h:mm:ss`) of a time in ms, as people read a clock; `-` prefix before t = 0.
pub fn clock(ms: Ms) -> String {
    let neg = ms < 0;
    let s = ms.abs() / 1000;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let body = if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// An interval the way a person reads it: `5:38–5:39`, `~9:03` when under 2 s wide,
/// `≥ 5:38` / `≤ 9:03` when one side is unknown, `?` when nothing is known.
pub fn human(i: &Interval) -> String {
    match (i.lower(), i.upper()) {
        (Some(lo), Some(hi)) if hi - lo < 2000 => format!("~{}", clock((lo + hi) / 2)),
        (Some(lo), Some(hi)) => format!("{}–{}", clock(lo), clock(hi)),
        (Some(lo), None) => format!("≥ {}", clock(lo)),
        (None, Some(hi)) => format!("≤ {}", clock(hi)),
        (None, None) => "?".into(),
    }
}

/// A duration interval in seconds the way a person reads it: `37 s`, `290–310 s`.
pub fn human_duration(i: &Interval) -> String {
    let s = |ms: Ms| ((ms as f64) / 1000.0).round() as i64;
    match (i.lower(), i.upper()) {
        (Some(lo), Some(hi)) if s(lo) == s(hi) => format!("{} s", s(lo)),
        (Some(lo), Some(hi)) => format!("{}–{} s", s(lo), s(hi)),
        (Some(lo), None) => format!("≥ {} s", s(lo)),
        (None, Some(hi)) => format!("≤ {} s", s(hi)),
        (None, None) => "?".into(),
    }
}

/// A bound in seconds with millisecond digits (`543.000`), empty when unknown: the
/// `min s`/`max s` columns of the Markdown and HTML tables.
pub fn seconds(v: Option<Ms>) -> String {
    v.map(|x| format!("{:.3}", x as f64 / 1000.0))
        .unwrap_or_default()
}

/// How sure a time is, briefly: `to the second`, `within 3 s`, `one side unknown`.
pub fn window(at: &Interval) -> String {
    match at.width() {
        Some(w) if w < 2000 => "to the second".into(),
        Some(w) => format!("within {}", human_duration(&Interval::point(w))),
        None => "one side unknown".into(),
    }
}

/// How sure a time is, in words: `to the second`, `somewhere in a 3 s window`, ...
pub fn certainty(at: &Interval) -> String {
    match at.width() {
        Some(w) if w >= 2000 => format!(
            "somewhere in a {} window",
            human_duration(&Interval::point(w))
        ),
        _ => window(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::stn::UNBOUNDED;

    #[test]
    fn people_read_intervals_as_clock_ranges() {
        assert_eq!(human(&Interval::new(338_000, 339_000)), "~5:38");
        assert_eq!(human(&Interval::new(338_000, 399_000)), "5:38–6:39");
        assert_eq!(human(&Interval::new(338_000, UNBOUNDED)), "≥ 5:38");
        assert_eq!(clock(3_723_000), "1:02:03");
        assert_eq!(
            human_duration(&Interval::new(290_000, 310_400)),
            "290–310 s"
        );
    }
}
