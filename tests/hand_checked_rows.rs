//! Rows of the real transcripts in `../shared/corpus/real` (public pastes, not copied
//! into this repository), checked by hand: for each, the kind, the name and every cell
//! as a person reads them off the text. Pods, nodes, deployments, replicasets, generic
//! tables, `get events` rows and `describe` Events rows, kubectl 1.5 to 1.29.
//!
//! The measure of issue 14: row cells right on at least 95 % of hand-checked rows.
//! The test prints the figure and fails below it; every wrong row is listed.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use watchtrail::observe::Observation;

/// (file prefix, line, kind, name, cells as `HEADER=value` joined by ` | `, in order).
/// A describe Events row whose object neither the command nor a `Name:` line gives
/// has the name "".
const ROWS: &[(&str, u64, &str, &str, &str)] = &[
    // 101: AKS, `kubectl describe po` Events blocks, headerless `get events` rows.
    ("101", 6, "Event", "", "TYPE=Normal | REASON=Scheduled | AGE=19s | FROM=default-scheduler | MESSAGE=Successfully assigned default/nginx-0 to aks-nodepool1-25399436-vmss000000"),
    ("101", 39, "Event", "", "TYPE=Warning | REASON=NodeNotReady | AGE=4m29s | FROM=node-controller | MESSAGE=Node is not ready"),
    ("101", 43, "Pod", "nginx-0", "NAME=nginx-0 | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=11m"),
    ("101", 57, "Pod", "nginx-0", "NAME=nginx-0 | READY=1/1 | STATUS=Terminating | RESTARTS=0 | AGE=15m"),
    ("101", 64, "Event", "", "TYPE=Warning | REASON=FailedAttachVolume | AGE=119s | FROM=attachdetach-controller | MESSAGE=Multi-Attach error for volume \"pvc-076e1d98-d915-42bc-9b8a-40ca6d8983e8\" Volume is already exclusively attached to one node and can't be attached to another"),
    ("101", 70, "Event", "nginx-0", "TYPE=Normal | REASON=Scheduled | AGE=9m7s | FROM=default-scheduler | MESSAGE=Successfully assigned default/nginx-0 to aks-nodepool1-25399436-vmss000000"),
    ("101", 74, "Event", "nginx-0", "TYPE=Warning | REASON=FailedMount | AGE=2m33s (x2 over 4m48s) | FROM=kubelet | MESSAGE=Unable to attach or mount volumes: unmounted volumes=[default], unattached volumes=[kube-api-access-wxgbr default]: timed out waiting for the condition"),
    ("101", 81, "Event", "aks-nodepool1-25399436-vmss000003", "LAST SEEN=19m | TYPE=Normal | REASON=RegisteredNode | OBJECT=node/aks-nodepool1-25399436-vmss000003 | MESSAGE=Node aks-nodepool1-25399436-vmss000003 event: Registered Node aks-nodepool1-25399436-vmss000003 in Controller"),
    ("101", 87, "Event", "nginx-0", "LAST SEEN=10m | TYPE=Normal | REASON=TaintManagerEviction | OBJECT=pod/nginx-0 | MESSAGE=Marking for deletion Pod default/nginx-0"),
    ("101", 88, "Event", "aks-nodepool1-25399436-vmss000000", "LAST SEEN=9m11s | TYPE=Normal | REASON=DeletingNode | OBJECT=node/aks-nodepool1-25399436-vmss000000 | MESSAGE=Deleting node aks-nodepool1-25399436-vmss000000 because it does not exist in the cloud provider"),
    ("101", 99, "Event", "nginx-0", "LAST SEEN=7s | TYPE=Normal | REASON=Created | OBJECT=pod/nginx-0 | MESSAGE=Created container nginx"),
    // 102: `get events` after a prompt.
    ("102", 26, "Event", "nginx", "LAST SEEN=17m | TYPE=Normal | REASON=SuccessfulCreate | OBJECT=statefulset/nginx | MESSAGE=create Claim default-nginx-0 Pod nginx-0 in StatefulSet nginx success"),
    ("102", 36, "Event", "aks-nodepool1-37131424-vmss000000", "LAST SEEN=10m | TYPE=Normal | REASON=NodeNotReady | OBJECT=node/aks-nodepool1-37131424-vmss000000 | MESSAGE=Node aks-nodepool1-37131424-vmss000000 status is now: NodeNotReady"),
    ("102", 38, "Event", "aks-nodepool1-37131424-vmss000000", "LAST SEEN=10m | TYPE=Normal | REASON=RemovingNode | OBJECT=node/aks-nodepool1-37131424-vmss000000 | MESSAGE=Node aks-nodepool1-37131424-vmss000000 event: Removing Node aks-nodepool1-37131424-vmss000000 from Controller"),
    ("102", 40, "Event", "nginx-0", "LAST SEEN=9m51s | TYPE=Warning | REASON=FailedAttachVolume | OBJECT=pod/nginx-0 | MESSAGE=Multi-Attach error for volume \"pvc-4ccf6b30-a445-415a-98f2-35cef3c030ae\" Volume is already exclusively attached to one node and can't be attached to another"),
    ("102", 48, "Event", "nginx-0", "LAST SEEN=86s | TYPE=Normal | REASON=Created | OBJECT=pod/nginx-0 | MESSAGE=Created container nginx"),
    // 103: kubeadm 1.7, 7-column wide pods, nodes without ROLES, `watch` screens, `| grep`.
    ("103", 4, "Pod", "carts-2469883122-m1hdj", "NAME=carts-2469883122-m1hdj | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=3h | IP=10.42.0.7 | NODE=kube3"),
    ("103", 16, "Pod", "user-db-3152184577-qp5h1", "NAME=user-db-3152184577-qp5h1 | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=3h | IP=10.36.0.9 | NODE=kube2"),
    ("103", 25, "Node", "kube3", "NAME=kube3 | STATUS=NotReady | AGE=4h | VERSION=v1.7.0"),
    ("103", 37, "Pod", "kube-proxy-ntbvj", "NAME=kube-proxy-ntbvj | READY=1/1 | STATUS=NodeLost | RESTARTS=0 | AGE=4h"),
    ("103", 54, "Pod", "carts-2469883122-m1hdj", "NAME=carts-2469883122-m1hdj | READY=1/1 | STATUS=Unknown | RESTARTS=0 | AGE=3h | IP=10.42.0.7 | NODE=kube3"),
    ("103", 58, "Pod", "front-end-2337481689-1fg7x", "NAME=front-end-2337481689-1fg7x | READY=0/1 | STATUS=ContainerCreating | RESTARTS=0 | AGE=42s | IP=<none> | NODE=kube2"),
    ("103", 78, "Pod", "front-end-2337481689-1fg7x", "NAME=front-end-2337481689-1fg7x | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=3m | IP=10.36.0.10 | NODE=kube2"),
    ("103", 97, "Node", "kube2", "NAME=kube2 | STATUS=Ready | AGE=4h | VERSION=v1.7.0"),
    // 104: the whole cluster power-cycled.
    ("104", 16, "Pod", "etcd-kube0", "NAME=etcd-kube0 | READY=0/1 | STATUS=Completed | RESTARTS=0 | AGE=5h"),
    ("104", 36, "Pod", "etcd-kube0", "NAME=etcd-kube0 | READY=1/1 | STATUS=Running | RESTARTS=1 | AGE=5h"),
    ("104", 46, "Pod", "weave-net-4b472", "NAME=weave-net-4b472 | READY=2/2 | STATUS=Running | RESTARTS=2 | AGE=4h"),
    ("104", 62, "Pod", "orders-733484335-sj8hb", "NAME=orders-733484335-sj8hb | READY=0/1 | STATUS=Error | RESTARTS=0 | AGE=4h | IP=<none> | NODE=kube1"),
    ("104", 64, "Pod", "payment-3050936124-ssx0t", "NAME=payment-3050936124-ssx0t | READY=0/1 | STATUS=Completed | RESTARTS=0 | AGE=4h | IP=<none> | NODE=kube2"),
    // 105: drain and delete.
    ("105", 35, "Node", "kube2", "NAME=kube2 | STATUS=NotReady,SchedulingDisabled | AGE=3d | VERSION=v1.7.0"),
    ("105", 44, "Node", "kube1", "NAME=kube1 | STATUS=Ready | AGE=3d | VERSION=v1.7.0"),
    ("105", 56, "Pod", "orders-db-3728196820-pfnsc", "NAME=orders-db-3728196820-pfnsc | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=5m | IP=10.42.0.15 | NODE=kube3"),
    // 109: 1.29 wide tables of every kind, PVC and VolumeAttachment, describe with Name:.
    ("109", 6, "Deployment", "test-deployment", "NAME=test-deployment | READY=1/1 | UP-TO-DATE=1 | AVAILABLE=1 | AGE=15m | CONTAINERS=alpine | IMAGES=alpine:3.19.1 | SELECTOR=app=test"),
    ("109", 9, "ReplicaSet", "test-deployment-57fb685899", "NAME=test-deployment-57fb685899 | DESIRED=1 | CURRENT=1 | READY=1 | AGE=15m | CONTAINERS=alpine | IMAGES=alpine:3.19.1 | SELECTOR=app=test,pod-template-hash=57fb685899"),
    ("109", 12, "Pod", "test-deployment-57fb685899-66wmp", "NAME=test-deployment-57fb685899-66wmp | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=15m | IP=192.168.26.9 | NODE=rhel1 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    ("109", 15, "persistentvolumeclaim", "pvc-iscsi", "NAME=pvc-iscsi | STATUS=Bound | VOLUME=pvc-2a11e307-1582-4650-bde6-bb9c12e55661 | CAPACITY=2Gi | ACCESS MODES=RWO | STORAGECLASS=storage-class-iscsi | VOLUMEATTRIBUTESCLASS=<unset> | AGE=98m | VOLUMEMODE=Filesystem"),
    ("109", 18, "volumeattachment.storage.k8s.io", "csi-da2b3538ecb54d57ccab422841bedb9516d5707ebe7656adc3b483d9901ef0a2", "NAME=csi-da2b3538ecb54d57ccab422841bedb9516d5707ebe7656adc3b483d9901ef0a2 | ATTACHER=csi.trident.netapp.io | PV=pvc-2a11e307-1582-4650-bde6-bb9c12e55661 | NODE=rhel1 | ATTACHED=true | AGE=15m"),
    ("109", 26, "Node", "rhel1", "NAME=rhel1 | STATUS=Ready | ROLES=<none> | AGE=332d | VERSION=v1.29.4 | INTERNAL-IP=192.168.0.61 | EXTERNAL-IP=<none> | OS-IMAGE=Red Hat Enterprise Linux 9.3 (Plow) | KERNEL-VERSION=5.14.0-362.24.1.el9_3.x86_64 | CONTAINER-RUNTIME=cri-o://1.30.0"),
    ("109", 28, "Node", "rhel3", "NAME=rhel3 | STATUS=Ready | ROLES=control-plane | AGE=332d | VERSION=v1.29.4 | INTERNAL-IP=192.168.0.63 | EXTERNAL-IP=<none> | OS-IMAGE=Red Hat Enterprise Linux 9.3 (Plow) | KERNEL-VERSION=5.14.0-362.24.1.el9_3.x86_64 | CONTAINER-RUNTIME=cri-o://1.30.0"),
    ("109", 59, "ReplicaSet", "test-deployment-57fb685899", "NAME=test-deployment-57fb685899 | DESIRED=1 | CURRENT=1 | READY=0 | AGE=22m | CONTAINERS=alpine | IMAGES=alpine:3.19.1 | SELECTOR=app=test,pod-template-hash=57fb685899"),
    ("109", 63, "Pod", "test-deployment-57fb685899-66wmp", "NAME=test-deployment-57fb685899-66wmp | READY=1/1 | STATUS=Terminating | RESTARTS=0 | AGE=22m | IP=192.168.26.9 | NODE=rhel1 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    ("109", 135, "Event", "test-deployment-57fb685899-66wmp", "TYPE=Normal | REASON=Scheduled | AGE=23m | FROM=default-scheduler | MESSAGE=Successfully assigned default/test-deployment-57fb685899-66wmp to rhel1"),
    ("109", 137, "Event", "test-deployment-57fb685899-66wmp", "TYPE=Normal | REASON=Pulled | AGE=23m | FROM=kubelet | MESSAGE=Container image \"alpine:3.19.1\" already present on machine"),
    ("109", 140, "Event", "test-deployment-57fb685899-66wmp", "TYPE=Warning | REASON=NodeNotReady | AGE=2m51s | FROM=node-controller | MESSAGE=Node is not ready"),
    ("109", 201, "Event", "test-deployment-57fb685899-6wg56", "TYPE=Warning | REASON=FailedAttachVolume | AGE=2m15s | FROM=attachdetach-controller | MESSAGE=Multi-Attach error for volume \"pvc-2a11e307-1582-4650-bde6-bb9c12e55661\" Volume is already used by pod(s) test-deployment-57fb685899-66wmp"),
    // 110, 111, 113: tables printed by a script without its commands; describe by name.
    ("110", 40, "ReplicaSet", "test-deployment-57fb685899", "NAME=test-deployment-57fb685899 | DESIRED=1 | CURRENT=1 | READY=0 | AGE=4m52s | CONTAINERS=alpine | IMAGES=alpine:3.19.1 | SELECTOR=app=test,pod-template-hash=57fb685899"),
    ("111", 95, "Event", "test-deployment-f64c69647-888g8", "TYPE=Warning | REASON=NodeNotReady | AGE=61s | FROM=node-controller | MESSAGE=Node is not ready"),
    ("113", 85, "Pod", "test-deployment-66f546f986-6rw9n", "NAME=test-deployment-66f546f986-6rw9n | READY=1/1 | STATUS=Terminating | RESTARTS=0 | AGE=31m | IP=192.168.26.14 | NODE=rhel1 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    // 122: a 1.7 alpha build, node names that are IP addresses.
    ("122", 4, "Node", "192.168.124.214", "NAME=192.168.124.214 | STATUS=NotReady | AGE=41d | VERSION=v1.7.0-alpha.0.990+c3d7ee11d176d9-dirty"),
    ("122", 8, "Pod", "busybox", "NAME=busybox | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=13m | IP=18.16.71.2 | NODE=192.168.124.214"),
    // 123, 124: truncated pastes.
    ("123", 8, "Event", "", "TYPE=Warning | REASON=NodeNotReady | AGE=39m | FROM=node-controller | MESSAGE=Node is not ready"),
    ("123", 16, "Node", "wp-5.novalocal", "NAME=wp-5.novalocal | STATUS=NotReady | ROLES=<none> | AGE=9d | VERSION=v1.28.2"),
    ("123", 20, "Pod", "test-nginx-wp-2-595dff4799-hz9xr", "NAME=test-nginx-wp-2-595dff4799-hz9xr | READY=1/1 | STATUS=Terminating | RESTARTS=0 | AGE= | IP= | NODE= | NOMINATED NODE= | READINESS GATES="),
    ("124", 7, "Node", "node4", "NAME=node4 | STATUS=NotReady | ROLES=<none> | AGE=21m | VERSION=v1.20.6"),
    ("124", 10, "Pod", "deploy-managed-pod-bfc4b9d79-4cngj", "NAME=deploy-managed-pod-bfc4b9d79-4cngj | READY=1/1 | STATUS=Terminating | RESTARTS=0 | AGE=20m | IP=10.42.0.6 | NODE=node4 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    ("124", 14, "Pod", "deploy-managed-pod-bfc4b9d79-d67fd", "NAME=deploy-managed-pod-bfc4b9d79-d67fd | READY=1/1 | STATUS=Running | RESTARTS=1 | AGE=20m | IP=10.47.0.7 | NODE=node3 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    // 126: k3s graceful shutdown, RESTARTS with `(X ago)`.
    ("126", 5, "Pod", "local-path-provisioner-64ffb68fd-zxm2v", "NAME=local-path-provisioner-64ffb68fd-zxm2v | READY=1/1 | STATUS=Terminated | RESTARTS=3 (17m ago) | AGE=30h"),
    ("126", 8, "Pod", "metrics-server-5b45cf8dbb-nv477", "NAME=metrics-server-5b45cf8dbb-nv477 | READY=1/1 | STATUS=Terminated | RESTARTS=1 (21m ago) | AGE=28m"),
    // 128: GKE, a node's describe Events pasted after an unrelated command.
    ("128", 3, "Pod", "kubia-8f6b5", "NAME=kubia-8f6b5 | READY=1/1 | STATUS=Running | RESTARTS=0 | AGE=4m31s | IP=10.84.0.7 | NODE=gke-kubia-default-pool-ca08bdd4-3775 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    ("128", 19, "Pod", "kubia-8f6b5", "NAME=kubia-8f6b5 | READY=1/1 | STATUS=Unknown | RESTARTS=0 | AGE=13m"),
    ("128", 29, "Event", "gke-kubia-default-pool-ca08bdd4-3775", "TYPE=Warning | REASON=DockerStart | AGE=11s (x2 over 11s) | FROM=systemd-monitor, gke-kubia-default-pool-ca08bdd4-3775 | MESSAGE=Starting Docker Application Container Engine..."),
    ("128", 35, "Event", "gke-kubia-default-pool-ca08bdd4-3775", "TYPE=Warning | REASON=Rebooted | AGE=10s | FROM=kubelet, gke-kubia-default-pool-ca08bdd4-3775 | MESSAGE=Node gke-kubia-default-pool-ca08bdd4-3775 has been rebooted, boot id: 3523510e-b1cd-4009-ad97-2910a125aef8"),
    ("128", 42, "Node", "gke-kubia-default-pool-ca08bdd4-3775", "NAME=gke-kubia-default-pool-ca08bdd4-3775 | STATUS=Ready | ROLES=<none> | AGE=88m | VERSION=v1.16.13-gke.401"),
    // 135, 136.
    ("135", 3, "Pod", "balu-master-ccd4cd947-8vlmn", "NAME=balu-master-ccd4cd947-8vlmn | READY=1/1 | STATUS=Unknown | RESTARTS=0 | AGE=33m"),
    ("136", 4, "Pod", "etcd-node-2", "NAME=etcd-node-2 | READY=1/1 | STATUS=Running | RESTARTS=2 | AGE=3h21m | IP=192.168.200.202 | NODE=node-2 | NOMINATED NODE=<none> | READINESS GATES=<none>"),
    ("136", 8, "Node", "node-2", "NAME=node-2 | STATUS=NotReady | ROLES=master | AGE=3h22m | VERSION=v1.14.4"),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real")
}

/// What is wrong with one row, or `None` when every cell is right.
fn check_row(o: Option<&Observation>, kind: &str, name: &str, cells: &str) -> Option<String> {
    let Some(o) = o else {
        return Some("no row".into());
    };
    let mut wrong = Vec::new();
    if o.kind().as_str() != kind {
        wrong.push(format!("kind {}", o.kind()));
    }
    if o.name() != name {
        wrong.push(format!("name {:?}", o.name()));
    }
    let want: Vec<(&str, &str)> = cells
        .split(" | ")
        .map(|c| c.split_once('=').expect("HEADER=value"))
        .collect();
    let got: Vec<(String, String)> = o
        .cells
        .iter()
        .map(|(h, v)| (h.to_string(), v.to_string()))
        .collect();
    let got_pairs: Vec<(&str, &str)> = got.iter().map(|(h, v)| (&**h, &**v)).collect();
    if got_pairs != want {
        wrong.push(format!("cells {got_pairs:?}"));
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

#[test]
fn hand_checked_rows_of_real_transcripts_have_their_cells_right() {
    let dir = corpus();
    assert!(
        dir.is_dir(),
        "{} missing: the real transcripts live beside the repository",
        dir.display()
    );
    let mut files: HashMap<&str, Vec<Observation>> = HashMap::new();
    let mut wrong = Vec::new();
    for &(prefix, line, kind, name, cells) in ROWS {
        let obs = files.entry(prefix).or_insert_with(|| {
            let path = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&format!("{prefix}-"))
                })
                .unwrap_or_else(|| panic!("no corpus file {prefix}-*"));
            common::ingest(&path).observations
        });
        let o = obs.iter().find(|o| o.line == line);
        if let Some(why) = check_row(o, kind, name, cells) {
            wrong.push(format!("{prefix}:{line}: {why}"));
        }
    }
    let right = ROWS.len() - wrong.len();
    println!(
        "hand-checked rows: {right} of {} right ({:.1} %)",
        ROWS.len(),
        100.0 * right as f64 / ROWS.len() as f64
    );
    assert!(ROWS.len() >= 60, "at least 60 hand-checked rows");
    assert!(
        right * 100 >= ROWS.len() * 95,
        "{} of {} rows wrong:\n{}",
        wrong.len(),
        ROWS.len(),
        wrong.join("\n")
    );
    // Below the bar or not, a wrong row is a bug to look at.
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
