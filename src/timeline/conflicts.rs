//! What to drop when the constraints between the lines' times contradict each other.
//!
//! A contradiction is a negative cycle of constraints. The weakest member goes (a soft
//! link before a RESTARTS `(X ago)`, before AGE, before an absolute timestamp; line
//! order never), and the drop is listed with the lines involved. A capture that
//! contradicts itself throughout (lines shuffled, streams concatenated out of order)
//! would do that for every line: past [`ROUNDS`] contradictions whole kinds of
//! constraints go, weakest first, and the warning says how many.

use super::build::{LineNames, Reasons, Strength};
use super::stn::{Conflict, ConstraintId};
use super::LinkReport;

/// Contradictions resolved one by one before whole kinds of constraints go.
pub const ROUNDS: usize = 100;

/// Warnings about single drops stop here (the count of a kind drop still comes).
const WARNINGS: usize = 20;

/// Lines named in one warning; the rest of the cycle is counted.
const NAMED: usize = 8;

pub(super) struct Resolver<'a> {
    names: &'a LineNames,
    constraints: &'a Reasons,
    rounds: usize,
    /// Every kind but line order is gone: nothing more can be dropped.
    exhausted: bool,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(names: &'a LineNames, constraints: &'a Reasons) -> Resolver<'a> {
        Resolver {
            names,
            constraints,
            rounds: 0,
            exhausted: false,
        }
    }

    /// The constraints to take out for `conflict` (empty: give up), with the warning
    /// and the links' reports updated.
    pub(super) fn drop_for(
        &mut self,
        conflict: &Conflict,
        warnings: &mut Vec<String>,
        reports: &mut [LinkReport],
    ) -> Vec<ConstraintId> {
        if self.exhausted {
            return Vec::new();
        }
        self.rounds += 1;
        let strength = |c: ConstraintId| self.constraints.strength(c);
        if self.rounds > ROUNDS {
            let Some(class) = conflict.constraints.iter().map(|&c| strength(c)).min() else {
                return Vec::new();
            };
            let drop: Vec<ConstraintId> = (0..self.constraints.len())
                .filter(|&id| strength(id) <= class && strength(id) < Strength::Order)
                .collect();
            for &id in &drop {
                if let Some(li) = self.constraints.link(id) {
                    reports[li].used = false;
                }
            }
            warnings.push(format!(
                "more than {ROUNDS} conflicts between the lines' times: dropped all {} constraints of the weakest kinds up to {class:?}",
                drop.len()
            ));
            self.exhausted = class >= Strength::Wall;
            return drop;
        }
        let Some(&weakest) = conflict
            .constraints
            .iter()
            .min_by_key(|&&c| (strength(c), std::cmp::Reverse(c)))
        else {
            return Vec::new();
        };
        let what = match self.constraints.link(weakest) {
            Some(li) => {
                reports[li].used = false;
                reports[li].kind
            }
            None => self.constraints.strength(weakest).what(),
        };
        if warnings.len() < WARNINGS {
            warnings.push(format!(
                "conflicting times between {}: dropped the weakest constraint ({})",
                self.cycle_lines(weakest, conflict),
                what
            ));
        }
        vec![weakest]
    }

    /// The dropped constraint's lines, then the cycle's others (a cycle through a long
    /// stream can hold thousands: a few are named, the rest counted).
    fn cycle_lines(&self, dropped: ConstraintId, conflict: &Conflict) -> String {
        let mut seen = crate::HashSet::default();
        let lines: Vec<usize> = self
            .constraints
            .obs(dropped)
            .chain(
                conflict
                    .constraints
                    .iter()
                    .flat_map(|&k| self.constraints.obs(k)),
            )
            .filter(|&i| seen.insert(i))
            .collect();
        let mut named: Vec<String> = lines
            .iter()
            .take(NAMED)
            .map(|&i| self.names.name(i))
            .collect();
        if lines.len() > NAMED {
            named.push(format!("{} more lines", lines.len() - NAMED));
        }
        named.join(", ")
    }
}
