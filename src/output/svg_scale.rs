//! The picture's time axis: linear where something happens, with long quiet stretches
//! (and the time before the capture began) compressed to a narrow marked break, so the
//! incidents get the width. Every linear piece shares one ms-per-pixel ratio, so
//! lengths compare across breaks; a break says how much time it stands for.

use crate::timeline::Interval;

/// Width in px a compressed stretch takes.
pub const BREAK_W: f64 = 34.0;

/// One piece of the axis: `[t0, t1]` in ms drawn over `[x0, x1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    pub t0: i64,
    pub t1: i64,
    pub x0: f64,
    pub x1: f64,
    /// A compressed stretch (nothing known happened inside it).
    pub quiet: bool,
}

/// The clock range and its mapping to x.
#[derive(Debug, Clone)]
pub struct Scale {
    pub lo: i64,
    pub hi: i64,
    pieces: Vec<Piece>,
}

impl Scale {
    /// The axis over `[lo, hi]` drawn on `[x0, x1]`, compressing every stretch longer
    /// than a fifth of the range (and two minutes) between two consecutive `events`.
    pub fn new(lo: i64, hi: i64, mut events: Vec<i64>, (x0, x1): (f64, f64)) -> Scale {
        let hi = hi.max(lo + 1);
        events.retain(|t| (lo..=hi).contains(t));
        events.extend([lo, hi]);
        events.sort_unstable();
        events.dedup();
        let gap = ((hi - lo) / 5).max(120_000);
        let margin = gap / 4;
        let quiet: Vec<(i64, i64)> = events
            .windows(2)
            .filter(|w| w[1] - w[0] > gap)
            .map(|w| (w[0] + margin, w[1] - margin))
            .collect();
        let quiet_ms: i64 = quiet.iter().map(|(a, b)| b - a).sum();
        let linear_px = (x1 - x0) - BREAK_W * quiet.len() as f64;
        let ratio = linear_px / ((hi - lo) - quiet_ms).max(1) as f64;
        let mut pieces = Vec::with_capacity(2 * quiet.len() + 1);
        let (mut t, mut x) = (lo, x0);
        for (a, b) in quiet {
            let xa = x + (a - t) as f64 * ratio;
            pieces.push(Piece {
                t0: t,
                t1: a,
                x0: x,
                x1: xa,
                quiet: false,
            });
            pieces.push(Piece {
                t0: a,
                t1: b,
                x0: xa,
                x1: xa + BREAK_W,
                quiet: true,
            });
            (t, x) = (b, xa + BREAK_W);
        }
        pieces.push(Piece {
            t0: t,
            t1: hi,
            x0: x,
            x1,
            quiet: false,
        });
        Scale { lo, hi, pieces }
    }

    /// x of a time (clamped to the range).
    pub fn x(&self, ms: i64) -> f64 {
        let ms = ms.clamp(self.lo, self.hi);
        let k = self
            .pieces
            .partition_point(|p| p.t1 < ms)
            .min(self.pieces.len() - 1);
        let p = &self.pieces[k];
        if p.t1 == p.t0 {
            return p.x0;
        }
        p.x0 + (ms - p.t0) as f64 * (p.x1 - p.x0) / (p.t1 - p.t0) as f64
    }

    /// x of the lower and upper bound, unknown sides clipped to the picture's edges.
    pub fn span(&self, i: &Interval) -> (f64, f64) {
        (
            self.x(i.lower().unwrap_or(self.lo)),
            self.x(i.upper().unwrap_or(self.hi)),
        )
    }

    /// The compressed stretches.
    pub fn breaks(&self) -> impl Iterator<Item = &Piece> {
        self.pieces.iter().filter(|p| p.quiet)
    }

    /// Tick times: round multiples of a step chosen for the linear pieces' length, in
    /// linear pieces only, never closer than `min_px` to the tick before.
    pub fn ticks(&self, min_px: f64) -> Vec<i64> {
        let linear: i64 = self
            .pieces
            .iter()
            .filter(|p| !p.quiet)
            .map(|p| p.t1 - p.t0)
            .sum();
        let step = tick_step(linear);
        let mut out = Vec::new();
        let mut last_x = f64::NEG_INFINITY;
        for p in self.pieces.iter().filter(|p| !p.quiet) {
            let mut t = p.t0.div_euclid(step) * step;
            if t < p.t0 {
                t += step;
            }
            while t <= p.t1 {
                let x = self.x(t);
                if x - last_x >= min_px {
                    out.push(t);
                    last_x = x;
                }
                t += step;
            }
        }
        out
    }
}

fn tick_step(span_ms: i64) -> i64 {
    const STEPS_S: [i64; 14] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
    ];
    STEPS_S
        .iter()
        .map(|s| s * 1000)
        .find(|s| span_ms / s <= 12)
        .unwrap_or(span_ms / 12 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quiet_stretch_is_compressed_and_lengths_elsewhere_keep_one_ratio() {
        // Activity in the first minute and around 30 minutes: the 28 minutes between
        // become one break.
        let events = vec![0, 30_000, 60_000, 1_800_000, 1_830_000, 1_860_000];
        let sc = Scale::new(0, 1_860_000, events, (0.0, 1000.0));
        let breaks: Vec<&Piece> = sc.breaks().collect();
        assert_eq!(breaks.len(), 1);
        assert!((breaks[0].x1 - breaks[0].x0 - BREAK_W).abs() < 1e-9);
        let first_minute = sc.x(60_000) - sc.x(0);
        let last_minute = sc.x(1_860_000) - sc.x(1_800_000);
        assert!((first_minute - last_minute).abs() < 1e-6);
        // Linear, a minute would get 32 px of the 1000.
        assert!(first_minute > 150.0, "the active minutes get the width");
        assert_eq!(sc.x(1_860_000), 1000.0);
    }

    #[test]
    fn a_busy_axis_stays_linear() {
        let events: Vec<i64> = (0..=20).map(|k| k * 30_000).collect();
        let sc = Scale::new(0, 600_000, events, (0.0, 600.0));
        assert_eq!(sc.breaks().count(), 0);
        assert!((sc.x(300_000) - 300.0).abs() < 1e-9);
        let ticks = sc.ticks(20.0);
        assert_eq!(ticks.first(), Some(&0));
        assert!(ticks.windows(2).all(|w| w[1] > w[0]));
    }
}
