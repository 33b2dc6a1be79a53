#![warn(missing_docs)]
//! watchtrail reads what `kubectl get --watch` printed during a node-failure
//! experiment and rebuilds what happened, when, and which recovery scenario it was.
//!
//! ```text
//! bytes ─▶ capture ─▶ tables ─▶ observations ─▶ timelines ─▶ analysis ─▶ output
//! ```
//!
//! The whole pipeline is one call, [`analyze()`], over the sources of one experiment
//! with its [`Options`]; [`ingest()`], [`timeline()`] and [`analyze_timelines`] are its
//! steps, for a caller that looks at what each gives.
//!
//! - [`input`]: turns paths (files, directories, `-`, `.gz`) into named byte sources.
//! - [`capture`]: decodes and cleans a saved terminal log into numbered, classified lines.
//! - [`tables`]: recognises headers, fixes the schema, splits rows into cells by grammar.
//! - [`observe`]: one typed [`observe::Observation`] per table row.
//! - [`duration`]: kubectl's printed durations (`9m3s`, `31m`) as intervals, and back.
//! - [`simulate`]: a kubectl-faithful node-failure experiment for tests.

/// A short text kept inline when it fits in 24 bytes (cells, names, statuses): a
/// transcript has millions of them and nearly all are that short, so they cost no
/// allocation of their own.
pub type Text = compact_str::CompactString;

pub use pipeline::{analyze, analyze_timelines, ingest, timeline, Options};

/// A hash map keyed by what a transcript holds (names, keys of objects): foldhash,
/// seeded per map (several times faster than SipHash on short keys, and still not
/// predictable from the input, so no transcript can be made to collide).
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set, as [`HashMap`].
pub(crate) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

pub mod analysis;
pub mod app;
pub mod capture;
pub mod check;
// The CLI's documentation is its `--help`: clap turns doc comments on these types,
// fields and values into help text, so none are added only to please the lint.
#[allow(missing_docs)]
pub mod cli;
pub mod duration;
pub mod error;
pub mod ingest;
pub mod input;
pub mod kube;
pub mod observe;
pub mod outfile;
pub mod output;
mod pipeline;
pub mod simulate;
pub mod tables;
pub mod timeline;
