//! `polscore score`: programmes in, scorecard out.

use std::path::PathBuf;

use clap::ValueEnum;

use super::progress::Progress;
use super::sheet::SheetArgs;
use super::{INVALID_INPUT, SUCCESS, load_rubric, report, write_output, write_output_with};
use polscore::corpus::{self, Shape};
use polscore::diag::{Diagnostics, Limits};
use polscore::report;

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
    /// Threads that score descriptions (default: one per core); the output is the same
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
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

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref(), limits)?;
    let (files, problems) = polscore::description_files(&args.programs);
    let book = polscore::ratings::Book::read(&args.ratings, &rubric, limits);
    let shape = match args.format {
        Format::Wide => Shape::Wide,
        Format::Long => Shape::Long,
        Format::Json | Format::Markdown | Format::Html => Shape::Full,
    };
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let mut progress = Progress::new();
    let scored = corpus::score(
        &rubric,
        &files,
        &book,
        problems,
        args.keep_going,
        corpus::Options {
            threads,
            shape,
            style: args.sheet.style(),
            progress: &mut |done, total| progress.update(done, total),
            limits,
        },
    );
    progress.finish();
    let (card, mut problems) = scored?;
    // Warnings go out before the scorecard is written; they do not change the exit code.
    super::warn(&problems.take_warnings());
    let full = |card: corpus::CorpusCard| card.into_scorecard().expect("a full scorecard");
    match args.format {
        Format::Wide | Format::Long => {
            write_output_with(args.output.as_ref(), |w| card.write_csv(&rubric, w))?
        }
        Format::Json => write_output(
            args.output.as_ref(),
            &report::json::render(&rubric, &full(card)),
        )?,
        Format::Markdown => write_output(
            args.output.as_ref(),
            &report::markdown::render(&rubric, &full(card)),
        )?,
        Format::Html => write_output(
            args.output.as_ref(),
            &report::html::render(&rubric, &full(card)),
        )?,
    }
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
