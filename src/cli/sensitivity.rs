//! `polscore sensitivity`: how stable the ranking is when the weights move.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::sheet::SheetArgs;
use super::{SUCCESS, load_rubric, write_output};
use polscore::decimal::fixed;
use polscore::diag::{Diagnostics, Limits};
use polscore::report::csv::{Cell, write};
use polscore::sensitivity::{Settings, analyse};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV, one row per programme (default)
    Csv,
    /// An aligned table for reading in a terminal
    Table,
    /// One self-contained HTML page with a rank-acceptability chart and the numbers
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
    /// Number of weight samples
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    samples: u32,
    /// Seed of the random generator: the same seed gives the same output
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Each weight is multiplied by a factor drawn from [1 − X, 1 + X], 0 ≤ X ≤ 1
    #[arg(long, value_name = "X", default_value = "0.25", value_parser = parse_spread)]
    spread: f64,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Write the result to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Programme descriptions (.toml, .md, .txt) or directories of them
    #[arg(required = true, value_name = "PROGRAM_OR_DIR")]
    programs: Vec<PathBuf>,
    #[command(flatten)]
    sheet: SheetArgs,
}

impl Args {
    /// Spreadsheet options given with a format that is not CSV.
    pub fn sheet_misuse(&self) -> Option<String> {
        self.sheet
            .misuse(self.format, self.format == Format::Csv, "--format csv")
    }
}

fn parse_spread(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a number from 0 to 1")),
    }
}

/// A sampled figure as a decimal with `dp` places.
fn figure(x: f64, dp: u32) -> String {
    Decimal::from_f64_retain(x)
        .map(|d| fixed(d, dp))
        .unwrap_or_default()
}

pub fn run(args: Args, limits: &Limits) -> Result<u8, Diagnostics> {
    let rubric = load_rubric(args.rubric.as_deref(), limits)?;
    let mut loaded = polscore::load_programs(&args.programs, &rubric, limits);
    let mut problems = loaded.problems;
    problems.extend(polscore::ratings::attach(
        &args.ratings,
        &rubric,
        limits,
        &mut loaded.programs,
    ));
    super::warn(&loaded.warnings);
    super::warn(&problems.take_warnings());
    let (card, rejected) = polscore::score(&rubric, &loaded.programs);
    problems.extend(rejected);
    if !problems.is_empty() {
        return Err(problems);
    }
    let settings = Settings {
        samples: args.samples as usize,
        seed: args.seed,
        spread: args.spread,
    };
    let result = analyse(&rubric, &card, settings);
    let n = card.rows.len();
    let mut header: Vec<Cell> = [
        "program_id",
        "base_rank",
        "mean_rank",
        "p5_rank",
        "p95_rank",
        "unranked_share",
    ]
    .map(Cell::text)
    .to_vec();
    header.extend((1..=n).map(|r| Cell::text(format!("rank_{r}_share"))));
    header.extend(
        rubric
            .criteria
            .iter()
            .map(|c| Cell::text(format!("without_{}_rank", c.id))),
    );
    let mut rows = vec![header];
    for r in &result {
        let mut row = vec![
            Cell::text(&r.program_id),
            Cell::opt_number(r.base_rank),
            Cell::Number(r.mean_rank.map(|m| figure(m, 2)).unwrap_or_default()),
            Cell::opt_number(r.p5_rank),
            Cell::opt_number(r.p95_rank),
            Cell::Number(figure(r.unranked_share, 4)),
        ];
        row.extend(r.rank_shares.iter().map(|s| Cell::Number(figure(*s, 4))));
        row.extend(r.without.iter().map(|w| Cell::opt_number(*w)));
        rows.push(row);
    }
    let bytes = match args.format {
        Format::Csv => write(&args.sheet.style(), &rows),
        Format::Table => polscore::report::aligned(&rows).into_bytes(),
        Format::Html => polscore::report::html::sensitivity(&rubric, &card, &result, &settings),
    };
    write_output(args.output.as_ref(), &bytes)?;
    Ok(SUCCESS)
}
