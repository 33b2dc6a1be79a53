//! The pictures and reports: SVG snapshots of every sample, well-formed SVG and HTML,
//! hostile names escaped, and the `render`/`report` commands end to end.

mod common;

use std::path::Path;

use watchtrail::analysis::Analysis;
use watchtrail::output::{html, svg};

use common::{watchtrail, SAMPLES};

fn analysis(paths: &[String]) -> Analysis {
    let paths: Vec<std::path::PathBuf> = paths.iter().map(Into::into).collect();
    common::analysis_of(&paths)
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

/// The lane of `object` in a parsed picture.
fn lane<'a>(doc: &'a roxmltree::Document, object: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| {
            n.attribute("class") == Some("lane") && n.attribute("data-object") == Some(object)
        })
        .unwrap_or_else(|| panic!("no lane {object}"))
}

fn num(n: roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr).unwrap().parse().unwrap()
}

/// Issue 17.2: the time axis is focused on the incidents: the long stretch before the
/// capture (post-migration's watch began 26 minutes after t = 0) and the quiet
/// minutes before a failure are compressed, and marked as such.
#[test]
fn quiet_and_pre_capture_stretches_are_compressed_and_marked() {
    let picture = svg::render(&sample("post-migration"));
    let doc = parse_xml(&picture);
    let breaks: Vec<String> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("break"))
        .map(|n| n.descendants().filter_map(|t| t.text()).collect())
        .collect();
    assert!(
        breaks.iter().any(|b| b.contains("before the capture")),
        "{breaks:?}"
    );
    let picture = svg::render(&sample("in-place"));
    assert!(
        picture.contains("quiet</text>"),
        "in-place has a quiet stretch"
    );
    // The incident gets the width: F to N spans more than a third of the 710 px plot.
    let doc = parse_xml(&picture);
    let band = |tag: &str| {
        let g = doc
            .descendants()
            .find(|n| n.attribute("data-phase") == Some(tag))
            .unwrap();
        g.descendants()
            .find(|n| n.has_tag_name("rect") || n.has_tag_name("line"))
            .map(|n| {
                n.attribute("x")
                    .or(n.attribute("x1"))
                    .unwrap()
                    .parse::<f64>()
                    .unwrap()
            })
            .unwrap()
    };
    assert!(
        band("N") - band("F") > 710.0 / 3.0,
        "F at {}, N at {}",
        band("F"),
        band("N")
    );
}

/// Overlapping phase bands stay apart: each phase has its own colour, shared by its
/// band, its label and the leader line from the label to the band.
#[test]
fn each_phase_band_has_its_colour_and_its_label_tied_to_it() {
    let picture = svg::render(&sample("post-migration"));
    let doc = parse_xml(&picture);
    let mut colours = Vec::new();
    for g in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("phase"))
    {
        let band = g
            .children()
            .find(|n| n.has_tag_name("rect") || n.has_tag_name("line"))
            .expect("a band");
        let colour = band.attribute("stroke").unwrap();
        let leader = g
            .children()
            .find(|n| n.has_tag_name("path"))
            .expect("a leader line");
        let label = g
            .children()
            .find(|n| n.has_tag_name("text"))
            .expect("a label");
        assert_eq!(leader.attribute("stroke"), Some(colour));
        assert_eq!(label.attribute("fill"), Some(colour));
        colours.push(colour.to_string());
    }
    assert_eq!(colours.len(), 4, "F, E, R and N");
    colours.sort();
    colours.dedup();
    assert_eq!(colours.len(), 4, "four different colours");
}

/// Workload lanes show availability (n/m ready), never the node NotReady colour.
#[test]
fn workload_lanes_are_coloured_by_availability() {
    let picture = svg::render(&sample("in-place"));
    let doc = parse_xml(&picture);
    let deployment = lane(&doc, "nginx-deployment");
    let states: Vec<&str> = deployment
        .descendants()
        .filter_map(|n| n.attribute("data-state"))
        .collect();
    assert!(
        states.contains(&"workload m/m ready") && states.contains(&"none ready"),
        "{states:?}"
    );
    assert!(deployment
        .descendants()
        .all(|n| n.attribute("fill") != Some("#D55E00")));
    let text: String = deployment.descendants().filter_map(|n| n.text()).collect();
    assert!(
        text.contains("1/1 ready") && text.contains("0/1 ready"),
        "{text}"
    );
}

/// A node that did not fail stays Ready, solid, until its watch ended; before this it
/// stopped at the failure with nothing solid at all.
#[test]
fn a_node_that_did_not_fail_is_drawn_solid_until_its_stream_ends() {
    let picture = svg::render(&sample("in-place"));
    let doc = parse_xml(&picture);
    let ubuntuc = lane(&doc, "ubuntuc");
    let solid: f64 = ubuntuc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.attribute("fill") == Some("#0072B2")
                && n.attribute("fill-opacity").is_none()
        })
        .map(|n| num(n, "width"))
        .sum();
    assert!(solid > 60.0, "solid Ready: {solid} px");
    assert!(
        ubuntuc
            .descendants()
            .any(|n| n.attribute("class") == Some("tail")),
        "a thin tail to the end of the capture"
    );
}

/// The picture scales with the window (a viewBox, and the page lets it shrink), and a
/// long title wraps instead of running off the picture.
#[test]
fn the_picture_follows_the_window_and_titles_are_never_clipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = dir
        .path()
        .join("an-experiment-with-a-very-long-name-".repeat(5));
    std::fs::create_dir(&long).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::copy(Path::new("samples/in-place").join(f), long.join(f)).unwrap();
    }
    let a = analysis(&[long.to_string_lossy().into_owned()]);
    let picture = svg::render(&a);
    let doc = parse_xml(&picture);
    let root = doc.root_element();
    let width = num(root, "width");
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {width:.1} {}", root.attribute("height").unwrap()).as_str())
    );
    let titles: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("title"))
        .collect();
    assert!(titles.len() >= 3, "the long first line wraps");
    for t in titles {
        let size = num(t, "font-size");
        let chars = t.text().unwrap().chars().count() as f64;
        // DejaVu Sans Bold averages under 0.62 em a character.
        assert!(num(t, "x") + chars * size * 0.62 <= width, "{:?}", t.text());
    }
    let page = html_of(&a);
    assert!(page.contains("figure svg { display: block; width: 100%; height: auto; }"));
}

/// Regression: a last state that began after its stream's certain end once drew a
/// thin tail of negative width.
#[test]
fn no_shape_in_any_sample_picture_has_a_negative_size() {
    for name in SAMPLES {
        let picture = svg::render(&sample(name));
        let doc = parse_xml(&picture);
        for n in doc.descendants().filter(|n| n.has_tag_name("rect")) {
            for attr in ["width", "height"] {
                if let Some(v) = n.attribute(attr).and_then(|v| v.parse::<f64>().ok()) {
                    assert!(v >= 0.0, "{name}: {attr}={v} in {n:?}");
                }
            }
        }
    }
}
