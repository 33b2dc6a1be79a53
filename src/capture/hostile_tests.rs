//! Issue 16 item 5, nothing lost silently: unterminated control strings and C1
//! controls, impossible dates and offsets, a `watch` header whose date is not read.

use super::*;

fn one(text: &str) -> CapturedLine {
    let mut lines = capture_bytes(text.as_bytes());
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines.remove(0)
}

fn note(l: &CapturedLine) -> &str {
    l.note.as_deref().unwrap_or("")
}

#[test]
fn an_unterminated_control_string_ends_at_the_line_end_and_keeps_the_row() {
    for (input, want) in [
        (
            "web-0\u{98}   1/1   Running   0   5m",
            "web-0   1/1   Running   0   5m",
        ),
        (
            "web-\u{9d}0   1/1   Running   0   5m",
            "web-0   1/1   Running   0   5m",
        ),
        (
            "\x1b_web-0   1/1   Running   0   5m",
            "web-0   1/1   Running   0   5m",
        ),
        (
            "\x1bPweb-0   1/1   Running   0   5m",
            "web-0   1/1   Running   0   5m",
        ),
    ] {
        let l = one(input);
        assert_eq!(l.kind, LineKind::Content, "{input:?}");
        assert_eq!(l.text, want, "{input:?}");
        assert!(note(&l).contains("unterminated"), "{input:?}: {l:?}");
    }
    // A terminated one is still removed whole, without a note.
    let l = one("\x1b]0;title\x07web-0   1/1   Running   0   5m");
    assert_eq!(l.text, "web-0   1/1   Running   0   5m");
    assert_eq!(l.note, None);
}

#[test]
fn many_unterminated_introducers_cost_linear_work() {
    // Each introducer looked for its end to the end of the line: quadratic.
    let line = "\u{9d}xxxx".repeat(50_000);
    let l = one(&line);
    assert_eq!(l.text.len(), 200_000);
    assert!(note(&l).starts_with("50000 unterminated"), "{}", note(&l));
}

#[test]
fn impossible_dates_and_offsets_are_refused_with_a_note() {
    let l = one("2026-02-31T10:00:00Z web-0   1/1   Running   0   5m");
    assert_eq!(l.kind, LineKind::Content);
    assert_eq!(l.time, None);
    assert!(note(&l).contains("impossible date 2026-02-31"), "{l:?}");
    let l = one("2026-02-01T10:00:00+99:99 web-0   1/1   Running   0   5m");
    assert_eq!(l.time, None);
    assert!(note(&l).contains("impossible UTC offset"), "{l:?}");
    let l = one("[Feb 30 10:00:00] web-0   1/1   Running   0   5m");
    assert_eq!(l.time, None);
    assert!(note(&l).contains("impossible date 02-30"), "{l:?}");
    let l = one("Tue Feb 31 10:00:00 UTC 2026");
    assert!(
        matches!(&l.kind, LineKind::Skipped(r) if r.contains("impossible date")),
        "{l:?}"
    );
    // Real ones still read.
    let l = one("2028-02-29T10:00:00+14:00 web-0   1/1   Running   0   5m");
    assert!(l.time.is_some() && l.note.is_none(), "{l:?}");
}

#[test]
fn a_watch_header_whose_date_is_not_read_says_so() {
    let l = one("Every 2.0s: kubectl get pods   host: Fri Nov 31 12:00:00 2026");
    assert!(matches!(l.kind, LineKind::ScreenHeader(_)), "{l:?}");
    assert_eq!(l.time, None);
    assert!(note(&l).contains("impossible date 2026-11-31"), "{l:?}");
    let l = one("Every 2.0s: kubectl get pods   host: Fry Nov 27 12:00:00 2026");
    assert_eq!(l.time, None);
    assert!(note(&l).contains("date not understood"), "{l:?}");
    let l = one("Every 2.0s: kubectl get pods   host: Fri Nov 27 12:00:00 2026");
    assert!(l.time.is_some() && l.note.is_none(), "{l:?}");
}
