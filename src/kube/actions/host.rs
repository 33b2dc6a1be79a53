//! Commands run on the node itself (`shutdown -h now`, `systemctl stop kubelet`,
//! `ifconfig eth0 down`, `iptables … -j DROP`): the node is the prompt's host.

use super::Action;

/// What a command run on a node does to it.
pub(super) fn on_the_node(w: &[&str], text: &str) -> Option<Action> {
    let first = *w.first()?;
    let on_host = Some;
    match first {
        "poweroff" | "halt" | "shutdown" => {
            if first == "shutdown" && w.iter().any(|x| *x == "-r" || *x == "--reboot") {
                return on_host(Action::Restart);
            }
            if first == "shutdown" && w.contains(&"-c") {
                return None;
            }
            on_host(Action::InjectFailure)
        }
        "reboot" => on_host(Action::Restart),
        "init" => match w.get(1).copied() {
            Some("0") => on_host(Action::InjectFailure),
            Some("6") => on_host(Action::Restart),
            _ => None,
        },
        "echo" if text.contains("/proc/sysrq-trigger") => match w.get(1).copied() {
            Some("b") => on_host(Action::Restart),
            Some("o" | "c") => on_host(Action::InjectFailure),
            _ => None,
        },
        "systemctl" | "service" => {
            let (verb, unit) = if first == "systemctl" {
                (w.get(1).copied(), w.get(2).copied())
            } else {
                (w.get(2).copied(), w.get(1).copied())
            };
            let node_unit = node_unit(unit);
            match verb? {
                "poweroff" | "halt" => on_host(Action::InjectFailure),
                "reboot" => on_host(Action::Restart),
                "stop" | "kill" if node_unit => on_host(Action::InjectFailure),
                "start" | "restart" if node_unit => on_host(Action::Recover),
                _ => None,
            }
        }
        "ifconfig" => match w.last().copied() {
            Some("down") if w.len() >= 3 => on_host(Action::InjectFailure),
            Some("up") if w.len() >= 3 => on_host(Action::Recover),
            _ => None,
        },
        "ip" if w.get(1).is_some_and(|x| x.starts_with("l")) => {
            if w.contains(&"down") {
                on_host(Action::InjectFailure)
            } else if w.contains(&"up") {
                on_host(Action::Recover)
            } else {
                None
            }
        }
        "iptables" | "ip6tables" => {
            let drops = w
                .windows(2)
                .any(|p| p[0] == "-j" && matches!(p[1], "DROP" | "REJECT"));
            let adds = w
                .iter()
                .any(|x| matches!(*x, "-A" | "-I" | "--append" | "--insert"));
            (drops && adds).then_some(Action::InjectFailure)
        }
        "pkill" | "killall" | "kill" => {
            let daemon = w
                .iter()
                .skip(1)
                .any(|x| matches!(*x, "kubelet" | "containerd" | "dockerd" | "crio" | "k3s"));
            daemon.then_some(Action::InjectFailure)
        }
        "kubeadm" if w.get(1) == Some(&"join") => on_host(Action::Recover),
        "kubeadm" if w.get(1) == Some(&"reset") => on_host(Action::InjectFailure),
        _ => None,
    }
}

/// A node daemon's systemd unit: stopping it takes the node out.
fn node_unit(unit: Option<&str>) -> bool {
    unit.is_some_and(|u| {
        matches!(
            u.trim_end_matches(".service"),
            "kubelet"
                | "containerd"
                | "docker"
                | "crio"
                | "k3s"
                | "k3s-agent"
                | "rke2-agent"
                | "rke2-server"
        )
    })
}
