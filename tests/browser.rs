//! A real browser opens each sample's HTML report: the DOM holds the SVG with one lane
//! per object, and a screenshot is not blank, at a narrow and a wide window.
//!
//! Needs Chromium on PATH (`chromium`, `chromium-browser` or `google-chrome`; Debian:
//! `apt-get install chromium`). Without one, `build.rs` compiles the test as ignored,
//! so the summary shows the skip; with `WATCHTRAIL_REQUIRE_BROWSER=1` (as `.ci/run`
//! sets) `a_browser_is_there_when_one_is_required` fails instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The names Chromium goes by on PATH (the same list as `build.rs`).
const NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];
use common::SAMPLES;

/// The first Chromium on PATH.
fn chromium_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

#[test]
fn a_browser_is_there_when_one_is_required() {
    let required = std::env::var("WATCHTRAIL_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if required {
        assert!(
            chromium_path().is_some(),
            "WATCHTRAIL_REQUIRE_BROWSER=1 but no {NAMES:?} on PATH: apt-get install -y chromium"
        );
        let built_with_browser = cfg!(watchtrail_browser);
        assert!(
            built_with_browser,
            "a browser is on PATH now but was not when the tests were built: rebuild them"
        );
    }
}

/// Runs chromium headless on `page` with `extra` flags; returns stdout.
fn chromium(profile: &Path, page: &Path, extra: &[String]) -> String {
    let mut cmd = Command::new(chromium_path().expect("chromium on PATH"));
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("chromium output");
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write_report(dir: &Path, name: &str) -> (PathBuf, usize) {
    let a = common::analysis_of(&[format!("samples/{name}").into()]);
    let mut page = Vec::new();
    watchtrail::output::html::write(&mut page, &a).expect("html");
    let path = dir.join(format!("{name}.html"));
    std::fs::write(&path, page).expect("write the page");
    (path, a.timelines.objects.len())
}

/// Whether an RGB(A) screenshot has at least two different pixels.
fn not_blank(png_path: &Path) -> bool {
    let file = std::fs::File::open(png_path).expect("screenshot written");
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("PNG size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let px = info.color_type.samples()
        * if info.bit_depth == png::BitDepth::Sixteen {
            2
        } else {
            1
        };
    let data = &buf[..info.buffer_size()];
    let first = &data[..px];
    data.chunks(px).any(|p| p != first)
}

#[test]
#[cfg_attr(
    not(watchtrail_browser),
    ignore = "no chromium on PATH (apt-get install chromium)"
)]
fn each_report_opens_in_a_real_browser_with_one_lane_per_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile");
    for name in SAMPLES {
        let (page, objects) = write_report(dir.path(), name);
        let dom = chromium(&profile, &page, &["--dump-dom".into()]);
        assert!(
            dom.contains("<svg") && dom.contains("watchtrail-timeline"),
            "{name}: the DOM has the SVG timeline"
        );
        let lanes = dom.matches("class=\"lane\"").count();
        assert_eq!(lanes, objects, "{name}: one lane per object in the DOM");
        for width in [800, 1600] {
            let file = format!("{name}-{width}.png");
            let shot = dir.path().join(&file);
            chromium(
                &profile,
                &page,
                &[
                    format!("--screenshot={}", shot.display()),
                    format!("--window-size={width},1000"),
                    "--hide-scrollbars".into(),
                ],
            );
            assert!(not_blank(&shot), "{name}: the screenshot is not blank");
            if let Ok(keep) = std::env::var("WATCHTRAIL_KEEP_SCREENSHOTS") {
                let _ = std::fs::copy(&shot, Path::new(&keep).join(&file));
            }
        }
    }
}
