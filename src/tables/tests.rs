//! Tabler tests: streams, headers, headerless tables, skips with reasons.

use super::*;
use crate::capture::capture_bytes;

fn items(text: &str) -> Vec<Item> {
    let mut t = Tabler::new(0);
    capture_bytes(text.as_bytes())
        .into_iter()
        .map(|l| t.push(l))
        .collect()
}

fn rows(text: &str) -> Vec<Row> {
    items(text)
        .into_iter()
        .filter_map(|i| match i {
            Item::Row(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn a_seed_deployment_table_gives_rows_in_one_stream() {
    let text = "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS        IMAGES   SELECTOR
nginx-deployment   1/1     1            1           20s   nginx-container   nginx    app=nginx
nginx-deployment   0/1     1            0           5m38s   nginx-container   nginx    app=nginx
";
    let rows = rows(text);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].schema.kind, ResourceKind::Deployment);
    assert_eq!(rows[1].cell(4), Some("5m38s"));
    assert_eq!(rows[1].seq, 1);
    assert_eq!(rows[0].stream, rows[1].stream);
}

#[test]
fn rows_without_any_header_or_command_are_guessed_from_cells_with_a_note() {
    let text = "web-7c5ddbdf54-2xkqn   1/1     Running   0          5m    10.0.0.7   node-b   <none>   <none>\n";
    let rows = rows(text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].schema.kind, ResourceKind::Pod);
    assert!(rows[0].note.as_deref().unwrap().contains("inferred"));
}

#[test]
fn prose_is_skipped_with_a_reason() {
    let its = items("Then we powered the node off and waited.\n");
    match &its[0] {
        Item::Skipped { reason, .. } => assert!(reason.contains("not a table row")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_row_that_does_not_fit_names_the_columns() {
    let text = "NAME      STATUS   ROLES    AGE    VERSION\nthis line is not a node row at all\n";
    match &items(text)[1] {
        Item::Skipped { reason, .. } => assert!(reason.contains("Node table"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

/// kubectl prints `10m`, not `10m30s` (it drops the seconds from ten minutes on): the
/// reason names the cell that keeps the row out. (A last cell is kept verbatim with a
/// note instead: `damaged_row`.)
#[test]
fn a_row_with_one_cell_kubectl_never_prints_names_that_cell() {
    let text = "NAME    READY   STATUS    RESTARTS   AGE      IP           NODE\n\
                web-1   1/1     Running   0          10m30s   10.244.1.3   node-a\n";
    match &items(text)[1] {
        Item::Skipped { reason, .. } => {
            assert!(
                reason.ends_with("its AGE cell is not one kubectl prints"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_repeated_identical_header_continues_the_stream_and_a_new_one_starts_another() {
    let text = "NAME    READY   STATUS    RESTARTS   AGE
web-1   1/1     Running   0          1m
NAME    READY   STATUS    RESTARTS   AGE
web-1   0/1     Running   1          5h
NAME      STATUS   ROLES    AGE    VERSION
node-a    Ready    <none>   2d     v1.29.1
";
    let rows = rows(text);
    assert_eq!(rows[0].stream, rows[1].stream);
    assert_eq!(rows[1].seq, 1);
    assert_ne!(rows[1].stream, rows[2].stream);
}

#[test]
fn a_row_cut_short_is_kept_with_a_note_but_prose_under_a_table_is_not() {
    let text = "$ kubectl get pods
NAME    READY   STATUS    RESTARTS      AGE
web-1   1/1     Running   2 (53s ago)
Then the node came back and everything was fine.
node-b went down at noon
web-2
";
    let its = items(text);
    let Item::Row(r) = &its[2] else {
        panic!("{:?}", its[2])
    };
    assert_eq!(r.cell(3), Some("2 (53s ago)"));
    assert_eq!(r.cell(4), Some(""));
    assert!(
        r.note.as_deref().unwrap().contains("no AGE"),
        "{:?}",
        r.note
    );
    for it in &its[3..5] {
        assert!(matches!(it, Item::Skipped { .. }), "{it:?}");
    }
    match &its[5] {
        Item::Skipped { reason, .. } => assert!(reason.starts_with("only a name"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn describe_output_gives_event_rows_only() {
    let text = "$ kubectl describe node w1
Name:               w1
Conditions:
  Type             Status  Reason
  Ready            Unknown NodeStatusUnknown
Events:
  Type    Reason        Age   From              Message
  ----    ------        ----  ----              -------
  Normal  NodeNotReady  2m    node-controller   Node w1 status is now: NodeNotReady
";
    let its = items(text);
    let rows: Vec<&Row> = its
        .iter()
        .filter_map(|i| match i {
            Item::Row(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].schema.kind, ResourceKind::Event);
    let d = rows[0].schema.described.as_ref().unwrap();
    assert_eq!(
        (d.kind.as_deref(), d.name.as_deref()),
        (Some("node"), Some("w1"))
    );
    for line in 2..=5 {
        match &its[line - 1] {
            Item::Skipped { reason, .. } => assert!(reason.contains("describe"), "{reason}"),
            other => panic!("line {line}: {other:?}"),
        }
    }
}

#[test]
fn a_multi_object_describe_names_each_objects_events() {
    let text = "$ kubectl describe pods
Name:         web-0
Events:
  Type    Reason     Age   From     Message
  ----    ------     ----  ----     -------
  Normal  Started    5m    kubelet  Started container web
Name:         web-1
Events:
  Type    Reason     Age   From     Message
  ----    ------     ----  ----     -------
  Normal  Started    4m    kubelet  Started container web
";
    let names: Vec<Option<String>> = rows(text)
        .iter()
        .map(|r| {
            let d = r.schema.described.as_ref().unwrap();
            assert_eq!(d.kind.as_deref(), Some("pod"));
            d.name.as_deref().map(str::to_string)
        })
        .collect();
    assert_eq!(names, [Some("web-0".into()), Some("web-1".into())]);
}

#[test]
fn json_output_of_a_get_is_skipped_as_such() {
    let text = "$ kubectl get nodes -o json | jq '.items[] | {name: .metadata.name}'
{
  \"name\": \"rhel1\"
}
$ kubectl get pod -o name
pod/web-0
";
    let its = items(text);
    for i in [1, 2, 3, 5] {
        match &its[i] {
            Item::Skipped { reason, .. } => assert!(reason.contains("-o "), "{reason}"),
            other => panic!("line {}: {other:?}", i + 1),
        }
    }
}

/// kubectl prints a watch's header once: the same header after rows is a watch
/// started again, whose re-listed rows are no events of the first. A header printed
/// twice before any row, or after one row (kubectl ≈1.5), continues the stream.
#[test]
fn the_same_header_after_rows_starts_a_new_stream() {
    const H: &str = "NAME    READY   STATUS    RESTARTS   AGE\n";
    let restarted = format!(
        "{H}a       1/1     Running   0          5m\nb       1/1     Running   0          5m\n\
         {H}a       1/1     Running   0          9m\nb       1/1     Running   0          9m\n"
    );
    let r = rows(&restarted);
    assert_eq!(r.len(), 4);
    assert_eq!(r[0].stream, r[1].stream);
    assert_ne!(r[1].stream, r[2].stream);
    assert_eq!((r[2].stream, r[2].seq), (r[3].stream, 0));
    let repeated = format!(
        "{H}{H}a       1/1     Running   0          5m\n{H}b       1/1     Running   0          5m\n\
         {H}a       0/1     Running   0          6m\n{H}c       1/1     Running   0          6m\n"
    );
    let r = rows(&repeated);
    assert!(r.iter().all(|x| x.stream == r[0].stream));
}

/// A cell of whole words is judged alike by the word-count shortcut and the grammar,
/// whatever the class, on odd whitespace and non-ASCII lines too.
#[test]
fn accepts_words_agrees_with_accepts_on_runs_of_words() {
    let lines = [
        "web-0   1/1     Running   1 (53s ago)   9m3s    10.1.209.135   node-a   <none>",
        "<none>  a\u{0b}b  c\u{0c}d\te  é ü   x\u{a0}y   z\u{2003}w  ←  #",
        "pod/web-0   0/1   Pending   0   <invalid>   ",
    ];
    for line in lines {
        let words = super::split::words(line);
        for first in 0..words.len() {
            for last in first..words.len().min(first + 4) {
                let cell = &line[words[first].start..words[last].end];
                let n = last + 1 - first;
                for &class in cells::CellClass::ALL
                    .iter()
                    .chain([&cells::CellClass::Unknown])
                {
                    assert_eq!(
                        cells::accepts_words(class, cell, n),
                        cells::accepts(class, cell),
                        "{class:?} {cell:?}"
                    );
                }
            }
        }
    }
}

/// `split`'s ASCII word loop gives what its general loop gives.
#[test]
fn ascii_words_match_the_general_loop() {
    for line in [
        "a  b\tc   d",
        "  lead and trail  ",
        "x\x0by\x0cz\rw",
        "",
        "nginx-1   1/1     Running   1 (2m ago)   5m",
    ] {
        let general = {
            let mut l = line.to_string();
            l.push('é'); // forces the general loop
            split::words(&l)
        };
        let ascii = split::ascii_words(line.as_bytes());
        let strip = |w: &[split::Word]| {
            w.iter()
                .map(|w| (w.start, w.end, w.column, w.gap))
                .collect::<Vec<_>>()
        };
        let mut expected = strip(&general);
        // The appended `é` is the last word, or part of it.
        if line.ends_with(|c: char| !c.is_whitespace()) {
            let last = expected.last_mut().unwrap();
            last.1 = line.len();
        } else {
            expected.pop();
        }
        assert_eq!(strip(&ascii), expected, "{line:?}");
    }
}
