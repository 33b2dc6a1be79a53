//! The command line, as clap derive types only; no logic (see `app`).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Reads saved `kubectl get --watch` transcripts of a node-failure experiment and
/// reconstructs what happened, when, and which recovery scenario it was.
#[derive(Debug, Parser)]
#[command(name = "watchtrail", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Observations: one typed record per table row (JSON Lines, or a table for people).
    Parse(ParseArgs),
}

/// The transcripts of ONE experiment.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Transcript files, a directory holding them, or `-` for standard input
    /// (gzip is read transparently).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
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
