//! Scorecards as bytes: CSV (wide and long), JSON, and the terminal explanation.
//!
//! Formatters only: they read a [`Scorecard`](crate::scoring::Scorecard) and its rubric and
//! never score, read files or print.

pub mod csv;
pub mod explain;
pub mod json;

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
