//! A kubectl-faithful node-failure experiment simulator, for tests.
pub mod tabwriter;
