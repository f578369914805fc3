//! `polscore explain`: one programme, criterion by criterion, with its evidence.

use std::io::Write;
use std::path::PathBuf;

use super::{INVALID_INPUT, SUCCESS, load_rubric, report};
use crate::diag::{Diagnostic, Diagnostics};
use crate::{assess, program, scoring};

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

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref())?;
    if args.program.is_dir() {
        return Err(Diagnostic::new(format!(
            "`{}` is a directory: explain takes one programme file",
            args.program.display()
        ))
        .with_hint("name one .toml, .md or .txt file, or use `polscore score` for a directory")
        .into());
    }
    let mut programs = [program::load(&args.program, &rubric)?];
    // Rows about other programmes are expected in a shared ratings file: keep only this one's.
    let problems = crate::ratings::attach_to_one(&args.ratings, &rubric, &mut programs[0]);
    if !problems.is_empty() {
        return Err(problems);
    }
    let [program] = programs;
    let mut row = assess::score_program(&rubric, &program);
    let rejected = scoring::aggregate(&rubric, &mut row).err();
    let text = crate::report::explain::render(&rubric, &row);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    match rejected {
        None => Ok(SUCCESS),
        Some(missing) => {
            report(&crate::missing_error(&program, &missing).into());
            Ok(INVALID_INPUT)
        }
    }
}
