//! `polscore rubric-doc`: the rubric as the methodology appendix published beside the scores.

use std::path::PathBuf;

use super::{SUCCESS, load_rubric, write_output};
use polscore::diag::{Diagnostics, Limits};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric file (default: the built-in P/CVE rubric)
    #[arg(value_name = "RUBRIC")]
    rubric: Option<PathBuf>,
    /// Write the document to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref(), limits)?;
    let doc = polscore::report::methodology::render(&rubric);
    write_output(args.output.as_ref(), doc.as_bytes())?;
    Ok(SUCCESS)
}
