//! Scorecards as bytes: CSV (wide and long), JSON, the terminal explanation, and reports for
//! people (Markdown, self-contained HTML, the rubric's methodology).
//!
//! Formatters only: they read a [`Scorecard`](crate::scoring::Scorecard) and its rubric and
//! never score, read files or print. A criterion's evidence is built once as a trail
//! (`trail`) and told once (`narration`) through a markup that the terminal, Markdown and
//! HTML each implement.

pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod methodology;
mod narration;
mod trail;

use rust_decimal::Decimal;

use crate::decimal::fixed;

/// A decimal with `dp` places, or an empty cell.
pub(crate) fn opt_fixed(d: Option<Decimal>, dp: u32) -> String {
    d.map(|d| fixed(d, dp)).unwrap_or_default()
}

/// White space runs (line breaks included) as one space, for one-line cells.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Columns padded to their widest cell; numbers right-aligned.
pub fn aligned<C: AsRef<str>>(cells: &[Vec<C>]) -> String {
    let cols = cells.iter().map(Vec::len).max().unwrap_or(0);
    let width = |j: usize| {
        cells
            .iter()
            .filter_map(|r| r.get(j))
            .map(|c| c.as_ref().chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let mut out = String::new();
    for row in cells {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let c = c.as_ref();
                let numeric = crate::decimal::parse_decimal(c).is_ok();
                if numeric {
                    format!("{c:>w$}", w = widths[j])
                } else {
                    format!("{c:<w$}", w = widths[j])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
