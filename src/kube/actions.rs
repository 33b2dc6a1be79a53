//! What a shell command typed in the capture does to a node: takes it down (failure
//! injection), brings it back (recovery), or is a cluster operation (drain, cordon,
//! node deletion, the out-of-service taint, a forced pod delete).
//!
//! The node comes from the command's argument (`virsh destroy w1`, `ssh kube3
//! poweroff`, `docker stop minikube-m02`) or, for a command run on the node itself
//! (`shutdown -h now`), from the prompt's host, which the caller passes in. One list
//! for every stage: the timeline places these commands, the analysis reads them.

use serde::Serialize;

/// What a command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Power off, halt, stop the kubelet, cut the network, stop or delete the machine.
    InjectFailure,
    /// Reboot or reset: down and up again.
    Restart,
    /// Start the machine, the kubelet or the link again; join the node.
    Recover,
    /// `kubectl drain`: pods evicted by hand before the node goes.
    Drain,
    /// `kubectl cordon`.
    Cordon,
    /// `kubectl uncordon`.
    Uncordon,
    /// `kubectl delete node`: the node object is gone for good.
    DeleteNode,
    /// The `node.kubernetes.io/out-of-service` taint: PodGC force-deletes the node's
    /// terminating pods (FORMAT.md §4.6).
    OutOfService,
    /// `kubectl delete pod … --force`.
    ForceDeletePod,
}

impl Action {
    /// The command takes its node down.
    pub fn downs_node(self) -> bool {
        matches!(self, Action::InjectFailure | Action::Restart)
    }
}

/// A classified command: what it does and to which node, when the text says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeAction {
    /// What the command does.
    pub action: Action,
    /// The node (or machine) named by the command or the prompt's host.
    pub node: Option<String>,
}

/// Names that run kubectl itself (compared after removing any directory).
pub const KUBECTL_NAMES: &[&str] = &[
    "kubectl",
    "kubectl.exe",
    "k",
    "kc",
    "kubecolor",
    "oc",
    "oc.exe",
    "microk8s.kubectl",
];

/// Failure and recovery commands with their verbs, as data: `(tool, verbs, action,
/// index of the machine's name among the words after the verb, if any)`.
const MACHINE_TOOLS: &[(&str, &[&str], Action)] = &[
    (
        "virsh",
        &["destroy", "shutdown", "suspend"],
        Action::InjectFailure,
    ),
    ("virsh", &["reboot", "reset"], Action::Restart),
    ("virsh", &["start", "resume"], Action::Recover),
    (
        "vagrant",
        &["halt", "destroy", "suspend"],
        Action::InjectFailure,
    ),
    ("vagrant", &["reload"], Action::Restart),
    ("vagrant", &["up", "resume"], Action::Recover),
    (
        "docker",
        &["stop", "kill", "pause", "rm"],
        Action::InjectFailure,
    ),
    ("docker", &["restart"], Action::Restart),
    ("docker", &["start", "unpause"], Action::Recover),
    (
        "podman",
        &["stop", "kill", "pause", "rm"],
        Action::InjectFailure,
    ),
    ("podman", &["start", "unpause"], Action::Recover),
    (
        "multipass",
        &["stop", "suspend", "delete"],
        Action::InjectFailure,
    ),
    ("multipass", &["start"], Action::Recover),
    ("lxc", &["stop", "delete"], Action::InjectFailure),
    ("lxc", &["start"], Action::Recover),
    ("incus", &["stop", "delete"], Action::InjectFailure),
    ("incus", &["start"], Action::Recover),
    ("qm", &["stop", "shutdown"], Action::InjectFailure),
    ("qm", &["start"], Action::Recover),
];

mod host;
mod tools;

pub use tools::login_target;

/// Words of a command after `sudo` and its options, with any `ssh host` taken off:
/// returns the words and the host the command runs on.
fn unwrap_remote<'a>(words: &[&'a str], host: Option<&'a str>) -> (Vec<&'a str>, Option<&'a str>) {
    let mut w: Vec<&str> = words.to_vec();
    let mut host = host;
    loop {
        match w.first().copied() {
            Some("sudo" | "doas" | "nohup" | "exec") => {
                w.remove(0);
                while w.first().is_some_and(|x| x.starts_with('-')) {
                    let flag = w.remove(0);
                    if matches!(flag, "-u" | "-g") && !w.is_empty() {
                        w.remove(0);
                    }
                }
            }
            Some("ssh") => {
                // ssh [-opts] [user@]host command…
                let mut i = 1;
                while i < w.len() && w[i].starts_with('-') {
                    i += if matches!(w[i], "-i" | "-p" | "-l" | "-o" | "-J" | "-F") {
                        2
                    } else {
                        1
                    };
                }
                let Some(target) = w.get(i) else { break };
                host = Some(target.rsplit('@').next().unwrap_or(target));
                w.drain(..=i);
            }
            _ => break,
        }
    }
    (w, host)
}

/// The first word after `verb` that is not an option.
pub(super) fn operand_after<'a>(w: &[&'a str], verb_at: usize) -> Option<&'a str> {
    let mut i = verb_at + 1;
    while i < w.len() {
        let x = w[i];
        if x.starts_with('-') {
            // `--zone x`, `-g rg`: skip a flag's value unless it is glued (`--zone=x`).
            let takes_value = !x.contains('=') && x.len() > 1;
            i += if takes_value && is_valued_flag(x) {
                2
            } else {
                1
            };
            continue;
        }
        return Some(x);
    }
    None
}

fn is_valued_flag(x: &str) -> bool {
    matches!(
        x,
        "--zone"
            | "--project"
            | "-g"
            | "--resource-group"
            | "--region"
            | "-p"
            | "--profile"
            | "-t"
            | "--time"
    )
}

/// The value of `--flag v`, `--flag=v` or `-f v` among the words.
pub(super) fn flag_value<'a>(w: &[&'a str], names: &[&str]) -> Option<&'a str> {
    for (i, x) in w.iter().enumerate() {
        for n in names {
            if x == n {
                return w.get(i + 1).copied();
            }
            if let Some(v) = x.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                return Some(v);
            }
        }
    }
    None
}

/// Classifies a command line (prompt removed). `host` is the prompt's host (or
/// `virsh` at a `virsh #` prompt), when one was printed.
pub fn classify_command(text: &str, host: Option<&str>) -> Option<NodeAction> {
    let words: Vec<&str> = text.split_whitespace().collect();
    // An interactive tool's prompt: `virsh # destroy w1`.
    let (words, host) = match host {
        Some(h) if MACHINE_TOOLS.iter().any(|(t, ..)| *t == h) => {
            let mut w = vec![h];
            w.extend(words);
            (w, None)
        }
        _ => (words, host),
    };
    let (w, host) = unwrap_remote(&words, host);
    if let Some(action) = host::on_the_node(&w, text) {
        return Some(NodeAction {
            action,
            node: machine(host),
        });
    }
    tools::by_tool(&w)
}

/// A machine's name as typed, quotes taken off.
fn machine(name: Option<&str>) -> Option<String> {
    name.map(|s| s.trim_matches(|c| c == '"' || c == '\'').to_string())
}

/// What a sample command must read as: the action and the node, or nothing.
pub type Expected = Option<(Action, Option<&'static str>)>;

/// Samples: a command, the prompt's host, and what it must read as (checked by a test).
pub const SAMPLES: &[(&str, Option<&str>, Expected)] = &[
    (
        "sudo shutdown -h now",
        Some("node03"),
        Some((Action::InjectFailure, Some("node03"))),
    ),
    (
        "ssh kube3 poweroff",
        None,
        Some((Action::InjectFailure, Some("kube3"))),
    ),
    (
        "docker stop minikube-m02",
        None,
        Some((Action::InjectFailure, Some("minikube-m02"))),
    ),
    (
        "minikube node stop m02",
        None,
        Some((Action::InjectFailure, Some("m02"))),
    ),
    (
        "vagrant halt w1",
        None,
        Some((Action::InjectFailure, Some("w1"))),
    ),
    (
        "virsh destroy worker-2",
        None,
        Some((Action::InjectFailure, Some("worker-2"))),
    ),
    (
        "destroy worker-2",
        Some("virsh"),
        Some((Action::InjectFailure, Some("worker-2"))),
    ),
    (
        "virsh start kube3",
        None,
        Some((Action::Recover, Some("kube3"))),
    ),
    (
        "sudo ifconfig eth0 down",
        Some("node1"),
        Some((Action::InjectFailure, Some("node1"))),
    ),
    (
        "ip link set ens3 down",
        None,
        Some((Action::InjectFailure, None)),
    ),
    (
        "iptables -A INPUT -s 10.0.0.1 -j DROP",
        Some("w2"),
        Some((Action::InjectFailure, Some("w2"))),
    ),
    (
        "sudo systemctl stop kubelet",
        Some("w2"),
        Some((Action::InjectFailure, Some("w2"))),
    ),
    (
        "systemctl start kubelet",
        Some("w2"),
        Some((Action::Recover, Some("w2"))),
    ),
    (
        "gcloud compute instances stop gke-a-1 --zone x",
        None,
        Some((Action::InjectFailure, Some("gke-a-1"))),
    ),
    (
        "gcloud compute instances reset gke-a-1",
        None,
        Some((Action::Restart, Some("gke-a-1"))),
    ),
    (
        "aws ec2 stop-instances --instance-ids i-0abc",
        None,
        Some((Action::InjectFailure, Some("i-0abc"))),
    ),
    (
        "az vm deallocate -g rg -n vm1",
        None,
        Some((Action::InjectFailure, Some("vm1"))),
    ),
    (
        "az vmss delete-instances --instance-ids 0 --name pool --resource-group rg",
        None,
        Some((Action::InjectFailure, None)),
    ),
    (
        "pdsh -g nodes poweroff",
        None,
        Some((Action::InjectFailure, None)),
    ),
    (
        "echo b > /proc/sysrq-trigger",
        Some("w1"),
        Some((Action::Restart, Some("w1"))),
    ),
    ("reboot", Some("w1"), Some((Action::Restart, Some("w1")))),
    (
        "kubectl drain kube2 --ignore-daemonsets",
        None,
        Some((Action::Drain, Some("kube2"))),
    ),
    (
        "kubectl cordon kube2",
        None,
        Some((Action::Cordon, Some("kube2"))),
    ),
    (
        "kubectl delete node kube2",
        None,
        Some((Action::DeleteNode, Some("kube2"))),
    ),
    (
        "kubectl taint nodes rhel1 node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
        None,
        Some((Action::OutOfService, Some("rhel1"))),
    ),
    (
        "kubectl delete pod web-0 --grace-period=0 --force",
        None,
        Some((Action::ForceDeletePod, None)),
    ),
    (
        "kubeadm join 10.0.0.1:6443 --token x",
        Some("w3"),
        Some((Action::Recover, Some("w3"))),
    ),
    ("kubectl get pods -o wide", None, None),
    ("shutdown", None, Some((Action::InjectFailure, None))),
    ("echo shutdown", None, None),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_reads_as_listed() {
        for &(cmd, host, want) in SAMPLES {
            let got = classify_command(cmd, host).map(|a| (a.action, a.node));
            let want = want.map(|(a, n)| (a, n.map(String::from)));
            assert_eq!(got, want, "{cmd} at {host:?}");
        }
    }

    #[test]
    fn interactive_logins_name_their_machine() {
        assert_eq!(login_target("ssh root@kube3").as_deref(), Some("kube3"));
        assert_eq!(login_target("ssh kube3 poweroff"), None);
        assert_eq!(
            login_target("gcloud compute ssh gke-kubia-default-pool-ca08bdd4-3775").as_deref(),
            Some("gke-kubia-default-pool-ca08bdd4-3775")
        );
        assert_eq!(login_target("vagrant ssh w1").as_deref(), Some("w1"));
        assert_eq!(login_target("kubectl get pods"), None);
    }
}
