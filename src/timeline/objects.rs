//! Grouping observations into objects, incarnations, states and touches.
//!
//! A line identical to the previous one of the same object (but for the cells that
//! only say how much time passed: AGE, the `(X ago)` of RESTARTS, LAST SEEN) is not a
//! new state but a *touch*: evidence that something hidden changed (FORMAT.md §4.4 —
//! the node controller marks pods not ready without any visible change). A name whose
//! AGE drops back is a new incarnation (a StatefulSet pod keeps its name); after a
//! DELETED watch event the next line is a new incarnation too.

use crate::observe::Observation;
use crate::tables::ResourceKind;
use crate::Text;

/// Identity of an object: kind, namespace (when printed) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct ObjectKey {
    pub kind: ResourceKind,
    pub namespace: Option<Text>,
    pub name: Text,
}

impl ObjectKey {
    pub fn of(o: &Observation) -> ObjectKey {
        ObjectKey {
            kind: o.kind.clone(),
            namespace: o.namespace.clone(),
            name: o.name.clone(),
        }
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// Whether `next` shows a new incarnation of the object seen in `prev` (same stream).
pub fn is_new_incarnation(prev: &Observation, next: &Observation) -> bool {
    if prev.event.as_deref() == Some("DELETED") {
        return true;
    }
    match (&prev.age, &next.age) {
        (Some(a), Some(b)) => match (a.min_s, b.max_s) {
            // AGE cannot go back by more than the ±1 s truncation of creationTimestamp.
            (Some(prev_min), Some(next_max)) => next_max + 2 < prev_min,
            _ => false,
        },
        _ => false,
    }
}
