//! Event reasons that tell a node-failure story (`kubectl get events`, `kubectl
//! events`, a `describe`'s Events block), and what each says about its object.

use serde::Serialize;

/// What an event's REASON says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventMeaning {
    /// The node controller saw the node stop reporting (node or pod event).
    NodeNotReady,
    /// The node reports Ready again.
    NodeReady,
    /// The kubelet started after a reboot (a new boot id).
    Rebooted,
    /// The kubelet started (node events).
    KubeletStarting,
    /// The node object was registered (new or re-created).
    RegisteredNode,
    /// The node object was deleted: gone for good (cloud node lifecycle, by hand).
    NodeDeleted,
    /// A pod marked for deletion because of its node: taint manager or legacy
    /// node controller.
    Eviction,
    /// The taint manager cancelled a pod's eviction: the node came back in time.
    EvictionCancelled,
    /// A pod created by its controller (a replacement when after an eviction).
    PodCreated,
    /// The scheduler bound a pod to a node ("Successfully assigned ns/pod to node").
    PodScheduled,
    /// A volume still attached to the lost node blocks the replacement.
    VolumeBlocked,
    /// The kubelet started a container (the pod runs).
    ContainerStarted,
    /// A reason this table does not know: kept, decides nothing.
    Other,
}

/// Reasons and their meanings (FORMAT.md §2.8, §4.2–4.7).
pub const EVENT_REASONS: &[(&str, EventMeaning)] = &[
    ("NodeNotReady", EventMeaning::NodeNotReady),
    ("NodeNotSchedulable", EventMeaning::Other),
    ("NodeReady", EventMeaning::NodeReady),
    ("Rebooted", EventMeaning::Rebooted),
    ("Starting", EventMeaning::KubeletStarting),
    ("RegisteredNode", EventMeaning::RegisteredNode),
    ("DeletingNode", EventMeaning::NodeDeleted),
    ("RemovingNode", EventMeaning::NodeDeleted),
    ("TaintManagerEviction", EventMeaning::Eviction),
    ("NodeControllerEviction", EventMeaning::Eviction),
    ("SuccessfulCreate", EventMeaning::PodCreated),
    ("Scheduled", EventMeaning::PodScheduled),
    ("FailedAttachVolume", EventMeaning::VolumeBlocked),
    ("Started", EventMeaning::ContainerStarted),
];

/// The meaning of an event REASON. A `TaintManagerEviction` whose message says
/// "Cancelling deletion" is a cancelled eviction.
pub fn event_reason(reason: &str, message: &str) -> EventMeaning {
    let m = EVENT_REASONS
        .iter()
        .find(|(r, _)| *r == reason)
        .map_or(EventMeaning::Other, |(_, m)| *m);
    if m == EventMeaning::Eviction && message.starts_with("Cancelling deletion") {
        return EventMeaning::EvictionCancelled;
    }
    m
}

/// The node a `Scheduled` event's message names: `Successfully assigned
/// default/web-0 to node-3` → `node-3`.
pub fn scheduled_to(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once(" to ")?;
    rest.split_whitespace().next()
}

/// The involved object of an event, from `kind/name` (`node/w1`, `pod/web-0`).
pub fn involved_object(object: &str) -> Option<(&str, &str)> {
    let (kind, name) = object.split_once('/')?;
    (!kind.is_empty() && !name.is_empty()).then_some((kind, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_with_their_messages() {
        assert_eq!(
            event_reason("NodeNotReady", "Node is not ready"),
            EventMeaning::NodeNotReady
        );
        assert_eq!(
            event_reason(
                "TaintManagerEviction",
                "Marking for deletion Pod default/nginx-0"
            ),
            EventMeaning::Eviction
        );
        assert_eq!(
            event_reason(
                "TaintManagerEviction",
                "Cancelling deletion of Pod default/nginx-0"
            ),
            EventMeaning::EvictionCancelled
        );
        assert_eq!(event_reason("Pulled", ""), EventMeaning::Other);
        assert_eq!(involved_object("node/w1"), Some(("node", "w1")));
        assert_eq!(involved_object("w1"), None);
        assert_eq!(
            scheduled_to("Successfully assigned default/nginx-0 to aks-nodepool1-vmss000003"),
            Some("aks-nodepool1-vmss000003")
        );
    }
}
