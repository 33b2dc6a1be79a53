//! Stage 6 — output: renderers write to any `Write`; they never parse.

pub mod analysis_text;
pub mod check_html;
pub mod check_text;
pub mod junit;
pub mod markdown;
pub mod table;
pub mod terminal;
pub mod timeline_text;
