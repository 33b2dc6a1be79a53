//! Stage 6 — output: renderers write to any `Write`; they never parse.
//!
//! One seam: every writer of an analysis implements [`Render`] over one shared
//! [`view::View`] (phases, metric rows, lanes, verdict), times become text only in
//! `time`, and every escaping rule lives in [`escape`]. `check`'s writers
//! (`check_text`, `check_html`, `junit`) take its `Report` and share the same metric
//! rows, times and escaping.

pub mod analysis_text;
pub(crate) mod check_charts;
pub mod check_html;
pub mod check_text;
pub mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub(crate) mod lanes;
pub mod markdown;
pub mod svg;
pub(crate) mod svg_marks;
pub(crate) mod svg_scale;
pub(crate) mod svg_style;
pub mod table;
pub(crate) mod time;
pub mod timeline_text;
pub mod view;

use std::io::{self, Write};

pub use view::View;

/// A writer of one analysis (hyperfine's `Exporter` shape): the format's settings live
/// in the implementing value, the content in the view.
pub trait Render {
    /// Writes the view to `out`.
    fn render(&self, view: &View<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// Renders one analysis with `writer`.
pub fn render(
    writer: &dyn Render,
    a: &crate::analysis::Analysis,
    out: &mut dyn Write,
) -> io::Result<()> {
    writer.render(&View::new(a), out)
}
