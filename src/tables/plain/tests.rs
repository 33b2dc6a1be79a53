//! The one-pass split of plain rows checked against the general splitter: cell by
//! cell on single rows, and observation by observation (typed cells, packed text)
//! on whole transcripts read both ways.

use super::*;
use crate::observe::Observer;
use crate::simulate::soak::{Soak, SoakConfig};
use crate::tables::{split, Item, Tabler};

/// What a transcript reads as, line by line: each item's debug form, a row as its
/// observation's debug form and stored text (the packed form, not only as printed).
/// With how many rows the fast path took.
fn read_all(text: &[u8], fast: bool) -> (Vec<String>, usize) {
    let mut tabler = if fast {
        Tabler::new(0)
    } else {
        Tabler::without_fast_path(0)
    };
    let mut observer = Observer::new();
    let source: std::sync::Arc<str> = "pods.log".into();
    let (mut out, mut plain) = (Vec::new(), 0);
    for cl in crate::capture::lines(std::io::Cursor::new(text.to_vec())) {
        match tabler.push(cl) {
            Item::Row(mut row) => {
                plain += usize::from(row.read.plain);
                let o = observer.observe(&source, &mut row);
                out.push(format!("{o:?} {:?}", o.text().stored()));
            }
            item => out.push(format!("{item:?}")),
        }
    }
    (out, plain)
}

/// Both ways read `text` alike; how many rows took the fast path.
fn same_both_ways(name: &str, text: &[u8]) -> usize {
    let (general, none) = read_all(text, false);
    let (fast, plain) = read_all(text, true);
    assert_eq!(none, 0, "{name}: the general path took the fast one");
    assert_eq!(general.len(), fast.len(), "{name}");
    for (g, f) in general.iter().zip(&fast) {
        assert_eq!(g, f, "{name}: the fast path read a line otherwise");
    }
    plain
}

/// Every file under `dir`, recursively.
fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn samples_and_fixtures_read_the_same_both_ways() {
    let mut paths = Vec::new();
    files("samples".as_ref(), &mut paths);
    files("tests/fixtures".as_ref(), &mut paths);
    paths.sort();
    let (mut rows, mut plain) = (0, 0);
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        plain += same_both_ways(&p.display().to_string(), &bytes);
        rows += read_all(&bytes, false)
            .0
            .iter()
            .filter(|l| l.starts_with("Observation"))
            .count();
    }
    assert!(paths.len() > 50, "{} files", paths.len());
    assert!(
        plain * 2 > rows,
        "the fast path took {plain} of {rows} rows"
    );
}

/// Generated soaks of every shape the generator prints: wide and narrow, `-A`,
/// `--output-watch-events`, partitions (restarts with `(X ago)`), re-listed watches.
#[test]
fn generated_soaks_read_the_same_both_ways() {
    let base = SoakConfig::new(7, 400_000, 120, 6);
    let shapes = [
        ("wide", base),
        (
            "narrow",
            SoakConfig {
                narrow: true,
                ..base
            },
        ),
        ("all namespaces", base.with_all_namespaces()),
        (
            "watch events",
            SoakConfig {
                watch_events: true,
                ..base
            },
        ),
        (
            "partitions",
            SoakConfig {
                partitions: true,
                ..base
            },
        ),
        (
            "relist",
            SoakConfig {
                relist: true,
                seed: 8,
                ..base
            },
        ),
    ];
    for (name, cfg) in shapes {
        let mut text = Vec::new();
        Soak::new(cfg).write(&mut text).unwrap();
        let rows = text.iter().filter(|&&b| b == b'\n').count();
        let plain = same_both_ways(name, &text);
        assert!(
            plain * 10 > rows * 9,
            "{name}: {plain} of {rows} lines fast"
        );
    }
}

const HEADER: &str = "NAME                               READY   STATUS             RESTARTS      AGE     IP             NODE       NOMINATED NODE   READINESS GATES";

/// Rows a fast path could get wrong: cells with spaces, placeholders, durations
/// that pin a formatter, counts past `u32`, unicode, wrong column counts, cut rows,
/// annotations, tabs, collapsed spacing.
const TRICKY: &[&str] = &[
    "web-1                              1/1     Running            1 (53s ago)   9m3s    10.1.2.3       node-a     <none>           <none>",
    "web-2                              0/1     CrashLoopBackOff   12 (2m ago)   1h      <none>         node-b     <none>           <none>",
    "web-3                              <none>  Pending            0             <invalid>   <pending>  <none>     <none>           <none>",
    "web-4                              1       Running            0             <unknown>   fd00::1    node-c     node-d           1/2",
    "web-5                              1/1     Running            4294967296    1m      10.0.0.1       node-a     <none>           <none>",
    "web-6                              99999999999/1   Running    0             2m1s    10.0.0.1       node-a     <none>           <none>",
    "wéb-7                              1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>",
    "web-8                              1/1     Running            0",
    "web-9                              1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>    extra",
    "web-10                             1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>   <- the one",
    "web-11\t1/1\tRunning\t0\t5m\t10.0.0.1\tnode-a\t<none>\t<none>",
    "web-12 1/1 Running 2 (3m ago) 14m 10.0.0.5 node-a <none> <none>",
    "  web-13                           1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>   ",
    "web-14                             1/1     Running            1 (53s)       5m      10.0.0.1       node-a     <none>           <none>",
    "web-15                             1/1     Running            1 (<invalid> ago)   0s   10.0.0.1   node-a     <none>           <none>",
    "web-16                             1/1     Running            0             05s     10.0.0.1       node-a     <none>           <none>",
    "web-17                             1/1     Running            0             3y200d  10.0.0.1       node-a     <none>           <none>",
    "web-18                             1/1     Running            0             5m      ubuntub        node-a     <none>           <none>",
    "<none>                             1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>",
    "pod/web-19                         1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>",
    "web-20                             1/1     Running            0             5m      10.0.0.1       node-a                      <none>",
    "web-21                             1/1     Running  Now       0             5m      10.0.0.1       node-a     <none>           <none>",
    "web-22                             1/1     Running            0             5m      10.0.0.1,10.0.0.2   node-a   <none>         <none>",
    "web-23   1/1   Running   0   5m   10.0.0.1   node-a   <none>   <none>   # note",
    "web-24                             1/1     Running            0             5m      10.0.0.1       node-a     <none>           <none>\u{7f}",
    "web-25                             1/1     Running            0             5m      10.0.0.1       node-ä     <none>           <none>",
    "web-26                             1/1     Running            1 (53s ago)   92m     10.0.0.1       node-a     <none>           <none>",
];

#[test]
fn tricky_rows_read_the_same_both_ways() {
    let mut text = format!("{HEADER}\n");
    for r in TRICKY {
        text += r;
        text.push('\n');
    }
    let plain = same_both_ways("tricky rows", text.as_bytes());
    assert!(plain >= 10, "{plain} fast");
    // Each row under a fresh header too: the formatter a stream settles on matters.
    for r in TRICKY {
        same_both_ways(r, format!("{HEADER}\n{r}\n{r}\n").as_bytes());
    }
}

/// The columns of the tricky rows' table.
fn pod_columns() -> Vec<Column> {
    let (Some(h), _) = (crate::tables::header::parse_header(HEADER), ()) else {
        panic!("a header");
    };
    crate::tables::header::schema_from_header(&h, None).columns
}

/// A split the fast path answers is the general splitter's, whatever the header's
/// positions; the typed readings are the cells' own.
fn check_split(line: &str, columns: &[Column]) -> bool {
    let classes: Vec<CellClass> = columns.iter().map(|c| c.class).collect();
    let mut spans = RowSpans::new();
    let Some(read) = split_plain(line, columns, &mut spans) else {
        return false;
    };
    let spans: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(a, b)| (a as usize, b as usize))
        .collect();
    for positions in [None, Some(&[0, 35, 43, 62, 76, 84, 99, 110, 127][..])] {
        let general = split::split_row_lenient(line, &classes, positions);
        assert_eq!(general, Some((spans.clone(), None)), "{line:?}");
    }
    let cell = |c: usize| &line[spans[c].0..spans[c].1];
    if let Some((c, r)) = read.ready {
        assert_eq!(r, cells::ready(cell(c)), "{line:?}");
    }
    if let Some((c, count, ago)) = read.restarts {
        let r = cells::restarts(cell(c)).unwrap();
        assert_eq!(count, r.count);
        assert_eq!(ago.map(|(a, b)| &line[a as usize..b as usize]), r.ago);
    }
    if let Some((c, r)) = read.age {
        assert_eq!(r, duration::readings(cell(c)), "{line:?}");
    }
    true
}

#[test]
fn fast_splits_are_the_general_splitter_s() {
    let columns = pod_columns();
    let answered = TRICKY.iter().filter(|l| check_split(l, &columns)).count();
    assert!(answered >= 10, "{answered}");
}

/// A small deterministic generator (xorshift), for the byte fuzzing below.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Random bytes and randomly damaged rows: the fast path never panics, and any
/// answer it gives is the general splitter's; whole transcripts of them read alike.
#[test]
fn random_bytes_and_damaged_rows_agree_and_never_panic() {
    let columns = pod_columns();
    let mut rng = Bytes(0x9e37_79b9_7f4a_7c15);
    let alphabet = b"  a0/(<>)-.:,smhdy\t\x01\xc3\xa9";
    let mut transcript = format!("{HEADER}\n").into_bytes();
    let mut answered = 0;
    for i in 0..20_000 {
        let mut bytes: Vec<u8> = if i % 2 == 0 {
            TRICKY[rng.next() as usize % TRICKY.len()]
                .as_bytes()
                .to_vec()
        } else {
            (0..rng.next() % 200).map(|_| rng.next() as u8).collect()
        };
        for _ in 0..rng.next() % 4 {
            if bytes.is_empty() {
                break;
            }
            let at = rng.next() as usize % bytes.len();
            let b = alphabet[rng.next() as usize % alphabet.len()];
            match rng.next() % 3 {
                0 => bytes[at] = b,
                1 => bytes.insert(at, b),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        let line = String::from_utf8_lossy(&bytes);
        answered += usize::from(check_split(&line, &columns));
        if i < 3000 {
            transcript.extend(line.replace(['\n', '\r'], " ").as_bytes());
            transcript.push(b'\n');
        }
    }
    assert!(answered > 1000, "{answered} answered");
    same_both_ways("damaged rows", &transcript);
}
