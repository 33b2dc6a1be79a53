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
    /// The resource kind.
    pub kind: ResourceKind,
    /// NAMESPACE, when printed.
    pub namespace: Option<Text>,
    /// NAME.
    pub name: Text,
}

impl ObjectKey {
    /// The key of the object an observation shows.
    pub fn of(o: &Observation) -> ObjectKey {
        ObjectKey {
            kind: o.kind().clone(),
            namespace: o.namespace.clone(),
            name: Text::from(o.name()),
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

/// The rule lives with the observations: ingest folds state runs by it too, before
/// there is any timeline.
pub use crate::observe::is_new_incarnation;
