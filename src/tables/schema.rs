//! The column vocabulary of kubectl's tables, as data (FORMAT.md §2–3).
//!
//! Every header word kubectl prints maps to the grammar of its cells ([`CellClass`]),
//! with sample cells that a unit test checks against the grammar (the lnav
//! "formats as data" idea). Resource kinds are inferred from the command line's
//! resource argument (aliases included) or, failing that, from the set of columns.

use serde::Serialize;

use super::cells::CellClass;

mod columns;

pub use columns::COLUMNS;

/// A Kubernetes resource kind as watchtrail knows it. Unknown kinds are kept by name
/// and parsed as generic tables (NAME, AGE, every other cell verbatim).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub enum ResourceKind {
    /// `pods`.
    Pod,
    /// `nodes`.
    Node,
    /// `deployments`.
    Deployment,
    /// `replicasets`.
    ReplicaSet,
    /// `replicationcontrollers`.
    ReplicationController,
    /// `statefulsets`.
    StatefulSet,
    /// `daemonsets`.
    DaemonSet,
    /// `jobs`.
    Job,
    /// `cronjobs`.
    CronJob,
    /// `events`.
    Event,
    /// `services`.
    Service,
    /// `endpoints`.
    Endpoints,
    /// `horizontalpodautoscalers`.
    HorizontalPodAutoscaler,
    /// Any other kind, by the name the command or header gave it.
    Other(String),
}

impl ResourceKind {
    /// The kind's name as the JSON documents write it.
    pub fn as_str(&self) -> &str {
        match self {
            ResourceKind::Pod => "Pod",
            ResourceKind::Node => "Node",
            ResourceKind::Deployment => "Deployment",
            ResourceKind::ReplicaSet => "ReplicaSet",
            ResourceKind::ReplicationController => "ReplicationController",
            ResourceKind::StatefulSet => "StatefulSet",
            ResourceKind::DaemonSet => "DaemonSet",
            ResourceKind::Job => "Job",
            ResourceKind::CronJob => "CronJob",
            ResourceKind::Event => "Event",
            ResourceKind::Service => "Service",
            ResourceKind::Endpoints => "Endpoints",
            ResourceKind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            ResourceKind::Other(name) => name,
        }
    }

    /// Workload kinds own pods and report ready counts.
    pub fn is_workload(&self) -> bool {
        matches!(
            self,
            ResourceKind::Deployment
                | ResourceKind::ReplicaSet
                | ResourceKind::ReplicationController
                | ResourceKind::StatefulSet
                | ResourceKind::DaemonSet
                | ResourceKind::Job
        )
    }

    /// Resolves a `kubectl get` resource argument (`po`, `deployments.apps`,
    /// `pod/web-0`, `Deployment`) to a kind. Unknown names become `Other`.
    pub fn from_resource_arg(arg: &str) -> ResourceKind {
        let arg = arg.split('/').next().unwrap_or(arg);
        let base = arg.split('.').next().unwrap_or(arg).to_ascii_lowercase();
        let group = arg.split_once('.').map(|(_, g)| g.to_ascii_lowercase());
        let known = RESOURCE_ALIASES
            .iter()
            .find(|(names, _)| names.contains(&base.as_str()))
            .map(|(_, k)| k.clone());
        match (known, group.as_deref()) {
            // `pods.metrics.k8s.io` is not the core Pod table.
            (Some(kind), None | Some("apps" | "batch" | "autoscaling" | "" | "v1")) => kind,
            (Some(kind), Some(g)) if g.starts_with("apps") || g.starts_with("batch") => kind,
            (Some(ResourceKind::Event), Some(g)) if g.starts_with("events") => ResourceKind::Event,
            _ => ResourceKind::Other(arg.to_string()),
        }
    }
}

impl From<ResourceKind> for String {
    fn from(k: ResourceKind) -> String {
        k.as_str().to_string()
    }
}

impl std::fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Resource names, plurals and short names kubectl accepts (`kubectl api-resources`).
const RESOURCE_ALIASES: &[(&[&str], ResourceKind)] = &[
    (&["pod", "pods", "po"], ResourceKind::Pod),
    (&["node", "nodes", "no"], ResourceKind::Node),
    (
        &["deployment", "deployments", "deploy"],
        ResourceKind::Deployment,
    ),
    (
        &["replicaset", "replicasets", "rs"],
        ResourceKind::ReplicaSet,
    ),
    (
        &["replicationcontroller", "replicationcontrollers", "rc"],
        ResourceKind::ReplicationController,
    ),
    (
        &["statefulset", "statefulsets", "sts"],
        ResourceKind::StatefulSet,
    ),
    (&["daemonset", "daemonsets", "ds"], ResourceKind::DaemonSet),
    (&["job", "jobs"], ResourceKind::Job),
    (&["cronjob", "cronjobs", "cj"], ResourceKind::CronJob),
    (&["event", "events", "ev"], ResourceKind::Event),
    (&["service", "services", "svc"], ResourceKind::Service),
    (&["endpoints", "ep"], ResourceKind::Endpoints),
    (
        &["horizontalpodautoscaler", "horizontalpodautoscalers", "hpa"],
        ResourceKind::HorizontalPodAutoscaler,
    ),
];

/// One header word (possibly with a space: `NOMINATED NODE`) and its cell grammar.
#[derive(Debug)]
pub struct ColumnDef {
    /// The header word (`READY`).
    pub header: &'static str,
    /// The grammar of its cells.
    pub class: CellClass,
    /// Cells kubectl prints in this column, checked by a unit test.
    pub samples: &'static [&'static str],
}

/// The definition of a known header word.
pub fn column(header: &str) -> Option<&'static ColumnDef> {
    COLUMNS.iter().find(|c| c.header == header)
}

/// The columns a kind prints today (server ≥ 1.30), normal and `-o wide`, used when a
/// table has no header (`--no-headers`, output piped through `grep`).
pub fn default_columns(kind: &ResourceKind, wide: bool) -> Option<Vec<&'static str>> {
    if *kind == ResourceKind::Event {
        let cols = if wide {
            columns::EVENT_WIDE_COLUMNS
        } else {
            columns::EVENT_COLUMNS
        };
        return Some(cols.to_vec());
    }
    let (_, normal, extra) = columns::KIND_COLUMNS.iter().find(|(k, ..)| k == kind)?;
    let mut cols = normal.to_vec();
    if wide {
        cols.extend_from_slice(extra);
    }
    Some(cols)
}

/// Infers the kind from a header's columns (FORMAT.md §2): the first kind whose
/// signature columns are all present. `None` for tables no built-in printer makes.
pub fn kind_from_columns(headers: &[String]) -> Option<ResourceKind> {
    let has = |h: &str| headers.iter().any(|x| x == h);
    let all = |hs: &[&str]| hs.iter().all(|h| has(h));
    let kind = if has("POD") && (has("HOST") || has("CONTAINER(S)")) {
        ResourceKind::Pod
    } else if all(&["LAST SEEN", "REASON"])
        || all(&["LASTSEEN", "REASON"])
        || all(&["REASON", "OBJECT", "MESSAGE"])
        || all(&["REASON", "INVOLVED OBJECT"])
    {
        ResourceKind::Event
    } else if has("CONTROLLER") && (has("REPLICAS") || has("SELECTOR")) {
        ResourceKind::ReplicationController
    } else if all(&["READY", "STATUS", "RESTARTS"]) {
        ResourceKind::Pod
    } else if all(&["STATUS", "ROLES"]) || all(&["STATUS", "VERSION", "AGE"]) && !has("READY") {
        ResourceKind::Node
    } else if has("NODE SELECTOR") {
        ResourceKind::DaemonSet
    } else if all(&["UP-TO-DATE", "AVAILABLE"]) {
        ResourceKind::Deployment
    } else if all(&["DESIRED", "CURRENT", "READY"]) {
        ResourceKind::ReplicaSet
    } else if has("COMPLETIONS") || has("SUCCESSFUL") {
        ResourceKind::Job
    } else if has("SCHEDULE") {
        ResourceKind::CronJob
    } else if all(&["CLUSTER-IP", "PORT(S)"]) {
        ResourceKind::Service
    } else if has("ENDPOINTS") {
        ResourceKind::Endpoints
    } else if all(&["REFERENCE", "TARGETS"]) {
        ResourceKind::HorizontalPodAutoscaler
    } else if headers.len() <= 5 && all(&["NAME", "READY", "AGE"]) && !has("STATUS") {
        ResourceKind::StatefulSet
    } else if all(&["NAME", "DESIRED", "CURRENT", "AGE"]) && headers.len() == 4 {
        // Pre-1.13 StatefulSet.
        ResourceKind::StatefulSet
    } else {
        return None;
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::cells::accepts;

    #[test]
    fn every_sample_cell_parses_with_its_column_grammar() {
        for c in COLUMNS {
            assert!(!c.samples.is_empty(), "{} has no sample", c.header);
            for s in c.samples {
                assert!(
                    accepts(c.class, s),
                    "{}: sample {s:?} refused by {:?}",
                    c.header,
                    c.class
                );
            }
        }
    }

    #[test]
    fn every_cell_grammar_has_a_sample() {
        for class in CellClass::ALL {
            assert!(
                COLUMNS.iter().any(|c| c.class == *class),
                "{class:?} is used by no column"
            );
        }
    }

    #[test]
    fn header_words_are_unique() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert!(
                COLUMNS[i + 1..].iter().all(|d| d.header != c.header),
                "{}",
                c.header
            );
        }
    }

    #[test]
    fn default_columns_are_all_in_the_vocabulary() {
        for kind in [
            ResourceKind::Pod,
            ResourceKind::Node,
            ResourceKind::Deployment,
            ResourceKind::ReplicaSet,
            ResourceKind::StatefulSet,
            ResourceKind::DaemonSet,
            ResourceKind::Job,
            ResourceKind::CronJob,
            ResourceKind::Event,
            ResourceKind::Service,
            ResourceKind::Endpoints,
            ResourceKind::HorizontalPodAutoscaler,
        ] {
            for wide in [false, true] {
                let cols = default_columns(&kind, wide).unwrap();
                for h in &cols {
                    assert!(column(h).is_some(), "{kind}: {h}");
                }
                let owned: Vec<String> = cols.iter().map(|s| s.to_string()).collect();
                assert_eq!(
                    kind_from_columns(&owned),
                    Some(kind.clone()),
                    "{kind} wide={wide}"
                );
            }
        }
    }

    #[test]
    fn resource_arguments_resolve_to_kinds() {
        assert_eq!(ResourceKind::from_resource_arg("po"), ResourceKind::Pod);
        assert_eq!(
            ResourceKind::from_resource_arg("deployments.apps"),
            ResourceKind::Deployment
        );
        assert_eq!(
            ResourceKind::from_resource_arg("pod/web-0"),
            ResourceKind::Pod
        );
        assert_eq!(ResourceKind::from_resource_arg("no"), ResourceKind::Node);
        assert_eq!(
            ResourceKind::from_resource_arg("sts"),
            ResourceKind::StatefulSet
        );
        assert_eq!(
            ResourceKind::from_resource_arg("certificates.cert-manager.io"),
            ResourceKind::Other("certificates.cert-manager.io".into())
        );
    }
}
