//! The pipeline as one call: [`analyze()`] runs every stage over the sources of one
//! experiment; [`ingest()`] (stages 1–3) and [`timeline()`] (stage 4) are the steps behind
//! it, for a caller that looks at what they give before the analysis (the `parse` and
//! `timeline` commands, the fuzz targets) and then finishes with
//! [`analyze_timelines`]. The CLI, `check`, the benches and the fuzz targets all run
//! the stages through these functions.

use std::path::PathBuf;

use crate::analysis::Analysis;
use crate::error::InputError;
use crate::input::Source;
use crate::timeline::{LinkOptions, Timelines};

/// What a caller may set for one run of the pipeline.
#[derive(Debug, Clone)]
pub struct Options {
    /// The experiment's name as the analysis and its reports show it (its directory,
    /// or its files: see [`Options::for_paths`]).
    pub experiment: String,
    /// Which soft links between streams the timelines use (all by default; each is a
    /// `--no-link-…` flag of the CLI).
    pub links: LinkOptions,
    /// How many observations one source keeps in memory; rows past it are counted in
    /// the source's account but not analysed. [`crate::ingest::KEPT_LIMIT`] by default.
    pub row_budget: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            experiment: String::new(),
            links: LinkOptions::default(),
            row_budget: crate::ingest::KEPT_LIMIT,
        }
    }
}

impl Options {
    /// The defaults, for the experiment of that name.
    pub fn new(experiment: impl Into<String>) -> Options {
        Options {
            experiment: experiment.into(),
            ..Options::default()
        }
    }

    /// The defaults, for the experiment named after its PATH… as the CLI names it:
    /// the paths as given, joined by spaces (`samples/in-place`).
    pub fn for_paths(paths: &[PathBuf]) -> Options {
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches('/').to_string())
            .collect();
        Options::new(names.join(" "))
    }
}

/// Runs every stage over the sources of one experiment: [`ingest()`], then
/// [`timeline()`], then [`analyze_timelines`].
///
/// A source that cannot be read is no error here: its account says why, and the
/// analysis warns about it. The error is for input that cannot be taken in at all.
pub fn analyze(sources: &[Source], options: &Options) -> Result<Analysis, InputError> {
    let mut ing = ingest(sources, options)?;
    let timelines = timeline(&mut ing, options);
    Ok(analyze_timelines(&ing, timelines, options))
}

/// Stages 1–3 (capture → tables → observations) over the sources of one experiment,
/// read side by side, keeping state runs rather than every repeated line and at most
/// [`Options::row_budget`] observations a source. Every input line is in the accounts.
pub fn ingest(
    sources: &[Source],
    options: &Options,
) -> Result<crate::ingest::Ingested, InputError> {
    crate::ingest::ingest_with_limit(sources, options.row_budget)
}

/// Stage 4: the objects' timelines on one clock, using the links [`Options::links`]
/// allows. The rows are taken out of `ing` (they become the states, and are freed
/// as they do); its markers and accounts stay for [`analyze_timelines`].
pub fn timeline(ing: &mut crate::ingest::Ingested, options: &Options) -> Timelines {
    crate::timeline::build(ing, options.links)
}

/// Stage 5: the analysis of what [`ingest()`] and [`timeline()`] gave, named
/// [`Options::experiment`].
pub fn analyze_timelines(
    ing: &crate::ingest::Ingested,
    timelines: Timelines,
    options: &Options,
) -> Analysis {
    crate::analysis::analyze(&options.experiment, ing, timelines)
}
