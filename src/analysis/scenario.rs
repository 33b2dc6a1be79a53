//! The scenario names and the ordering decision table (DESIGN.md "Scenarios").

use serde::Serialize;

use crate::timeline::Interval;

/// A recovery scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// The node came back before its pods were evicted; the same pods restarted on it.
    InPlace,
    /// The node came back after eviction started but before the replacement was ready.
    MidMigration,
    /// The node came back after the replacement was ready.
    PostMigration,
    /// Pods were replaced elsewhere and the node had not come back by the end.
    MigratedNoReturn,
    /// A failure was seen but the capture ends before any recovery step.
    Ongoing,
    /// No node failure in the capture.
    NoFailure,
    /// The evidence is missing or contradicts itself.
    Inconclusive,
}

impl Scenario {
    /// The scenario's name as the JSON and the CLI write it (`in-place`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::InPlace => "in-place",
            Scenario::MidMigration => "mid-migration",
            Scenario::PostMigration => "post-migration",
            Scenario::MigratedNoReturn => "migrated-no-return",
            Scenario::Ongoing => "ongoing",
            Scenario::NoFailure => "no-failure",
            Scenario::Inconclusive => "inconclusive",
        }
    }

    /// The scenario of that name, if any.
    pub fn parse(s: &str) -> Option<Scenario> {
        [
            Scenario::InPlace,
            Scenario::MidMigration,
            Scenario::PostMigration,
            Scenario::MigratedNoReturn,
            Scenario::Ongoing,
            Scenario::NoFailure,
            Scenario::Inconclusive,
        ]
        .into_iter()
        .find(|x| x.name() == s)
    }
}

impl std::fmt::Display for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether `a` happened before `b`, given the interval of `b − a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// `a` came first.
    Before,
    /// `b` came first.
    After,
    /// The intervals leave the order open.
    Open,
}

/// The order of `a` and `b`, given the interval of `b − a`.
pub fn order(b_minus_a: Interval) -> Order {
    if b_minus_a.min_ms >= 0 {
        Order::Before
    } else if b_minus_a.max_ms < 0 {
        Order::After
    } else {
        Order::Open
    }
}

/// Which phases were seen, and the order of the node's return relative to E and R.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// Whether eviction (E) was seen.
    pub eviction: bool,
    /// Whether a replacement ready (R) was seen.
    pub replacement: bool,
    /// Whether the node's return (N) was seen.
    pub node_back: bool,
    /// Order of N relative to E (`E → N` is `Before` when E came first).
    pub e_to_n: Option<Order>,
    /// Order of N relative to R.
    pub r_to_n: Option<Order>,
}

/// The decision table: the scenario(s) the phases allow. One entry when the order is
/// proven; several when the intervals leave it open.
pub fn decide(s: Seen) -> Vec<Scenario> {
    if !s.node_back {
        return match (s.eviction, s.replacement) {
            (_, true) => vec![Scenario::MigratedNoReturn],
            _ => vec![Scenario::Ongoing],
        };
    }
    if !s.eviction {
        return vec![Scenario::InPlace];
    }
    let mut out = Vec::new();
    // N before E (or open): in place.
    if matches!(s.e_to_n, Some(Order::After | Order::Open)) {
        out.push(Scenario::InPlace);
    }
    if matches!(s.e_to_n, Some(Order::Before | Order::Open) | None) {
        if !s.replacement {
            out.push(Scenario::MidMigration);
        } else {
            match s.r_to_n {
                Some(Order::Before) => out.push(Scenario::PostMigration),
                Some(Order::After) => out.push(Scenario::MidMigration),
                _ => {
                    out.push(Scenario::MidMigration);
                    out.push(Scenario::PostMigration);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(e: bool, r: bool, n: bool, en: Option<Order>, rn: Option<Order>) -> Seen {
        Seen {
            eviction: e,
            replacement: r,
            node_back: n,
            e_to_n: en,
            r_to_n: rn,
        }
    }

    #[test]
    fn the_order_of_phases_decides() {
        assert_eq!(
            decide(seen(false, false, false, None, None)),
            [Scenario::Ongoing]
        );
        assert_eq!(
            decide(seen(false, false, true, None, None)),
            [Scenario::InPlace]
        );
        assert_eq!(
            decide(seen(
                true,
                true,
                true,
                Some(Order::Before),
                Some(Order::After)
            )),
            [Scenario::MidMigration]
        );
        assert_eq!(
            decide(seen(
                true,
                true,
                true,
                Some(Order::Before),
                Some(Order::Before)
            )),
            [Scenario::PostMigration]
        );
        assert_eq!(
            decide(seen(true, true, false, None, None)),
            [Scenario::MigratedNoReturn]
        );
        assert_eq!(
            decide(seen(true, false, true, Some(Order::Before), None)),
            [Scenario::MidMigration]
        );
    }

    #[test]
    fn an_open_order_gives_every_candidate() {
        assert_eq!(
            decide(seen(
                true,
                true,
                true,
                Some(Order::Before),
                Some(Order::Open)
            )),
            [Scenario::MidMigration, Scenario::PostMigration]
        );
        assert_eq!(
            decide(seen(true, false, true, Some(Order::Open), None)),
            [Scenario::InPlace, Scenario::MidMigration]
        );
    }

    #[test]
    fn names_round_trip() {
        for s in [
            "in-place",
            "mid-migration",
            "post-migration",
            "migrated-no-return",
            "ongoing",
            "no-failure",
            "inconclusive",
        ] {
            assert_eq!(Scenario::parse(s).unwrap().name(), s);
        }
    }
}
