//! Hostile inputs through the command line, part two: names that carry escapes or
//! markup, directory trees, unreadable and special files, damaged archives and empty
//! inputs (see `tests/hostile.rs` for the rules every input must keep).

mod common;
mod hostile_support;

#[allow(unused_imports)]
use common::sample;
#[allow(unused_imports)]
use hostile_support::*;

#[test]
fn terminal_escapes_in_names_never_reach_the_terminal_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let exp = d.join("exp");
    std::fs::create_dir(&exp).unwrap();
    let header = "NAME                               READY   STATUS    RESTARTS   AGE   IP             NODE      NOMINATED NODE   READINESS GATES\n";
    let names: [&[u8]; 8] = [
        b"web-\x1b[31mred\x1b[0m-1",
        b"web-\x1b]52;c;ZWNobyBwd25lZA==\x07-2",
        b"web-\x1b]0;pwned\x07-3",
        b"web-\xc2\x9b2J-4",
        b"web-\x9b2J-5",
        b"web-\x1bP1$qm\x1b\\-6",
        b"web-\x07-7",
        b"web-\x1b[2J\x1b[H-8",
    ];
    let mut text = header.as_bytes().to_vec();
    for (i, n) in names.iter().enumerate() {
        text.extend_from_slice(n);
        text.extend_from_slice(
            format!("   1/1     Running   0          {}s   10.1.209.13{i}   ubuntub   <none>           <none>\n", 10 + i)
                .as_bytes(),
        );
    }
    std::fs::write(exp.join("pods.log"), &text).unwrap();
    // The file name too: it is printed in messages, evidence and accounts.
    std::fs::write(
        exp.join("nodes\x1b]0;pwned\x07\u{9b}31m.log"),
        sample("in-place/nodes.log"),
    )
    .unwrap();

    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("analyze text", vec!["analyze", "-v", "exp"]),
        (
            "analyze json",
            vec!["analyze", "-v", "--format", "json", "exp"],
        ),
        (
            "analyze markdown",
            vec!["analyze", "-v", "--format", "markdown", "exp"],
        ),
        ("parse jsonl", vec!["parse", "-v", "exp"]),
        (
            "parse table",
            vec!["parse", "-v", "--format", "table", "exp"],
        ),
        ("timeline text", vec!["timeline", "-v", "exp"]),
        (
            "timeline json",
            vec!["timeline", "-v", "--format", "json", "exp"],
        ),
        ("render", vec!["render", "exp", "-o", "-"]),
        (
            "report html",
            vec!["report", "exp", "-o", "-", "--format", "html"],
        ),
        (
            "report markdown",
            vec!["report", "exp", "-o", "-", "--format", "markdown"],
        ),
        (
            "report json",
            vec!["report", "exp", "-o", "-", "--format", "json"],
        ),
        ("check", vec!["check", "exp"]),
    ];
    for (what, args) in runs {
        let r = run(d, &args);
        assert!(matches!(r.code, Some(0 | 1)), "{what}: {}", r.err());
        assert_no_terminal_controls(&format!("{what} stdout"), &r.stdout);
        assert_no_terminal_controls(&format!("{what} stderr"), &r.stderr);
        if what.ends_with("json") || what == "parse jsonl" {
            // The file name is in the JSON, escaped.
            assert!(r.out().contains(r"\u001b]0;pwned\u0007\u009b31m"), "{what}");
        }
    }
    let (obs, _) = run(d, &["parse", "exp/pods.log"]).parsed();
    assert_eq!(obs.len(), 8, "every row with an escape is still read");

    // A directory name with escapes, through check's text, JSON and JUnit.
    let evil = d.join("run\x1b[2J\u{9b}0m");
    std::fs::create_dir(&evil).unwrap();
    std::fs::write(evil.join("pods.log"), sample("in-place/pods.log")).unwrap();
    let r = run(d, &["check", ".", "--json", "c.json", "--junit", "j.xml"]);
    assert_no_terminal_controls("check stdout", &r.stdout);
    assert_no_terminal_controls("check.json", &std::fs::read(d.join("c.json")).unwrap());
    assert_no_terminal_controls("junit", &std::fs::read(d.join("j.xml")).unwrap());
}

// 9. Markup in names.

#[test]
fn markup_in_names_is_escaped_in_svg_html_markdown_and_junit() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // tests/render.rs checks the renderers on markup in object names; here the same
    // through the command line, and in a directory name (the experiment's name).
    let exp = d.join("<script>&\"x']]>");
    std::fs::create_dir(&exp).unwrap();
    let text = "\
NAME                                 READY   STATUS    RESTARTS   AGE   IP          NODE    NOMINATED NODE   READINESS GATES
web-<script>alert(1)</script>        1/1     Running   0          10s   10.1.0.1    node1   <none>           <none>
web-\"><svg/onload=x>                 1/1     Running   0          12s   10.1.0.2    node1   <none>           <none>
web-x]]>y&amp;z                      1/1     Running   0          12s   10.1.0.5    node1   <none>           <none>
<script>alert(1)</script>            1/1     Running   0          12s   10.1.0.3    node1   <none>           <none>
</svg><svg onload=alert(1)>          1/1     Running   0          12s   10.1.0.4    node1   <none>           <none>
";
    std::fs::write(exp.join("pods.log"), text).unwrap();
    let e = path_str(&exp);
    let html = path_str(&d.join("r.html"));
    let svg = path_str(&d.join("r.svg"));
    let md = path_str(&d.join("r.md"));
    run(d, &["render", &e, "-o", &svg]).expect_code(0);
    run(d, &["report", &e, "-o", &html]).expect_code(0);
    run(d, &["report", &e, "-o", &md]).expect_code(0);
    let r = run(
        d,
        &[
            "check", &e, "--junit", "j.xml", "--report", "c.html", "--json", "c.json",
        ],
    );
    assert!(matches!(r.code, Some(0 | 1)));
    for (what, file, xml) in [
        ("svg", "r.svg", true),
        ("html", "r.html", true),
        ("markdown's svg", "r.svg", true),
        ("junit", "j.xml", true),
        ("check html", "c.html", false),
        ("markdown", "r.md", false),
    ] {
        let body = std::fs::read_to_string(d.join(file)).unwrap();
        let lower = body.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{what}: raw <script>");
        assert!(!lower.contains("<svg onload") && !lower.contains("<svg/onload"));
        if xml {
            parse_xml(what, &body);
        }
        if what == "svg" {
            assert_eq!(body.matches("</svg>").count(), 1, "{what}: one closing tag");
        }
    }
    let page = std::fs::read_to_string(d.join("r.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;&amp;&quot;x&#39;]]&gt;"),
        "the experiment's name, escaped"
    );
    assert!(
        page.contains("&lt;/svg&gt;&lt;svg onload=alert(1)&gt;"),
        "a skipped line, escaped in the input account"
    );
    let junit = std::fs::read_to_string(d.join("j.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some(e.as_str()));
}

// 10. Deeply nested directories.

#[test]
fn deeply_nested_directories_are_found_by_check_and_refused_by_analyze() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut deep = d.join("top");
    for _ in 0..200 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("pods.log"), sample("in-place/pods.log")).unwrap();

    // analyze takes one experiment: a tree is refused, naming it and saying what to use.
    run(d, &["analyze", "top"])
        .expect_code(2)
        .expect_err("watchtrail: top: directory holds no transcript files, only 1 subdirectory")
        .expect_err("watchtrail check");
    let bottom = path_str(&deep);
    run(d, &["analyze", &bottom]).expect_code(0);
    // check walks the tree (iteratively: depth cannot exhaust the stack).
    run(d, &["check", "top", "--expect", "in-place"])
        .expect_code(0)
        .expect_out("1 experiments: 1 pass");

    // Deeper than a path can name (PATH_MAX is 4096 bytes): made level by level with
    // `cd`, a transcript at the bottom. check names the path it cannot reach.
    #[cfg(unix)]
    {
        let script = "cd far && i=0 && while [ $i -lt 2500 ]; do mkdir d && cd -P d || exit 1; \
                      i=$((i+1)); done && cat > pods.log";
        std::fs::create_dir(d.join("far")).unwrap();
        let mut sh = StdCommand::new("sh")
            .args(["-c", script])
            .current_dir(d)
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        sh.stdin
            .take()
            .unwrap()
            .write_all(&sample("in-place/pods.log"))
            .unwrap();
        assert!(sh.wait().unwrap().success(), "made 2,500 levels");
        run(d, &["check", "far"])
            .expect_code(1)
            .expect_out(": File name too long");
    }
}

// 11. Symlink loops.

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang_and_are_named() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let exp = in_place_copy(d, "exp");
    symlink("..", exp.join("up")).unwrap();
    symlink(".", exp.join("here")).unwrap();
    symlink("self.log", exp.join("self.log")).unwrap();
    symlink("a.log", exp.join("b.log")).unwrap();
    symlink("b.log", exp.join("a.log")).unwrap();

    // analyze: the result from the readable files, the loops named, exit 2 (unreadable).
    let r = run(d, &["analyze", "--format", "json", "exp"]);
    r.expect_code(2)
        .expect_err("watchtrail: exp/self.log: cannot read: ")
        .expect_err("watchtrail: exp/a.log: cannot read: ")
        .expect_err("watchtrail: exp/b.log: cannot read: ");
    let a = r.json();
    assert_eq!(a["scenario"], "in-place");
    assert!(a["warnings"]
        .to_string()
        .contains("exp/self.log: cannot read"));
    // The directory link is not followed by analyze (one experiment is one directory).
    run(d, &["analyze", "-v", "exp"])
        .expect_err("exp/up: ignored: a directory inside the experiment");

    // check follows directory links inside the tree once and names the loop; a link
    // out of the tree it was given is not followed, and said.
    let r = run(d, &["check", "exp", "--expect", "in-place"]);
    r.expect_code(1)
        .expect_out("exp/here: symlink loop: directory already visited")
        .expect_out("exp/up: symlink out of the tree given")
        .expect_out("exp/self.log: symlink loop")
        .expect_out("PASS         exp");
}

// 12. Unreadable files.

#[test]
fn an_unreadable_input_is_named_and_the_others_are_still_analysed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let exp = in_place_copy(d, "exp");

    // A path that does not exist, beside readable ones: grep's convention — the
    // result from the others on stdout, the failure named on stderr, exit 2.
    let r = run(
        d,
        &[
            "analyze",
            "--format",
            "json",
            "exp/pods.log",
            "exp/nodes.log",
            "missing.log",
        ],
    );
    r.expect_code(2)
        .expect_err("watchtrail: missing.log: cannot read: No such file or directory");
    let a = r.json();
    assert_eq!(a["inputs"].as_array().unwrap().len(), 3);
    assert!(a["incidents"].as_array().unwrap().len() == 1, "{a}");
    let r = run(d, &["parse", "exp/pods.log", "missing.log"]);
    r.expect_code(2).expect_err("missing.log: cannot read");
    let (obs, acc) = r.parsed();
    assert_eq!(obs.len(), 6);
    assert!(acc[1]["error"].as_str().unwrap().contains("cannot read"));
    // Alone, it is still the usage error it always was.
    run(d, &["analyze", "missing.log"])
        .expect_code(2)
        .expect_err("watchtrail: missing.log: No such file or directory");
    // A directory with no transcripts beside a readable file: named, the rest analysed.
    std::fs::create_dir(d.join("empty")).unwrap();
    run(d, &["analyze", "exp", "empty"])
        .expect_code(2)
        .expect_err("watchtrail: empty: cannot read: directory holds no transcript files")
        .expect_out("in-place");

    // A transcript in the directory without read permission.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = exp.join("deployments.log");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::File::open(&locked).is_ok() {
            eprintln!(
                "NOTE: running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop \
                 reads, the permission case is not checked here (the symlink-loop and \
                 missing-file cases cover the same path through the code)"
            );
        } else {
            let r = run(d, &["analyze", "exp"]);
            r.expect_code(2)
                .expect_err("watchtrail: exp/deployments.log: cannot read: Permission denied")
                .expect_out("in-place");
            run(d, &["check", "exp"])
                .expect_code(1)
                .expect_out("exp/deployments.log: Permission denied");
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_do_not_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let exp = in_place_copy(d, "exp");
    let fifo = exp.join("events.log");
    let made = StdCommand::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("NOTE: mkfifo not available: FIFO case skipped");
        return;
    }
    // In a directory, a FIFO is never opened (that would wait for a writer): named.
    run(d, &["analyze", "exp"])
        .expect_code(0)
        .expect_err("watchtrail: warning: exp/events.log: ignored: not a regular file");
    run(d, &["check", "exp"]).expect_out("exp/events.log: not a regular file");
    // Named on the command line, a FIFO is read as a stream (like `<(zcat x.gz)`).
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            std::fs::write(fifo, sample("in-place/pods.log")).unwrap();
        })
    };
    let r = run(d, &["parse", "exp/events.log"]);
    writer.join().unwrap();
    r.expect_code(0);
    assert_eq!(r.parsed().0.len(), 6);
    // /dev/null: an empty input.
    let r = run(d, &["parse", "/dev/null"]);
    r.expect_code(0);
    assert_eq!(r.parsed().1[0]["lines"], 0);
    run(d, &["analyze", "/dev/null"])
        .expect_code(2)
        .expect_err("no kubectl table rows found in /dev/null");
}

// 13. A truncated gzip.

#[test]
fn a_truncated_gzip_keeps_its_complete_rows_and_names_the_file() {
    use flate2::write::GzEncoder;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let pods = sample("in-place/pods.log");
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..300 {
        enc.write_all(&pods).unwrap();
    }
    let gz = enc.finish().unwrap();
    let cut = &gz[..gz.len() / 2];
    std::fs::write(d.join("pods.log.gz"), cut).unwrap();
    // What a reader gets before the error: the complete lines are rows or headers.
    let mut plain = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(cut).read_to_end(&mut plain);
    let complete = plain.iter().filter(|&&b| b == b'\n').count();
    let ends_mid_line = plain.last() != Some(&b'\n');
    assert!(complete > 100 && ends_mid_line, "a cut inside a line");

    let r = run(d, &["parse", "-v", "pods.log.gz"]);
    r.expect_code(2)
        .expect_err("watchtrail: pods.log.gz: read error after line ")
        .expect_err(&format!(
            "pods.log.gz:{}: skipped: cut short by the read error",
            complete + 1
        ));
    let (obs, acc) = r.parsed();
    let headers = plain
        .split(|&b| b == b'\n')
        .take(complete)
        .filter(|l| l.starts_with(b"NAME"))
        .count();
    assert_eq!(
        obs.len(),
        complete - headers,
        "every complete row, and only those"
    );
    assert_eq!(acc[0]["lines"], complete as u64 + 1);
    // Each row is a row of the sample, not a cut one.
    let lines: Vec<&str> = std::str::from_utf8(&pods).unwrap().lines().collect();
    for o in &obs {
        let age = o["age"]["text"].as_str().unwrap();
        assert!(lines.iter().any(|l| l.contains(&format!(" {age} "))), "{o}");
    }
    run(d, &["analyze", "pods.log.gz"])
        .expect_code(2)
        .expect_out("in-place")
        .expect_err("watchtrail: pods.log.gz: read error");

    // Inside a directory given to check: that experiment fails, naming the file.
    let exp = in_place_copy(d, "exp");
    std::fs::remove_file(exp.join("pods.log")).unwrap();
    std::fs::write(exp.join("pods.log.gz"), cut).unwrap();
    run(d, &["check", "exp"])
        .expect_code(1)
        .expect_out("exp/pods.log.gz: read error after line");
}

// 14. Tar entries that leave the archive, and links.

fn raw_header(name: &str, size: u64, kind: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(kind);
    h.set_cksum();
    h
}

#[test]
fn tar_entries_with_dotdot_absolute_or_link_names_are_refused_and_the_rest_read() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("work");
    std::fs::create_dir(&d).unwrap();
    let path = d.join("evil.tar");
    let pods = sample("in-place/pods.log");
    let mut tar = tar::Builder::new(std::fs::File::create(&path).unwrap());
    let file = tar::EntryType::Regular;
    for name in [
        "../evil.log",
        "/tmp/abs-evil.log",
        "exp/../../up.log",
        "exp2/..",
        "../exp/pods.log",
    ] {
        tar.append(&raw_header(name, pods.len() as u64, file), &pods[..])
            .unwrap();
    }
    tar.append(
        &raw_header("exp/pods.log", pods.len() as u64, file),
        &pods[..],
    )
    .unwrap();
    let mut link = raw_header("exp/nodes.log", 0, tar::EntryType::Symlink);
    link.set_link_name("/etc/passwd").unwrap();
    link.set_cksum();
    tar.append(&link, &[][..]).unwrap();
    let mut hard = raw_header("exp/deployments.log", 0, tar::EntryType::Link);
    hard.set_link_name("../../etc/shadow").unwrap();
    hard.set_cksum();
    tar.append(&hard, &[][..]).unwrap();
    tar.finish().unwrap();

    let r = run(
        &d,
        &[
            "check", "evil.tar", "--expect", "in-place", "--junit", "j.xml",
        ],
    );
    r.expect_code(1);
    for bad in [
        "../evil.log",
        "/tmp/abs-evil.log",
        "exp/../../up.log",
        "exp2/..",
        "../exp/pods.log",
    ] {
        r.expect_out(&format!(
            "PROBLEM      evil.tar:{bad}: entry refused: its name leaves the archive"
        ));
    }
    r.expect_out("evil.tar:exp/nodes.log: Symlink entry skipped")
        .expect_out(
            "evil.tar:exp/deployments.log: hard link to `../../etc/shadow` refused: \
             its target leaves the archive",
        )
        .expect_out("PASS         evil.tar:exp  in-place");
    // Nothing was written anywhere.
    for p in ["evil.log", "up.log", "exp"] {
        assert!(!tmp.path().join(p).exists() && !d.join(p).exists(), "{p}");
    }
    assert!(!Path::new("/tmp/abs-evil.log").exists());
    // The refusals are errors in JUnit too: a CI page does not show all green.
    let junit = std::fs::read_to_string(d.join("j.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let problems = doc
        .descendants()
        .filter(|n| n.attribute("classname") == Some("watchtrail.problem"))
        .count();
    assert_eq!(problems, 6, "{junit}");
}

// 15. Empty, blank and header-only files.

#[test]
fn empty_blank_and_header_only_files_are_accounted_and_refused_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let header = "NAME                               READY   STATUS    RESTARTS   AGE   IP             NODE      NOMINATED NODE   READINESS GATES\n";
    std::fs::write(d.join("empty.log"), "").unwrap();
    std::fs::write(d.join("blank.log"), " \n\t\n   \r\n\n  ").unwrap();
    std::fs::write(d.join("header.log"), header).unwrap();
    for (f, lines, blank, headers) in [
        ("empty.log", 0, 0, 0),
        ("blank.log", 5, 5, 0),
        ("header.log", 1, 0, 1),
    ] {
        let r = run(d, &["parse", "-v", f]);
        r.expect_code(0)
            .expect_err(&format!("{f}: {lines} lines: 0 rows"));
        let (obs, acc) = r.parsed();
        assert!(obs.is_empty());
        assert_eq!(
            (&acc[0]["lines"], &acc[0]["blank"], &acc[0]["headers"]),
            (
                &Value::from(lines),
                &Value::from(blank),
                &Value::from(headers)
            ),
            "{f}: {}",
            acc[0]
        );
        for cmd in ["analyze", "timeline"] {
            run(d, &[cmd, f]).expect_code(2).expect_err(&format!(
                "nothing to analyse: no kubectl table rows found in {f}"
            ));
        }
        run(d, &["check", f])
            .expect_code(1)
            .expect_out("no table rows found in any transcript");
    }
    // Beside real transcripts they are named in the warnings and change nothing.
    let exp = in_place_copy(d, "exp");
    for f in ["empty.log", "blank.log", "header.log"] {
        std::fs::copy(d.join(f), exp.join(f)).unwrap();
    }
    let r = run(d, &["analyze", "--format", "json", "exp"]);
    r.expect_code(0);
    let a = r.json();
    assert_eq!(a["scenario"], "in-place");
    let warnings = a["warnings"].to_string();
    for f in ["empty.log", "blank.log", "header.log"] {
        assert!(
            warnings.contains(&format!("exp/{f}: no table rows found")),
            "{warnings}"
        );
    }
}

// Standard input: damage is named `-:line`.

#[test]
fn stdin_is_named_dash_in_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = sample("in-place/pods.log");
    bytes.extend_from_slice(b"\x00\x00garbage \xff row\n");
    let r = run_in(tmp.path(), &["parse", "-v", "-"], Some(bytes));
    r.expect_code(0)
        .expect_err("-:8: note: 2 NUL byte(s) removed; 1 invalid byte sequence(s)")
        .expect_err("-:8: skipped: ");
    let lines = BufReader::new(&r.stdout[..]).lines().count();
    assert_eq!(lines, 7);
}
