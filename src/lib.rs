//! polscore: score programmes that prevent and counter violent extremism against TOML rubrics,
//! and write scorecards in which every number can be traced to its evidence.
//!
//! Data flows one way: files → validated [`rubric::Rubric`] and [`program::Program`] →
//! evidence ([`evidence`], [`assess`]) → levels and totals ([`scoring`]) → bytes ([`report`]).
//! The library never prints: the command line, in the binary (`src/main.rs`, `src/cli/`), is the edge that does.

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

pub mod agreement;
pub mod assess;
pub mod bind;
pub mod compare;
pub mod corpus;
pub mod decimal;
pub mod diag;
pub mod evidence;
pub mod formula;
pub mod load;
pub mod program;
pub mod ratings;
pub mod report;
pub mod rubric;
pub mod schema;
pub mod scoring;
pub mod sensitivity;
pub mod shapes;
pub mod tomlfile;

use bind::Bound;
use diag::Diagnostics;
use rubric::Rubric;
use scoring::Scorecard;

pub use assess::missing_error;
pub use load::{Loaded, description_files, load_one, load_programs};

/// Scores and ranks programs. A program that the rubric's `missing = "error"` policy rejects is
/// left out and reported.
pub fn score(rubric: &Rubric, programs: &[Bound]) -> (Scorecard, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut rows = Vec::new();
    for p in programs {
        match assess::score(rubric, p) {
            (row, None) => rows.push(row),
            (_, Some(refused)) => problems.push(refused),
        }
    }
    scoring::rank(&mut rows);
    (Scorecard { rows }, problems)
}
