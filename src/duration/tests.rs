//! The apimachinery test vectors (FORMAT.md §1.5) and the inverse law.

use super::*;
use proptest::prelude::*;

const S: i64 = 1000;
const M: i64 = 60 * S;
const H: i64 = 60 * M;
const D: i64 = 24 * H;

/// `TestHumanDuration` and `TestHumanDurationBoundaries`, verbatim (ms = Go's d).
const HUMAN_VECTORS: &[(i64, &str)] = &[
    (S, "1s"),
    (70 * S, "70s"),
    (190 * S, "3m10s"),
    (70 * M, "70m"),
    (47 * H, "47h"),
    (49 * H, "2d1h"),
    ((8 * 24 + 2) * H, "8d"),
    (367 * 24 * H, "367d"),
    ((365 * 2 * 24 + 25) * H, "2y1d"),
    ((365 * 8 * 24 + 2) * H, "8y"),
    (-2 * S, "<invalid>"),
    (-2 * S + 1, "0s"),
    (0, "0s"),
    (S - 1, "0s"),
    (2 * M - 1, "119s"),
    (2 * M, "2m"),
    (2 * M + S, "2m1s"),
    (10 * M - 1, "9m59s"),
    (10 * M, "10m"),
    (10 * M + S, "10m"),
    (3 * H - 1, "179m"),
    (3 * H, "3h"),
    (3 * H + M, "3h1m"),
    (8 * H - 1, "7h59m"),
    (8 * H, "8h"),
    (8 * H + 59 * M, "8h"),
    (2 * D - 1, "47h"),
    (2 * D, "2d"),
    (2 * D + H, "2d1h"),
    (8 * D - 1, "7d23h"),
    (8 * D, "8d"),
    (8 * D + 23 * H, "8d"),
    (2 * 365 * D - 1, "729d"),
    (2 * 365 * D, "2y"),
    (2 * 365 * D + 23 * H, "2y"),
    (2 * 365 * D + 23 * H + 59 * M, "2y"),
    (2 * 365 * D + D - 1, "2y"),
    (2 * 365 * D + D, "2y1d"),
    (3 * 365 * D, "3y"),
    (4 * 365 * D, "4y"),
    (5 * 365 * D, "5y"),
    (6 * 365 * D, "6y"),
    (7 * 365 * D, "7y"),
    (8 * 365 * D - 1, "7y364d"),
    (8 * 365 * D, "8y"),
    (8 * 365 * D + 364 * D, "8y"),
    (9 * 365 * D, "9y"),
];

/// `TestShortHumanDurationBoundaries`, verbatim.
const SHORT_VECTORS: &[(i64, &str)] = &[
    (-2 * S, "<invalid>"),
    (-2 * S + 1, "0s"),
    (0, "0s"),
    (S - 1, "0s"),
    (S, "1s"),
    (2 * S - 1, "1s"),
    (M - 1, "59s"),
    (M, "1m"),
    (2 * M - 1, "1m"),
    (H - 1, "59m"),
    (H, "1h"),
    (2 * H - 1, "1h"),
    (24 * H - 1, "23h"),
    (24 * H, "1d"),
    (2 * D - 1, "1d"),
    (365 * D - 1, "364d"),
    (365 * D, "1y"),
    (2 * 365 * D - 1, "1y"),
    (2 * 365 * D, "2y"),
];

/// Whether a duration in ms lies inside what the printed text reads as.
fn contains(reading: Reading, ms: i64) -> bool {
    match reading {
        // Closed bounds in seconds standing for the half-open range [min, max).
        Reading::Bounds(b) => {
            ms >= b.min_s * S && ms < b.max_s * S || (b.min_s == -2 && ms > -2 * S && ms < S)
        }
        Reading::Invalid => ms <= -2 * S,
        Reading::Unknown => false,
    }
}

#[test]
fn human_duration_prints_the_apimachinery_vectors() {
    for &(ms, want) in HUMAN_VECTORS {
        assert_eq!(format_human(ms), want, "HumanDuration({ms} ms)");
    }
}

#[test]
fn short_human_duration_prints_the_apimachinery_vectors() {
    for &(ms, want) in SHORT_VECTORS {
        assert_eq!(format_short(ms), want, "ShortHumanDuration({ms} ms)");
    }
}

#[test]
fn every_human_vector_reads_back_to_an_interval_holding_it() {
    for &(ms, text) in HUMAN_VECTORS {
        let r = parse(text, Formatter::Human).unwrap_or_else(|| panic!("{text} refused"));
        assert!(contains(r, ms), "{text} read as {r:?} misses {ms} ms");
    }
}

#[test]
fn every_short_vector_reads_back_to_an_interval_holding_it() {
    for &(ms, text) in SHORT_VECTORS {
        let r = parse(text, Formatter::Short).unwrap_or_else(|| panic!("{text} refused"));
        assert!(contains(r, ms), "{text} read as {r:?} misses {ms} ms");
    }
}

#[test]
fn intervals_follow_format_md_table() {
    let b = |t: &str| match parse(t, Formatter::Human) {
        Some(Reading::Bounds(b)) => (b.min_s, b.max_s),
        other => panic!("{t}: {other:?}"),
    };
    assert_eq!(b("9m3s"), (543, 544));
    assert_eq!(b("31m"), (31 * 60, 32 * 60));
    assert_eq!(b("5m"), (300, 301));
    assert_eq!(b("3h"), (3 * 3600, 3 * 3600 + 60));
    assert_eq!(b("8h"), (8 * 3600, 9 * 3600));
    assert_eq!(b("2d"), (2 * 86400, 2 * 86400 + 3600));
    assert_eq!(b("2d5h"), (2 * 86400 + 5 * 3600, 2 * 86400 + 6 * 3600));
    assert_eq!(b("8d"), (8 * 86400, 9 * 86400));
    assert_eq!(b("2y"), (730 * 86400, 731 * 86400));
    assert_eq!(b("8y"), (8 * 365 * 86400, 9 * 365 * 86400));
    assert_eq!(b("0s"), (-2, 1));
    assert_eq!(parse("<invalid>", Formatter::Human), Some(Reading::Invalid));
    assert_eq!(parse("<unknown>", Formatter::Human), Some(Reading::Unknown));
}

#[test]
fn refuses_what_neither_formatter_prints() {
    for bad in [
        "", "1m", "120s", "10m5s", "8h3m", "2d24h", "1", "m", "5 m", "5m ", "-5s", "5s5s",
        "1y400d", "9m60s",
    ] {
        assert_eq!(parse(bad, Formatter::Human), None, "human accepted {bad:?}");
    }
    for bad in ["", "60s", "2m1s", "60m", "24h", "365d", "0y", "5m3s"] {
        assert_eq!(parse(bad, Formatter::Short), None, "short accepted {bad:?}");
    }
}

/// Found by the `duration` fuzz target: `00144m` read as 144 minutes, though no
/// formatter prints a leading zero.
#[test]
fn refuses_leading_zeros() {
    for bad in ["05s", "00144m", "2m03s", "03h", "2d05h", "00s", "0002y"] {
        assert_eq!(parse(bad, Formatter::Human), None, "human accepted {bad:?}");
        assert_eq!(parse(bad, Formatter::Short), None, "short accepted {bad:?}");
        assert!(!is_duration(bad), "{bad:?}");
    }
    assert!(is_duration("0s") && is_duration("10m") && is_duration("2m0s"));
}

#[test]
fn the_text_alone_pins_the_formatter_where_format_md_says() {
    for t in ["1m", "1h", "2h", "1d", "1y"] {
        assert_eq!(pinned_formatter(t), Some(Formatter::Short), "{t}");
    }
    for t in ["70s", "2m1s", "70m", "30h", "400d", "2d1h"] {
        assert_eq!(pinned_formatter(t), Some(Formatter::Human), "{t}");
    }
    for t in ["5m", "59s", "10h", "<invalid>"] {
        assert_eq!(pinned_formatter(t), None, "{t}");
    }
}

proptest! {
    #[test]
    fn human_print_then_read_contains_the_duration(ms in -10_000i64..300_000_000_000i64) {
        let text = format_human(ms);
        let r = parse(&text, Formatter::Human).expect("own output parses");
        prop_assert!(contains(r, ms), "{} read as {:?} misses {} ms", text, r, ms);
    }

    #[test]
    fn short_print_then_read_contains_the_duration(ms in -10_000i64..300_000_000_000i64) {
        let text = format_short(ms);
        let r = parse(&text, Formatter::Short).expect("own output parses");
        prop_assert!(contains(r, ms), "{} read as {:?} misses {} ms", text, r, ms);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,12}") {
        let _ = parse(&s, Formatter::Human);
        let _ = parse(&s, Formatter::Short);
    }
}

/// The grammar as it was written with parser combinators: the reference the
/// hand-written reader must agree with.
mod reference {
    use super::{Piece, Printed};
    use nom::branch::alt;
    use nom::bytes::complete::tag;
    use nom::character::complete::{digit1, one_of};
    use nom::combinator::{all_consuming, map_res, opt, verify};
    use nom::{IResult, Parser};

    fn piece(input: &str) -> IResult<&str, Piece> {
        let number = verify(digit1, |d: &str| d == "0" || !d.starts_with('0'));
        (map_res(number, str::parse::<i64>), one_of("smhdy")).parse(input)
    }

    pub fn printed(text: &str) -> Option<Printed> {
        all_consuming(alt((
            tag("<invalid>").map(|_| Printed::Invalid),
            tag("<unknown>").map(|_| Printed::Unknown),
            (piece, opt(piece)).map(|(a, b)| Printed::Pieces(a, b)),
        )))
        .parse(text)
        .ok()
        .map(|(_, p)| p)
    }
}

#[test]
fn hand_written_reader_agrees_with_the_combinator_grammar_on_edge_cases() {
    for text in [
        "",
        "0",
        "0s",
        "00s",
        "05s",
        "1s",
        "10m",
        "3m10s",
        "3m10",
        "3m10sx",
        "2y1d",
        "1s1s1s",
        "<invalid>",
        "<invalid>x",
        "<unknown>",
        "<none>",
        "9223372036854775807s",
        "9223372036854775808s",
        "1é",
        "1 s",
        " 1s",
        "1s ",
        "1S",
        "+1s",
        "-1s",
        "12",
        "s",
        "1m0s",
        "1m00s",
        "1m01s",
        "٣s",
    ] {
        assert_eq!(printed(text), reference::printed(text), "{text:?}");
    }
}

proptest! {
    #[test]
    fn hand_written_reader_agrees_with_the_combinator_grammar(
        text in "([0-9]{0,3}[smhdyx<>é ]?){0,3}|<(invalid|unknown)>.?"
    ) {
        prop_assert_eq!(printed(&text), reference::printed(&text));
    }
}
