//! Why each constraint of the network holds: its strength, the lines that justify
//! it, and for a soft link its report. Needed only to choose and name what goes when
//! constraints contradict each other, and freed once the network is solved.

use crate::HashMap;

use super::Strength;
use crate::timeline::stn::ConstraintId;

/// What few constraints have: a link's report, more than two lines.
struct Extra {
    link: Option<usize>,
    more: Vec<usize>,
}

const NONE: u32 = u32::MAX;

/// The reasons of a network's constraints, by constraint id: for each, its strength
/// and the one or two lines that justify it, in 10 bytes (a 210 MB soak has four
/// million, alive through the solving, the peak of its memory); what few have beyond
/// that (a link's report, more lines) aside.
#[derive(Default)]
pub(in crate::timeline) struct Reasons {
    strengths: Vec<Strength>,
    /// The lines that justify each: one or two nearly always ([`NONE`]: none).
    lines: Vec<[u32; 2]>,
    /// By constraint id: where its link or further lines are in `extras`.
    extra_of: HashMap<u32, u32>,
    extras: Vec<Extra>,
}

impl Reasons {
    /// How many constraints.
    pub(in crate::timeline) fn len(&self) -> usize {
        self.strengths.len()
    }

    /// The reason of the next constraint: of `strength`, justified by lines `obs`.
    pub(in crate::timeline) fn push(&mut self, strength: Strength, obs: &[usize]) -> ConstraintId {
        let line = |&o: &usize| u32::try_from(o).ok().filter(|&o| o != NONE);
        let inline = match obs {
            [] => Some([NONE; 2]),
            [a] => line(a).map(|a| [a, NONE]),
            [a, b] => line(a).zip(line(b)).map(|(a, b)| [a, b]),
            _ => None,
        };
        let id = self.strengths.len();
        self.strengths.push(strength);
        self.lines.push(inline.unwrap_or([NONE; 2]));
        if inline.is_none() {
            let e = self.extra(Extra {
                link: None,
                more: obs.to_vec(),
            });
            self.extra_of.insert(short_id(id), e);
        }
        id
    }

    fn extra(&mut self, e: Extra) -> u32 {
        self.extras.push(e);
        u32::try_from(self.extras.len() - 1).expect("fewer than 2^32 links and long reasons")
    }

    /// Constraint `id`'s strength.
    pub(in crate::timeline) fn strength(&self, id: ConstraintId) -> Strength {
        self.strengths[id]
    }

    /// Marks constraint `id` as the link of report `li`.
    pub(in crate::timeline) fn set_link(&mut self, id: ConstraintId, li: usize) {
        match self.extra_of.get(&short_id(id)) {
            None => {
                let e = self.extra(Extra {
                    link: Some(li),
                    more: Vec::new(),
                });
                self.extra_of.insert(short_id(id), e);
            }
            Some(&e) => self.extras[e as usize].link = Some(li),
        }
    }

    /// What constraint `id` has beyond its strength and two lines.
    fn extra_of(&self, id: ConstraintId) -> Option<&Extra> {
        let e = *self.extra_of.get(&short_id(id))?;
        self.extras.get(e as usize)
    }

    /// The link's index among the reports, for a link.
    pub(in crate::timeline) fn link(&self, id: ConstraintId) -> Option<usize> {
        self.extra_of(id)?.link
    }

    /// The lines (row indices) that justify constraint `id`.
    pub(in crate::timeline) fn obs(&self, id: ConstraintId) -> impl Iterator<Item = usize> + '_ {
        let more = self.extra_of(id).map(|e| &e.more);
        self.lines[id]
            .iter()
            .filter(|&&l| l != NONE)
            .map(|&l| l as usize)
            .chain(more.into_iter().flatten().copied())
    }
}

/// A constraint id in 32 bits (the network's edges hold them so already).
fn short_id(id: ConstraintId) -> u32 {
    u32::try_from(id).expect("fewer than 2^32 constraints")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A constraint names the lines it was given, however many: two inline, more (or
    /// an index past 32 bits) beside them; and its link once set, whatever else it has.
    #[test]
    fn a_constraint_keeps_every_line_it_was_given() {
        let big = u32::MAX as usize + 7;
        let mut r = Reasons::default();
        for lines in [
            vec![],
            vec![3],
            vec![3, 9],
            vec![1, 2, 3, 4],
            vec![big],
            vec![5, big],
        ] {
            let id = r.push(Strength::Age, &lines);
            assert_eq!(r.obs(id).collect::<Vec<_>>(), lines);
            assert_eq!(r.link(id), None);
            assert_eq!(r.strength(id), Strength::Age);
        }
        let a = r.push(Strength::Link(2), &[1, 2]);
        let b = r.push(Strength::Link(1), &[1, 2, 3]);
        r.set_link(a, 41);
        r.set_link(b, 7);
        assert_eq!((r.link(a), r.link(b)), (Some(41), Some(7)));
        assert_eq!(r.obs(b).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(r.len(), 8);
        assert_eq!(std::mem::size_of::<Strength>(), 2);
    }
}
