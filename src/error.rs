//! Where things came from, and the non-fatal findings every stage collects.
//!
//! Fatal problems (a path that cannot be read) are `InputError`s; everything
//! else a stage notices about its input becomes a `Diagnostic` that ends up in
//! the JSON `inputs[]`/`warnings[]` and under `--verbose`. Nothing is dropped
//! silently: a line that is not used is a `Skipped` diagnostic with a reason.

use std::fmt;
use std::sync::Arc;

/// A place in the input: the source's display name and a 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The source as the user named it (`pods.log`, `archive.tgz:exp1/pods.log`, `-`).
    pub source: Arc<str>,
    /// 1-based line number in the decoded source.
    pub line: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)
    }
}

/// A fatal input problem: the path could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path as named.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The path was read but cannot be taken in (a format refused, a limit exceeded).
    #[error("{path}: {reason}")]
    Invalid {
        /// The path as named.
        path: String,
        /// Why.
        reason: String,
    },
}

impl InputError {
    /// The reason without the path (for an account that already names the source).
    pub fn reason(&self) -> String {
        match self {
            InputError::Io { source, .. } => source.to_string(),
            InputError::Invalid { reason, .. } => reason.clone(),
        }
    }
}
