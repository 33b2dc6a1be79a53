//! Kubernetes' vocabulary as data, decided in one place: what a pod or node STATUS
//! word means and who writes it ([`status`]), which workload a pod's name says owns
//! it ([`names`]), what a shell command does to a node ([`actions`]) and what an
//! event reason says ([`events`]).
//!
//! Every stage asks here instead of matching words itself. Predicates take plain
//! values (`&str`, `Option<[u32; 2]>`), so this module sits below every stage and
//! depends on none. Each table carries sample rows or commands, checked by the tests
//! beside it: adding a word is a one-line change with its proof.

pub mod actions;
pub mod events;
pub mod names;
pub mod status;

pub use actions::{classify_command, Action, NodeAction};
pub use events::{event_reason, EventMeaning};
pub use names::{owner_from_name, OwnerGuess};
pub use status::{node_status, pod_status, unknown_with_none_ready, NodeCondition, PodMeaning};
