//! An events watch placed on the pods' clock. Its lines carry only their own ages
//! (LAST SEEN), so without a link every event floats free of the pods: any incident
//! may hold any of them. The scheduler's `Scheduled` event ties the two: it is
//! written once the pod is bound, after the pod's creation, and the kubelet shows the
//! pod past `Pending` (`ContainerCreating`, `Running`, …) only once it was bound
//! (FORMAT.md §4.8); the event is recorded asynchronously, so a few seconds' slack.

use super::super::stn::{Ms, UNBOUNDED};
use super::super::Point;
use super::{Link, Track};
use crate::kube::events::{event_reason, EventMeaning};
use crate::observe::Observation;
use crate::tables::ResourceKind;
use crate::HashMap;

/// How long after the kubelet's first write past `Pending` the scheduler's event
/// may still be recorded (its event broadcaster writes in the background).
const EVENT_SLACK_MS: Ms = 10_000;

/// Links of each `Scheduled` event to its pod's creation and to the pod's first
/// line past `Pending`. A pod name seen in more than one pod track (a StatefulSet's
/// pod recreated, two pod streams) is left alone: which one the event meant is
/// unknown.
pub(super) fn event_links(
    obs: &[Observation],
    points: &[Point],
    events: &[(Point, usize)],
    tracks: &[Track],
    links: &mut Vec<Link>,
) {
    if events.is_empty() {
        return;
    }
    let mut pods: HashMap<&str, Option<usize>> = HashMap::default();
    for (i, t) in tracks.iter().enumerate() {
        if t.key.kind == ResourceKind::Pod {
            pods.entry(&t.key.name)
                .and_modify(|one| *one = None)
                .or_insert(Some(i));
        }
    }
    if pods.is_empty() {
        return;
    }
    // Each event's own point (its line less LAST SEEN): an event listed when the
    // watch started was printed long after it happened.
    for &(at, e) in events {
        let o = &obs[e];
        let Some((reason, message)) = o.event_reason() else {
            continue;
        };
        if event_reason(reason, message) != EventMeaning::PodScheduled {
            continue;
        }
        let Some(("pod" | "Pod", name)) = o.event_object() else {
            continue;
        };
        let Some(&Some(track)) = pods.get(name) else {
            continue;
        };
        let t = &tracks[track];
        links.push(Link {
            kind: "a pod is scheduled after it is created",
            flag: "--no-link-events",
            a: t.created,
            b: at,
            lo: 0,
            hi: UNBOUNDED,
            obs: vec![t.obs[0], e],
            rank: 1,
        });
        let shown = t.obs.iter().copied().find(|&i| past_pending(&obs[i]));
        if let Some(shown) = shown {
            links.push(Link {
                kind: "a pod's kubelet shows it after it was scheduled",
                flag: "--no-link-events",
                a: at,
                b: points[shown],
                lo: -EVENT_SLACK_MS,
                hi: UNBOUNDED,
                obs: vec![e, shown],
                rank: 1,
            });
        }
    }
}

/// A status only the pod's kubelet writes, so only once the pod was bound: not
/// `Pending`, nor the API server's `Terminating` or the node controller's `Unknown`.
fn past_pending(o: &Observation) -> bool {
    o.status()
        .is_some_and(|s| !s.is_empty() && !matches!(s, "Pending" | "Terminating" | "Unknown"))
}

#[cfg(test)]
mod tests {
    use crate::input::{Origin, Source};
    use crate::timeline::{LinkOptions, Timelines};

    /// A pod's watch and an events watch, each with its own relative clock.
    fn pods_and_events(opts: LinkOptions, last_seen: &str) -> Timelines {
        let source = |name: &str, text: &str| Source {
            name: name.into(),
            origin: Origin::Bytes(text.as_bytes().to_vec().into()),
        };
        let pods = "$ kubectl get pods -w\n\
            NAME                   READY   STATUS              RESTARTS   AGE\n\
            web-7d4b9c8f6d-aaaaa   0/1     Pending             0          0s\n\
            web-7d4b9c8f6d-aaaaa   0/1     ContainerCreating   0          1s\n\
            web-7d4b9c8f6d-aaaaa   1/1     Running             0          6s\n";
        let events = format!(
            "$ kubectl get events -w\n\
            LAST SEEN   TYPE     REASON      OBJECT                     MESSAGE\n\
            {last_seen:<11} Normal   Scheduled   pod/web-7d4b9c8f6d-aaaaa   Successfully assigned default/web-7d4b9c8f6d-aaaaa to w1\n"
        );
        let mut ing =
            crate::ingest::ingest(&[source("pods.log", pods), source("events.log", &events)])
                .unwrap();
        crate::timeline::build::build(&mut ing, opts)
    }

    /// The `Scheduled` event is placed after its pod's creation and at most 10 s
    /// after the kubelet showed the pod `ContainerCreating` (1 s old): within
    /// [0 s, 12 s] of the creation, give or take the second each AGE and LAST SEEN
    /// truncates — also when the events watch started later and listed it two
    /// minutes old (the event's time is linked, not its line's). Without the link
    /// the two watches share no clock.
    #[test]
    fn a_scheduled_event_is_placed_by_its_pod_s_lines() {
        for last_seen in ["0s", "2m"] {
            placed_by_its_pod_s_lines(last_seen);
        }
    }

    fn placed_by_its_pod_s_lines(last_seen: &str) {
        let gap = |opts| {
            let t = pods_and_events(opts, last_seen);
            assert!(
                t.warnings.iter().all(|w| !w.contains("conflict")),
                "{:?}",
                t.warnings
            );
            let pod = (t.objects.iter())
                .find(|o| &*o.key.name == "web-7d4b9c8f6d-aaaaa")
                .expect("the pod");
            let event = t.events.first().expect("the event");
            t.difference(pod.created_point, event.point)
        };
        let linked = gap(LinkOptions::default());
        assert!(
            linked.min_ms >= -1_000 && linked.max_ms <= 14_000,
            "{linked:?}"
        );
        let apart = gap(LinkOptions {
            events: false,
            ..LinkOptions::default()
        });
        assert!(apart.max_ms - apart.min_ms > 60_000, "{apart:?}");
    }
}
