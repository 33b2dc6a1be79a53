//! Which objects get a lane in the timeline picture, in which order and group.
//!
//! Nodes first, then workloads, then pods under their owner (or, without one, under
//! their node), then anything else. At scale the pods no incident touched fold into
//! one summary lane, so a 1,000-pod experiment stays readable; past [`POD_LANES`] pods
//! of their own (a soak's thousands of incidents) the touched ones fold too, into a
//! second summary lane, so that the picture stays one a browser can show. Order follows
//! [`crate::timeline::Timelines::objects`] (a `Vec`), never a hash map: the picture is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::Incident;
use crate::tables::ResourceKind;
use crate::timeline::ObjectTimeline;

/// Pods are folded only when there are more than this many.
pub const FOLD_OVER: usize = 30;

/// At most this many pods get a lane of their own (a 50 MB soak drew every one of its
/// 2,000 pods' successors: 190 MB of SVG). The text and JSON reports list them all.
pub const POD_LANES: usize = 300;

/// One row of the picture.
#[derive(Debug)]
pub enum Row<'a> {
    /// A group heading (`Nodes`, `Pods of Deployment web`).
    Heading(String),
    /// One object's lane.
    Object(&'a ObjectTimeline),
    /// Pods folded into one lane, and why.
    Folded(Vec<&'a ObjectTimeline>, Fold),
}

/// Why pods share a folded lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// No incident touched them.
    Untouched,
    /// Incidents touched them, but the picture has [`POD_LANES`] pod lanes already.
    OverBudget,
}

/// Pods an incident touched: its pods, their replacements, and pods bound to its node.
fn affected(incidents: &[Incident]) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let mut names = BTreeSet::new();
    let mut nodes = BTreeSet::new();
    for i in incidents {
        nodes.insert(i.node.as_str());
        for p in &i.pods {
            names.insert(p.name.as_str());
            if let Some(r) = &p.replacement {
                names.insert(r.as_str());
            }
        }
    }
    (names, nodes)
}

fn is_affected(o: &ObjectTimeline, names: &BTreeSet<&str>, nodes: &BTreeSet<&str>) -> bool {
    names.contains(o.key.name.as_str())
        || o.states
            .iter()
            .any(|s| s.node.as_deref().is_some_and(|n| nodes.contains(n)))
}

/// The rows of the picture, in order.
pub fn rows<'a>(objects: &'a [ObjectTimeline], incidents: &'a [Incident]) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    let nodes: Vec<&ObjectTimeline> = objects
        .iter()
        .filter(|o| o.key.kind == ResourceKind::Node)
        .collect();
    if !nodes.is_empty() {
        rows.push(Row::Heading("Nodes".into()));
        rows.extend(nodes.into_iter().map(Row::Object));
    }
    let workloads: Vec<&ObjectTimeline> = objects
        .iter()
        .filter(|o| o.key.kind.is_workload())
        .collect();
    if !workloads.is_empty() {
        rows.push(Row::Heading("Workloads".into()));
        rows.extend(workloads.into_iter().map(Row::Object));
    }
    let pods: Vec<&ObjectTimeline> = objects
        .iter()
        .filter(|o| o.key.kind == ResourceKind::Pod)
        .collect();
    let (names, inc_nodes) = affected(incidents);
    let fold = pods.len() > FOLD_OVER;
    let mut folded = Vec::new();
    let mut over_budget = Vec::new();
    let mut drawn = 0;
    // Group key → pods, in order of first appearance of the group.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<&ObjectTimeline>> = BTreeMap::new();
    for p in pods {
        if fold && !is_affected(p, &names, &inc_nodes) {
            folded.push(p);
            continue;
        }
        if drawn == POD_LANES {
            over_budget.push(p);
            continue;
        }
        drawn += 1;
        let key = match (&p.owner, p.states.iter().find_map(|s| s.node.as_deref())) {
            (Some(owner), _) => format!("Pods of {owner}"),
            (None, Some(node)) => format!("Pods on node {node}"),
            (None, None) => "Pods".to_string(),
        };
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(p);
    }
    for key in order {
        let members = groups.remove(&key).unwrap_or_default();
        rows.push(Row::Heading(key));
        rows.extend(members.into_iter().map(Row::Object));
    }
    if !over_budget.is_empty() {
        rows.push(Row::Heading(format!(
            "More pods incidents touched (past {POD_LANES} lanes)"
        )));
        rows.push(Row::Folded(over_budget, Fold::OverBudget));
    }
    if !folded.is_empty() {
        rows.push(Row::Heading("Pods no incident touched".into()));
        rows.push(Row::Folded(folded, Fold::Untouched));
    }
    let others: Vec<&ObjectTimeline> = objects
        .iter()
        .filter(|o| {
            o.key.kind != ResourceKind::Node
                && o.key.kind != ResourceKind::Pod
                && !o.key.kind.is_workload()
        })
        .collect();
    if !others.is_empty() {
        rows.push(Row::Heading("Other objects".into()));
        rows.extend(others.into_iter().map(Row::Object));
    }
    rows
}
