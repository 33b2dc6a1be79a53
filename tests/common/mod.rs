//! What the parser tests share: reading one transcript file with every row kept.

use std::path::Path;

use watchtrail::ingest::Ingested;
use watchtrail::input::{Origin, Source};

/// Every row of one file (nothing folded), with its account.
pub fn ingest(path: &Path) -> Ingested {
    let src = Source {
        name: path.to_string_lossy().into(),
        origin: Origin::File(path.to_path_buf()),
    };
    watchtrail::ingest::ingest_every_row(&[src]).expect("transcript readable")
}
