//! `polscore score`: programmes in, scorecard out.

use std::path::PathBuf;

use clap::ValueEnum;

use super::sheet::SheetArgs;
use super::{INVALID_INPUT, SUCCESS, load_rubric, report, write_output};
use crate::diag::Diagnostics;
use crate::report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One row per programme (default)
    Wide,
    /// One row per programme and criterion, with evidence and notes
    Long,
    /// Everything, with every occurrence, fact and assessment
    Json,
    /// GitHub-flavoured Markdown: ranking, levels, and each programme's evidence trail
    Markdown,
    /// One self-contained HTML page (no scripts, no network) with charts, for print or mail
    Html,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric file (default: the built-in P/CVE rubric)
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Ratings CSV (program_id,criterion_id,assessor,level,rationale); repeatable
    #[arg(long = "ratings", value_name = "CSV")]
    ratings: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Wide)]
    format: Format,
    /// Write the scorecard to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Skip invalid programmes (reported on stderr), score the rest, and exit 1
    #[arg(long)]
    keep_going: bool,
    /// Programme descriptions (.toml, .md, .txt) or directories of them
    #[arg(required = true, value_name = "PROGRAM_OR_DIR")]
    programs: Vec<PathBuf>,
    #[command(flatten)]
    sheet: SheetArgs,
}

impl Args {
    /// Spreadsheet options given with a format that is not CSV.
    pub fn sheet_misuse(&self) -> Option<String> {
        self.sheet.misuse(
            self.format,
            matches!(self.format, Format::Wide | Format::Long),
            "--format wide or long",
        )
    }
}

pub fn run(args: Args) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref())?;
    let mut loaded = crate::load_programs(&args.programs, &rubric);
    let mut problems = loaded.problems;
    problems.extend(crate::ratings::attach(
        &args.ratings,
        &rubric,
        &mut loaded.programs,
    ));
    if !problems.is_empty() && !args.keep_going {
        return Err(problems);
    }
    let (card, rejected) = crate::score(&rubric, &loaded.programs);
    problems.extend(rejected);
    if !problems.is_empty() && !args.keep_going {
        return Err(problems);
    }
    let bytes = match args.format {
        Format::Wide => report::csv::wide(&rubric, &card, &args.sheet.style()),
        Format::Long => report::csv::long(&rubric, &card, &args.sheet.style()),
        Format::Json => report::json::render(&rubric, &card),
        Format::Markdown => report::markdown::render(&rubric, &card),
        Format::Html => report::html::render(&rubric, &card),
    };
    write_output(args.output.as_ref(), &bytes)?;
    if problems.is_empty() {
        Ok(SUCCESS)
    } else {
        report(&problems);
        if super::chatty() {
            let _ = writeln_skipped(problems.len());
        }
        Ok(INVALID_INPUT)
    }
}

fn writeln_skipped(n: usize) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(
        std::io::stderr().lock(),
        "--keep-going: {n} problem{} above; the scorecard holds the programmes that were valid",
        if n == 1 { "" } else { "s" }
    )
}
