//! Stage 6 — output: renderers write to any `Write`; they never parse.

pub mod table;
pub mod terminal;
