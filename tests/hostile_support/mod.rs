//! The harness of the hostile-input tests: running the binary within a time limit,
//! checking accounts, and the inputs several tests build.
#![allow(dead_code, unused_imports)]

pub use std::io::{BufRead, BufReader, Read, Write};
pub use std::path::{Path, PathBuf};
pub use std::process::{Child, Command as StdCommand, Stdio};
pub use std::time::{Duration, Instant};

pub use serde_json::Value;

/// No run may take longer than this (the debug build is slow; a hang is far slower).
pub const LIMIT: Duration = Duration::from_secs(180);

use super::common::sample;

/// What one run of the binary gave.
pub struct Run {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Run {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "{:?}\nstdout: {}\nstderr: {}",
            self.args,
            truncated(&self.out()),
            truncated(&self.err())
        );
        self
    }

    pub fn expect_err(&self, needle: &str) -> &Self {
        assert!(
            self.err().contains(needle),
            "{:?}: stderr lacks {needle:?}:\n{}",
            self.args,
            truncated(&self.err())
        );
        self
    }

    pub fn expect_out(&self, needle: &str) -> &Self {
        assert!(
            self.out().contains(needle),
            "{:?}: stdout lacks {needle:?}:\n{}",
            self.args,
            truncated(&self.out())
        );
        self
    }

    /// `parse` JSONL: the observations, and the accounts.
    pub fn parsed(&self) -> (Vec<Value>, Vec<Value>) {
        let mut obs = Vec::new();
        let mut accounts = Vec::new();
        for line in self.out().lines() {
            let v: Value = serde_json::from_str(line).expect("parse writes JSON lines");
            match v["schema"].as_str() {
                Some("watchtrail/observation/v1") => obs.push(v),
                Some("watchtrail/input/v1") => accounts.push(v["input"].clone()),
                other => panic!("unexpected schema {other:?}"),
            }
        }
        for a in &accounts {
            assert_accounted(a);
        }
        (obs, accounts)
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("{:?}: not JSON ({e}): {}", self.args, self.out()))
    }
}

pub fn truncated(s: &str) -> String {
    if s.len() <= 4000 {
        return s.to_string();
    }
    let cut = (0..=4000).rev().find(|&i| s.is_char_boundary(i)).unwrap();
    format!("{}… ({} bytes)", &s[..cut], s.len())
}

/// Runs the binary in `dir` with `stdin`, within [`LIMIT`]; fails on a panic or a hang.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("watchtrail").expect("binary built");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(LIMIT);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let out = cmd.output().expect("the binary runs");
    let run = Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
    };
    assert!(
        run.code.is_some(),
        "{args:?}: killed — hung past {LIMIT:?}?\n{}",
        truncated(&run.err())
    );
    assert_ne!(
        run.code,
        Some(101),
        "{args:?}: panicked\n{}",
        truncated(&run.err())
    );
    assert!(
        !run.err().contains("panicked"),
        "{args:?}: panicked\n{}",
        run.err()
    );
    run
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, None)
}

/// Every line read is accounted for exactly once, and every skip has a reason.
pub fn assert_accounted(a: &Value) {
    let n = |k: &str| a[k].as_u64().unwrap_or_else(|| panic!("{k} in {a}"));
    assert_eq!(
        n("lines"),
        n("rows") + n("headers") + n("commands") + n("time_markers") + n("blank") + n("skipped"),
        "every line is accounted for: {a}"
    );
    let by_reason: u64 = a["skipped_by_reason"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_reason, n("skipped"), "every skip has a reason: {a}");
    assert!(
        n("noted") >= a["notes"].as_array().unwrap().len() as u64,
        "{a}"
    );
}

/// No terminal control byte in `bytes`: ESC, BEL, CSI (raw 0x9b or as UTF-8 U+009B).
pub fn assert_no_terminal_controls(what: &str, bytes: &[u8]) {
    let bad = bytes
        .iter()
        .position(|&b| b == 0x1b || b == 0x07 || b == 0x9b);
    if let Some(i) = bad {
        let from = i.saturating_sub(60);
        panic!(
            "{what}: control byte {:#04x} at {i}: {:?}",
            bytes[i],
            String::from_utf8_lossy(&bytes[from..(i + 20).min(bytes.len())])
        );
    }
}

pub fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Seeded xorshift64*: the same bytes on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next().to_le_bytes());
        }
        out.truncate(n);
        out
    }
}

/// `samples/in-place` copied into `dir/name`; returns the copy's path.
pub fn in_place_copy(dir: &Path, name: &str) -> PathBuf {
    let dst = dir.join(name);
    std::fs::create_dir_all(&dst).unwrap();
    for f in ["pods.log", "nodes.log", "deployments.log"] {
        std::fs::write(dst.join(f), sample(&format!("in-place/{f}"))).unwrap();
    }
    dst
}

pub fn parse_xml(what: &str, text: &str) {
    let opt = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    if let Err(e) = roxmltree::Document::parse_with_options(text, opt) {
        panic!("{what}: not well-formed XML: {e}");
    }
}

// 1. Random bytes.
