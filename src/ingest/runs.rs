//! Keeping state runs, not lines: which of an object's repeated lines a long capture
//! keeps (see [`RunFolder`]).

use crate::observe::{Observation, StateComparer};

/// The longest state run kept line by line. Each repeat in a watch stream is a
/// *touch*, evidence of a hidden update (FORMAT.md §4.4), and a real experiment shows a
/// handful per state (the node controller's mark, the taint manager's condition); a
/// chaos soak two for each failure of its node a pod lives through in place (the
/// mark, the returning kubelet's re-post): 32 holds fifteen (with 8 a pod's fifth
/// partition lost every touch, and with it the held-out soaks' failures). A run
/// longer than this is something writing the object over and over (a status
/// heartbeat, a `watch` screen): its repeats are no evidence, so it keeps its first
/// line and its latest only.
pub const RUN_HEAD: usize = 32;

/// Keeps state runs, not lines. An object's line that repeats its previous state in
/// the same stream (AGE and other time-only cells aside) adds no state. A run of up
/// to [`RUN_HEAD`] lines is kept whole; once it grows past that, its repeats are given
/// up and it keeps its first line and its latest (which bounds how long the state
/// lasted); the rest are counted. A `watch` screen's repeat is never a touch (the
/// screen reprints everything), so screens keep first and latest from the start. A
/// `watch` of 500 unchanged pods printing a status write every two seconds for a day
/// then costs two observations a pod, not 43,200. Folding drops only the order
/// constraints of the folded lines, so intervals stay honest (they can only get wider).
pub(super) struct RunFolder {
    /// Per object and stream (by hash): the slots of its current run's kept lines
    /// and how many lines the run has had.
    last: std::collections::HashMap<u64, Run, foldhash::fast::RandomState>,
    /// The seed of the objects' keys ([`key_hash`]).
    seed: foldhash::fast::RandomState,
    /// Whether to fold at all.
    fold: bool,
    /// Compares a line's state with its run's latest (by its table's state columns).
    states: StateComparer,
    /// Whether the budget ran out: from then on no line starts a run or adds to a
    /// run's head, even if slots are given up later (the account says where
    /// analysis stopped, and it must stay true).
    spent: bool,
}

#[derive(Default)]
struct Run {
    slots: smallvec::SmallVec<[usize; 2]>,
    lines: usize,
}

/// What became of an observation offered to a [`RunFolder`].
pub(super) enum Added {
    Kept,
    /// Folded into its run: this many lines leave the kept ones (the latest it takes
    /// the place of, and the repeats a run grown long gives up).
    Folded(u64),
    /// Not kept: the budget is spent. The observation's line.
    OverBudget(u64),
}

impl RunFolder {
    /// A folder; with `fold` false it keeps every line (for checking the parser row
    /// by row), the budget still applying.
    pub(super) fn new(fold: bool) -> RunFolder {
        RunFolder {
            last: Default::default(),
            seed: Default::default(),
            fold,
            states: StateComparer::default(),
            spent: false,
        }
    }

    /// Keeps `o` in `obs` (this source's observations, in no particular order: the
    /// caller sorts them), or folds it into its object's run. Inlined into its one
    /// caller, so that the observation (224 bytes) is not copied once more on the way.
    #[inline(always)]
    pub(super) fn add(
        &mut self,
        obs: &mut Vec<Observation>,
        mut o: Observation,
        limit: usize,
    ) -> Added {
        let name = o.name();
        let key = key_hash(&self.seed, &o, name);
        // The object's run found (or made empty) with one look-up: a line used to
        // hash and probe its key up to three times.
        let run = self.last.entry(key).or_default();
        let (continues, before) = match run.slots.last() {
            Some(&latest) if self.fold => continues_run(&mut self.states, &obs[latest], &o, name),
            _ => (false, None),
        };
        if let Some((same, gap)) = before {
            o.same_as_before = Some(same);
            o.before_gap = gap;
        }
        if !continues {
            if over(&mut self.spent, obs, limit) {
                return Added::OverBudget(o.line);
            }
            *run = Run {
                slots: smallvec::smallvec![obs.len()],
                lines: 1,
            };
            obs.push(o);
            return Added::Kept;
        }
        run.lines += 1;
        let head = if o.snapshot.is_some() { 1 } else { RUN_HEAD };
        if run.lines <= head || run.slots.len() < 2 {
            // In the head (or a `watch` screen's second line): kept.
            if over(&mut self.spent, obs, limit) {
                return Added::OverBudget(o.line);
            }
            run.slots.push(obs.len());
            obs.push(o);
            return Added::Kept;
        }
        // Past the head: the latest line takes the second slot; the repeats kept
        // while the run was short are given up.
        obs[run.slots[1]] = o;
        let mut given_up: smallvec::SmallVec<[usize; RUN_HEAD]> = run.slots.drain(2..).collect();
        given_up.sort_unstable_by(|a, b| b.cmp(a));
        for &slot in &given_up {
            self.give_up(obs, slot);
        }
        Added::Folded(given_up.len() as u64 + 1)
    }

    /// Removes slot `slot` by moving the last observation into it (the caller gives up
    /// slots from the highest down, so the one moved is never one still to give up),
    /// and tells the moved one's run where it went.
    fn give_up(&mut self, obs: &mut Vec<Observation>, slot: usize) {
        let from = obs.len() - 1;
        obs.swap_remove(slot);
        if slot == from {
            return;
        }
        let moved = &obs[slot];
        if let Some(run) = self
            .last
            .get_mut(&key_hash(&self.seed, moved, moved.name()))
        {
            for s in run.slots.iter_mut().filter(|s| **s == from) {
                *s = slot;
            }
        }
    }
}

/// Whether a line may not be kept: the budget is spent (for good; `spent` is the
/// folder's).
fn over(spent: &mut bool, obs: &[Observation], limit: usize) -> bool {
    *spent |= obs.len() >= limit;
    *spent
}

/// An object's key in its stream, hashed with the folder's seed (random per folder, so
/// that no input can be made to collide): a collision would join two objects' runs,
/// and 64 bits make one unlikely even among millions of objects.
/// (`name` is `o`'s, found once a line.)
fn key_hash(seed: &foldhash::fast::RandomState, o: &Observation, name: &str) -> u64 {
    use std::hash::BuildHasher;
    seed.hash_one((o.stream, o.kind(), &o.namespace, name))
}

/// Whether `next` (named `next_name`) repeats `prev`'s state: same object and
/// stream, same state cells, same incarnation. The state is compared before the
/// names: `prev` is its run's latest, found by `next`'s key, so the names nearly
/// always agree, while the state changes on most lines, and `prev`'s name is then
/// not looked for.
///
/// With it, the states' comparison and how far back `prev` is in the stream, when
/// they were compared: kept on `next` ([`Observation::same_as_before`]), as the
/// timeline's assembly asks it again of the object's rows in turn.
fn continues_run(
    states: &mut StateComparer,
    prev: &Observation,
    next: &Observation,
    next_name: &str,
) -> (bool, Option<(bool, u16)>) {
    if !(prev.stream == next.stream
        && prev.kind() == next.kind()
        && prev.namespace == next.namespace)
    {
        return (false, None);
    }
    let same = states.same_state(next, prev);
    let before = u16::try_from(next.seq.wrapping_sub(prev.seq))
        .ok()
        .map(|gap| (same, gap));
    let continues =
        same && prev.name() == next_name && !crate::observe::is_new_incarnation(prev, next);
    (continues, before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ingest, ingest_every_row, ingest_with_limit, Ingested};
    use crate::input::{Origin, Source};

    fn source(text: String) -> Source {
        Source {
            name: "pods.log".into(),
            origin: Origin::Bytes(text.into_bytes().into()),
        }
    }

    /// A pods watch: `a` repeats its state `n` times (AGE moving on), `b` changes
    /// state on every line, both interleaved.
    fn transcript(n: u32) -> String {
        let mut t = String::from("NAME   READY   STATUS    RESTARTS   AGE\n");
        for i in 0..n {
            t += &format!("a      1/1     Running   0          {}s\n", 10 + i);
            let status = if i % 2 == 0 { "Running" } else { "Pending" };
            t += &format!("b      1/1     {status:<9} 0          {}s\n", 10 + i);
        }
        t
    }

    fn lines_of(ing: &Ingested, name: &str) -> Vec<u64> {
        ing.observations
            .iter()
            .filter(|o| o.name() == name)
            .map(|o| o.line)
            .collect()
    }

    /// Each answer kept on a row is the comparison of its state with the row it names
    /// (its object's row `before_gap` back in the stream).
    #[test]
    fn a_row_keeps_how_its_state_compares_with_its_object_s_row_before() {
        let ing = ingest(&[source(transcript(20))]).unwrap();
        let obs = &ing.observations;
        let (mut same, mut changed) = (0, 0);
        for o in obs.iter().filter(|o| o.same_as_before.is_some()) {
            let seq = o.seq - u32::from(o.before_gap);
            let before = (obs.iter())
                .find(|b| b.stream == o.stream && b.seq == seq)
                .expect("a short run keeps every row");
            assert_eq!(before.name(), o.name());
            let want = Observation::same_state(before, o);
            assert_eq!(o.same_as_before, Some(want), "line {}", o.line);
            *(if want { &mut same } else { &mut changed }) += 1;
        }
        // `a` repeats its state, `b` changes it on every row.
        assert_eq!((same, changed), (19, 19));
        assert!(obs.iter().take(2).all(|o| o.same_as_before.is_none()));
    }

    #[test]
    fn a_short_run_is_kept_whole() {
        let n = RUN_HEAD as u32;
        let ing = ingest(&[source(transcript(n))]).unwrap();
        let expected: Vec<u64> = (0..u64::from(n)).map(|i| 2 + 2 * i).collect();
        assert_eq!(lines_of(&ing, "a"), expected);
        assert_eq!(ing.accounts[0].folded, 0);
    }

    #[test]
    fn a_long_run_keeps_its_first_and_latest_line_in_line_order() {
        let ing = ingest(&[source(transcript(100))]).unwrap();
        assert_eq!(lines_of(&ing, "a"), [2, 2 + 2 * 99]);
        assert_eq!(lines_of(&ing, "b").len(), 100);
        assert!(ing.observations.windows(2).all(|w| w[0].line < w[1].line));
        let acc = &ing.accounts[0];
        assert_eq!(acc.folded, 98);
        assert_eq!(acc.rows, 200);
        assert!(acc.error.is_none());
    }

    #[test]
    fn a_run_grown_long_gives_up_its_repeats() {
        let all = ingest_every_row(&[source(transcript(40))]).unwrap();
        let a: Vec<&Observation> = all
            .observations
            .iter()
            .filter(|o| o.name() == "a")
            .collect();
        let mut folder = RunFolder::new(true);
        let mut kept = Vec::new();
        for o in &a {
            folder.add(&mut kept, (*o).clone(), usize::MAX);
        }
        let lines: Vec<u64> = kept.iter().map(|o| o.line).collect();
        assert_eq!(lines, [a[0].line, a[39].line]);
    }

    proptest::proptest! {
        /// Whatever the interleaving, each run keeps all its lines up to
        /// `RUN_HEAD`, else its first and latest: a model computed run by run. (At
        /// most 99 lines: AGE in seconds is printed up to `119s`.)
        #[test]
        fn kept_lines_are_each_runs_head_or_ends(
            steps in proptest::collection::vec((0usize..4, proptest::bool::weighted(0.1)), 1..100)
        ) {
            let mut t = String::from("NAME   READY   STATUS    RESTARTS   AGE\n");
            let mut status = [false; 4];
            for (i, &(pod, flip)) in steps.iter().enumerate() {
                status[pod] ^= flip;
                let st = if status[pod] { "Pending" } else { "Running" };
                t += &format!("p{pod}     1/1     {st:<9} 0          {}s\n", 10 + i);
            }
            let ing = ingest(&[source(t)]).unwrap();
            let got: Vec<u64> = ing.observations.iter().map(|o| o.line).collect();
            let mut want = Vec::new();
            for pod in 0..4 {
                let mut runs: Vec<Vec<u64>> = Vec::new();
                let mut last = None;
                let mut st = false;
                for (i, &(p, flip)) in steps.iter().enumerate() {
                    if p != pod {
                        continue;
                    }
                    st ^= flip;
                    if last != Some(st) {
                        runs.push(Vec::new());
                    }
                    last = Some(st);
                    runs.last_mut().unwrap().push(i as u64 + 2);
                }
                for r in runs {
                    if r.len() <= RUN_HEAD {
                        want.extend(r);
                    } else {
                        want.extend([r[0], r[r.len() - 1]]);
                    }
                }
            }
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn past_the_budget_rows_are_counted_and_reported_with_their_line() {
        // `a` repeats (lines 2, 4, ...), `b` changes (3, 5, ...): five kept, then
        // nothing new is, though `a`'s run grows long and gives up a slot. Of the
        // rows not kept: `b`'s from line 7 on, and `a`'s from line 8 to the end of
        // its run's head.
        let n = RUN_HEAD as u64 + 2;
        let ing = ingest_with_limit(&[source(transcript(n as u32))], 5).unwrap();
        let lines: Vec<u64> = ing.observations.iter().map(|o| o.line).collect();
        assert_eq!(lines, [2, 3, 5, 2 * n]);
        let acc = &ing.accounts[0];
        let not_kept = (n - 2) + (RUN_HEAD as u64 - 3);
        assert_eq!((acc.not_kept, acc.folded), (not_kept, 3));
        assert_eq!(acc.rows, 4 + not_kept + 3);
        assert_eq!(acc.first_not_kept, Some(7));
        let e = acc.error.as_deref().unwrap();
        assert!(e.starts_with("line 7: more than 5 table rows"), "{e}");
    }
}
