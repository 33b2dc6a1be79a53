//! The command line, as clap derive types only; no logic (see `app`).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Reads saved `kubectl get --watch` transcripts of a node-failure experiment and
/// reconstructs what happened, when, and which recovery scenario it was.
#[derive(Debug, Parser)]
#[command(name = "watchtrail", version, about, long_about = None, after_help = EXAMPLES_MAIN)]
pub struct Cli {
    #[command(flatten)]
    pub ui: UiArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone, Copy)]
pub struct UiArgs {
    /// Colour of what is coloured (analyze's text view, check's outcome words): auto
    /// (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print less: the verdict line only (analyze), only what did not pass and the
    /// summary (check), no notes on standard error (every command).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

const EXAMPLES_MAIN: &str = "Examples:
  watchtrail analyze samples/in-place
  watchtrail report samples/post-migration -o post.html
  watchtrail check runs.tar.gz --junit junit.xml --report runs.html";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: verdict, metrics and evidence for one experiment.
    #[command(after_help = "Examples:
  watchtrail analyze samples/in-place
  watchtrail analyze pods.log nodes.log deployments.log --format json
  kubectl get pods -w -o wide | tee pods.log   # capture, then: watchtrail analyze pods.log")]
    Analyze(AnalyzeArgs),
    /// Observations: one typed record per table row (JSON Lines, or a table for people).
    #[command(after_help = "Examples:
  watchtrail parse samples/in-place/pods.log
  watchtrail parse --format table -v samples/web-paste/seed.md")]
    Parse(ParseArgs),
    /// Per-object state timelines on one clock, every time an interval.
    #[command(after_help = "Examples:
  watchtrail timeline samples/mid-migration
  watchtrail timeline samples/mid-migration --format json > timeline.json")]
    Timeline(TimelineArgs),
    /// The SVG timeline chart: one lane per object, phases F/E/R/N marked.
    #[command(after_help = "Examples:
  watchtrail render samples/in-place -o in-place.svg
  watchtrail render samples/in-place -o - > in-place.svg")]
    Render(RenderArgs),
    /// A full report: self-contained HTML, Markdown (+ the SVG beside it), or JSON.
    #[command(after_help = "Examples:
  watchtrail report samples/in-place -o in-place.html
  watchtrail report samples/in-place -o notes.md      # writes notes.svg beside it")]
    Report(ReportArgs),
    /// Batch-check an archive: every experiment in it, in parallel, against its expectation.
    #[command(after_help = "Examples:
  watchtrail check samples/in-place samples/post-migration
  watchtrail check runs.tar.gz --require-expectations --junit junit.xml
  watchtrail check runs/ --expect post-migration --report - > runs.html")]
    Check(CheckArgs),
    /// Play a node-failure experiment on a hidden true clock and write the transcripts
    /// kubectl would print (to see what a scenario looks like, or to test a pipeline).
    #[command(after_help = "Examples:
  watchtrail simulate --list
  watchtrail simulate --variant graceful-shutdown -o /tmp/exp && watchtrail analyze /tmp/exp
  watchtrail simulate --churn 200M > big.log")]
    Simulate(SimulateArgs),
    /// Print a shell completion script (bash, zsh or fish) to standard output.
    #[command(after_help = "Examples:
  watchtrail completions bash > /etc/bash_completion.d/watchtrail
  watchtrail completions zsh > \"${fpath[1]}/_watchtrail\"
  watchtrail completions fish > ~/.config/fish/completions/watchtrail.fish")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Examples:
  watchtrail man > watchtrail.1 && man ./watchtrail.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Soft links between streams, each of which can be turned off.
#[derive(Debug, Args, Default)]
pub struct LinkArgs {
    /// Do not link one object's creation across two streams.
    #[arg(long)]
    pub no_link_same_object: bool,
    /// Do not require a pod to be created after its owner.
    #[arg(long)]
    pub no_link_owner: bool,
    /// Do not link a new pod's creation to its owner's count rising.
    #[arg(long)]
    pub no_link_replacement: bool,
    /// Do not link a node turning NotReady to its pods' and owners' lines.
    #[arg(long)]
    pub no_link_not_ready: bool,
    /// Do not link a returning node to its pods' kubelet-written lines.
    #[arg(long)]
    pub no_link_node_back: bool,
    /// Do not link a pod's `Scheduled` event to its pod's lines.
    #[arg(long)]
    pub no_link_events: bool,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub links: LinkArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
    pub format: TimelineFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimelineFormat {
    Text,
    Json,
}

/// The transcripts of ONE experiment.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Transcript files, a directory holding them, `-` for standard input, or a tar
    /// archive of one experiment (gzip is read transparently).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Say why each skipped line was skipped, and give the per-file account on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ParseFormat::Jsonl)]
    pub format: ParseFormat,
    /// Fail (exit 2) if any line was skipped.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParseFormat {
    /// One JSON object a line: the observations, then one account per input file.
    Jsonl,
    /// An aligned table for people.
    Table,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub links: LinkArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
    pub format: AnalyzeFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalyzeFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub links: LinkArgs,
    /// Where to write the SVG (`-` for standard output).
    #[arg(short, long, value_name = "FILE.svg")]
    pub output: String,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub links: LinkArgs,
    /// Where to write the report (`-` for standard output); the format comes from the
    /// extension (`.html`, `.md`, `.json`) unless `--format` is given.
    #[arg(short, long, value_name = "FILE")]
    pub output: String,
    /// Report format (default: from the output file's extension).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained page: inline CSS and SVG, nothing fetched.
    Html,
    /// Markdown, with the SVG written beside it (`FILE.svg`) and linked.
    Markdown,
    /// The analysis JSON document (`watchtrail/analysis/v1`).
    Json,
}

/// `check`: archives of many experiments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Directory trees, `.tar`/`.tar.gz`/`.tgz` files (read in memory), or single
    /// transcript files.
    #[arg(required = true, value_name = "ARCHIVE")]
    pub archives: Vec<std::path::PathBuf>,
    /// Expect this scenario of every experiment (overrides the scenario of expect.json).
    #[arg(long, value_name = "SCENARIO", value_parser = [
        "in-place", "mid-migration", "post-migration", "migrated-no-return",
        "ongoing", "no-failure", "inconclusive",
    ])]
    pub expect: Option<String>,
    /// An experiment without an expectation (no expect.json, no --expect) fails
    /// instead of being reported `analysed`.
    #[arg(long)]
    pub require_expectations: bool,
    /// Write the results as JSON (`watchtrail/check/v1`); `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub json: Option<std::path::PathBuf>,
    /// Write JUnit XML, one testcase per experiment; `-` for standard output.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<std::path::PathBuf>,
    /// Write a self-contained HTML summary page; `-` for standard output.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<std::path::PathBuf>,
    /// Refuse a tar whose entries add up to more uncompressed bytes than this
    /// (a size: `4G`, `500M`, `1024`).
    #[arg(long, value_name = "SIZE", default_value = "4G", value_parser = parse_size)]
    pub max_total_bytes: u64,
    /// Refuse a tar with more entries than this.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_entries: u64,
    /// Refuse a tar holding an entry larger than this (a size: `1G`, `200M`).
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_entry_bytes: u64,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Which variant: a name from `--list` (`power-off/mid-migration`, or just
    /// `graceful-shutdown` for the first of that kind) or its number.
    #[arg(long, default_value = "2")]
    pub variant: String,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// List the variants and exit.
    #[arg(long)]
    pub list: bool,
    /// Instead of an experiment, write a long pods watch of a busy namespace (no
    /// failure) of at least this many bytes to stdout, e.g. `200M`, `1G`: the input
    /// of the throughput and memory benchmarks.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub churn: Option<u64>,
    /// With `--churn`: the share of watch events that reprint a pod unchanged
    /// (0 to 1), as status writes that touch nothing kubectl prints do.
    #[arg(long, value_name = "P", default_value_t = 0.0, requires = "churn", value_parser = parse_share)]
    pub repeats: f64,
    /// With `--churn`: the namespace as `watch -n 2 kubectl get pods -o wide` screens
    /// instead of a `--watch`, with on average this many changes between screens.
    #[arg(long, value_name = "CHANGES", requires = "churn", value_parser = parse_changes)]
    pub screens: Option<f64>,
    /// With `--churn`: a chaos soak instead, this many node failures spread through
    /// it (pods touched, evicted after the toleration, replaced, nodes back); with
    /// `--output DIR` it writes `pods.log` and `truth.json` there.
    #[arg(long, value_name = "K", requires = "churn", conflicts_with_all = ["screens", "repeats"])]
    pub failures: Option<usize>,
    /// With `--failures`: pods in the namespace.
    #[arg(long, value_name = "N", default_value_t = 2000, requires = "failures")]
    pub pods: usize,
    /// With `--failures --output DIR`: also a `kubectl get nodes --watch` run beside,
    /// as `nodes.log` (the pods' lines are the same with or without it).
    #[arg(long, requires_all = ["failures", "output"])]
    pub node_stream: bool,
    /// With `--failures --output DIR`: also a `kubectl get events -w` run beside, as
    /// `events.log` (the pods' lines and the truth are the same with or without it).
    #[arg(long, requires_all = ["failures", "output"])]
    pub events: bool,
    /// With `--failures`: the pods' watch run again each time the apiserver ends it
    /// (after 30–60 min, as a loop around `kubectl get pods -w` captures a soak of
    /// hours): a new header and initial list each time.
    #[arg(long, requires = "failures")]
    pub relist: bool,
    /// With `--failures`: the pods' watch printed without `-o wide` (no IP, no NODE),
    /// as `kubectl get pods --watch` prints it.
    #[arg(long, requires = "failures", conflicts_with = "node_stream")]
    pub no_wide: bool,
    /// With `--failures`: nodes lost to network partitions, not power-offs: a node
    /// back before the eviction re-posts its pods unchanged instead of restarting
    /// them.
    #[arg(long, requires = "failures")]
    pub partitions: bool,
    /// With `--failures`: the pods' watch run with `--all-namespaces` (`-A`): pods in
    /// a few namespaces, a NAMESPACE column first.
    #[arg(long, requires = "failures")]
    pub all_namespaces: bool,
    /// With `--failures`: the pods' watch run with `--output-watch-events`: an EVENT
    /// column first (ADDED, MODIFIED, DELETED).
    #[arg(long, requires = "failures")]
    pub output_watch_events: bool,
    /// With `--failures`: how long every pod tolerates an unreachable node before its
    /// eviction, as a cluster's `--default-unreachable-toleration-seconds` sets it.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, requires = "failures",
          value_parser = clap::value_parser!(u32).range(10..=3600))]
    pub toleration: u32,
    /// With `--failures`: the share of failures (0 to 1) whose node comes back in
    /// place, before its pods' eviction; the rest keep the default's split of
    /// mid-migration, post-migration and long outages (15 : 45 : 5).
    #[arg(long, value_name = "SHARE", default_value_t = 0.35, requires = "failures",
          value_parser = parse_share)]
    pub in_place: f64,
    /// With `--failures`: the initial pods were created from 10 minutes to this many
    /// days (e.g. `20`, `0.5`) before the watch starts, so their AGE prints `14d`,
    /// `3d7h`… (no restarts before the watch: RESTARTS starts at 0).
    #[arg(long, value_name = "DAYS", default_value_t = 1.0, requires = "failures",
          value_parser = parse_pod_age)]
    pub pod_age: f64,
    /// With `--failures`: on average this many Deployment rolling updates per hour of
    /// soak (0, the default: none): a new ReplicaSet (a new pod-template hash) whose
    /// pods start as the old ones are deleted, 25 % surge and 25 % unavailable, as
    /// Kubernetes rolls by default; never a failure in `truth.json`.
    #[arg(long, value_name = "PER_HOUR", default_value_t = 0.0, requires = "failures",
          value_parser = parse_rollouts)]
    pub rollouts: f64,
    /// With `--failures`: a background change (a container crash, a pod deleted by
    /// hand) every this many seconds on average, not every 1.6 s: a quieter
    /// namespace, the same bytes over many more hours (e.g. `60`).
    #[arg(long, value_name = "SECONDS", requires = "failures", value_parser = parse_churn_gap)]
    pub churn_gap: Option<f64>,
    /// Directory to write the transcripts and `truth.json` into (created if missing).
    #[arg(short, long, value_name = "DIR", required_unless_present_any = ["list", "churn"])]
    pub output: Option<std::path::PathBuf>,
}

/// Most changes between two `--screens` screens: each is a step of the simulation,
/// and an infinite or astronomical count would never finish the first screen.
const MAX_CHANGES: f64 = 1e6;

/// `--screens CHANGES`: a finite number from 0 to [`MAX_CHANGES`].
fn parse_changes(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: expected a number of changes"))?;
    if !(0.0..=MAX_CHANGES).contains(&x) {
        return Err(format!(
            "{text:?}: expected a number from 0 to {MAX_CHANGES}"
        ));
    }
    Ok(x)
}

/// Most `--rollouts` an hour: one a second, far beyond what a cluster deploys, and
/// bounded so a typo cannot turn a soak into nothing but rollouts.
const MAX_ROLLOUTS_PER_HOUR: f64 = 3600.0;

/// `--rollouts PER_HOUR`: a finite number from 0 to [`MAX_ROLLOUTS_PER_HOUR`].
fn parse_rollouts(text: &str) -> Result<f64, String> {
    number_in(
        text,
        "a number of rollouts per hour",
        0.0..=MAX_ROLLOUTS_PER_HOUR,
    )
}

/// `--churn-gap SECONDS`: from a fifth of a second to an hour.
fn parse_churn_gap(text: &str) -> Result<f64, String> {
    number_in(text, "a number of seconds", 0.2..=3600.0)
}

/// The oldest `--pod-age`: the soak's nodes were created 45 days before the watch,
/// and no pod is older than its node.
const MAX_POD_AGE_DAYS: f64 = 44.0;

/// `--pod-age DAYS`: a number of days, from a hundredth (about a quarter of an hour)
/// to [`MAX_POD_AGE_DAYS`].
fn parse_pod_age(text: &str) -> Result<f64, String> {
    number_in(text, "a number of days", 0.01..=MAX_POD_AGE_DAYS)
}

/// `--repeats P`, `--in-place SHARE`: a share, a finite number from 0 to 1.
fn parse_share(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: expected a share from 0 to 1"))?;
    if !(0.0..=1.0).contains(&x) {
        return Err(format!("{text:?}: expected a share from 0 to 1"));
    }
    Ok(x)
}

/// A number in `range`, `what` it counts (`a number of days`) in the messages: NaN
/// is out of every range.
fn number_in(text: &str, what: &str, range: std::ops::RangeInclusive<f64>) -> Result<f64, String> {
    let x: f64 = (text.trim().parse()).map_err(|_| format!("{text:?}: expected {what}"))?;
    if !range.contains(&x) {
        let (lo, hi) = (range.start(), range.end());
        return Err(format!("{text:?}: expected {what} from {lo} to {hi}"));
    }
    Ok(x)
}

/// A byte count with an optional `K`, `M` or `G` suffix (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?}: expected a size like 200M"))?;
    let shift = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => return Err(format!("{text:?}: unknown unit (K, M or G)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?}: too large"))
}
