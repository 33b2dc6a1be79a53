//! The pictures and reports: SVG snapshots of every sample, well-formed SVG and HTML,
//! hostile names escaped, and the `render`/`report` commands end to end.

use std::path::Path;

use watchtrail::analysis::Analysis;
use watchtrail::cli::{InputArgs, LinkArgs};
use watchtrail::output::{html, svg};

const SAMPLES: [&str; 5] = [
    "in-place",
    "post-migration",
    "mid-migration",
    "ongoing",
    "no-failure",
];

fn analysis(paths: &[String]) -> Analysis {
    let input = InputArgs {
        paths: paths.iter().map(Into::into).collect(),
        verbose: false,
    };
    watchtrail::app::analyze_paths(&input, &LinkArgs::default()).expect("sample analyses")
}

fn sample(name: &str) -> Analysis {
    analysis(&[format!("samples/{name}")])
}

fn html_of(a: &Analysis) -> String {
    let mut out = Vec::new();
    html::write(&mut out, a).expect("writing to a Vec");
    String::from_utf8(out).expect("HTML is UTF-8")
}

fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opt)
        .unwrap_or_else(|e| panic!("not well-formed: {e}\n{text}"))
}

fn lanes(doc: &roxmltree::Document) -> usize {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("lane"))
        .count()
}

#[test]
fn every_sample_renders_the_same_svg_as_its_snapshot() {
    for name in SAMPLES {
        let picture = svg::render(&sample(name));
        insta::assert_snapshot!(format!("svg-{name}"), picture);
    }
}

#[test]
fn svg_and_html_parse_as_xml_with_one_lane_per_object() {
    for name in SAMPLES {
        let a = sample(name);
        let picture = svg::render(&a);
        let doc = parse_xml(&picture);
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
        assert_eq!(lanes(&doc), a.timelines.objects.len(), "{name}");
        let page = html_of(&a);
        let doc = parse_xml(&page);
        assert_eq!(lanes(&doc), a.timelines.objects.len(), "{name}");
        assert!(
            !page.contains("<script") && !page.contains("http://fonts"),
            "{name}: the page must fetch and run nothing"
        );
    }
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let a = sample("post-migration");
    assert_eq!(svg::render(&a), svg::render(&a));
    assert_eq!(html_of(&a), html_of(&a));
}

/// A pods transcript whose names carry markup (kubectl names cannot, a hostile file
/// can). A NAME cell is one token not starting with `<` (a `<none>`-like cell), so the
/// payloads ride on a prefix; `<svg/onload=x>` is the space-free form of the same attack.
/// The lines that do not fit the table (a bare `<script>` name, a name with spaces) are
/// skipped, and their text reaches the report's input account: escaped there too.
fn hostile_transcript(dir: &Path) -> String {
    let path = dir.join("pods.log");
    let text = "\
NAME                                 READY   STATUS    RESTARTS   AGE   IP          NODE    NOMINATED NODE   READINESS GATES
web-<script>alert(1)</script>        1/1     Running   0          10s   10.1.0.1    node1   <none>           <none>
web-\"><svg/onload=x>                 1/1     Running   0          12s   10.1.0.2    node1   <none>           <none>
<script>alert(1)</script>            1/1     Running   0          12s   10.1.0.3    node1   <none>           <none>
\"><svg onload=x>                    1/1     Running   0          12s   10.1.0.4    node1   <none>           <none>
web-<script>alert(1)</script>        0/1     Terminating   0      5m    10.1.0.1    node1   <none>           <none>
";
    std::fs::write(&path, text).expect("write the transcript");
    path.to_string_lossy().into_owned()
}

#[test]
fn markup_in_object_names_is_escaped_in_svg_and_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = analysis(&[hostile_transcript(dir.path())]);
    let names: Vec<&str> = a
        .timelines
        .objects
        .iter()
        .map(|o| o.key.name.as_str())
        .collect();
    // The capture stage strips HTML tags from web pastes, so only the tail of each
    // payload reaches the names (`script>`, `onload=x>`); the renderers must escape
    // whatever does, and the skipped lines' raw text in the input account.
    assert!(
        names.iter().filter(|n| n.contains('>')).count() >= 2,
        "markup characters reach the timeline: {names:?}"
    );
    for (what, text) in [("svg", svg::render(&a)), ("html", html_of(&a))] {
        assert!(!text.contains("<script"), "{what}: raw <script> survived");
        assert!(
            !text.contains("<svg onload"),
            "{what}: raw <svg onload> survived"
        );
        assert!(
            !text.contains("<svg/onload"),
            "{what}: raw <svg/onload> survived"
        );
        assert!(
            text.contains("script&gt;"),
            "{what}: the name is shown escaped"
        );
        let doc = parse_xml(&text);
        let svgs = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "svg")
            .count();
        assert_eq!(svgs, 1, "{what}: exactly one svg element");
        assert!(
            doc.descendants().all(|n| n.tag_name().name() != "script"
                && n.attributes().all(|a| !a.name().starts_with("on"))),
            "{what}: no script element, no event-handler attribute"
        );
    }
}

fn watchtrail() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("watchtrail").expect("the binary is built")
}

#[test]
fn render_writes_the_svg_to_a_file_or_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.svg");
    watchtrail()
        .args(["render", "samples/in-place", "-o"])
        .arg(&file)
        .assert()
        .success();
    let written = std::fs::read_to_string(&file).expect("svg written");
    let out = watchtrail()
        .args(["render", "samples/in-place", "-o", "-"])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), written);
    assert_eq!(written, svg::render(&sample("in-place")));
}

#[test]
fn report_picks_its_format_from_the_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for f in ["r.html", "r.json", "notes.md"] {
        watchtrail()
            .args(["report", "samples/post-migration", "-o"])
            .arg(d.join(f))
            .assert()
            .success();
    }
    let page = std::fs::read_to_string(d.join("r.html")).expect("html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("r.json")).expect("json"))
            .expect("valid JSON");
    assert_eq!(json["schema"], "watchtrail/analysis/v1");
    assert_eq!(json["scenario"], "post-migration");
    let md = std::fs::read_to_string(d.join("notes.md")).expect("md");
    assert!(md.contains("![timeline](notes.svg)"), "{md}");
    assert!(
        d.join("notes.svg").exists(),
        "the picture is written beside it"
    );
    watchtrail()
        .args(["report", "samples/in-place", "-o"])
        .arg(d.join("r.txt"))
        .assert()
        .code(2);
    watchtrail()
        .args(["report", "samples/in-place", "--format", "json", "-o", "-"])
        .assert()
        .success();
}
