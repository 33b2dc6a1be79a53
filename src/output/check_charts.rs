//! `check --report`: the cross-run distribution of each metric, one chart per metric,
//! drawn with plotters' SVG backend (no font library, so the same bytes everywhere).
//!
//! Each run is one row: its metric interval as a bar (a time is an interval, so is a
//! duration) with a dot at the midpoint, and the median of the midpoints as a line.
//! Rows are numbered as in the report's experiment table; no name from an archive
//! reaches the chart.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::view::metric_rows;
use crate::check::ExperimentResult;

/// Chart width in px (the page scales it with `viewBox`).
pub const WIDTH: u32 = 640;
/// Height of one run's row and of the chart's frame (caption, axis).
const ROW_H: u32 = 18;
const FRAME_H: u32 = 70;
const BAR: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const MEDIAN: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const FONT: &str = "sans-serif";

/// One run's interval of a metric, in seconds: row number (1-based), lower, upper.
type Run = (usize, f64, f64);

/// The runs that measured the metric, with bounded intervals.
fn runs(results: &[ExperimentResult], key: &str) -> Vec<Run> {
    results
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let row = metric_rows(r.metrics.as_ref()?)
                .into_iter()
                .find(|m| m.key == key)?;
            let v = row.value?;
            Some((
                k + 1,
                v.lower()? as f64 / 1000.0,
                v.upper()? as f64 / 1000.0,
            ))
        })
        .collect()
}

fn median(runs: &[Run]) -> f64 {
    let mut mids: Vec<f64> = runs.iter().map(|r| (r.1 + r.2) / 2.0).collect();
    mids.sort_by(f64::total_cmp);
    let n = mids.len();
    if n % 2 == 1 {
        mids[n / 2]
    } else {
        (mids[n / 2 - 1] + mids[n / 2]) / 2.0
    }
}

/// One chart: `key`'s interval per run. None when no run measured it.
pub fn chart(results: &[ExperimentResult], key: &str, meaning: &str) -> Option<String> {
    let runs = runs(results, key);
    if runs.is_empty() {
        return None;
    }
    let lo = runs.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
    let hi = runs.iter().map(|r| r.2).fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1.0);
    let (x0, x1) = ((lo - pad).max(0.0).min(lo), hi + pad);
    let height = FRAME_H + ROW_H * runs.len() as u32;
    let mut svg = String::new();
    draw(&mut svg, &runs, key, meaning, (x0, x1), height).ok()?;
    Some(svg)
}

fn draw(
    svg: &mut String,
    runs: &[Run],
    key: &str,
    meaning: &str,
    (x0, x1): (f64, f64),
    height: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let n = runs.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{key}: {meaning}"), (FONT, 14))
        .margin(8)
        .x_label_area_size(32)
        .y_label_area_size(40)
        .build_cartesian_2d(x0..x1, (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            // The first run on top, as in the experiment table.
            SegmentValue::CenterOf(k) if *k < n => format!("#{}", runs[n - 1 - k].0),
            _ => String::new(),
        })
        .x_desc("seconds")
        .label_style((FONT, 11))
        .draw()?;
    let y = |k: usize| SegmentValue::CenterOf(n - 1 - k);
    chart.draw_series(runs.iter().enumerate().map(|(k, r)| {
        let (a, b) = if r.2 - r.1 < (x1 - x0) / 200.0 {
            let w = (x1 - x0) / 400.0;
            (r.1 - w, r.2 + w)
        } else {
            (r.1, r.2)
        };
        PathElement::new(vec![(a, y(k)), (b, y(k))], BAR.stroke_width(6))
    }))?;
    chart.draw_series(
        runs.iter()
            .enumerate()
            .map(|(k, r)| Circle::new(((r.1 + r.2) / 2.0, y(k)), 3, BLACK.filled())),
    )?;
    let m = median(runs);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(m, SegmentValue::Exact(0)), (m, SegmentValue::Last)],
        MEDIAN.stroke_width(2),
    )))?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_midpoints() {
        assert_eq!(median(&[(1, 0.0, 2.0), (2, 4.0, 4.0), (3, 9.0, 11.0)]), 4.0);
        assert_eq!(median(&[(1, 0.0, 2.0), (2, 4.0, 4.0)]), 2.5);
    }
}
