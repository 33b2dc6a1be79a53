//! A kubectl-faithful node-failure experiment, for tests (to be written).
