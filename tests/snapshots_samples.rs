//! Per-sample snapshots of what a person sees: `parse --format table`, `timeline` and
//! `analyze` text for each real sample (insta; review with `cargo insta review`).

use assert_cmd::Command;

const SAMPLES: &[&str] = &[
    "no-failure",
    "ongoing",
    "in-place",
    "post-migration",
    "mid-migration",
];

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("watchtrail")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sample_views() {
    for s in SAMPLES {
        let dir = format!("samples/{s}");
        insta::assert_snapshot!(
            format!("{s}__parse"),
            run(&["parse", "--format", "table", &dir])
        );
        insta::assert_snapshot!(format!("{s}__timeline"), run(&["timeline", &dir]));
        insta::assert_snapshot!(format!("{s}__analyze"), run(&["analyze", &dir]));
    }
}
