//! Absolute times: one anchor point per precision class of wall-clock time, each
//! standing for second 0 of its class's clock, and t = 0 read back as a wall-clock
//! time.

use crate::HashMap;

use chrono::{Datelike, NaiveDate};

use super::{Builder, Strength};
use crate::capture::WallClock;
use crate::timeline::{Interval, Point};

/// Seconds of a wall-clock time within its precision class, and the class.
fn wall_seconds(w: &WallClock) -> (u8, i64) {
    let tod = i64::from(w.time.num_seconds_from_midnight_compat());
    let off = i64::from(w.utc_offset_s.unwrap_or(0));
    let class_tz = u8::from(w.utc_offset_s.is_some());
    match (w.year, w.month_day) {
        (Some(y), Some((m, d))) => {
            let days = NaiveDate::from_ymd_opt(y, m, d)
                .map(|d| i64::from(d.num_days_from_ce()))
                .unwrap_or(0);
            (class_tz, days * 86_400 + tod - off)
        }
        // No year: day of a fixed leap year, so Feb 29 exists.
        (None, Some((m, d))) => {
            let days = NaiveDate::from_ymd_opt(2000, m, d)
                .map(|d| i64::from(d.ordinal()))
                .unwrap_or(0);
            (2 + class_tz, days * 86_400 + tod - off)
        }
        _ => (4 + class_tz, tod - off),
    }
}

trait SecondsFromMidnight {
    fn num_seconds_from_midnight_compat(&self) -> u32;
}

impl SecondsFromMidnight for chrono::NaiveTime {
    fn num_seconds_from_midnight_compat(&self) -> u32 {
        use chrono::Timelike;
        self.num_seconds_from_midnight()
    }
}

/// The anchor point of each precision class, made when a time of the class is first
/// seen, with that first time.
#[derive(Default)]
pub(super) struct Anchors {
    points: HashMap<u8, Point>,
    first_wall: HashMap<u8, (i64, WallClock)>,
}

impl Anchors {
    /// The anchor of `w`'s class and `w`'s seconds on its clock.
    fn anchor(&mut self, b: &mut Builder, w: &WallClock) -> (Point, i64) {
        let (class, secs) = wall_seconds(w);
        let p = *self.points.entry(class).or_insert_with(|| b.net.point());
        self.first_wall.entry(class).or_insert((secs, *w));
        (p, secs)
    }

    /// Places point `p` at wall-clock time `w` (within its second).
    pub(super) fn place(&mut self, b: &mut Builder, p: Point, w: &WallClock, obs: &[usize]) {
        let (a, secs) = self.anchor(b, w);
        b.add(a, p, secs * 1000, secs * 1000 + 999, Strength::Wall, obs);
    }

    /// Rows printed with a timestamp.
    pub(super) fn place_rows(&mut self, b: &mut Builder, points: &[Point]) {
        let obs = b.obs;
        for (i, o) in obs.iter().enumerate() {
            if let Some(w) = &o.wall {
                self.place(b, points[i], w, &[i]);
            }
        }
    }

    /// The wall-clock time of t = 0 when an anchor is tied to it: anchor − origin is
    /// known, and the anchor stands for second 0 of its class's clock.
    pub(super) fn wall_clock(&self, bounds: &[Interval]) -> Option<String> {
        self.points.iter().find_map(|(class, &a)| {
            let i = bounds[a];
            if !i.is_bounded() || i.width()? > 60_000 {
                return None;
            }
            let origin_secs = -i.mid()? / 1000;
            let (secs0, w) = self.first_wall[class];
            Some(describe_wall(&w, secs0, origin_secs))
        })
    }
}

/// The wall-clock time `target_secs` of a class whose time `secs0` printed as `w`.
fn describe_wall(w: &WallClock, secs0: i64, target_secs: i64) -> String {
    let delta = target_secs - secs0;
    let base = match (w.year, w.month_day) {
        (Some(y), Some((m, d))) => NaiveDate::from_ymd_opt(y, m, d).map(|d| d.and_time(w.time)),
        _ => None,
    };
    match base {
        Some(dt) => {
            let t = dt + chrono::Duration::seconds(delta);
            let zone = crate::observe::zone_text(w.utc_offset_s);
            format!("{}{zone}", t.format("%Y-%m-%dT%H:%M:%S"))
        }
        None => {
            let t = w.time + chrono::Duration::seconds(delta);
            format!("T{}", t.format("%H:%M:%S"))
        }
    }
}
