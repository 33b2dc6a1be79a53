//! The column data: every header word kubectl prints with its grammar and samples,
//! and the columns each kind prints today.

use super::{CellClass, ColumnDef, ResourceKind};

/// Every column kubectl's built-in printers emit, current and historical (FORMAT.md §2).
pub const COLUMNS: &[ColumnDef] = &[
    col(
        "NAME",
        CellClass::Name,
        &["nginx-7c5ddbdf54-2xkqn", "web-0", "pod/web-0", "ubuntub"],
    ),
    col("NAMESPACE", CellClass::Token, &["default", "kube-system"]),
    col(
        "EVENT",
        CellClass::WatchEvent,
        &["ADDED", "MODIFIED", "DELETED", "ERROR"],
    ),
    col("READY", CellClass::ReadyOrCount, &["1/1", "0/3", "2"]),
    col(
        "STATUS",
        CellClass::Token,
        &[
            "Running",
            "Init:0/1",
            "NotReady,SchedulingDisabled",
            "Complete",
        ],
    ),
    col(
        "RESTARTS",
        CellClass::Restarts,
        &["0", "1 (53s ago)", "3 (5d ago)", "2 (<invalid> ago)"],
    ),
    col(
        "AGE",
        CellClass::Duration,
        &["0s", "9m3s", "31m", "2d5h", "<invalid>", "<unknown>"],
    ),
    col(
        "IP",
        CellClass::Address,
        &["10.1.209.134", "<none>", "fd00::1"],
    ),
    col("NODE", CellClass::Token, &["ubuntub", "<none>"]),
    col("NOMINATED NODE", CellClass::Token, &["<none>", "node-2"]),
    col(
        "READINESS GATES",
        CellClass::ReadyOrCount,
        &["<none>", "1/2"],
    ),
    col(
        "ROLES",
        CellClass::Token,
        &["<none>", "control-plane,master"],
    ),
    col("VERSION", CellClass::OptToken, &["v1.26.4", ""]),
    col(
        "INTERNAL-IP",
        CellClass::Address,
        &["172.23.79.69", "<none>"],
    ),
    col(
        "EXTERNAL-IP",
        CellClass::Address,
        &["<none>", "<pending>", "2.3.4.5,3.4.5..."],
    ),
    col(
        "OS-IMAGE",
        CellClass::Text,
        &[
            "Ubuntu 22.04.2 LTS",
            "<unknown>",
            "Debian GNU/Linux 12 (bookworm)",
        ],
    ),
    col(
        "KERNEL-VERSION",
        CellClass::Token,
        &["5.15.0-73-generic", "<unknown>"],
    ),
    col(
        "CONTAINER-RUNTIME",
        CellClass::Token,
        &["containerd://1.6.15", "<unknown>"],
    ),
    col("UP-TO-DATE", CellClass::Count, &["1", "0"]),
    col("AVAILABLE", CellClass::Count, &["1", "0"]),
    col("DESIRED", CellClass::Count, &["3"]),
    col("CURRENT", CellClass::Count, &["3"]),
    col("SUCCESSFUL", CellClass::Count, &["1"]),
    col(
        "CONTAINERS",
        CellClass::Token,
        &["nginx-container", "app,sidecar"],
    ),
    col("IMAGES", CellClass::Token, &["nginx", "nginx:1.25,busybox"]),
    col("SELECTOR", CellClass::Token, &["app=nginx", "<none>"]),
    col(
        "NODE SELECTOR",
        CellClass::Token,
        &["<none>", "kubernetes.io/os=linux"],
    ),
    col(
        "COMPLETIONS",
        CellClass::Completions,
        &["0/1", "1/1", "0/1 of 3"],
    ),
    col("DURATION", CellClass::OptDuration, &["5s", "2m1s", ""]),
    col(
        "SCHEDULE",
        CellClass::Schedule,
        &["*/5 * * * *", "@hourly", "0 0 * * 1"],
    ),
    col("TIMEZONE", CellClass::Token, &["<none>", "Etc/UTC"]),
    col("SUSPEND", CellClass::Token, &["False", "True"]),
    col("ACTIVE", CellClass::Count, &["0", "1"]),
    col("LAST SCHEDULE", CellClass::Duration, &["<none>", "45s"]),
    col(
        "LAST SEEN",
        CellClass::EventAge,
        &["2d", "5m", "<unknown>", "41m (x2 over 41m)"],
    ),
    col("FIRST SEEN", CellClass::Duration, &["3d"]),
    // kubectl ≤ 1.9 printed the event table's first headers without a space.
    col("LASTSEEN", CellClass::EventAge, &["1m", "3d"]),
    col("FIRSTSEEN", CellClass::Duration, &["1m"]),
    // `kubectl describe`'s Events block: FROM is the event's source, and before 1.10
    // SUBOBJECTPATH (often empty).
    col(
        "FROM",
        CellClass::Source,
        &["kubelet", "kubelet, node-1", "{kubelet node-1}"],
    ),
    col(
        "SUBOBJECTPATH",
        CellClass::OptToken,
        &["spec.containers{nginx}", ""],
    ),
    col("INVOLVED OBJECT", CellClass::Token, &["pod/web-0"]),
    // Pre-1.0 `kubectl get rc`: the controller's name.
    col("CONTROLLER", CellClass::Name, &["nginx", "frontend-v1"]),
    col(
        "TYPE",
        CellClass::Token,
        &["Normal", "Warning", "ClusterIP"],
    ),
    col(
        "REASON",
        CellClass::Token,
        &["NodeNotReady", "Scheduled", "Expired"],
    ),
    col("OBJECT", CellClass::Token, &["pod/web-0", "node/ubuntub"]),
    col(
        "SUBOBJECT",
        CellClass::OptToken,
        &["spec.containers{foo}", ""],
    ),
    col(
        "SOURCE",
        CellClass::Source,
        &["kubelet, node-1", "node-controller"],
    ),
    col(
        "MESSAGE",
        CellClass::Text,
        &["Node is not ready", "Message Data"],
    ),
    col("COUNT", CellClass::Count, &["6"]),
    col("KIND", CellClass::Token, &["Pod"]),
    col(
        "CLUSTER-IP",
        CellClass::Address,
        &["10.96.0.1", "None", "<none>"],
    ),
    col(
        "PORT(S)",
        CellClass::Token,
        &["80/TCP", "80:30080/TCP,443:30443/TCP", "<none>"],
    ),
    col(
        "ENDPOINTS",
        CellClass::Text,
        &["10.1.2.3:80,10.1.2.4:80 + 1 more...", "<none>"],
    ),
    col("REFERENCE", CellClass::Token, &["Deployment/web"]),
    col(
        "TARGETS",
        CellClass::Text,
        &[
            "cpu: 10%/50%",
            "<unknown>/50%",
            "cpu: 10%/50%, memory: 20%/60%",
        ],
    ),
    col("MINPODS", CellClass::Count, &["1"]),
    col("MAXPODS", CellClass::Count, &["10"]),
    col("REPLICAS", CellClass::Count, &["3"]),
    col(
        "LABELS",
        CellClass::Token,
        &["app=nginx,pod-template-hash=8f788645b", "<none>"],
    ),
    // Pre-1.0 pod tables (kubectl 0.x).
    col("POD", CellClass::Name, &["nginx-a1b2c"]),
    col("CONTAINER(S)", CellClass::OptToken, &["nginx", ""]),
    col("IMAGE(S)", CellClass::OptToken, &["nginx", ""]),
    col(
        "HOST",
        CellClass::Token,
        &["node-1/10.0.0.3", "<unassigned>"],
    ),
    col("CREATED", CellClass::Text, &["About a minute", "5 minutes"]),
];

const fn col(
    header: &'static str,
    class: CellClass,
    samples: &'static [&'static str],
) -> ColumnDef {
    ColumnDef {
        header,
        class,
        samples,
    }
}

/// The columns a kind prints today, normal and the ones `-o wide` adds after them;
/// one entry a kind (events, whose wide layout is another order, apart).
pub(super) const KIND_COLUMNS: &[(ResourceKind, &[&str], &[&str])] = &[
    (
        ResourceKind::Pod,
        &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
    ),
    (
        ResourceKind::Node,
        &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        &[
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME",
        ],
    ),
    (
        ResourceKind::Deployment,
        &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
    ),
    (
        ResourceKind::ReplicaSet,
        &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
    ),
    (
        ResourceKind::ReplicationController,
        &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
    ),
    (
        ResourceKind::StatefulSet,
        &["NAME", "READY", "AGE"],
        &["CONTAINERS", "IMAGES"],
    ),
    (
        ResourceKind::DaemonSet,
        &[
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE",
        ],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
    ),
    (
        ResourceKind::Job,
        &["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
    ),
    (
        ResourceKind::CronJob,
        &[
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
        ],
        &["CONTAINERS", "IMAGES", "SELECTOR"],
    ),
    (
        ResourceKind::Service,
        &[
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        &["SELECTOR"],
    ),
    (ResourceKind::Endpoints, &["NAME", "ENDPOINTS", "AGE"], &[]),
    (
        ResourceKind::HorizontalPodAutoscaler,
        &[
            "NAME",
            "REFERENCE",
            "TARGETS",
            "MINPODS",
            "MAXPODS",
            "REPLICAS",
            "AGE",
        ],
        &[],
    ),
];

/// The columns of `kubectl get events`.
pub(super) const EVENT_COLUMNS: &[&str] = &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

/// The columns of `kubectl get events -o wide`.
pub(super) const EVENT_WIDE_COLUMNS: &[&str] = &[
    "LAST SEEN",
    "TYPE",
    "REASON",
    "OBJECT",
    "SUBOBJECT",
    "SOURCE",
    "MESSAGE",
    "FIRST SEEN",
    "COUNT",
    "NAME",
];
