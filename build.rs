//! Notes whether a Chromium is on PATH, so that the browser test (`tests/browser.rs`)
//! is compiled as an ignored test without one: `cargo test` then shows the skip in
//! its summary instead of passing silently. CI sets `WATCHTRAIL_REQUIRE_BROWSER=1`,
//! which makes a missing browser a failure.

/// The names Chromium goes by on PATH (Debian, Ubuntu/Fedora, Google's build).
const NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

fn main() {
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rustc-check-cfg=cfg(watchtrail_browser)");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| NAMES.iter().any(|n| dir.join(n).is_file()));
    if found {
        println!("cargo::rustc-cfg=watchtrail_browser");
    }
}
