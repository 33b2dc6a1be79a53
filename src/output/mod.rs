//! Stage 6 — output: renderers write to any `Write`; they never parse.

pub mod analysis_text;
pub mod check_html;
pub mod check_text;
pub mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub mod lanes;
pub mod markdown;
pub mod svg;
pub mod svg_style;
pub mod table;
pub mod terminal;
pub mod timeline_text;
