//! `polscore schema`: the JSON Schema of rubric or program files, for editors that complete
//! and check TOML against one (taplo, the Even Better TOML extension of VS Code).

use std::path::PathBuf;

use super::{SUCCESS, write_output};
use polscore::diag::Diagnostics;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which files the schema describes
    #[arg(value_enum, value_name = "KIND")]
    kind: Kind,
    /// Write the schema to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    /// Rubric files (`[rubric]`, `[[criteria]]`, ...)
    Rubric,
    /// Program description files (`[program]`, `[facts]`, `[assessments]`)
    Program,
}

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let schema = match args.kind {
        Kind::Rubric => polscore::schema::rubric(),
        Kind::Program => polscore::schema::program(),
    };
    // Two-space indentation and a final newline, as a person would save it.
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value serializes");
    text.push('\n');
    write_output(args.output.as_ref(), text.as_bytes())?;
    Ok(SUCCESS)
}
