//! Tests for the tabwriter: byte-exact reproductions of the seed transcripts
//! (`shared/seed/000_a7821a93ec7032bb.txt`, HTML entities decoded) from their cells,
//! plus the extra-column and empty-cell cases of FORMAT.md §3.2–3.4.

use super::*;

/// Splits a seed line into cells. Valid for these tables only: no empty cells, and
/// every cell-internal space is single (FORMAT.md §3.2).
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut spaces = 0;
    for ch in line.chars() {
        if ch == ' ' {
            spaces += 1;
            continue;
        }
        if spaces >= 2 {
            out.push(std::mem::take(&mut cur));
        } else if spaces == 1 {
            cur.push(' ');
        }
        spaces = 0;
        cur.push(ch);
    }
    out.push(cur);
    out
}

/// Re-lays out `text` as a watch: the first `initial` lines are one flush, the rest
/// one flush each, and checks the result byte for byte.
fn reproduce(text: &str, initial: usize) {
    let lines: Vec<&str> = text.lines().collect();
    let rows: Vec<Vec<String>> = lines.iter().map(|l| cells(l)).collect();
    let got = layout_watch(Era::Remember, &rows[..initial], &rows[initial..]);
    for (i, (g, w)) in got.iter().zip(lines.iter()).enumerate() {
        assert_eq!(g, w, "line {} differs", i + 1);
    }
    assert_eq!(got.len(), lines.len());
}

/// Seed block (pod_in_place); the first 2 lines are the initial list.
const POD_IN_PLACE: &str = "\
NAME                               READY   STATUS    RESTARTS   AGE   IP             NODE      NOMINATED NODE   READINESS GATES\n\
nginx-deployment-8f788645b-qszpv   1/1     Running   0          10s   10.1.209.134   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   1/1     Running   0          5m38s   10.1.209.134   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Unknown   0          8m14s   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Unknown   0          8m57s   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Unknown   0          8m57s   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   1/1     Running   1 (53s ago)   9m3s    10.1.209.135   ubuntub   <none>           <none>\n\
";

/// Seed block (nodes); the first 6 lines are the initial list.
const NODES: &str = "\
NAME      STATUS   ROLES    AGE    VERSION   INTERNAL-IP     EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION      CONTAINER-RUNTIME\n\
ubuntub   Ready    <none>   2d5h   v1.26.4   172.23.79.69    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntua   Ready    <none>   2d7h   v1.26.4   172.23.71.113   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntud   Ready    <none>   24h    v1.26.4   172.23.74.199   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntuc   Ready    <none>   2d5h   v1.26.4   172.23.67.151   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntue   Ready    <none>   24h    v1.26.4   172.23.73.117   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   Ready    <none>   2d5h   v1.26.4   172.23.79.69    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntua   Ready    <none>   2d7h   v1.26.4   172.23.71.113   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntud   Ready    <none>   24h    v1.26.4   172.23.74.199   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntuc   Ready    <none>   2d5h   v1.26.4   172.23.67.151   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntue   Ready    <none>   24h    v1.26.4   172.23.73.117   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   NotReady   <none>   2d5h   v1.26.4   172.23.79.69    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   NotReady   <none>   2d5h   v1.26.4   172.23.79.69    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   NotReady   <none>   2d5h   v1.26.4   172.23.79.69    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntua   Ready      <none>   2d7h   v1.26.4   172.23.71.113   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntud   Ready      <none>   24h    v1.26.4   172.23.74.199   <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   NotReady   <none>   2d5h   v1.26.4   172.23.69.88    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   NotReady   <none>   2d5h   v1.26.4   172.23.69.88    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   NotReady   <none>   2d5h   v1.26.4   172.23.69.88    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   Ready      <none>   2d5h   v1.26.4   172.23.69.88    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   Ready      <none>   2d5h   v1.26.4   172.23.69.88    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
ubuntub   Ready      <none>   2d5h   v1.26.4   172.23.69.88    <none>        Ubuntu 22.04.2 LTS   5.15.0-73-generic   containerd://1.6.15\n\
";

/// Seed block (deploy_post); the first 2 lines are the initial list.
const DEPLOY_POST: &str = "\
NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS        IMAGES   SELECTOR\n\
nginx-deployment   1/1     1            1           24m   nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     1            0           26m   nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     0            0           31m   nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     1            0           31m   nginx-container   nginx    app=nginx\n\
nginx-deployment   1/1     1            1           32m   nginx-container   nginx    app=nginx\n\
";

/// Seed block (pod_post_migration); the first 2 lines are the initial list.
const POD_POST_MIGRATION: &str = "\
NAME                               READY   STATUS    RESTARTS      AGE   IP             NODE      NOMINATED NODE   READINESS GATES\n\
nginx-deployment-8f788645b-qszpv   1/1     Running   1 (16m ago)   24m   10.1.209.135   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   1/1     Running   1 (17m ago)   26m   10.1.209.135   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   1/1     Running   1 (23m ago)   31m   10.1.209.135   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   1/1     Terminating   1 (23m ago)   31m   10.1.209.135   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qxxj2   0/1     Pending       0             0s    <none>         <none>    <none>           <none>\n\
nginx-deployment-8f788645b-qxxj2   0/1     Pending       0             0s    <none>         ubuntua   <none>           <none>\n\
nginx-deployment-8f788645b-qxxj2   0/1     ContainerCreating   0             0s    <none>         ubuntua   <none>           <none>\n\
nginx-deployment-8f788645b-qxxj2   0/1     ContainerCreating   0             0s    <none>         ubuntua   <none>           <none>\n\
nginx-deployment-8f788645b-qxxj2   1/1     Running             0             58s   10.1.94.69     ubuntua   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Terminating         1 (24m ago)   32m   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Terminating         1             33m   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Terminating         1             33m   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Terminating         1             33m   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qszpv   0/1     Terminating         1             33m   <none>         ubuntub   <none>           <none>\n\
";

/// Seed block (deploy_repeat); the first 2 lines are the initial list.
const DEPLOY_REPEAT: &str = "\
NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS        IMAGES   SELECTOR\n\
nginx-deployment   0/1     0            0           1s    nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     0            0           1s    nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     0            0           1s    nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     1            0           1s    nginx-container   nginx    app=nginx\n\
nginx-deployment   1/1     1            1           4s    nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     1            0           68s   nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     0            0           6m13s   nginx-container   nginx    app=nginx\n\
nginx-deployment   0/1     1            0           6m13s   nginx-container   nginx    app=nginx\n\
nginx-deployment   1/1     1            1           7m12s   nginx-container   nginx    app=nginx\n\
";

/// Seed block (pod_mid_migration); the first 2 lines are the initial list.
const POD_MID_MIGRATION: &str = "\
NAME                               READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\n\
nginx-deployment-8f788645b-qd8ct   0/1     Pending   0          0s    <none>   <none>   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     Pending   0          0s    <none>   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     ContainerCreating   0          0s    <none>   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     ContainerCreating   0          0s    <none>   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   1/1     Running             0          3s    10.1.209.138   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   1/1     Running             0          67s   10.1.209.138   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   1/1     Running             0          6m12s   10.1.209.138   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   1/1     Terminating         0          6m12s   10.1.209.138   ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-p9ntd   0/1     Pending             0          0s      <none>         <none>    <none>           <none>\n\
nginx-deployment-8f788645b-p9ntd   0/1     Pending             0          0s      <none>         ubuntuc   <none>           <none>\n\
nginx-deployment-8f788645b-p9ntd   0/1     ContainerCreating   0          1s      <none>         ubuntuc   <none>           <none>\n\
nginx-deployment-8f788645b-p9ntd   0/1     ContainerCreating   0          2s      <none>         ubuntuc   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     Terminating         0          6m49s   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-p9ntd   1/1     Running             0          59s     10.1.43.194    ubuntuc   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     Terminating         0          7m31s   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     Terminating         0          7m38s   <none>         ubuntub   <none>           <none>\n\
nginx-deployment-8f788645b-qd8ct   0/1     Terminating         0          7m38s   <none>         ubuntub   <none>           <none>\n\
";

#[test]
fn seed_pods_in_place_reproduced() {
    reproduce(POD_IN_PLACE, 2);
}

#[test]
fn seed_nodes_reproduced_status_widens_once_and_stays() {
    reproduce(NODES, 6);
}

#[test]
fn seed_deployments_reproduced() {
    reproduce(DEPLOY_POST, 2);
    reproduce(DEPLOY_REPEAT, 2);
}

#[test]
fn seed_pods_post_migration_terminating_widens_status() {
    reproduce(POD_POST_MIGRATION, 2);
}

#[test]
fn seed_pods_mid_migration_reproduced() {
    reproduce(POD_MID_MIGRATION, 2);
}

#[test]
fn seed_is_not_reproduced_without_remembered_widths() {
    // Proof that the era matters: 1.12–1.13 layout lays each event out on its own.
    let lines: Vec<&str> = POD_POST_MIGRATION.lines().collect();
    let rows: Vec<Vec<String>> = lines.iter().map(|l| cells(l)).collect();
    let got = layout_watch(Era::Go6, &rows[..2], &rows[2..]);
    assert_eq!(got[..2], lines[..2]);
    assert_ne!(got[5], lines[5]);
    assert!(
        got[5].starts_with("nginx-deployment-8f788645b-qxxj2   0/1   Pending   0     0s    <none>")
    );
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[test]
fn minwidth_ten_in_the_oldest_era() {
    let mut tw = TabWriter::new(Era::Go10);
    let out = tw.flush(&[row(&["NAME", "AGE"]), row(&["a", "1s"])]);
    assert_eq!(out, vec!["NAME      AGE", "a         1s"]);
}

#[test]
fn empty_last_cell_leaves_the_previous_padding() {
    // `-L app` on an object without the label: "...AGE\tAPP" / "...5m\t".
    let mut tw = TabWriter::new(Era::Remember);
    let out = tw.flush(&[row(&["NAME", "AGE", "APP"]), row(&["web-0", "5m", ""])]);
    assert_eq!(out, vec!["NAME    AGE   APP", "web-0   5m    "]);
}

#[test]
fn empty_middle_cell_is_all_padding() {
    let mut tw = TabWriter::new(Era::Remember);
    let out = tw.flush(&[
        row(&["NAME", "ZONE", "AGE"]),
        row(&["n1", "", "3d"]),
        row(&["n2", "eu-west-1a", "3d"]),
    ]);
    assert_eq!(
        out,
        vec![
            "NAME   ZONE         AGE",
            "n1                  3d",
            "n2     eu-west-1a   3d"
        ]
    );
}

#[test]
fn event_column_is_eleven_wide() {
    let mut tw = TabWriter::new(Era::Remember);
    let out = tw.flush(&[
        row(&["EVENT", "NAME", "READY"]),
        row(&["ADDED   ", "web-0", "1/1"]),
    ]);
    assert_eq!(
        out,
        vec!["EVENT      NAME    READY", "ADDED      web-0   1/1"]
    );
    let out = tw.flush(&[row(&["MODIFIED", "web-0", "0/1"])]);
    assert_eq!(out, vec!["MODIFIED   web-0   0/1"]);
}

#[test]
fn namespace_and_kind_prefix_columns() {
    let lines = layout_watch(
        Era::Remember,
        &[
            row(&["NAMESPACE", "NAME", "READY"]),
            row(&["default", "pod/web-0", "1/1"]),
        ],
        &[row(&["kube-system", "pod/kube-proxy-x2b7q", "1/1"])],
    );
    assert_eq!(
        lines,
        vec![
            "NAMESPACE   NAME        READY",
            "default     pod/web-0   1/1",
            "kube-system   pod/kube-proxy-x2b7q   1/1",
        ]
    );
}

#[test]
fn widths_are_remembered_but_never_shrink() {
    let mut tw = TabWriter::new(Era::Remember);
    tw.flush(&[row(&["NAME", "STATUS", "AGE"])]);
    tw.flush(&[row(&["n", "Terminating", "1s"])]);
    let out = tw.flush(&[row(&["n", "Running", "2s"])]);
    assert_eq!(out, vec!["n      Running       2s"]);
    assert_eq!(tw.remembered_widths(), &[7, 14]);
}

#[test]
fn no_headers_first_flush_is_rows_only() {
    let lines = layout_watch(Era::Remember, &[row(&["web-0", "1/1"])], &[]);
    assert_eq!(lines, vec!["web-0   1/1"]);
}

#[test]
fn width_counts_runes_not_bytes() {
    let mut tw = TabWriter::new(Era::Remember);
    let out = tw.flush(&[row(&["néééé", "x"]), row(&["abcde", "y"])]);
    assert_eq!(out, vec!["néééé   x", "abcde   y"]);
}
