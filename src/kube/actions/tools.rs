//! Commands that name the machine they act on (`virsh destroy w1`, `docker stop
//! minikube-m02`, cloud CLIs, `kubectl drain w1`, `pdsh -g nodes poweroff`), and the
//! interactive logins that open a machine's shell.

use super::{
    classify_command, flag_value, machine, operand_after, Action, NodeAction, KUBECTL_NAMES,
    MACHINE_TOOLS,
};

/// What a command that names its machine does, and to which.
pub(super) fn by_tool(w: &[&str]) -> Option<NodeAction> {
    let first = *w.first()?;
    let node = machine;
    match first {
        "minikube" => {
            // minikube node stop|start|delete NAME
            if w.get(1) != Some(&"node") {
                return None;
            }
            let action = match w.get(2).copied()? {
                "stop" | "delete" => Action::InjectFailure,
                "start" => Action::Recover,
                _ => return None,
            };
            Some(NodeAction {
                action,
                node: node(operand_after(w, 2)),
            })
        }
        "gcloud" => cloud_gcloud(w),
        "aws" => cloud_aws(w),
        "az" => cloud_az(w),
        "pdsh" | "clush" => {
            // A command run on a group of nodes: classify what runs, no single node.
            let i = w.iter().rposition(|x| x.starts_with('-'))? + 2;
            let rest = w.get(i..)?.join(" ");
            classify_command(&rest, None).map(|a| NodeAction { node: None, ..a })
        }
        k if KUBECTL_NAMES.contains(&k) => kubectl(w),
        tool => {
            let verb = *w.get(1)?;
            let (_, _, action) = MACHINE_TOOLS
                .iter()
                .find(|(t, verbs, _)| *t == tool && verbs.contains(&verb))?;
            Some(NodeAction {
                action: *action,
                node: node(operand_after(w, 1)),
            })
        }
    }
}

pub(super) fn kubectl(w: &[&str]) -> Option<NodeAction> {
    let verb = *w.get(1)?;
    let node = |i| operand_after(w, i).map(|s: &str| s.trim_start_matches("node/").to_string());
    match verb {
        "drain" => Some(NodeAction {
            action: Action::Drain,
            node: node(1),
        }),
        "cordon" => Some(NodeAction {
            action: Action::Cordon,
            node: node(1),
        }),
        "uncordon" => Some(NodeAction {
            action: Action::Uncordon,
            node: node(1),
        }),
        "delete" if matches!(w.get(2).copied(), Some("node" | "nodes" | "no")) => {
            Some(NodeAction {
                action: Action::DeleteNode,
                node: node(2),
            })
        }
        "delete" if w.contains(&"--force") && w.get(2).is_some_and(|r| r.starts_with("po")) => {
            Some(NodeAction {
                action: Action::ForceDeletePod,
                node: None,
            })
        }
        "taint"
            if w.iter()
                .any(|x| x.starts_with("node.kubernetes.io/out-of-service")) =>
        {
            // A trailing `-` removes the taint.
            let removes = w
                .iter()
                .any(|x| x.starts_with("node.kubernetes.io/out-of-service") && x.ends_with('-'));
            (!removes).then(|| NodeAction {
                action: Action::OutOfService,
                node: node(2),
            })
        }
        _ => None,
    }
}

fn cloud_gcloud(w: &[&str]) -> Option<NodeAction> {
    // gcloud compute instances stop|delete|reset|start NAME
    let i = w.iter().position(|x| *x == "instances")?;
    let action = match *w.get(i + 1)? {
        "stop" | "delete" | "suspend" => Action::InjectFailure,
        "reset" => Action::Restart,
        "start" | "resume" => Action::Recover,
        _ => return None,
    };
    Some(NodeAction {
        action,
        node: operand_after(w, i + 1).map(String::from),
    })
}

fn cloud_aws(w: &[&str]) -> Option<NodeAction> {
    let verb = w.iter().find(|x| x.ends_with("-instances"))?;
    let action = match *verb {
        "stop-instances" | "terminate-instances" => Action::InjectFailure,
        "reboot-instances" => Action::Restart,
        "start-instances" => Action::Recover,
        _ => return None,
    };
    Some(NodeAction {
        action,
        node: flag_value(w, &["--instance-ids"]).map(String::from),
    })
}

fn cloud_az(w: &[&str]) -> Option<NodeAction> {
    // az vm stop|deallocate|delete|restart|start -n NAME; az vmss delete-instances …
    let group = *w.get(1)?;
    let verb = *w.get(2)?;
    let action = match (group, verb) {
        ("vm", "stop" | "deallocate" | "delete") => Action::InjectFailure,
        ("vm", "restart") => Action::Restart,
        ("vm", "start") => Action::Recover,
        ("vmss", "delete-instances" | "stop" | "deallocate") => Action::InjectFailure,
        ("vmss", "restart") => Action::Restart,
        ("vmss", "start") => Action::Recover,
        _ => return None,
    };
    let node = if group == "vm" {
        flag_value(w, &["-n", "--name"]).map(String::from)
    } else {
        None // the instance ids are not node names
    };
    Some(NodeAction { action, node })
}

/// The machine an interactive login opens (`ssh kube3`, `gcloud compute ssh n1`,
/// `vagrant ssh w1`, `minikube ssh -n m02`, `multipass shell w1`): commands typed
/// after it, at a prompt that names no host, run there.
pub fn login_target(text: &str) -> Option<String> {
    let w: Vec<&str> = text.split_whitespace().collect();
    let w: Vec<&str> = match w.first() {
        Some(&"sudo") => w[1..].to_vec(),
        _ => w,
    };
    let target = match *w.first()? {
        "ssh" => {
            let mut i = 1;
            while i < w.len() && w[i].starts_with('-') {
                i += if matches!(w[i], "-i" | "-p" | "-l" | "-o" | "-J" | "-F") {
                    2
                } else {
                    1
                };
            }
            // a command after the host is not an interactive login
            (i + 1 == w.len()).then(|| w[i])
        }
        "gcloud" => {
            let i = w.iter().position(|x| *x == "ssh")?;
            operand_after(&w, i)
        }
        "vagrant" if w.get(1) == Some(&"ssh") => operand_after(&w, 1),
        "multipass" if w.get(1) == Some(&"shell") => operand_after(&w, 1),
        "minikube" if w.get(1) == Some(&"ssh") => flag_value(&w, &["-n", "--node"]),
        _ => None,
    }?;
    Some(target.rsplit('@').next().unwrap_or(target).to_string())
}
