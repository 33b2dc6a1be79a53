//! Realistic names and addresses: node names in the styles real clusters use, pod
//! names with FORMAT.md §5.2 alphabets and hash shapes, node and pod IPs, node info.

use super::rng::Rng;

/// The apiserver's `generateName` suffix alphabet since 1.8 (§5.2).
pub const SUFFIX_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

/// The characters `SafeEncodeString` maps decimal digits to (§5.2).
const HASH_DIGITS: [char; 10] = ['4', '5', '6', '7', '8', '9', 'b', 'c', 'd', 'f'];

/// A `pod-template-hash`: the decimal form of a uniform uint32, digit-mapped (§5.2).
pub fn template_hash(rng: &mut Rng) -> String {
    let v = rng.next_u64() as u32;
    v.to_string()
        .chars()
        .map(|d| HASH_DIGITS[d.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// A 5-character `generateName` suffix.
pub fn pod_suffix(rng: &mut Rng) -> String {
    rng.string(SUFFIX_ALPHABET, 5)
}

/// `generateName` base truncation: at most 58 characters before the suffix (§5.2).
pub fn generated(base: &str, rng: &mut Rng) -> String {
    let mut b: String = format!("{base}-");
    if b.len() > 58 {
        b.truncate(58);
    }
    format!("{b}{}", pod_suffix(rng))
}

/// Static facts printed in the node row's wide columns.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    /// Node name.
    pub name: String,
    /// ROLES cell.
    pub roles: String,
    /// VERSION cell (`v1.29.4`).
    pub version: String,
    /// INTERNAL-IP.
    pub internal_ip: String,
    /// EXTERNAL-IP (`<none>` mostly).
    pub external_ip: String,
    /// OS-IMAGE (contains spaces).
    pub os_image: String,
    /// KERNEL-VERSION.
    pub kernel: String,
    /// CONTAINER-RUNTIME.
    pub runtime: String,
    /// First three octets of this node's pod CIDR (`10.244.1`).
    pub pod_net: String,
    /// Next host number to hand out in the pod CIDR.
    pub next_host: u32,
}

/// Invents a cluster's nodes: `workers` workers and optionally a control-plane node
/// (returned last), all in one naming style.
pub fn cluster_nodes(
    rng: &mut Rng,
    workers: usize,
    control_plane: bool,
    server_minor: u32,
) -> Vec<NodeInfo> {
    let style = rng.int(0, 5);
    let patch = rng.int(1, 12);
    let version = format!("v1.{server_minor}.{patch}");
    let (os, kernel, runtime) = node_os(rng);
    let net = rng.int(0, 2);
    let base_ip = [
        format!("192.168.{}", rng.int(0, 99)),
        format!("10.0.{}", rng.int(0, 9)),
        format!("172.{}.{}", rng.int(16, 31), rng.int(0, 255)),
    ][net as usize]
        .clone();
    let pod_base = rng.int(0, 2);
    let cluster = rng.string("abcdefghijklmnopqrstuvwxyz", 5);
    let gke_pool = rng.string("0123456789abcdef", 8);
    let mut used_hosts = Vec::new();
    let mut out = Vec::new();
    let total = workers + usize::from(control_plane);
    for i in 0..total {
        let cp = control_plane && i == workers;
        let mut host = rng.int(10, 250);
        while used_hosts.contains(&host) {
            host = rng.int(10, 250);
        }
        used_hosts.push(host);
        let ip = format!("{base_ip}.{host}");
        let n = i + 1;
        let name = match (style, cp) {
            (0, false) => format!("worker-{n}"),
            (0, true) => "control-plane".to_string(),
            (1, false) => format!("k8s-worker{n}"),
            (1, true) => "k8s-master".to_string(),
            (2, false) if n == 1 => "kind-worker".to_string(),
            (2, false) => format!("kind-worker{n}"),
            (2, true) => "kind-control-plane".to_string(),
            (3, _) => format!("ip-{}.ec2.internal", ip.replace('.', "-")),
            (4, _) => format!(
                "gke-{cluster}-default-pool-{gke_pool}-{}",
                rng.string("abcdefghijklmnopqrstuvwxyz0123456789", 4)
            ),
            (_, false) => format!("node{}", char::from(b'a' + i as u8)),
            (_, true) => "master".to_string(),
        };
        let roles = node_roles(cp, server_minor);
        let pod_net = match pod_base {
            0 => format!("10.244.{}", i),
            1 => format!("10.1.{}", rng.int(1, 250)),
            _ => format!("192.168.{}", rng.int(100, 250)),
        };
        out.push(NodeInfo {
            name,
            roles,
            version: version.clone(),
            internal_ip: ip,
            external_ip: "<none>".to_string(),
            os_image: os.clone(),
            kernel: kernel.to_string(),
            runtime: runtime.to_string(),
            pod_net,
            next_host: rng.int(2, 180) as u32,
        });
    }
    out
}

/// OS-IMAGE, KERNEL-VERSION and CONTAINER-RUNTIME of a cluster's nodes.
fn node_os(rng: &mut Rng) -> (String, &'static str, &'static str) {
    match rng.int(0, 3) {
        0 => (
            "Ubuntu 22.04.4 LTS".to_string(),
            "5.15.0-105-generic",
            "containerd://1.7.12",
        ),
        1 => (
            "Debian GNU/Linux 12 (bookworm)".to_string(),
            "6.1.0-18-amd64",
            "containerd://1.7.13",
        ),
        2 => (
            "Amazon Linux 2".to_string(),
            "5.10.213-201.855.amzn2.x86_64",
            "containerd://1.7.11",
        ),
        _ => (
            "Ubuntu 20.04.6 LTS".to_string(),
            "5.4.0-174-generic",
            "containerd://1.6.28",
        ),
    }
}

/// ROLES of a node: a control plane's by server version, `<none>` for a worker.
fn node_roles(cp: bool, server_minor: u32) -> String {
    if !cp {
        "<none>".to_string()
    } else if server_minor >= 24 {
        "control-plane".to_string()
    } else if server_minor >= 20 {
        "control-plane,master".to_string()
    } else {
        "master".to_string()
    }
}

/// Name, image and selector of a simulated workload.
pub fn deployment_name(rng: &mut Rng) -> (&'static str, &'static str, &'static str) {
    *rng.pick(&[
        ("nginx-deployment", "nginx", "nginx:1.25"),
        ("web", "web", "nginx:1.27-alpine"),
        ("api", "api", "ghcr.io/acme/api:v2.3.1"),
        (
            "demo-app",
            "demo",
            "registry.k8s.io/e2e-test-images/agnhost:2.47",
        ),
        ("whoami", "whoami", "traefik/whoami:v1.10"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_suffixes_use_the_kubernetes_alphabets() {
        let mut r = Rng::new(1);
        for _ in 0..200 {
            let h = template_hash(&mut r);
            assert!((1..=10).contains(&h.len()));
            assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
            let s = pod_suffix(&mut r);
            assert!(s.chars().all(|c| SUFFIX_ALPHABET.contains(c)), "{s}");
        }
    }

    #[test]
    fn generated_names_truncate_the_base_to_58() {
        let mut r = Rng::new(2);
        let long = "a".repeat(70);
        assert_eq!(generated(&long, &mut r).len(), 63);
    }
}
