//! [`Interval`]: a time on the experiment clock as closed bounds, the only time type
//! used downstream of the timeline stage.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::stn::{Ms, UNBOUNDED};

/// Closed bounds of a time or a duration, in milliseconds. A side at ±[`UNBOUNDED`]
/// is unknown. Serialized as `{"min_s": 543.0, "max_s": 544.0}` (seconds; null when
/// unbounded), as in the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    /// Lower bound (ms); `-UNBOUNDED` when unknown.
    pub min_ms: Ms,
    /// Upper bound (ms); `UNBOUNDED` when unknown.
    pub max_ms: Ms,
}

impl Interval {
    /// Nothing known: both ends unbounded.
    pub const UNKNOWN: Interval = Interval {
        min_ms: -UNBOUNDED,
        max_ms: UNBOUNDED,
    };

    /// `[min_ms, max_ms]`.
    pub fn new(min_ms: Ms, max_ms: Ms) -> Interval {
        Interval { min_ms, max_ms }
    }

    /// One instant, `[ms, ms]`.
    pub fn point(ms: Ms) -> Interval {
        Interval {
            min_ms: ms,
            max_ms: ms,
        }
    }

    /// The lower bound, when bounded.
    pub fn lower(&self) -> Option<Ms> {
        (self.min_ms > -UNBOUNDED).then_some(self.min_ms)
    }

    /// The upper bound, when bounded.
    pub fn upper(&self) -> Option<Ms> {
        (self.max_ms < UNBOUNDED).then_some(self.max_ms)
    }

    /// Whether both ends are bounded.
    pub fn is_bounded(&self) -> bool {
        self.lower().is_some() && self.upper().is_some()
    }

    /// Width in ms, when bounded.
    pub fn width(&self) -> Option<Ms> {
        Some(self.upper()? - self.lower()?)
    }

    /// Whether `ms` lies inside (inclusive).
    pub fn contains(&self, ms: Ms) -> bool {
        ms >= self.min_ms && ms <= self.max_ms
    }

    /// The interval of `b − a` knowing only each one's bounds (looser than asking the
    /// network for the pair, which [`crate::timeline::Timelines::difference`] does).
    pub fn minus(b: Interval, a: Interval) -> Interval {
        let lo = match (b.lower(), a.upper()) {
            (Some(x), Some(y)) => x - y,
            _ => -UNBOUNDED,
        };
        let hi = match (b.upper(), a.lower()) {
            (Some(x), Some(y)) => x - y,
            _ => UNBOUNDED,
        };
        Interval::new(lo, hi)
    }

    /// Whether this interval lies entirely before `other` (strictly earlier).
    pub fn before(&self, other: &Interval) -> bool {
        self.max_ms < other.min_ms
    }

    /// Midpoint for drawing, when bounded.
    pub fn mid(&self) -> Option<Ms> {
        Some((self.lower()? + self.upper()?) / 2)
    }
}

/// An optional [`Interval`] in the room of one (16 bytes, not 24): `None` is the
/// empty interval `[i64::MAX, i64::MIN]`, which no time ever is (every interval
/// holds a value). A long capture keeps a million states with two of these each,
/// alive through its peak of memory. Serialized as the `Option<Interval>` it stands
/// for (`null` when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptInterval(Interval);

impl OptInterval {
    /// No interval.
    pub const NONE: OptInterval = OptInterval(Interval {
        min_ms: Ms::MAX,
        max_ms: Ms::MIN,
    });

    /// The interval, if any.
    pub fn get(self) -> Option<Interval> {
        (self != OptInterval::NONE).then_some(self.0)
    }
}

impl From<Option<Interval>> for OptInterval {
    fn from(i: Option<Interval>) -> OptInterval {
        match i {
            Some(i) => {
                assert!(
                    OptInterval(i) != OptInterval::NONE,
                    "an interval holds a value"
                );
                OptInterval(i)
            }
            None => OptInterval::NONE,
        }
    }
}

impl Serialize for OptInterval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.get() {
            Some(i) => s.serialize_some(&i),
            None => s.serialize_none(),
        }
    }
}

/// What a proof or a possibility says of a duration `x_b − x_a`: one end of its
/// interval against a threshold. Every question the analysis asks of a pair is of
/// this shape, so a search asked it can stop as soon as it knows which side of the
/// threshold that end lies on (`timeline::distances`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// `x_b − x_a > ms`.
    MoreThan(Ms),
    /// `x_b − x_a < ms`.
    LessThan(Ms),
}

impl Claim {
    /// `x_b − x_a ≥ ms` (times are whole milliseconds).
    pub const fn at_least(ms: Ms) -> Claim {
        Claim::MoreThan(ms - 1)
    }

    /// `x_b − x_a ≤ ms`.
    pub const fn at_most(ms: Ms) -> Claim {
        Claim::LessThan(ms + 1)
    }

    /// Whether every value of `d` meets the claim.
    pub fn surely(self, d: Interval) -> bool {
        match self {
            Claim::MoreThan(ms) => d.min_ms > ms,
            Claim::LessThan(ms) => d.max_ms < ms,
        }
    }

    /// Whether some value of `d` meets the claim.
    pub fn possibly(self, d: Interval) -> bool {
        match self {
            Claim::MoreThan(ms) => d.max_ms > ms,
            Claim::LessThan(ms) => d.min_ms < ms,
        }
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Interval", 2)?;
        st.serialize_field("min_s", &self.lower().map(|v| v as f64 / 1000.0))?;
        st.serialize_field("max_s", &self.upper().map(|v| v as f64 / 1000.0))?;
        st.end()
    }
}

/// The interval with its keys in alphabetical order (`max_s` first), as the analysis
/// document has them (serde_json's maps keep keys sorted): for the parts of it written
/// straight from their fields, not through a map ([`Interval`]'s own order is
/// `min_s` first, as the timelines documents have it).
pub fn keys_sorted<S: Serializer>(i: &Interval, s: S) -> Result<S::Ok, S::Error> {
    let mut st = s.serialize_struct("Interval", 2)?;
    st.serialize_field("max_s", &i.upper().map(|v| v as f64 / 1000.0))?;
    st.serialize_field("min_s", &i.lower().map(|v| v as f64 / 1000.0))?;
    st.end()
}

/// [`keys_sorted`] of an optional interval (`null` when none).
pub fn keys_sorted_opt<S: Serializer>(i: &Option<Interval>, s: S) -> Result<S::Ok, S::Error> {
    match i {
        Some(i) => keys_sorted(i, s),
        None => s.serialize_none(),
    }
}

/// Formatting lives in `output::time`; this re-export keeps the analysis' flag wording
/// (`analysis/metrics.rs`) compiling until its warnings are typed values.
pub use crate::output::time::human_duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_reads_one_end() {
        let d = Interval::new(-5, 10);
        assert!(Claim::MoreThan(-6).surely(d) && !Claim::MoreThan(-5).surely(d));
        assert!(Claim::at_least(-5).surely(d) && !Claim::at_least(-4).surely(d));
        assert!(Claim::LessThan(11).surely(d) && !Claim::LessThan(10).surely(d));
        assert!(Claim::at_most(10).surely(d) && !Claim::at_most(9).surely(d));
        assert!(Claim::MoreThan(9).possibly(d) && !Claim::MoreThan(10).possibly(d));
        assert!(Claim::LessThan(-4).possibly(d) && !Claim::LessThan(-5).possibly(d));
    }

    /// An optional interval in 16 bytes gives back what it was given, and prints as
    /// the `Option` it stands for.
    #[test]
    fn an_optional_interval_fits_in_one() {
        assert_eq!(std::mem::size_of::<OptInterval>(), 16);
        for i in [
            None,
            Some(Interval::UNKNOWN),
            Some(Interval::new(Ms::MIN, Ms::MIN)),
        ] {
            let o = OptInterval::from(i);
            assert_eq!(o.get(), i);
            assert_eq!(
                serde_json::to_value(o).unwrap(),
                serde_json::to_value(i).unwrap()
            );
        }
    }

    #[test]
    fn json_is_seconds_with_null_for_unknown() {
        let v = serde_json::to_value(Interval::new(543_000, UNBOUNDED)).unwrap();
        assert_eq!(v, serde_json::json!({"min_s": 543.0, "max_s": null}));
    }
}
