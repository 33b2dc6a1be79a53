//! Hostile archives, round two (issue 16 items 2 and 3): limits that hold whatever the
//! headers claim, and archives read the way `tar -x` would lay them out.
//!
//! `WATCHTRAIL_BIN=/path/to/an/older/watchtrail cargo test --test hostile_archives`
//! runs the same attacks against another build (to see them fail before a fix).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{run_in as run, sample, samples};

/// `dir`, created, holding a copy of the in-place sample's transcripts.
fn in_place_dir(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::copy(samples().join("in-place").join(f), dir.join(f)).unwrap();
    }
    dir.to_path_buf()
}

/// One ustar header block: `name` written raw, a declared `size`, an entry type.
fn header(name: &str, size: u64, kind: u8, link: &str) -> [u8; 512] {
    let mut h = tar::Header::new_ustar();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::new(kind));
    h.set_cksum();
    *h.as_bytes()
}

/// An archive built entry by entry, data padded to blocks.
#[derive(Default)]
struct Tar(Vec<u8>);

impl Tar {
    fn entry(mut self, name: &str, kind: u8, link: &str, data: &[u8]) -> Tar {
        self.0
            .extend_from_slice(&header(name, data.len() as u64, kind, link));
        self.0.extend_from_slice(data);
        self.0.resize(self.0.len().div_ceil(512) * 512, 0);
        self
    }

    fn file(self, name: &str, data: &[u8]) -> Tar {
        self.entry(name, b'0', "", data)
    }

    fn in_place(self, dir: &str) -> Tar {
        self.file(&format!("{dir}/pods.log"), &sample("in-place/pods.log"))
            .file(&format!("{dir}/nodes.log"), &sample("in-place/nodes.log"))
            .file(
                &format!("{dir}/deployments.log"),
                &sample("in-place/deployments.log"),
            )
    }

    fn write(mut self, path: &Path) {
        self.0.extend_from_slice(&[0u8; 1024]);
        std::fs::write(path, self.0).unwrap();
    }
}

fn pax(records: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in records {
        let body = format!(" {k}={v}\n");
        let mut len = body.len() + 1;
        while body.len() + len.to_string().len() != len {
            len = body.len() + len.to_string().len();
        }
        out.extend_from_slice(format!("{len}{body}").as_bytes());
    }
    out
}

#[test]
fn a_gnu_long_name_record_is_capped_before_it_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    // A long-name record claiming 64 MiB, then nothing: the claim alone is refused.
    let mut bytes = header("././@LongLink", 64 << 20, b'L', "").to_vec();
    bytes.extend_from_slice(&[b'a'; 4096]);
    std::fs::write(tmp.path().join("long.tar"), bytes).unwrap();
    let o = run(tmp.path(), &["check", "long.tar"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("refused: a metadata record (type `L`) of 67108864 bytes"),
        "{}",
        o.stderr
    );
}

#[test]
fn metadata_records_count_as_entries() {
    let tmp = tempfile::tempdir().unwrap();
    // 15 files, each behind a PAX record: 30 entries.
    let mut t = Tar::default();
    for i in 0..15 {
        t = t
            .entry("././@PaxHeader", b'x', "", &pax(&[("comment", "x")]))
            .file(&format!("e{i}/notes.txt"), b"x\n");
    }
    t.write(&tmp.path().join("meta.tar"));
    let o = run(tmp.path(), &["check", "meta.tar", "--max-entries", "20"]);
    assert_eq!(o.code, Some(2), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("refused: entry count (21 entries read so far) exceeds the limit of 20"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_pax_size_is_the_size_the_limit_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let pods = sample("in-place/pods.log");
    let size = pods.len().to_string();
    // The ustar header says 10 bytes; the PAX record, which wins, says the whole file.
    let mut t = Tar::default().entry("././@PaxHeader", b'x', "", &pax(&[("size", &size)]));
    t.0.extend_from_slice(&header("e/pods.log", 10, b'0', ""));
    t.0.extend_from_slice(&pods);
    t.0.resize(t.0.len().div_ceil(512) * 512, 0);
    t.write(&tmp.path().join("pax.tar"));
    let o = run(
        tmp.path(),
        &["check", "pax.tar", "--max-entry-bytes", "100"],
    );
    assert_eq!(o.code, Some(2), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "entry `e/pods.log` size ({size} bytes) exceeds the limit of 100"
        )),
        "{}",
        o.stderr
    );
    // Within the limits the PAX size is read: the whole transcript, not 10 bytes.
    let o = run(tmp.path(), &["check", "pax.tar", "--json", "r.json"]);
    let report = std::fs::read_to_string(tmp.path().join("r.json")).unwrap();
    assert!(o.code.is_some() && report.contains("pax.tar:e"), "{report}");
}

#[test]
fn the_largest_limits_do_not_overflow() {
    let tmp = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&sample("in-place/pods.log")).unwrap();
    Tar::default()
        .file("e/pods.log.gz", &gz.finish().unwrap())
        .file("e/nodes.log", &sample("in-place/nodes.log"))
        .file("e/deployments.log", &sample("in-place/deployments.log"))
        .write(&tmp.path().join("max.tar"));
    let max = u64::MAX.to_string();
    let o = run(
        tmp.path(),
        &[
            "check",
            "max.tar",
            "--expect",
            "in-place",
            "--max-entry-bytes",
            &max,
            "--max-total-bytes",
            &max,
            "--max-entries",
            &max,
        ],
    );
    assert_eq!(o.code, Some(0), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("PASS         max.tar:e  in-place"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_oversized_expect_json_is_not_read_in_a_tree_or_a_tar() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = in_place_dir(&tmp.path().join("tree/e"));
    let mut big = b"{\"scenario\": \"in-place\", \"x\": \"".to_vec();
    big.resize(3 << 20, b'a');
    big.extend_from_slice(b"\"}");
    std::fs::write(exp.join("expect.json"), &big).unwrap();
    let o = run(tmp.path(), &["check", "tree"]);
    assert_eq!(o.code, Some(1), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("tree/e/expect.json: not read: larger than 1048576 bytes"),
        "{}",
        o.stdout
    );
    Tar::default()
        .in_place("e")
        .file("e/expect.json", &big)
        .write(&tmp.path().join("big.tar"));
    let o = run(tmp.path(), &["check", "big.tar"]);
    assert!(
        o.stdout
            .contains("big.tar:e/expect.json: not read: larger than 1048576 bytes"),
        "{}",
        o.stdout
    );
}

#[test]
fn hard_links_and_contiguous_files_are_read_as_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    Tar::default()
        .in_place("a")
        .entry("b/pods.log", b'1', "a/pods.log", &[])
        .entry("b/nodes.log", b'1', "./a/nodes.log", &[])
        .entry(
            "b/deployments.log",
            b'7',
            "",
            &sample("in-place/deployments.log"),
        )
        .write(&tmp.path().join("links.tar"));
    let o = run(tmp.path(), &["check", "links.tar", "--expect", "in-place"]);
    assert_eq!(o.code, Some(0), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("PASS         links.tar:a  in-place"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("PASS         links.tar:b  in-place"),
        "{}",
        o.stdout
    );
}

#[test]
fn entry_paths_are_normalised_and_a_later_duplicate_replaces_the_earlier() {
    let tmp = tempfile::tempdir().unwrap();
    Tar::default()
        .file("e//pods.log", b"junk that is no transcript\n")
        .file("e/./nodes.log", &sample("in-place/nodes.log"))
        .file("./e/deployments.log", &sample("in-place/deployments.log"))
        .file("e/pods.log", &sample("in-place/pods.log"))
        .write(&tmp.path().join("dup.tar"));
    let o = run(
        tmp.path(),
        &[
            "check", "dup.tar", "--expect", "in-place", "--json", "r.json",
        ],
    );
    assert_eq!(o.code, Some(0), "{}{}", o.stdout, o.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("r.json")).unwrap()).unwrap();
    let exps = report["experiments"].as_array().unwrap();
    assert_eq!(exps.len(), 1, "{report:#}");
    assert_eq!(exps[0]["name"], "dup.tar:e");
    assert_eq!(
        exps[0]["inputs"],
        serde_json::json!([
            "dup.tar:e/deployments.log",
            "dup.tar:e/nodes.log",
            "dup.tar:e/pods.log"
        ])
    );
}

#[test]
fn duplicate_expect_json_keys_are_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    Tar::default()
        .in_place("e")
        .file(
            "e/expect.json",
            br#"{"scenario": "post-migration", "scenario": "in-place"}"#,
        )
        .write(&tmp.path().join("keys.tar"));
    let o = run(tmp.path(), &["check", "keys.tar"]);
    assert_eq!(o.code, Some(1), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("duplicate key `scenario`"),
        "{}",
        o.stdout
    );
}

#[cfg(unix)]
#[test]
fn the_walk_does_not_follow_a_symlink_out_of_its_tree_without_saying_so() {
    let tmp = tempfile::tempdir().unwrap();
    in_place_dir(&tmp.path().join("outside/x"));
    in_place_dir(&tmp.path().join("tree/e"));
    std::os::unix::fs::symlink(tmp.path().join("outside"), tmp.path().join("tree/away")).unwrap();
    // A link that stays inside is followed as before.
    std::os::unix::fs::symlink("../e/pods.log", tmp.path().join("tree/e/pods.txt")).unwrap();
    let o = run(tmp.path(), &["check", "tree", "--json", "r.json"]);
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("r.json")).unwrap()).unwrap();
    let names: Vec<&str> = r["experiments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tree/e"], "{}", o.stdout);
    assert_eq!(r["experiments"][0]["inputs"].as_array().unwrap().len(), 4);
    assert!(
        o.stdout
            .contains("tree/away: symlink out of the tree given"),
        "{}",
        o.stdout
    );
}
