//! Per-sample snapshots of what a person sees: `parse --format table`, `timeline` and
//! `analyze` text for each real sample (insta; review with `cargo insta review`).

mod common;

use common::{stdout_of as run, SAMPLES};

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
