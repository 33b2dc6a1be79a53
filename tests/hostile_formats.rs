//! Hostile inputs of another kind: files in formats that are not text, tar archives,
//! and file names that are not UTF-8. Each is named with what it is and what to do, the other inputs
//! are still analysed (exit 2 for the partial result), and nothing panics.

mod common;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

fn sample(rel: &str) -> PathBuf {
    common::samples().join(rel)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Runs the binary (a minute at most).
fn run(args: &[&OsStr]) -> Output {
    common::watchtrail()
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

/// Runs `analyze` on `bad` beside a good pods transcript.
fn analyze_beside_good(bad: &Path) -> (Option<i32>, String, String) {
    let out = run(&[
        OsStr::new("analyze"),
        bad.as_os_str(),
        sample("in-place/pods.log").as_os_str(),
    ]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn compressed_and_archive_formats_are_named_not_read_as_junk() {
    let dir = tempfile::tempdir().unwrap();
    let pods = std::fs::read(sample("in-place/pods.log")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "pods.log.xz",
            [&b"\xFD7zXZ\x00\x00\x04"[..], &pods].concat(),
            "xz-compressed",
        ),
        (
            "pods.log.bz2",
            [&b"BZh91AY&SY"[..], &pods].concat(),
            "bzip2-compressed",
        ),
        (
            "pods.log.zst",
            [&b"\x28\xB5\x2F\xFD"[..], &pods].concat(),
            "zstd-compressed",
        ),
        (
            "pods.zip",
            [&b"PK\x03\x04\x14\x00"[..], &pods].concat(),
            "zip archive",
        ),
        (
            "pods.7z",
            [&b"7z\xBC\xAF\x27\x1C"[..], &pods].concat(),
            "7-Zip archive",
        ),
    ];
    for (name, bytes, what) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, stdout, stderr) = analyze_beside_good(&path);
        assert_eq!(code, Some(2), "{name}: partial result, exit 2\n{stderr}");
        assert!(
            stderr.contains(&format!("{name}: cannot read: {what}")),
            "{name}: names the file and the format\n{stderr}"
        );
        // The good transcript beside it is still analysed.
        assert!(stdout.starts_with("in-place"), "{name}:\n{stdout}");
    }
}

/// A tar inside an experiment's directory is named, not read as lines.
#[test]
fn a_tar_inside_an_experiment_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let pods = std::fs::read(sample("in-place/pods.log")).unwrap();
    std::fs::write(dir.path().join("pods.log"), &pods).unwrap();
    std::fs::write(
        dir.path().join("old.tar"),
        tar_of_files(&[("x/pods.log".to_string(), pods.clone())]),
    )
    .unwrap();
    let out = run(&[OsStr::new("analyze"), dir.path().as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("old.tar: cannot read: tar archive"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("in-place"));
}

/// A tar of several files, each under `dir/name`.
fn tar_of_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut t = tar::Builder::new(Vec::new());
    for (name, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, name, bytes.as_slice()).unwrap();
    }
    t.into_inner().unwrap()
}

/// `analyze` reads a tar (gzipped or not, whatever its name) that holds one experiment,
/// and refuses one that holds several.
#[test]
fn a_tar_of_one_experiment_is_analysed_and_one_of_several_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = |rel: &str| (rel.to_string(), std::fs::read(sample(rel)).unwrap());
    let in_place = vec![
        file("in-place/pods.log"),
        file("in-place/nodes.log"),
        file("in-place/deployments.log"),
    ];
    let one = tar_of_files(&in_place);
    for (name, bytes) in [
        ("exp.tar", one.clone()),
        ("exp.tgz", gzip(&one)),
        ("exp.log", gzip(&one)),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = run(&[OsStr::new("analyze"), path.as_os_str()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
        assert!(
            stdout.starts_with("in-place: node ubuntub"),
            "{name}: {stdout}"
        );
    }
    let mut both = in_place;
    both.push(file("ongoing/pods.log"));
    let path = dir.path().join("two.tar");
    std::fs::write(&path, tar_of_files(&both)).unwrap();
    let out = run(&[OsStr::new("analyze"), path.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a tar archive of 2 experiments"),
        "{stderr}"
    );
}

#[test]
fn a_gzip_transcript_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pods.log.gz");
    std::fs::write(
        &path,
        gzip(&std::fs::read(sample("in-place/pods.log")).unwrap()),
    )
    .unwrap();
    let out = run(&[OsStr::new("analyze"), path.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("in-place"));
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_read_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"pods-\xFF\x1b[31m.log");
    let path = dir.path().join(name);
    std::fs::copy(sample("in-place/pods.log"), &path).unwrap();
    for command in ["analyze", "parse", "check"] {
        let out = run(&[OsStr::new(command), path.as_os_str()]);
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(
            !all.contains(&0x1b),
            "{command}: no raw escape from the file name"
        );
        assert_ne!(out.status.code(), None, "{command}: no crash");
        assert!(
            String::from_utf8_lossy(&all).contains("pods-\u{FFFD}"),
            "{command}: the name is shown with U+FFFD for the bad byte\n{}",
            String::from_utf8_lossy(&all)
        );
    }
    // A missing non-UTF-8 path is an error naming it, not a refusal of the arguments.
    let missing = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"gone-\xFE.log"));
    let out = run(&[OsStr::new("analyze"), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gone-\u{FFFD}.log"));
}
