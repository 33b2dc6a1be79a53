//! End-to-end tests of the capture stage: bytes in, classified lines out.

use super::*;
use proptest::prelude::*;

fn one(input: &str) -> CapturedLine {
    let mut got = capture_bytes(input.as_bytes());
    assert_eq!(got.len(), 1, "{input:?} gave {got:#?}");
    got.remove(0)
}

fn get_of(line: &CapturedLine) -> &GetCommand {
    match &line.kind {
        LineKind::Command(c) | LineKind::ScreenHeader(c) => match c.as_ref() {
            Command { get: Some(g), .. } => g,
            other => panic!("not a get: {other:?} in {line:?}"),
        },
        other => panic!("not a get: {other:?} in {line:?}"),
    }
}

fn hms(line: &CapturedLine) -> String {
    line.time.expect("a time").time.to_string()
}

#[test]
fn seed_blog_post_reads_as_commands_tables_and_prose() {
    let text = include_str!("testdata/seed-blog.txt");
    let got = capture_bytes(text.as_bytes());
    let commands: Vec<&str> = got
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Command(_)))
        .map(|l| l.text.as_str())
        .collect();
    assert!(commands.contains(&"kubectl get deployments.apps -o wide --watch"));
    assert!(commands.contains(&"sudo poweroff"));
    assert!(commands.contains(&"get node --watch -o wide"));
    let fences = got
        .iter()
        .filter(|l| l.kind == LineKind::Skipped("markup: code fence".into()))
        .count();
    assert!(fences > 10);
    let row = got
        .iter()
        .find(|l| l.text.starts_with("ubuntub   NotReady"))
        .expect("the NotReady row");
    assert!(row.text.contains("<none>"));
    assert_eq!(row.kind, LineKind::Content);
    // Line numbers are the file's.
    assert_eq!(got.last().unwrap().line, text.lines().count() as u64);
}

#[test]
fn html_escaped_row_keeps_placeholders() {
    let l = one("web-0   1/1   Running   0   5m   10.1.2.3   node1   &lt;none&gt;   &lt;none&gt;");
    assert_eq!(
        l.text,
        "web-0   1/1   Running   0   5m   10.1.2.3   node1   <none>   <none>"
    );
    let l = one("<pending>   <unknown>   <invalid>   <unset>   <nil>");
    assert_eq!(
        l.text,
        "<pending>   <unknown>   <invalid>   <unset>   <nil>"
    );
}

#[test]
fn br_splits_one_source_line_into_several_with_the_same_number() {
    let got =
        capture_bytes(b"intro\n$ kubectl get pods -w<br>NAME   READY<br />web-0   1/1<br/>\n");
    let shape: Vec<(u64, &str)> = got.iter().map(|l| (l.line, l.text.as_str())).collect();
    assert_eq!(
        shape,
        vec![
            (1, "intro"),
            (2, "kubectl get pods -w"),
            (2, "NAME   READY"),
            (2, "web-0   1/1")
        ]
    );
    assert!(matches!(got[1].kind, LineKind::Command(_)));
}

#[test]
fn ansi_coloured_prompt_and_row() {
    let l = one(
        "\x1b]0;root@m: ~\x07\x1b[01;32mroot@m\x1b[00m:\x1b[01;34m~\x1b[00m# kubectl get no -w\r\n",
    );
    assert_eq!(get_of(&l).resource.as_deref(), Some("no"));
    let l = one("node1   \x1b[31mNotReady\x1b[0m   control-plane   5d   v1.29.0");
    assert_eq!(l.text, "node1   NotReady   control-plane   5d   v1.29.0");
}

#[test]
fn ts_prefixes_move_to_time() {
    let l = one("[2026-04-12 20:49:24] web-0   1/1   Running   0   5m");
    assert_eq!(l.text, "web-0   1/1   Running   0   5m");
    assert_eq!(l.kind, LineKind::Content);
    assert_eq!(l.time.unwrap().year, Some(2026));
    let l = one("Jul 03 15:07:54 web-0   0/1   Pending   0   0s");
    assert_eq!(
        (l.time.unwrap().year, l.time.unwrap().month_day),
        (None, Some((7, 3)))
    );
    let l = one("2026-04-12T20:49:24.123+02:00 $ kubectl get pods -w");
    assert_eq!(l.time.unwrap().utc_offset_s, Some(7200));
    assert!(get_of(&l).watch);
}

#[test]
fn clock_glued_to_prompt() {
    let l = one("16:46:25[root@host ~]# kubectl get pods -w");
    assert_eq!(hms(&l), "16:46:25");
    assert_eq!(l.time.unwrap().month_day, None);
    assert_eq!(l.text, "kubectl get pods -w");
}

#[test]
fn date_and_script_lines_are_time_markers() {
    for input in [
        "Fri Nov 27 12:00:03 UTC 2026",
        "Thu Jul  3 15:07:54 CEST 2025",
        "Fri 27 Nov 2026 12:00:00 PM UTC",
        "2026年 11月 27日 星期五 12:00:00 CST",
        "2026-11-27T12:00:03+00:00",
        "Script started on 2026-11-27 12:00:00+00:00 [TERM=\"xterm\"]",
        "[2026-11-27 12:00:03]",
    ] {
        let l = one(input);
        assert_eq!(l.kind, LineKind::TimeMarker, "{input}");
        assert!(l.time.is_some(), "{input}");
    }
    assert_eq!(
        one("Thu Jul  3 15:07:54 CEST 2025")
            .time
            .unwrap()
            .utc_offset_s,
        None
    );
}

#[test]
fn watch_screen_headers() {
    for input in [
        "Every 2.0s: kubectl get pods     host01: Fri Nov 27 12:00:00 2026",
        "Every 2s: kubectl get pods -o wide          Fri Nov 27 12:00:00 2026",
        "   Every 2.0s: kubectl get pods\thost01: Fri Nov 27 12:00:00 2026",
    ] {
        let l = one(input);
        assert!(matches!(l.kind, LineKind::ScreenHeader(_)), "{input}");
        assert_eq!(get_of(&l).resource.as_deref(), Some("pods"), "{input}");
        assert_eq!(l.time.unwrap().month_day, Some((11, 27)), "{input}");
        assert_eq!(hms(&l), "12:00:00");
    }
    let l = one("Every 2.0s: kubectl get pods -o wide");
    assert!(get_of(&l).wide);
    assert_eq!(l.time, None);
}

#[test]
fn interrupt_alone_and_before_a_prompt() {
    assert_eq!(one("^C").kind, LineKind::Interrupt);
    let got = capture_bytes(b"^C$ kubectl get nodes -w\n");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].kind, LineKind::Interrupt);
    assert_eq!(
        (got[1].line, got[1].text.as_str()),
        (1, "kubectl get nodes -w")
    );
    assert!(get_of(&got[1]).watch);
    let got = capture_bytes("^C[root@host ~]# sudo poweroff".as_bytes());
    assert_eq!(got[1].text, "sudo poweroff");
    assert_eq!(one("[root@host ~]# ^C").kind, LineKind::Interrupt);
    let l = one("controlplane $ kubectl get po -w");
    assert!(get_of(&l).watch);
}

#[test]
fn prompts_of_every_shape_give_commands() {
    for input in [
        "$ kubectl get pods -w",
        "# kubectl get pods -w",
        "% kubectl get pods -w",
        "> kubectl get pods -w",
        "❯ kubectl get pods -w",
        "➜  ~ kubectl get pods -w",
        "➜  repo git:(main) ✗ kubectl get pods -w",
        "λ kubectl get pods -w",
        r"PS C:\Users\me> kubectl get pods -w",
        "[root@host ~]# kubectl get pods -w",
        "user@host:~/dir$ kubectl get pods -w",
        "(venv) user@host:~$ kubectl get pods -w",
        "root@master01:/home/x# kubectl get pods -w",
    ] {
        let l = one(input);
        assert_eq!(l.text, "kubectl get pods -w", "{input}");
        assert!(get_of(&l).watch, "{input}");
    }
}

#[test]
fn refusals() {
    // A Markdown heading or shell comment is not a root prompt.
    let l = one("# Node failure test");
    assert_eq!(
        (l.kind, l.text.as_str()),
        (LineKind::Content, "# Node failure test")
    );
    assert_eq!(one("> Note: the node came back").kind, LineKind::Content);
    assert_eq!(
        one("We then ran kubectl get pods -w to watch").kind,
        LineKind::Content
    );
    assert_eq!(
        one("kubectl is the Kubernetes CLI.").kind,
        LineKind::Content
    );
    assert_eq!(
        one("reboot the node and wait for it").kind,
        LineKind::Content
    );
    assert_eq!(one("<none>").text, "<none>");
}

#[test]
fn annotations_are_cut_into_notes() {
    let l = one("ubuntub   NotReady   <none>   2d5h   v1.26.4   <--- dead node");
    assert_eq!(l.text, "ubuntub   NotReady   <none>   2d5h   v1.26.4");
    assert_eq!(l.note.as_deref(), Some("annotation: <--- dead node"));
    let l = one("$ sudo poweroff   # node b");
    assert_eq!(l.text, "sudo poweroff");
    assert_eq!(l.note.as_deref(), Some("annotation: # node b"));
}

#[test]
fn blank_fence_binary_and_notes() {
    assert_eq!(one("   ").kind, LineKind::Blank);
    assert_eq!(
        one("```bash").kind,
        LineKind::Skipped("markup: code fence".into())
    );
    assert_eq!(
        one("~~~").kind,
        LineKind::Skipped("markup: code fence".into())
    );
    let got = capture_bytes(b"\x01\x02\x03\x04\xff\xfe\x00\x80abc\n");
    assert_eq!(got[0].kind, LineKind::Skipped("binary data".into()));
    assert!(got[0].note.is_some());
    let got = capture_bytes(b"web-0\x00   1/1\xff\n");
    assert_eq!(got[0].text, "web-0   1/1\u{FFFD}");
    let note = got[0].note.as_deref().unwrap();
    assert!(note.contains("NUL") && note.contains("invalid"), "{note}");
}

#[test]
fn utf16_powershell_redirect() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "PS C:\\> kubectl get pods -w\r\nNAME   READY\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let got = capture_bytes(&bytes);
    assert_eq!(got.len(), 2);
    assert!(get_of(&got[0]).watch);
    assert_eq!(got[1].text, "NAME   READY");
}

#[test]
fn lines_streams_without_reading_everything_first() {
    // An endless reader: taking a few lines must return.
    let repeating = std::io::Read::chain(&b"a\nb\n"[..], std::io::repeat(b'\n'));
    let got: Vec<CapturedLine> = lines(repeating).take(5).collect();
    assert_eq!(got.len(), 5);
    assert_eq!(got[4].line, 5);
}

#[test]
fn huge_single_line_is_cut_and_streamed() {
    use std::io::Read;
    // 20 MiB without a line break, then a normal line: read through, never held whole.
    let huge = std::io::repeat(b'x')
        .take(20 << 20)
        .chain(&b"\nweb-0   1/1\n"[..]);
    let got: Vec<CapturedLine> = lines(huge).collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].text.len(), decode::MAX_LINE_BYTES);
    assert!(got[0].note.as_deref().unwrap().contains("cut"));
    assert_eq!((got[1].line, got[1].text.as_str()), (2, "web-0   1/1"));
}

fn check_invariants(got: &[CapturedLine]) -> Result<(), TestCaseError> {
    let mut last = 0;
    for l in got {
        prop_assert!(l.line >= last.max(1), "{} after {}", l.line, last);
        prop_assert!(
            l.line <= last + 1,
            "line numbers skip: {} after {}",
            l.line,
            last
        );
        last = l.line;
        let bad = l.text.contains(['\n', '\r', '\0', '\u{1b}']);
        prop_assert!(!bad, "control character left in {:?}", l.text);
    }
    Ok(())
}

fn noisy_text() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "kubectl get pods -w",
        "$ ",
        "# ",
        "\x1b[31m",
        "\x1b]0;t\x07",
        "\x1b",
        "\r",
        "\n",
        "\r\n",
        "\0",
        "\x08",
        "<br>",
        "&lt;none&gt;",
        "&#",
        "^C",
        "   ",
        "<--- x",
        "```",
        "Every 2.0s: ",
        "Fri Nov 27 12:00:03 UTC 2026",
        "[20:49:24] ",
        "é",
        "😀",
        "\t",
        "web-0   1/1   Running",
        "➜  ~ ",
        "[root@h ~]# ",
        "| grep",
        "'",
        "\"",
        "\\",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_invariants(&capture_bytes(&bytes))?;
    }

    #[test]
    fn noisy_strings_never_panic(text in noisy_text()) {
        check_invariants(&capture_bytes(text.as_bytes()))?;
    }

    #[test]
    fn noisy_strings_as_utf16_never_panic(text in noisy_text(), be in any::<bool>(), bom in any::<bool>()) {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(if be { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
        }
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        check_invariants(&capture_bytes(&bytes))?;
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,300}") {
        check_invariants(&capture_bytes(text.as_bytes()))?;
    }
}

#[test]
#[ignore = "prints a capture for eyeballing: WATCHTRAIL_DUMP=file cargo test -- --ignored dump"]
fn dump() {
    let path = std::env::var("WATCHTRAIL_DUMP").unwrap_or_default();
    let Ok(bytes) = std::fs::read(&path) else {
        return;
    };
    for l in capture_bytes(&bytes) {
        let kind = match &l.kind {
            LineKind::Command(c) => format!(
                "Command get={:?}",
                c.get.as_ref().map(|g| (&g.resource, g.watch, g.wide))
            ),
            k => format!("{k:?}"),
        };
        println!(
            "{:>4} {:<40} | {} {:?} {:?}",
            l.line,
            kind,
            l.text,
            l.time.map(|t| t.time),
            l.note
        );
    }
}

#[test]
#[ignore = "timing: WATCHTRAIL_BENCH=file cargo test --release -- --ignored bench"]
fn bench() {
    let path = std::env::var("WATCHTRAIL_BENCH").unwrap_or_default();
    let Ok(file) = std::fs::File::open(&path) else {
        return;
    };
    let start = std::time::Instant::now();
    let n = lines(file).count();
    println!("{n} lines in {:?}", start.elapsed());
}

/// Found probing capture with long lines while fuzzing it: one `^C` (or `$ ^C`) after
/// another was classified by recursion, and a 200 kB line of them overflowed the stack
/// (an abort, not a panic: `check` could not even report the experiment).
#[test]
fn a_long_line_of_interrupts_does_not_overflow_the_stack() {
    let got = capture_bytes("^C".repeat(200_000).as_bytes());
    assert_eq!(got.len(), 200_000);
    assert!(got.iter().all(|l| l.kind == LineKind::Interrupt));
    let got = capture_bytes("$ ^C".repeat(100_000).as_bytes());
    assert_eq!(got.len(), 100_000);
    assert!(got.iter().all(|l| l.kind == LineKind::Interrupt));
}
