//! Absolute times printed in a transcript: `ts` prefixes, `date` output, `script`
//! headers and the date in a `watch` screen header.
//!
//! Owns: the nom grammar of every time format capture recognises, each piece a tiny
//! function with its grammar in a comment. Does not own: deciding what a line is.
//!
//! Output: [`WallClock`] with only what the text says — a syslog stamp has no year,
//! a bare clock has no date. Zones: `UTC`, `GMT`, `Z` are offset 0 and numeric offsets
//! (`+0800`, `+02:00`) are exact; any other zone name (`CEST`, `CST`, `PST`) leaves the
//! offset `None`, because abbreviations are ambiguous (`CST` is UTC−6 in Chicago and
//! UTC+8 in Beijing) and guessing would put the events on a wrong clock.

use chrono::NaiveTime;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while1, take_while_m_n};
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::{eof, map, map_opt, opt, rest, verify};
use nom::sequence::{delimited, preceded, terminated};
use nom::{IResult, Parser};

use super::WallClock;

/// Parsed date parts, before they become a [`WallClock`].
type Date = (Option<i32>, Option<(u32, u32)>);

fn clock(date: Date, time: NaiveTime, utc_offset_s: Option<i32>) -> WallClock {
    WallClock {
        year: date.0,
        month_day: date.1,
        time,
        utc_offset_s,
    }
}

/// Farthest real UTC offset (Kiribati, +14:00).
const MAX_OFFSET_S: i32 = 14 * 3600;

/// Why a time as printed cannot be a real one: a date that does not exist
/// (`2026-02-31`; February 29 without a year is allowed) or an offset beyond ±14:00
/// or with minutes past 59 (`+99:99`). None when it can be.
pub fn impossible(w: &WallClock) -> Option<String> {
    if let Some((m, d)) = w.month_day {
        let exists = match w.year {
            Some(y) => chrono::NaiveDate::from_ymd_opt(y, m, d).is_some(),
            None => chrono::NaiveDate::from_ymd_opt(2024, m, d).is_some(),
        };
        if !exists {
            let year = w.year.map(|y| format!("{y:04}-")).unwrap_or_default();
            return Some(format!(
                "impossible date {year}{m:02}-{d:02}: not used as a time"
            ));
        }
    }
    match w.utc_offset_s {
        Some(o) if o.abs() > MAX_OFFSET_S => Some(
            "impossible UTC offset (beyond ±14:00 or minutes past 59): not used as a time".into(),
        ),
        _ => None,
    }
}

// digits{n} → number
fn fixed_digits(n: usize) -> impl Fn(&str) -> IResult<&str, u32> {
    move |i| {
        map_opt(
            take_while_m_n(n, n, |c: char| c.is_ascii_digit()),
            |s: &str| s.parse().ok(),
        )
        .parse(i)
    }
}

// digit{1,2}
fn one_or_two_digits(i: &str) -> IResult<&str, u32> {
    map_opt(
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
        |s: &str| s.parse().ok(),
    )
    .parse(i)
}

// year = digit{4}
fn year(i: &str) -> IResult<&str, i32> {
    map(fixed_digits(4), |y| y as i32).parse(i)
}

// month_day = (month, day) checked to 1..=12, 1..=31
fn month_day(m: u32, d: u32) -> Option<(u32, u32)> {
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d))
}

// hms = HH ":" MM ":" SS ( ("." | ",") digit+ )?
pub fn hms(i: &str) -> IResult<&str, NaiveTime> {
    map_opt(
        (
            fixed_digits(2),
            char(':'),
            fixed_digits(2),
            char(':'),
            fixed_digits(2),
            opt((alt((char('.'), char(','))), digit1)),
        ),
        |(h, _, m, _, s, _)| NaiveTime::from_hms_opt(h, m, s),
    )
    .parse(i)
}

// month_name = "Jan" | … | "Dec" | "January" | … (English, any case)
fn month_name(i: &str) -> IResult<&str, u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    map_opt(take_while1(|c: char| c.is_ascii_alphabetic()), |s: &str| {
        let lower = s.to_ascii_lowercase();
        let idx = MONTHS
            .iter()
            .position(|m| lower == *m || lower.len() == 3 && m.starts_with(&lower))?;
        Some(idx as u32 + 1)
    })
    .parse(i)
}

// weekday_name = ("Mon" | … | "Sun" | "Monday" | …) ","?   (English, any case)
fn weekday_name(i: &str) -> IResult<&str, ()> {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    map(
        terminated(
            verify(take_while1(|c: char| c.is_ascii_alphabetic()), |s: &str| {
                let lower = s.to_ascii_lowercase();
                DAYS.iter()
                    .any(|d| lower == *d || lower.len() == 3 && d.starts_with(&lower))
            }),
            opt(char(',')),
        ),
        |_| (),
    )
    .parse(i)
}

// numeric_offset = "Z" | ("+" | "-") HH ":"? MM
fn numeric_offset(i: &str) -> IResult<&str, i32> {
    alt((
        map(char('Z'), |_| 0),
        map(
            (
                alt((char('+'), char('-'))),
                fixed_digits(2),
                opt(char(':')),
                fixed_digits(2),
            ),
            |(sign, h, _, m)| {
                // Minutes past 59 are kept out of range, for [`impossible`] to refuse.
                let past = if m >= 60 { 100 * 3600 } else { 0 };
                let s = (h * 3600 + m * 60 + past) as i32;
                if sign == '-' {
                    -s
                } else {
                    s
                }
            },
        ),
    ))
    .parse(i)
}

// zone = numeric_offset | letters{1,6} (only UTC/GMT/Z/UT known; others → None)
fn zone(i: &str) -> IResult<&str, Option<i32>> {
    alt((
        map(numeric_offset, Some),
        map(
            verify(take_while1(|c: char| c.is_ascii_uppercase()), |s: &str| {
                s.len() <= 6
            }),
            |s: &str| matches!(s, "UTC" | "GMT" | "UT" | "Z").then_some(0),
        ),
    ))
    .parse(i)
}

// iso_date = YYYY "-" MM "-" DD
fn iso_date(i: &str) -> IResult<&str, Date> {
    map_opt(
        (year, char('-'), fixed_digits(2), char('-'), fixed_digits(2)),
        |(y, _, m, _, d)| Some((Some(y), Some(month_day(m, d)?))),
    )
    .parse(i)
}

// iso_datetime = iso_date ("T" | " ") hms numeric_offset?
pub fn iso_datetime(i: &str) -> IResult<&str, WallClock> {
    map(
        (
            iso_date,
            alt((char('T'), char(' '))),
            hms,
            opt(numeric_offset),
        ),
        |(date, _, time, off)| clock(date, time, off),
    )
    .parse(i)
}

// syslog_stamp = month_name " "+ D{1,2} " " hms        (moreutils ts default)
fn syslog_stamp(i: &str) -> IResult<&str, WallClock> {
    map_opt(
        (month_name, space1, one_or_two_digits, space1, hms),
        |(m, _, d, _, time)| Some(clock((None, Some(month_day(m, d)?)), time, None)),
    )
    .parse(i)
}

// bare_clock = hms                                    (no date: not invented)
fn bare_clock(i: &str) -> IResult<&str, WallClock> {
    map(hms, |time| clock((None, None), time, None)).parse(i)
}

// stamp = iso_datetime | syslog_stamp | bare_clock
fn stamp(i: &str) -> IResult<&str, WallClock> {
    alt((iso_datetime, syslog_stamp, bare_clock)).parse(i)
}

// ts_prefix = ( "[" stamp "]" | stamp ) " "+   — returns the time and the rest
pub fn ts_prefix(i: &str) -> Option<(WallClock, &str)> {
    let r: IResult<&str, WallClock> = terminated(
        alt((delimited(char('['), stamp, char(']')), stamp)),
        alt((space1, eof)),
    )
    .parse(i);
    r.ok().map(|(rest, t)| (t, rest))
}

// date_c = weekday " "+ month " "+ D " " hms (" " zone)? " " YYYY
//   coreutils `date` in the C locale (`Fri Nov 27 12:00:03 UTC 2026`) and, without the
//   zone, ctime as printed by `watch` and old `script`.
pub fn date_c(i: &str) -> IResult<&str, WallClock> {
    map_opt(
        (
            weekday_name,
            space1,
            month_name,
            space1,
            one_or_two_digits,
            space1,
            hms,
            opt(preceded(space1, zone)),
            space1,
            year,
        ),
        |(_, _, m, _, d, _, time, z, _, y)| {
            Some(clock((Some(y), Some(month_day(m, d)?)), time, z.flatten()))
        },
    )
    .parse(i)
}

// date_dmy = weekday (",")? " " D " " month " " YYYY " " hms (" " AM|PM)? (" " zone)?
//   en_US/en_GB locales and RFC 2822 (`date -R`: `Fri, 27 Nov 2026 12:00:03 +0000`)
fn date_dmy(i: &str) -> IResult<&str, WallClock> {
    map_opt(
        (
            weekday_name,
            space1,
            one_or_two_digits,
            space1,
            month_name,
            space1,
            year,
            space1,
            hms,
            opt(preceded(
                space1,
                alt((tag_no_case("AM"), tag_no_case("PM"))),
            )),
            opt(preceded(space1, zone)),
        ),
        |(_, _, d, _, m, _, y, _, time, ampm, z)| {
            let time = twelve_hour(time, ampm)?;
            Some(clock((Some(y), Some(month_day(m, d)?)), time, z.flatten()))
        },
    )
    .parse(i)
}

/// Converts a 12-hour clock (`12:00:00 AM` is midnight) to 24-hour.
fn twelve_hour(time: NaiveTime, ampm: Option<&str>) -> Option<NaiveTime> {
    use chrono::Timelike;
    let Some(ampm) = ampm else { return Some(time) };
    let h = time.hour();
    if !(1..=12).contains(&h) {
        return None;
    }
    let h = match (ampm.eq_ignore_ascii_case("PM"), h) {
        (false, 12) => 0,
        (true, 12) => 12,
        (true, h) => h + 12,
        (false, h) => h,
    };
    time.with_hour(h)
}

// zh_clock = hms | HH "时" MM "分" SS "秒"
fn zh_clock(i: &str) -> IResult<&str, NaiveTime> {
    alt((
        hms,
        map_opt(
            (
                one_or_two_digits,
                tag("时"),
                one_or_two_digits,
                tag("分"),
                one_or_two_digits,
                tag("秒"),
            ),
            |(h, _, m, _, s, _)| NaiveTime::from_hms_opt(h, m, s),
        ),
    ))
    .parse(i)
}

// date_zh = YYYY "年" " "* M "月" " "* D "日" " "+ "星期" X " "+ zh_clock (" " zone)?
//   coreutils `date` in zh_CN: `2026年 11月 27日 星期五 12:00:00 CST`
fn date_zh(i: &str) -> IResult<&str, WallClock> {
    map_opt(
        (
            year,
            tag("年"),
            space0,
            one_or_two_digits,
            tag("月"),
            space0,
            one_or_two_digits,
            tag("日"),
            opt(preceded(
                space1,
                (tag("星期"), take_while1(|c: char| !c.is_whitespace())),
            )),
            space1,
            zh_clock,
            opt(preceded(space1, zone)),
        ),
        |(y, _, _, m, _, _, d, _, _, _, time, z)| {
            Some(clock((Some(y), Some(month_day(m, d)?)), time, z.flatten()))
        },
    )
    .parse(i)
}

// date_line = (date_c | date_dmy | date_zh | iso_datetime | YYYY-MM-DD " " hms) " "* EOF
pub fn date_line(i: &str) -> Option<WallClock> {
    let r: IResult<&str, WallClock> = terminated(
        alt((date_c, date_dmy, date_zh, iso_datetime)),
        (space0, eof),
    )
    .parse(i.trim());
    r.ok().map(|(_, t)| t)
}

// script_header = "Script " ("started" | "done") " on " (iso_datetime | date_c | date_dmy) rest
//   util-linux `script`: `Script started on 2026-11-27 12:00:00+00:00 [TERM="xterm" …]`
pub fn script_header(i: &str) -> Option<WallClock> {
    let r: IResult<&str, WallClock> = delimited(
        (
            tag("Script "),
            alt((tag("started"), tag("done"))),
            tag(" on "),
        ),
        alt((iso_datetime, date_c, date_dmy)),
        rest,
    )
    .parse(i);
    r.ok().map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    fn wc(y: Option<i32>, md: Option<(u32, u32)>, time: NaiveTime, off: Option<i32>) -> WallClock {
        WallClock {
            year: y,
            month_day: md,
            time,
            utc_offset_s: off,
        }
    }

    #[test]
    fn ts_prefixes_of_every_shape() {
        let cases = [
            (
                "[2026-04-12 20:49:24] x",
                wc(Some(2026), Some((4, 12)), t(20, 49, 24), None),
            ),
            (
                "2026-04-12 20:49:24 x",
                wc(Some(2026), Some((4, 12)), t(20, 49, 24), None),
            ),
            (
                "Jul 03 15:07:54 x",
                wc(None, Some((7, 3)), t(15, 7, 54), None),
            ),
            (
                "Jul  3 15:07:54 x",
                wc(None, Some((7, 3)), t(15, 7, 54), None),
            ),
            (
                "2026-04-12T20:49:24Z x",
                wc(Some(2026), Some((4, 12)), t(20, 49, 24), Some(0)),
            ),
            (
                "2026-04-12T20:49:24.123+02:00 x",
                wc(Some(2026), Some((4, 12)), t(20, 49, 24), Some(7200)),
            ),
            ("[20:49:24] x", wc(None, None, t(20, 49, 24), None)),
            ("20:49:24 x", wc(None, None, t(20, 49, 24), None)),
        ];
        for (input, want) in cases {
            let (got, rest) = ts_prefix(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(got, want, "{input}");
            assert_eq!(rest, "x", "{input}");
        }
    }

    #[test]
    fn ts_prefix_refusals() {
        for input in [
            "2026-13-12 20:49:24 x",
            "25:00:00 x",
            "20:49:24x",
            "web-0   1/1   Running",
            "Jul 32 15:07:54 x",
            "12:00 x",
        ] {
            assert!(ts_prefix(input).is_none(), "{input}");
        }
    }

    #[test]
    fn date_output_lines() {
        let cases = [
            (
                "Fri Nov 27 12:00:03 UTC 2026",
                wc(Some(2026), Some((11, 27)), t(12, 0, 3), Some(0)),
            ),
            (
                "Thu Jul  3 15:07:54 CEST 2025",
                wc(Some(2025), Some((7, 3)), t(15, 7, 54), None),
            ),
            (
                "Fri 27 Nov 2026 12:00:00 PM UTC",
                wc(Some(2026), Some((11, 27)), t(12, 0, 0), Some(0)),
            ),
            (
                "Fri 27 Nov 2026 01:02:03 AM +0800",
                wc(Some(2026), Some((11, 27)), t(1, 2, 3), Some(28800)),
            ),
            (
                "Fri 27 Nov 2026 12:30:00 AM GMT",
                wc(Some(2026), Some((11, 27)), t(0, 30, 0), Some(0)),
            ),
            (
                "Fri, 27 Nov 2026 12:00:03 -0500",
                wc(Some(2026), Some((11, 27)), t(12, 0, 3), Some(-18000)),
            ),
            (
                "2026年 11月 27日 星期五 12:00:00 CST",
                wc(Some(2026), Some((11, 27)), t(12, 0, 0), None),
            ),
            (
                "2026年11月27日 星期五 12时00分05秒 CST",
                wc(Some(2026), Some((11, 27)), t(12, 0, 5), None),
            ),
            (
                "2026-11-27T12:00:03+00:00",
                wc(Some(2026), Some((11, 27)), t(12, 0, 3), Some(0)),
            ),
            (
                "Fri Nov 27 12:00:03 2026",
                wc(Some(2026), Some((11, 27)), t(12, 0, 3), None),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(date_line(input), Some(want), "{input}");
        }
    }

    #[test]
    fn date_line_refusals() {
        for input in [
            "Fri Nov 27 12:00:03 UTC 2026 and more",
            "Friday we powered off the node",
            "Fri Nov 27",
            "Fri 27 Nov 2026 13:00:00 PM UTC",
        ] {
            assert_eq!(date_line(input), None, "{input}");
        }
    }

    #[test]
    fn script_headers_new_and_old() {
        assert_eq!(
            script_header(
                r#"Script started on 2026-11-27 12:00:00+00:00 [TERM="xterm" TTY="/dev/pts/0"]"#
            ),
            Some(wc(Some(2026), Some((11, 27)), t(12, 0, 0), Some(0)))
        );
        assert_eq!(
            script_header("Script done on Fri Nov 27 12:10:00 2026"),
            Some(wc(Some(2026), Some((11, 27)), t(12, 10, 0), None))
        );
        assert_eq!(script_header("Script started on a rainy day"), None);
    }
}
