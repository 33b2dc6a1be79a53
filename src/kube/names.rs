//! Which workload a pod's name says owns it (FORMAT.md §5.2).
//!
//! - ReplicaSet of a Deployment: `<deploy>-<hash>-<5>`; the hash is 1–10 of
//!   `4-9bcdf` since 1.8, a plain decimal number before (`carts-2469883122-m1hdj`).
//! - ReplicaSet, ReplicationController, DaemonSet, Job: `<owner>-<5>`.
//! - StatefulSet: `<set>-<ordinal>`, the same name for every incarnation.
//! - Static (mirror) pods: `<name>-<node>`, never evicted, never replaced.
//!
//! The 5-character suffix is drawn from `bcdfghjklmnpqrstvwxz2456789` since 1.8 and
//! from `bcdfghjklmnpqrstvwxz0123456789` before; both are accepted.

use crate::tables::ResourceKind;

/// The random suffix the apiserver appends to a `generateName` (both eras).
fn is_random_suffix(s: &str) -> bool {
    s.len() == 5
        && s.bytes().all(|b| {
            b.is_ascii_digit()
                || (b.is_ascii_lowercase() && !matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
        })
}

/// A pod-template hash: the safe-encoded alphabet (1.8+) or decimal (before).
fn is_template_hash(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 10
        && (s
            .bytes()
            .all(|b| matches!(b, b'4'..=b'9' | b'b' | b'c' | b'd' | b'f'))
            || s.bytes().all(|b| b.is_ascii_digit()))
}

/// What a pod's name says about its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerGuess<'a> {
    /// `<deployment>-<hash>-<5>`: a Deployment's ReplicaSet pod.
    Deployment {
        /// The Deployment's name.
        deployment: &'a str,
        /// The pod-template hash of its ReplicaSet.
        hash: &'a str,
    },
    /// `<owner>-<5>`: a ReplicaSet, ReplicationController, DaemonSet or Job pod.
    Generated {
        /// The owner's name.
        owner: &'a str,
    },
    /// `<set>-<ordinal>`: a StatefulSet pod.
    Ordinal {
        /// The StatefulSet's name.
        set: &'a str,
        /// The pod's ordinal.
        ordinal: u32,
    },
    /// No rule fits: a bare pod, or a name this table cannot read.
    Unknown,
}

impl<'a> OwnerGuess<'a> {
    /// The owner's identity for grouping pods: name and template, when known.
    pub fn key(&self) -> Option<(&'a str, &'a str)> {
        match *self {
            OwnerGuess::Deployment { deployment, hash } => Some((deployment, hash)),
            OwnerGuess::Generated { owner } => Some((owner, "")),
            OwnerGuess::Ordinal { set, .. } => Some((set, "")),
            OwnerGuess::Unknown => None,
        }
    }
}

/// The owner a pod's name suggests. A Deployment pod is preferred to a generated
/// name when both fit (`web-7d4b9c8f6d-x2kqp` is not a ReplicaSet `web-7d4b9c8f6d`'s
/// bare pod in practice: both mean the same ReplicaSet).
pub fn owner_from_name(pod: &str) -> OwnerGuess<'_> {
    if let Some((rest, rand)) = split_last_dash(pod) {
        if is_random_suffix(rand) && !rest.is_empty() {
            if let Some((deployment, hash)) = split_last_dash(rest) {
                if !deployment.is_empty() && is_template_hash(hash) {
                    return OwnerGuess::Deployment { deployment, hash };
                }
            }
            return OwnerGuess::Generated { owner: rest };
        }
        if !rest.is_empty() && !rand.is_empty() && rand.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(ordinal) = rand.parse() {
                return OwnerGuess::Ordinal { set: rest, ordinal };
            }
        }
    }
    OwnerGuess::Unknown
}

/// `s` split at its last `-`, as `rsplit_once('-')` splits it, by a plain byte scan
/// (a name is short, and the analysis reads every pod's).
fn split_last_dash(s: &str) -> Option<(&str, &str)> {
    let i = s.bytes().rposition(|b| b == b'-')?;
    Some((&s[..i], &s[i + 1..]))
}

/// Whether a workload of `owner` kind named `owner_name` owns `pod` by the naming rules.
pub fn owns(owner: &ResourceKind, owner_name: &str, pod: &str) -> bool {
    let Some(rest) = pod
        .strip_prefix(owner_name)
        .and_then(|r| r.strip_prefix('-'))
    else {
        return false;
    };
    match owner {
        ResourceKind::Deployment => match rest.split_once('-') {
            Some((hash, r)) => {
                !hash.is_empty()
                    && hash.len() <= 10
                    && hash.bytes().all(|b| b.is_ascii_alphanumeric())
                    && is_random_suffix(r)
            }
            None => false,
        },
        ResourceKind::ReplicaSet
        | ResourceKind::ReplicationController
        | ResourceKind::DaemonSet => is_random_suffix(rest),
        ResourceKind::Job => is_random_suffix(rest) || rest.split('-').count() == 2,
        ResourceKind::StatefulSet => !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

/// A Deployment pod's name split as `<deployment>-<pod-template-hash>-<random>`,
/// by the rule of [`owner_from_name`]: the hash in the alphabet kubectl's encoder
/// leaves (`node-exporter-kq8rq` is a DaemonSet's pod, not a Deployment `node`'s of
/// template `exporter`). Pods of one Deployment with different hashes come from
/// different templates (a rollout).
pub fn deployment_template(pod: &str) -> Option<(&str, &str)> {
    match owner_from_name(pod) {
        OwnerGuess::Deployment { deployment, hash } => Some((deployment, hash)),
        _ => None,
    }
}

/// A static (mirror) pod's name ends with its node's name: `etcd-node-2` on `node-2`.
pub fn is_static_pod_of(pod: &str, node: &str) -> bool {
    pod.len() > node.len() + 1
        && pod.ends_with(node)
        && pod[..pod.len() - node.len()].ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_splits_at_its_last_dash_as_rsplit_once_splits_it() {
        for name in [
            "web-7d4b9c8f6d-x2kqp",
            "db-0",
            "-",
            "a-",
            "-b",
            "plain",
            "",
            "a--b",
        ] {
            assert_eq!(split_last_dash(name), name.rsplit_once('-'), "{name}");
        }
    }

    /// A DaemonSet pod's name has a word before its suffix too, but not one the
    /// template-hash encoder could write.
    #[test]
    fn a_daemonset_pod_is_no_deployment_template() {
        assert_eq!(deployment_template("node-exporter-kq8rq"), None);
        assert_eq!(deployment_template("kube-proxy-ntbvj"), None);
        assert_eq!(
            deployment_template("web-7d9f8b6c4-x2x9q"),
            Some(("web", "7d9f8b6c4"))
        );
    }

    /// Names from real transcripts of every era, with the owner each says.
    #[test]
    fn names_of_every_era() {
        use OwnerGuess::*;
        let cases: &[(&str, OwnerGuess)] = &[
            (
                "test-deployment-57fb685899-66wmp",
                Deployment {
                    deployment: "test-deployment",
                    hash: "57fb685899",
                },
            ),
            (
                // before 1.8: decimal hash, suffix alphabet with 0, 1 and 3
                "carts-2469883122-m1hdj",
                Deployment {
                    deployment: "carts",
                    hash: "2469883122",
                },
            ),
            ("kubia-8f6b5", Generated { owner: "kubia" }),
            (
                "kube-proxy-ntbvj",
                Generated {
                    owner: "kube-proxy",
                },
            ),
            (
                "nginx-0",
                Ordinal {
                    set: "nginx",
                    ordinal: 0,
                },
            ),
            (
                "web-12",
                Ordinal {
                    set: "web",
                    ordinal: 12,
                },
            ),
            ("busybox", Unknown),
        ];
        for (name, want) in cases {
            assert_eq!(&owner_from_name(name), want, "{name}");
        }
        assert!(is_static_pod_of("etcd-node-2", "node-2"));
        assert!(!is_static_pod_of("node-2", "node-2"));
        assert!(owns(&ResourceKind::StatefulSet, "nginx", "nginx-0"));
        assert!(!owns(&ResourceKind::Deployment, "web", "web-0"));
    }
}
