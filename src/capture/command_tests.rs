//! Tests for `command`: recognition with and without prompts, and `kubectl get` flags.

use super::*;

fn get(text: &str) -> GetCommand {
    recognise(text, None)
        .unwrap_or_else(|| panic!("not a command: {text}"))
        .command
        .get
        .unwrap_or_else(|| panic!("not a get: {text}"))
}

fn is_cmd(text: &str, prompt: Option<Strength>) -> bool {
    recognise(text, prompt).is_some()
}

#[test]
fn kubectl_like_commands_without_prompt() {
    for text in [
        "kubectl get pods -w",
        "kubectl.exe get pods -w",
        "k get po -w",
        "kc get po",
        "kg pods -w",
        "oc get pods -w",
        "microk8s kubectl get pods -w",
        "microk8s.kubectl get pods",
        "minikube kubectl -- get pods -w",
        "k3s kubectl get nodes -w",
        "/usr/local/bin/kubectl get pods",
        "sudo kubectl get nodes -w",
        "KUBECONFIG=/tmp/k kubectl get pods -w",
        "watch kubectl get pods",
        "watch -n 2 kubectl get pods -o wide",
        "watch -n2 -d kubectl get pods",
        "watch -n 1 'kubectl get pods -o wide'",
        "watch \"kubectl get pods | grep web\"",
        "get node --watch -o wide",
        "kgpw",
    ] {
        let g = get(text);
        assert!(g.resource.is_some(), "{text}: {g:?}");
    }
}

#[test]
fn oh_my_zsh_aliases_fill_the_resource_and_flags() {
    let g = get("kgp");
    assert_eq!(g.resource.as_deref(), Some("pods"));
    let g = get("kgpw -n web");
    assert_eq!((g.watch, g.namespace.as_deref()), (true, Some("web")));
    assert!(get("kgpwide").wide);
    assert_eq!(get("kgno -w").resource.as_deref(), Some("nodes"));
    assert_eq!(get("kgd").resource.as_deref(), Some("deployment"));
    assert_eq!(get("kgrs").resource.as_deref(), Some("replicaset"));
    assert_eq!(get("kgss").resource.as_deref(), Some("statefulset"));
    assert_eq!(get("kgds").resource.as_deref(), Some("daemonset"));
    let g = get("kgpall");
    assert!(g.all_namespaces && g.wide);
    for (alias, expansion) in vocab::ALIASES {
        if expansion.starts_with("get") && *alias != "kg" {
            assert!(get(alias).resource.is_some(), "{alias}");
        }
    }
}

#[test]
fn resource_forms() {
    assert_eq!(get("kubectl get pods").resource.as_deref(), Some("pods"));
    assert_eq!(
        get("kubectl get deployments.apps -o wide --watch")
            .resource
            .as_deref(),
        Some("deployments.apps")
    );
    assert_eq!(
        get("kubectl get deploy,rs").resource.as_deref(),
        Some("deploy,rs")
    );
    let g = get("kubectl get pod/web-0 -w");
    assert_eq!(
        (g.resource.as_deref(), g.names.clone()),
        (Some("pod"), vec!["web-0".to_string()])
    );
    let g = get("kubectl get pod web-0 web-1 -w");
    assert_eq!(g.names, vec!["web-0", "web-1"]);
    assert_eq!(get("kubectl get").resource, None);
}

#[test]
fn watch_flags() {
    for text in [
        "kubectl get po -w",
        "kubectl get po --watch",
        "kubectl get po --watch=true",
        "kubectl get po -Aw",
    ] {
        assert!(get(text).watch, "{text}");
    }
    assert!(!get("kubectl get po --watch=false").watch);
    let g = get("kubectl get po --watch-only");
    assert!(g.watch && g.watch_only);
    assert!(!get("kubectl get po").watch);
}

#[test]
fn output_wide_in_every_spelling() {
    for text in [
        "kubectl get po -o wide",
        "kubectl get po -owide",
        "kubectl get po -o=wide",
        "kubectl get po --output wide",
        "kubectl get po --output=wide",
    ] {
        assert!(get(text).wide, "{text}");
    }
    assert!(!get("kubectl get po -o yaml").wide);
}

#[test]
fn namespaces() {
    for text in [
        "kubectl get po -n web",
        "kubectl get po -nweb",
        "kubectl get po --namespace web",
        "kubectl get po --namespace=web",
        "kubectl -n web get po",
    ] {
        assert_eq!(get(text).namespace.as_deref(), Some("web"), "{text}");
    }
    assert!(get("kubectl get po -A").all_namespaces);
    assert!(get("kubectl get po --all-namespaces").all_namespaces);
}

#[test]
fn label_columns_and_other_layout_flags() {
    let g = get("kubectl get po -L app,tier -Lzone --label-columns=x,y -l app=web --context prod");
    assert_eq!(g.label_columns, vec!["app", "tier", "zone", "x", "y"]);
    assert_eq!(g.resource.as_deref(), Some("po"));
    assert!(g.names.is_empty(), "{g:?}");
    let g = get("kubectl get po --show-labels --show-kind --no-headers --output-watch-events");
    assert!(g.show_labels && g.show_kind && g.no_headers && g.output_watch_events);
}

#[test]
fn pipes_and_redirections() {
    assert!(get("kubectl get pods -w | grep web").piped);
    assert!(!get("kubectl get pods -w | tee pods.log").piped);
    assert!(get("kubectl get pods -w | tee pods.log | grep web").piped);
    assert!(!get("kubectl get pods -w | ts '[%Y-%m-%d %H:%M:%S]'").piped);
    let g = get("kubectl get pods -w > pods.log 2>&1 &");
    assert!(g.watch && !g.piped && g.names.is_empty());
    assert!(get("date; kubectl get pods -w").watch);
    assert!(get("watch 'kubectl get pods | grep web'").piped);
    assert!(get("watch -n 1 'kubectl get pods -o wide'").wide);
}

#[test]
fn failure_injection_commands_without_prompt() {
    for text in [
        "sudo poweroff",
        "poweroff",
        "reboot",
        "sudo reboot now",
        "shutdown -h now",
        "systemctl stop kubelet",
        "sudo systemctl stop kubelet",
        "date",
        "date -u",
        "ssh node2 sudo poweroff",
        "ssh root@10.0.0.2",
        "ssh node2 'sudo poweroff'",
        "virsh destroy worker-2",
        "kubectl drain node2 --ignore-daemonsets",
        "kubectl cordon node2",
        "kubectl delete pod web-0",
        "echo o > /proc/sysrq-trigger",
        "vagrant halt node2",
        "docker stop kind-worker2",
    ] {
        let r = recognise(text, None).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(r.command.get, None, "{text}");
        assert_eq!(r.command.text, text);
    }
}

#[test]
fn prose_is_not_a_command() {
    for text in [
        "reboot the node and wait",
        "shutdown the worker",
        "kubectl is the CLI",
        "kubectl get pods shows everything.",
        "get the pods running",
        "ssh into the node",
        "date of the test",
        "In the watch output, kubectl get pods printed",
        "Then we ran kubectl get pods -w",
        "kubectl get pods 查看状态",
        "NAME   READY   STATUS",
        "web-0   1/1   Running   0   5m",
    ] {
        assert!(!is_cmd(text, None), "{text}");
    }
}

#[test]
fn weak_prompts_need_a_command_word() {
    assert!(is_cmd("kubectl get pods", Some(Strength::Weak)));
    assert!(is_cmd("./kill-node.sh node2", Some(Strength::Weak)));
    assert!(is_cmd("echo hi", Some(Strength::Weak)));
    assert!(!is_cmd("Node failure test", Some(Strength::Weak)));
    assert!(!is_cmd("This is a comment", Some(Strength::Weak)));
    assert!(!is_cmd("", Some(Strength::Weak)));
}

#[test]
fn strong_prompts_take_anything_and_comments_are_kept_apart() {
    let r = recognise("anything at all", Some(Strength::Strong)).unwrap();
    assert_eq!(r.command.text, "anything at all");
    let r = recognise("", Some(Strength::Strong)).unwrap();
    assert_eq!(r.command.text, "");
    let r = recognise("sudo poweroff   # kill node b", None).unwrap();
    assert_eq!(r.command.text, "sudo poweroff");
    assert_eq!(r.comment.as_deref(), Some("kill node b"));
}

#[test]
fn starts_command_for_zsh_arrow() {
    assert!(starts_command("kubectl get pods"));
    assert!(starts_command("sudo poweroff"));
    assert!(!starts_command("~ kubectl get pods"));
    assert!(!starts_command("myrepo git:(main)"));
}

#[test]
fn describe_commands_name_their_object() {
    let d = describe_of("kubectl describe po/nginx-0").unwrap();
    assert_eq!(
        (d.resource.as_deref(), d.name.as_deref()),
        (Some("po"), Some("nginx-0"))
    );
    let d = describe_of("kubectl -n shop describe pod web-1").unwrap();
    assert_eq!(
        (d.resource.as_deref(), d.name.as_deref()),
        (Some("pod"), Some("web-1"))
    );
    let d = describe_of("kubectl describe po").unwrap();
    assert_eq!((d.resource.as_deref(), d.name), (Some("po"), None));
    let d = describe_of("kubectl describe $(kubectl get pod -o name)").unwrap();
    assert_eq!(d.name, None);
    let d = describe_of("kdp web-1").unwrap();
    assert_eq!(d.name.as_deref(), Some("web-1"));
    assert_eq!(describe_of("kubectl get pods"), None);
    assert_eq!(describe_of("describe the node"), None);
}

#[test]
fn kubectl_events_reads_as_get_events() {
    let g = get("kubectl events -n shop --watch");
    assert_eq!(g.resource.as_deref(), Some("events"));
    assert!(g.watch);
    assert_eq!(g.namespace.as_deref(), Some("shop"));
    let g = get("kubectl events | grep NodeNotReady");
    assert!(g.piped);
    assert!(g.names.is_empty());
}

#[test]
fn output_formats_other_than_wide_are_kept() {
    assert_eq!(
        get("kubectl get nodes -o json").output.as_deref(),
        Some("json")
    );
    assert_eq!(get("kubectl get po -oyaml").output.as_deref(), Some("yaml"));
    let g = get("kubectl get po -o wide");
    assert!(g.wide && g.output.is_none());
}
