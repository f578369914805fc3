//! `polscore explain`: one programme, criterion by criterion, with its evidence.

use std::io::Write;
use std::path::PathBuf;

use super::{INVALID_INPUT, SUCCESS, load_rubric, report};
use polscore::assess;
use polscore::diag::{Diagnostic, Diagnostics, Limits};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric file (default: the built-in P/CVE rubric)
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Ratings CSV (program_id,criterion_id,assessor,level,rationale); repeatable
    #[arg(long = "ratings", value_name = "CSV")]
    ratings: Vec<PathBuf>,
    /// One programme description (.toml, .md or .txt)
    #[arg(value_name = "PROGRAM")]
    program: PathBuf,
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref(), limits)?;
    if args.program.is_dir() {
        return Err(Diagnostic::new(format!(
            "`{}` is a directory: explain takes one programme file",
            args.program.display()
        ))
        .with_hint("name one .toml, .md or .txt file, or use `polscore score` for a directory")
        .into());
    }
    let (bound, mut problems) = polscore::load_one(&args.program, &rubric, limits);
    super::warn(&problems.take_warnings());
    let Some(mut bound) = bound else {
        return Err(problems);
    };
    // Rows about other programmes are expected in a shared ratings file: keep only this one's.
    let mut problems = polscore::ratings::attach_to_one(&args.ratings, &rubric, limits, &mut bound);
    super::warn(&problems.take_warnings());
    if !problems.is_empty() {
        return Err(problems);
    }
    let (row, refused) = assess::score(&rubric, &bound);
    let text = polscore::report::explain::render(&rubric, &row);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    match refused {
        None => Ok(SUCCESS),
        Some(refused) => {
            report(&refused.into());
            Ok(INVALID_INPUT)
        }
    }
}
